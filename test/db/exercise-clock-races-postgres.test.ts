import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/client';
import { openTestPostgres, TEST_DATABASE_URL, type TestDatabase } from '../support/databases';
import { raceClockMoves } from '../support/exercise-races';
import { type Client, client, type Services, testServices, tokenFor } from '../support/http';

describe.skipIf(!TEST_DATABASE_URL)(
  'concurrent clock moves at one exercise, two instances on Postgres',
  () => {
    let test: TestDatabase;
    let second: Database;
    let a: Services;
    let b: Services;
    let facilitatorA: Client;
    let facilitatorB: Client;

    beforeAll(async () => {
      test = await openTestPostgres(10);
      second = await openDatabase({ databaseUrl: test.url!, dataDir: '', maxConnections: 10 });
      a = testServices(test);
      b = testServices({ ...test, database: second });
      facilitatorA = await tokenFor(a, client(a), 'facilitator', 'facilitator');
      facilitatorB = client(b, facilitatorA.token);
    });
    afterAll(async () => {
      await second?.close();
      await test?.dispose();
    });

    it.each([3, 10])(
      '%i moves at once over both instances: each accepted move counts, none is lost, every inject once',
      async (n) => {
        const accepted = await raceClockMoves([facilitatorA, facilitatorB], facilitatorA, n);
        // Moves on one instance queue; a move while the other instance holds the clock may be refused (412).
        expect(accepted).toBeGreaterThanOrEqual(1);
        expect(accepted).toBeLessThanOrEqual(n);
      },
    );
  },
);
