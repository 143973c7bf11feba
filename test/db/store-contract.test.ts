import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../src/engine/checkpoints';
import type {
  EventRecord,
  IncidentMode,
  IncidentRow,
  IncidentStore,
  IncidentWrite,
  OutboxMessage,
  Sealed,
  TimerRow,
} from '../../src/engine/types';
import { storageBackends, type TestStorage } from '../support/databases';
import { testKeyring } from '../support/keys';

/** The storage ports on their own, with hand-made rows: what every backend must answer alike. */

const T0 = '2026-03-08T10:00:00Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const incidentRow = (change: Partial<IncidentRow> = {}): IncidentRow => ({
  id: randomUUID(),
  playbookId: 'drill',
  playbookVersion: 1,
  title: 'Drill',
  severity: 'high',
  mode: 'live',
  exerciseId: null,
  status: 'open',
  overdue: false,
  overdueItems: [],
  state: { work: 'open' },
  snapshot: { value: { work: 'open' }, context: { notes: [] } },
  version: 1,
  changeSeq: 0,
  headHash: 'h1',
  clockNow: null,
  lastOccurredAt: T0,
  createdAt: T0,
  updatedAt: T0,
  closedAt: null,
  ...change,
});

const eventRecord = (incidentId: string, seq: number, change: Partial<EventRecord> = {}): EventRecord => ({
  incidentId,
  seq,
  type: seq === 1 ? 'incident.opened' : 'note.added',
  payload: { n: seq },
  actor: 'rita',
  actorId: 'principal-rita',
  source: 'api',
  occurredAt: T0,
  recordedAt: T0,
  stateAfter: { work: 'open' },
  note: null,
  idempotencyKey: null,
  requestHash: null,
  prevHash: `h${seq - 1}`,
  hash: `h${seq}`,
  ...change,
});

const timer = (incidentId: string, timerId: string, dueAt: string): TimerRow => ({
  incidentId,
  timerId,
  event: { type: 'deadline.passed' },
  label: `Timer ${timerId}`,
  dueAt,
});

const keyring = testKeyring();
/** The checkpoint a write of `incident` carries: its head, signed. */
const sealOf = (incident: IncidentRow): Checkpoint =>
  keyring.sign({
    incidentId: incident.id,
    seq: incident.version,
    hash: incident.headHash,
    signedAt: incident.updatedAt,
  });

/** The outbox message an event sends. */
const messageOf = (incident: IncidentRow, event: EventRecord): OutboxMessage => ({
  id: `msg_${randomUUID().replaceAll('-', '')}`,
  incidentId: incident.id,
  seq: event.seq,
  type: event.seq === 1 ? 'incident.opened' : 'incident.event',
  mode: incident.mode,
  playbookId: incident.playbookId,
  severity: incident.severity,
  data: { event: { seq: event.seq, type: event.type } },
  details: event.note === null ? null : { note: event.note },
  createdAt: event.recordedAt,
});

/** The first write of an incident: the row, its first event and its timers, sealed, and its message. */
const firstWrite = (incident: IncidentRow, timersToAdd: TimerRow[] = []): IncidentWrite & Sealed => {
  const event = eventRecord(incident.id, 1);
  return {
    incident,
    event,
    timersToAdd,
    timerIdsToRemove: [],
    checkpoint: sealOf(incident),
    outbox: [messageOf(incident, event)],
  };
};

/** The next write of `row`: one version on, one event, the timer changes, the checkpoint of its head. */
function nextWrite(
  row: IncidentRow,
  change: Partial<IncidentRow> = {},
  timers: { add?: TimerRow[]; remove?: string[]; event?: Partial<EventRecord> } = {},
): IncidentWrite & Sealed {
  const version = row.version + 1;
  const incident = { ...row, version, headHash: `h${version}`, updatedAt: at(version), ...change };
  const event = eventRecord(row.id, version, {
    occurredAt: at(version),
    recordedAt: at(version),
    ...timers.event,
  });
  return {
    incident,
    checkpoint: sealOf(incident),
    event,
    timersToAdd: timers.add ?? [],
    timerIdsToRemove: timers.remove ?? [],
    outbox: [messageOf(incident, event)],
  };
}

/** A firing that records one timer event per due timer and removes them. */
type Work = Parameters<IncidentStore['withLockedIncident']>[1];

const fireAll =
  (seen: TimerRow[][] = []): Work =>
  ({ incident, due }) => {
    seen.push(due);
    const events = due.map((t, i) =>
      eventRecord(incident.id, incident.version + 1 + i, {
        type: t.event.type,
        source: 'timer',
        actor: 'timer',
        occurredAt: t.dueAt,
        payload: { timer: t.timerId },
      }),
    );
    const version = incident.version + events.length;
    const fired = { ...incident, version, headHash: `h${version}` };
    return {
      incident: fired,
      checkpoint: events.length > 0 ? sealOf(fired) : null,
      outbox: events.map((event) => messageOf(fired, event)),
      events,
      timersToAdd: [],
      timerIdsToRemove: due.map((t) => t.timerId),
    };
  };

/** A clock move: the firing of `work`, with the incident's clock at `to`. */
const moveClockTo =
  (to: string, work: Work): Work =>
  (locked) => {
    const firing = work(locked);
    return { ...firing, incident: { ...firing.incident, clockNow: to } };
  };

const incidentKeys = Object.keys(incidentRow()) as (keyof IncidentRow)[];
const timerKeys = Object.keys(timer('', '', T0)) as (keyof TimerRow)[];
const pick = <T>(row: T, keys: (keyof T)[]): T => Object.fromEntries(keys.map((key) => [key, row[key]])) as T;

/**
 * The store's rows in the ports' shape: what a row carries beyond IncidentRow and TimerRow (the SQL store
 * passes its extra columns along: `change_xid`, `live`) is no part of the contract.
 */
function portShaped(store: IncidentStore): IncidentStore {
  const { getIncident, listIncidents, listTimers, withLockedIncident } = {
    getIncident: store.getIncident.bind(store),
    listIncidents: store.listIncidents.bind(store),
    listTimers: store.listTimers.bind(store),
    withLockedIncident: store.withLockedIncident.bind(store),
  };
  const incident = (row: IncidentRow | null) => row && pick(row, incidentKeys);
  return Object.assign(store, {
    getIncident: async (id: string, mode?: IncidentMode) => incident(await getIncident(id, mode)),
    listIncidents: async (filter: Parameters<IncidentStore['listIncidents']>[0]) =>
      (await listIncidents(filter)).map((row) => pick(row, incidentKeys)),
    listTimers: async (id: string) => (await listTimers(id)).map((row) => pick(row, timerKeys)),
    withLockedIncident: async (pick: Parameters<IncidentStore['withLockedIncident']>[0], work: Work) =>
      incident(await withLockedIncident(pick, work)),
  });
}

for (const backend of storageBackends) {
  describe.skipIf(!backend.enabled)(`store contract on ${backend.name}`, () => {
    let storage: TestStorage;
    let store: IncidentStore;
    beforeAll(async () => {
      storage = await backend.open();
    });
    afterAll(async () => {
      await storage?.dispose();
    });
    beforeEach(async () => {
      await storage.reset();
      store = portShaped(storage.incidentStore());
    });

    /** Inserts an incident with its first event and `timers`; resolves to the stored row. */
    const open = async (change: Partial<IncidentRow> = {}, timers: (id: string) => TimerRow[] = () => []) => {
      const incident = incidentRow(change);
      const changeSeq = await store.insertIncident(firstWrite(incident, timers(incident.id)));
      expect(changeSeq).toBeGreaterThan(0);
      return (await store.getIncident(incident.id))!;
    };
    const timerIds = async (id: string) => (await store.listTimers(id)).map((t) => t.timerId);

    it('stores an incident as written, timestamps in milliseconds, and hands out copies', async () => {
      const incident = incidentRow({ clockNow: null });
      const write = firstWrite(incident);
      const { event } = write;
      const changeSeq = await store.insertIncident(write);
      (incident.state as { work: string }).work = 'mutated after the insert';
      const stored = await store.getIncident(incident.id);
      expect(stored).toEqual({
        ...incidentRow({ id: incident.id }),
        changeSeq,
        createdAt: '2026-03-08T10:00:00.000Z',
        updatedAt: '2026-03-08T10:00:00.000Z',
        lastOccurredAt: '2026-03-08T10:00:00.000Z',
      });
      (stored!.state as { work: string }).work = 'mutated after the read';
      expect((await store.getIncident(incident.id))?.state).toEqual({ work: 'open' });
      expect(await store.listEvents(incident.id, 0, 10)).toEqual([
        { ...event, occurredAt: '2026-03-08T10:00:00.000Z', recordedAt: '2026-03-08T10:00:00.000Z' },
      ]);
      expect(await store.getIncident(randomUUID())).toBeNull();
    });

    it('finds an incident by id and mode only when it has that mode', async () => {
      const live = await open();
      const exercise = await open({ mode: 'exercise', clockNow: T0 });
      expect((await store.getIncident(live.id, 'live'))?.id).toBe(live.id);
      expect(await store.getIncident(live.id, 'exercise')).toBeNull();
      expect((await store.getIncident(exercise.id, 'exercise'))?.id).toBe(exercise.id);
      expect((await store.getIncident(exercise.id))?.id).toBe(exercise.id);
    });

    it('commits an advance guarded by version and change_seq, each commit on one global change sequence', async () => {
      const a = await open();
      const b = await open();
      expect(b.changeSeq).toBeGreaterThan(a.changeSeq);
      const first = await store.commitAdvance(a, nextWrite(a));
      expect(first.status).toBe('committed');
      const seqA = (first as { changeSeq: number }).changeSeq;
      expect(seqA).toBeGreaterThan(b.changeSeq);
      const second = await store.commitAdvance(b, nextWrite(b));
      expect((second as { changeSeq: number }).changeSeq).toBeGreaterThan(seqA);

      // The row a was read at is stale now: same version, or same change_seq, is not enough.
      expect(await store.commitAdvance(a, nextWrite(a))).toEqual({ status: 'version_conflict' });
      const current = (await store.getIncident(a.id))!;
      expect(current).toMatchObject({ version: 2, changeSeq: seqA, headHash: 'h2' });
      expect(await store.commitAdvance({ version: 2, changeSeq: a.changeSeq }, nextWrite(current))).toEqual({
        status: 'version_conflict',
      });
      expect(await store.commitAdvance({ version: 1, changeSeq: seqA }, nextWrite(current))).toEqual({
        status: 'version_conflict',
      });
      expect((await store.listEvents(a.id, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('writes only the columns an advance changes', async () => {
      const row = await open({ mode: 'exercise', clockNow: at(0) });
      const write = nextWrite(row, {
        title: 'renamed',
        clockNow: at(30),
        lastOccurredAt: at(2),
        overdue: true,
        overdueItems: [
          {
            kind: 'deadline',
            id: 'd',
            label: 'D',
            dueAt: at(1),
            step: 'work',
            since: at(1),
          } as IncidentRow['overdueItems'][number],
        ],
        state: { work: 'started' },
      });
      const result = await store.commitAdvance(row, write);
      expect(await store.getIncident(row.id)).toEqual({
        ...row,
        version: 2,
        changeSeq: (result as { changeSeq: number }).changeSeq,
        headHash: 'h2',
        updatedAt: at(2),
        lastOccurredAt: at(2),
        overdue: true,
        overdueItems: write.incident.overdueItems,
        state: { work: 'started' },
      });
    });

    it('refuses a repeated Idempotency-Key on the incident and writes nothing', async () => {
      const row = await open();
      const keyed = { event: { idempotencyKey: 'k-1', requestHash: 'r' } };
      const first = await store.commitAdvance(row, nextWrite(row, {}, keyed));
      expect(first.status).toBe('committed');
      const current = (await store.getIncident(row.id))!;
      expect(await store.commitAdvance(current, nextWrite(current, {}, keyed))).toEqual({
        status: 'idempotency_conflict',
      });
      expect(await store.getIncident(row.id)).toEqual(current);
      expect((await store.findEventByIdempotencyKey(row.id, 'k-1'))?.seq).toBe(2);
      expect(await store.findEventByIdempotencyKey(row.id, 'k-2')).toBeNull();
      // Keys are per incident.
      const other = await open();
      expect((await store.commitAdvance(other, nextWrite(other, {}, keyed))).status).toBe('committed');
    });

    it('settles two concurrent commits on the same row: one commits, the other conflicts', async () => {
      const row = await open();
      const results = await Promise.all([
        store.commitAdvance(row, nextWrite(row, { state: { by: 'a' } })),
        storage.incidentStore().commitAdvance(row, nextWrite(row, { state: { by: 'b' } })),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['committed', 'version_conflict']);
      expect((await store.listEvents(row.id, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('stores the checkpoint of each write with it; none for a write that does not commit or appends nothing', async () => {
      const row = await open({}, (id) => [timer(id, 'a', at(10))]);
      const second = nextWrite(row);
      expect((await store.commitAdvance(row, second)).status).toBe('committed');
      expect(await store.commitAdvance(row, nextWrite(row, { state: { lost: true } }))).toEqual({
        status: 'version_conflict',
      });
      expect(await store.withLockedIncident({ dueBy: at(10) }, fireAll())).toMatchObject({ version: 3 });
      expect(await store.withLockedIncident({ id: row.id, dueBy: at(60) }, fireAll())).toMatchObject({
        version: 3,
      });
      const checkpoints = await store.listCheckpoints(row.id);
      expect(checkpoints.map((c) => [c.seq, c.hash])).toEqual([
        [1, 'h1'],
        [2, 'h2'],
        [3, 'h3'],
      ]);
      expect(checkpoints[1]).toEqual(second.checkpoint);
      expect(await store.listCheckpoints(randomUUID())).toEqual([]);
    });

    it('stores the outbox messages of a write with its events: none when the write does not commit', async () => {
      const opening = firstWrite(incidentRow());
      await store.insertIncident(opening);
      const row = (await store.getIncident(opening.incident.id))!;
      const second = nextWrite(
        row,
        {},
        { add: [timer(row.id, 'a', at(10))], event: { note: 'called legal' } },
      );
      expect((await store.commitAdvance(row, second)).status).toBe('committed');
      // Lost races, a repeated Idempotency-Key and a unit of work that throws write no message.
      expect((await store.commitAdvance(row, nextWrite(row))).status).toBe('version_conflict');
      const current = (await store.getIncident(row.id))!;
      const keyed = { event: { idempotencyKey: 'k', requestHash: 'r' } };
      expect((await store.commitAdvance(current, nextWrite(current, {}, keyed))).status).toBe('committed');
      const again = (await store.getIncident(row.id))!;
      expect((await store.commitAdvance(again, nextWrite(again, {}, keyed))).status).toBe(
        'idempotency_conflict',
      );
      await expect(
        store.withLockedIncident({ id: row.id, dueBy: at(60) }, () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      const fired = await store.withLockedIncident({ dueBy: at(60) }, fireAll());
      expect(fired?.version).toBe(4);

      const messages = await store.listOutboxMessages(row.id);
      expect(messages.map((m) => [m.seq, m.type])).toEqual([
        [1, 'incident.opened'],
        [2, 'incident.event'],
        [3, 'incident.event'],
        [4, 'incident.event'],
      ]);
      expect(messages[0]).toEqual({ ...opening.outbox[0], createdAt: '2026-03-08T10:00:00.000Z' });
      expect(messages[1]).toEqual(second.outbox[0]);
      const events = await store.listEvents(row.id, 0, 10);
      expect(events.map((e) => e.seq)).toEqual(messages.map((m) => m.seq));
      expect(await store.listOutboxMessages(randomUUID())).toEqual([]);
    });

    it('applies the timer changes of a write: re-armed ids replaced, removed ids deleted, none once closed', async () => {
      const row = await open({}, (id) => [
        timer(id, 'a', at(60)),
        timer(id, 'b', at(30)),
        timer(id, 'c', at(90)),
      ]);
      expect(await store.listTimers(row.id)).toEqual([
        timer(row.id, 'b', '2026-03-08T10:30:00.000Z'),
        timer(row.id, 'a', '2026-03-08T11:00:00.000Z'),
        timer(row.id, 'c', '2026-03-08T11:30:00.000Z'),
      ]);
      await store.commitAdvance(
        row,
        nextWrite(
          row,
          {},
          { add: [timer(row.id, 'a', at(10)), timer(row.id, 'c', at(5))], remove: ['b', 'c'] },
        ),
      );
      expect((await store.listTimers(row.id)).map((t) => [t.timerId, t.dueAt])).toEqual([
        ['c', at(5)],
        ['a', at(10)],
      ]);
      const current = (await store.getIncident(row.id))!;
      await store.commitAdvance(
        current,
        nextWrite(current, { status: 'closed', closedAt: at(3) }, { add: [timer(row.id, 'd', at(20))] }),
      );
      expect(await store.listTimers(row.id)).toEqual([]);
      expect(await store.getIncident(row.id)).toMatchObject({ status: 'closed', closedAt: at(3) });
    });

    it('fires the open live incident with the earliest due timer, its due timers in due order', async () => {
      const later = await open({}, (id) => [timer(id, 'x', at(20))]);
      const earlier = await open({}, (id) => [
        timer(id, 'late', at(15)),
        timer(id, 'early', at(10)),
        timer(id, 'future', at(120)),
      ]);
      await open({ mode: 'exercise' }, (id) => [timer(id, 'exercise', at(1))]);
      expect(await store.nextDueAt()).toBe(at(10));

      expect(await store.withLockedIncident({ dueBy: at(5) }, fireAll())).toBeNull();
      const seen: TimerRow[][] = [];
      const written = await store.withLockedIncident({ dueBy: at(30) }, fireAll(seen));
      expect(seen.map((due) => due.map((t) => [t.incidentId, t.timerId, t.dueAt]))).toEqual([
        [
          [earlier.id, 'early', at(10)],
          [earlier.id, 'late', at(15)],
        ],
      ]);
      const fired = (await store.getIncident(earlier.id))!;
      expect(written).toEqual(fired);
      expect(fired.version).toBe(3);
      expect(fired.changeSeq).toBeGreaterThan(earlier.changeSeq);
      expect((await store.listEvents(earlier.id, 1, 10)).map((e) => [e.seq, e.occurredAt])).toEqual([
        [2, at(10)],
        [3, at(15)],
      ]);
      expect(await timerIds(earlier.id)).toEqual(['future']);

      expect((await store.withLockedIncident({ dueBy: at(30) }, fireAll(seen)))?.id).toBe(later.id);
      expect(seen[1]?.map((t) => t.timerId)).toEqual(['x']);
      expect(await timerIds(later.id)).toEqual([]);
      expect(await store.withLockedIncident({ dueBy: at(30) }, fireAll())).toBeNull();
      expect(await store.nextDueAt()).toBe(at(120));
    });

    it('writes only the timers of a firing with no events', async () => {
      const row = await open({}, (id) => [timer(id, 'stale', at(1)), timer(id, 'kept', at(60))]);
      expect(
        await store.withLockedIncident({ dueBy: at(5) }, ({ incident, due }) => ({
          incident: { ...incident, version: 99, state: { changed: true } },
          events: [],
          checkpoint: null,
          outbox: [],
          timersToAdd: [timer(row.id, 'new', at(30))],
          timerIdsToRemove: due.map((t) => t.timerId),
        })),
      ).toEqual(row);
      expect(await store.getIncident(row.id)).toEqual(row);
      expect(await timerIds(row.id)).toEqual(['new', 'kept']);
    });

    it('moves an exercise clock, firing the timers due by then first', async () => {
      const row = await open({ mode: 'exercise', clockNow: at(0) }, (id) => [
        timer(id, 'b', at(20)),
        timer(id, 'a', at(10)),
        timer(id, 'c', at(50)),
      ]);
      expect(await store.nextDueAt()).toBeNull();
      const seen: TimerRow[][] = [];
      const moved = await store.withLockedIncident(
        { id: row.id, dueBy: at(30) },
        moveClockTo('2026-03-08T10:30:00Z', fireAll(seen)),
      );
      expect(seen.map((due) => due.map((t) => t.timerId))).toEqual([['a', 'b']]);
      expect(moved).toMatchObject({ version: 3, clockNow: at(30) });
      expect(moved!.changeSeq).toBeGreaterThan(row.changeSeq);
      expect(await store.getIncident(row.id)).toEqual(moved);
      expect(await timerIds(row.id)).toEqual(['c']);

      // Nothing due: the clock still moves, and change_seq with it.
      const quiet = await store.withLockedIncident(
        { id: row.id, dueBy: at(40) },
        moveClockTo(at(40), fireAll()),
      );
      expect(quiet).toMatchObject({ version: 3, clockNow: at(40) });
      expect(quiet!.changeSeq).toBeGreaterThan(moved!.changeSeq);
      expect(await store.getIncident(row.id)).toEqual(quiet);
      expect(
        await store.withLockedIncident({ id: randomUUID(), dueBy: at(40) }, moveClockTo(at(40), fireAll())),
      ).toBeNull();
    });

    it('writes nothing when the unit of work throws', async () => {
      const row = await open({ mode: 'exercise', clockNow: at(0) }, (id) => [timer(id, 'a', at(10))]);
      const refused = store.withLockedIncident({ id: row.id, dueBy: at(30) }, () => {
        throw new Error('refused');
      });
      await expect(refused).rejects.toThrow('refused');
      expect(await store.getIncident(row.id)).toEqual(row);
      expect(await timerIds(row.id)).toEqual(['a']);
    });

    it('moves a clock quietly only from the change_seq read and with no timer due by the target', async () => {
      const row = await open({ mode: 'exercise', clockNow: at(0) }, (id) => [timer(id, 'a', at(30))]);
      expect(await store.moveClockQuietly(row.id, row.changeSeq - 1, at(10))).toBeNull();
      expect(await store.moveClockQuietly(row.id, row.changeSeq, at(30))).toBeNull();
      const seq = await store.moveClockQuietly(row.id, row.changeSeq, '2026-03-08T10:29:59.999Z');
      expect(seq).toBeGreaterThan(row.changeSeq);
      expect(await store.getIncident(row.id)).toEqual({
        ...row,
        changeSeq: seq,
        clockNow: '2026-03-08T10:29:59.999Z',
      });
      expect(await store.moveClockQuietly(row.id, row.changeSeq, at(20))).toBeNull();
      expect(await store.moveClockQuietly(randomUUID(), seq!, at(20))).toBeNull();
    });

    it('lists incidents by filter, newest first (created_at, then id, descending)', async () => {
      const ids = [randomUUID(), randomUUID(), randomUUID()].sort();
      const made = [
        await open({ id: ids[0], createdAt: at(1) }),
        await open({ id: ids[2], createdAt: at(1), mode: 'exercise' }),
        await open({ id: ids[1], createdAt: at(1), overdue: true }),
        await open({ createdAt: at(5), playbookId: 'other' }),
        await open({ createdAt: at(0), status: 'closed', closedAt: at(0) }),
      ];
      const list = async (filter: Parameters<IncidentStore['listIncidents']>[0]) =>
        (await store.listIncidents(filter)).map((row) => made.findIndex((m) => m.id === row.id));
      expect(await list({ limit: 10 })).toEqual([3, 1, 2, 0, 4]);
      expect(await list({ limit: 2 })).toEqual([3, 1]);
      expect(await list({ limit: 10, status: 'open' })).toEqual([3, 1, 2, 0]);
      expect(await list({ limit: 10, status: 'closed' })).toEqual([4]);
      expect(await list({ limit: 10, mode: 'exercise' })).toEqual([1]);
      expect(await list({ limit: 10, playbookId: 'drill', mode: 'live' })).toEqual([2, 0, 4]);
      expect(await list({ limit: 10, overdue: true })).toEqual([2]);
      expect(await list({ limit: 10, overdue: false, playbookId: 'drill' })).toEqual([1, 0, 4]);
      const counts = await store.countOpenIncidents();
      expect(
        counts.sort((a, b) => `${a.playbookId}${a.mode}`.localeCompare(`${b.playbookId}${b.mode}`)),
      ).toEqual([
        { playbookId: 'drill', mode: 'exercise', count: 1 },
        { playbookId: 'drill', mode: 'live', count: 2 },
        { playbookId: 'other', mode: 'live', count: 1 },
      ]);
    });

    it('pages through events by seq', async () => {
      let row = await open();
      for (let i = 0; i < 4; i++) {
        await store.commitAdvance(row, nextWrite(row));
        row = (await store.getIncident(row.id))!;
      }
      const seqs = async (after: number, limit: number) =>
        (await store.listEvents(row.id, after, limit)).map((e) => e.seq);
      expect(await seqs(0, 10)).toEqual([1, 2, 3, 4, 5]);
      expect(await seqs(0, 2)).toEqual([1, 2]);
      expect(await seqs(2, 2)).toEqual([3, 4]);
      expect(await seqs(4, 2)).toEqual([5]);
      expect(await seqs(5, 2)).toEqual([]);
      expect(await store.listEvents(randomUUID(), 0, 10)).toEqual([]);
    });

    it('keeps tokens of principals: one principal per name key, revocation once, found by hash while active', async () => {
      const tokens = storage.tokenStore();
      const issue = (name: string, tokenHash: string, kind?: 'person' | 'service') =>
        tokens.issueToken({
          principal: { id: randomUUID(), name, nameKey: name.toLowerCase(), kind },
          token: { id: randomUUID(), roles: ['lead'], tokenHash },
        });
      const made = await issue('ci', 'x1', 'service');
      expect(made.principal).toMatchObject({ name: 'ci', kind: 'service' });
      expect(made.token).toMatchObject({
        name: 'ci',
        principalId: made.principal.id,
        roles: ['lead'],
        revokedAt: null,
      });
      expect(made.token).not.toHaveProperty('tokenHash');
      const again = await issue('ci', 'x2');
      expect(again.principal.id).toBe(made.principal.id);
      expect(again.token?.principalId).toBe(made.principal.id);
      expect(await issue('CI', 'x3')).toEqual({ principal: made.principal, token: null });
      expect(await issue('ci', 'x3', 'person')).toEqual({ principal: made.principal, token: null });
      const codeOf = (error: unknown) =>
        ((error as { cause?: { code?: string } }).cause ?? (error as { code?: string })).code;
      expect(codeOf(await issue('ci', 'x1').catch((e: unknown) => e))).toBe('23505');

      const token = made.token!;
      expect((await tokens.findActiveTokenByHash('x1'))?.id).toBe(token.id);
      const revoked = await tokens.revokeToken(token.id);
      expect(revoked?.revokedAt).toEqual(expect.any(String));
      expect((await tokens.revokeToken(token.id))?.revokedAt).toBe(revoked?.revokedAt);
      expect(await tokens.findActiveTokenByHash('x1')).toBeNull();
      expect(await tokens.revokeToken(randomUUID())).toBeNull();
      expect(await tokens.countTokens()).toBe(2);
      expect((await tokens.listTokens()).map((t) => t.name)).toEqual(['ci', 'ci']);
      await issue('dana', 'x4');
      expect((await tokens.listPrincipals()).map((p) => p.name)).toEqual(['ci', 'dana']);
    });

    it('makes a signed-in person once, under the first free name, and links a subject to one principal', async () => {
      const tokens = storage.tokenStore();
      await tokens.issueToken({
        principal: { id: randomUUID(), name: 'dana', nameKey: 'dana', kind: undefined },
        token: { id: randomUUID(), roles: ['lead'], tokenHash: 'x1' },
      });
      const names = [
        { name: 'dana', nameKey: 'dana' },
        { name: 'dana (sso)', nameKey: 'dana (sso)' },
      ];
      const made = await tokens.signedInPrincipal('iss#u-1', randomUUID(), names);
      expect(made).toMatchObject({ name: 'dana (sso)', kind: 'person', oidcSubject: 'iss#u-1' });
      expect(await tokens.signedInPrincipal('iss#u-1', randomUUID(), [{ name: 'x', nameKey: 'x' }])).toEqual(
        made,
      );
      expect(await tokens.signedInPrincipal('iss#u-2', randomUUID(), names)).toBeNull();

      expect(await tokens.linkOidcSubject('dana', 'iss#u-1')).toEqual({
        principal: expect.objectContaining({ name: 'dana', oidcSubject: null }),
        holder: made,
      });
      const linked = await tokens.linkOidcSubject('dana', 'iss#u-3');
      expect(linked.principal).toMatchObject({ name: 'dana', oidcSubject: 'iss#u-3' });
      expect(linked.holder).toEqual(linked.principal);
      expect((await tokens.linkOidcSubject('dana', 'iss#u-4')).principal?.oidcSubject).toBe('iss#u-3');
      expect(await tokens.linkOidcSubject('nobody', 'iss#u-5')).toEqual({ principal: null, holder: null });
      expect((await tokens.signedInPrincipal('iss#u-3', randomUUID(), names))?.id).toBe(linked.principal?.id);
    });

    it('keeps exercises and lends their clock to one mover at a time', async () => {
      const exercises = storage.exerciseStore();
      const id = randomUUID();
      await exercises.insertExercise({
        id,
        scenarioId: 's',
        scenario: { injects: [] },
        scenarioHash: 'sha',
        incidentId: null,
        status: 'running',
        startedAt: T0,
        finishedAt: null,
      });
      expect(await exercises.getExercise(id)).toMatchObject({ startedAt: at(0), status: 'running' });
      expect(await exercises.claimClockMove(id, 'one', at(0), at(1))).toBe(true);
      expect(await exercises.claimClockMove(id, 'two', at(0), at(1))).toBe(false);
      await exercises.releaseClockMove(id, 'two');
      expect(await exercises.claimClockMove(id, 'two', at(0), at(1))).toBe(false);
      expect(await exercises.claimClockMove(id, 'two', at(1), at(2))).toBe(true);
      await exercises.releaseClockMove(id, 'two');
      expect(await exercises.claimClockMove(id, 'three', at(0), at(1))).toBe(true);
      const incidentId = randomUUID();
      // A whole row may be passed: only the status, end and incident change.
      const row = (await exercises.getExercise(id))!;
      const change = { status: 'finished' as const, finishedAt: at(9), incidentId };
      const whole = { ...row, scenario: { injects: ['changed'] }, ...change };
      await exercises.updateExercise(id, whole);
      const stored = {
        id,
        scenarioId: 's',
        scenario: { injects: [] },
        scenarioHash: 'sha',
        incidentId,
        status: 'finished',
        startedAt: at(0),
        finishedAt: at(9),
      };
      expect(await exercises.getExercise(id)).toEqual(stored);
      expect(await exercises.getExercise(id, { scenario: false })).toEqual({ ...stored, scenario: null });
      expect(await exercises.getExercise(randomUUID())).toBeNull();

      // Listed newest first; one whose incident was never opened (a failed start) is left out.
      const later = { ...stored, id: randomUUID(), startedAt: at(3), status: 'running' as const };
      await exercises.insertExercise(later);
      await exercises.insertExercise({ ...later, id: randomUUID(), startedAt: at(4), incidentId: null });
      expect((await exercises.listExercises(10)).map((row) => row.id)).toEqual([later.id, id]);
      expect(await exercises.listExercises(1)).toEqual([later]);
    });

    it("keeps an exercise's refused moves in virtual-time order, up to the cap, and no one else's", async () => {
      const exercises = storage.exerciseStore();
      const exercise = async () => {
        const id = randomUUID();
        await exercises.insertExercise({
          id,
          scenarioId: 's',
          scenario: {},
          scenarioHash: 'sha',
          incidentId: null,
          status: 'running',
          startedAt: T0,
          finishedAt: null,
        });
        return id;
      };
      const [mine, other] = [await exercise(), await exercise()];
      const move = (exerciseId: string, minutes: number, actor: string) => ({
        id: randomUUID(),
        exerciseId,
        at: at(minutes),
        actor,
        event: 'credentials.revoked',
        code: 'event_not_allowed',
        reason: 'the evidence gate is closed',
        recordedAt: T0,
      });
      expect(await exercises.recordRefusedMove(move(mine, 100, 'dan'), 2)).toBe(true);
      expect(await exercises.recordRefusedMove(move(mine, 30, 'carol'), 2)).toBe(true);
      expect(await exercises.recordRefusedMove(move(mine, 200, 'eve'), 2)).toBe(false);
      expect(await exercises.recordRefusedMove(move(other, 5, 'fay'), 2)).toBe(true);
      const kept = await exercises.listRefusedMoves(mine, 10);
      expect(kept.map((m) => `${m.actor}@${m.at}`)).toEqual([`carol@${at(30)}`, `dan@${at(100)}`]);
      expect(kept[0]).toMatchObject({ exerciseId: mine, code: 'event_not_allowed', recordedAt: at(0) });
      expect(await exercises.listRefusedMoves(mine, 1)).toHaveLength(1);
      expect(await exercises.listRefusedMoves(randomUUID(), 10)).toEqual([]);
    });
  });
}
