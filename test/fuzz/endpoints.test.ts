import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledScenarios } from '../../src/tabletop';
import {
  anyJson,
  badAccept,
  badAuthorization,
  badContentType,
  badHeaderList,
  badIdempotencyKey,
  badIdSegment,
  badIfMatch,
  badLastEventId,
  corruptedJson,
  deepArrayJson,
  deepObjectJson,
  everyFieldWrong,
  exampleOf,
  fuzzParams,
  hostileString,
  instanceOf,
  type JsonSchema,
  malformedJsonTexts,
  mutated,
  queryBoundaries,
  queryString,
  resolverFor,
  sendableHeader,
} from '../support/fuzz-arbitraries';
import { openFuzzApp } from '../support/fuzz-harness';
import { ADMIN_TOKEN } from '../support/http';

/**
 * Every operation of the OpenAPI document (read from the running app, so a new endpoint is fuzzed without
 * touching this file) with hostile path ids, query strings, headers and bodies: systematic passes over
 * every declared parameter and body field, then random ones. The contract (checked by the harness on every
 * response): no 5xx, every 4xx an RFC 9457 problem with a code, and a rejected request or any GET leaves the
 * database as it was.
 */

const BODY_LIMIT = 16_384;
const fuzz = await openFuzzApp({ HOLDFAST_BODY_LIMIT_BYTES: BODY_LIMIT, HOLDFAST_STREAM_HEARTBEAT_MS: 100 });
afterAll(async () => {
  console.info(`endpoints fuzz: ${fuzz.summary()}`);
  await fuzz.close();
});

const { seeds } = fuzz;
const doc = (await fuzz.send({ method: 'GET', path: '/openapi.json', token: null })).body as {
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema> };
};
const resolve = resolverFor(doc);

interface Operation {
  key: string;
  method: string;
  template: string;
  pathParams: string[];
  query: JsonSchema[];
  headers: JsonSchema[];
  body?: JsonSchema;
  /** Under `/v1` and documented with a token (`security: []` marks a public one, such as `/v1/keys`). */
  needsToken: boolean;
}

const httpMethods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const operations: Operation[] = Object.entries(doc.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([method]) => httpMethods.includes(method))
    .map(([method, op]) => {
      const parameters: JsonSchema[] = op.parameters ?? [];
      return {
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name as string),
        query: parameters.filter((p) => p.in === 'query'),
        headers: parameters.filter((p) => p.in === 'header'),
        body: op.requestBody?.content?.['application/json']?.schema,
        needsToken: template.startsWith('/v1/') && !(Array.isArray(op.security) && op.security.length === 0),
      };
    }),
);

const drill = seeds.incidents.drill!;
const incidentIds = [drill, ...Object.values(seeds.incidents), seeds.exerciseIncidentId];
/** Ids of things that exist, for the resource a path names, so a request gets past the lookup. */
function realIds(template: string): string[] {
  const resource = /\/([a-z]+)\/\{[a-z]+\}/.exec(template)?.[1];
  switch (resource) {
    case 'incidents':
      return incidentIds;
    case 'exercises':
      return [seeds.exerciseId];
    case 'tokens':
      return seeds.victimTokenIds;
    case 'playbooks':
      return ['drill', ...seeds.playbookIds];
    default:
      return [...incidentIds, seeds.exerciseId, ...seeds.playbookIds];
  }
}

const fill = (template: string, id: string) => template.replace(/\{[^}]+\}/g, id);
const realPath = (template: string) => fc.constantFrom(...realIds(template)).map((id) => fill(template, id));
/** The first real id: the drill incident for incident paths, which `goodBodies` fit. */
const firstRealPath = (template: string) => fill(template, realIds(template)[0]!);

const tokens = fc.constantFrom<string | undefined>(
  undefined,
  undefined,
  seeds.tokens.observer,
  seeds.tokens.facilitator,
  seeds.tokens.responder,
);

const eventTypes = fuzz.services.registry.latest().flatMap((p) => p.events.map((e) => e.type));
/** Plausible values by field name, so generated bodies often get past the schema to the engine. */
const hints: Record<string, readonly unknown[]> = {
  playbookId: [...seeds.playbookIds, 'no-such-playbook', '__proto__', 'constructor'],
  scenarioId: [...bundledScenarios().map((s) => s.id), 'no-such-scenario', '__proto__', 'toString'],
  type: [...eventTypes, 'xstate.init', 'xstate.after.1000.x', '__proto__', 'constructor'],
  advance: ['PT1H', 'PT0S', 'P1D', '-PT1H', 'P1000Y', 'PT', 'P', '1 hour', 'PT99999999999H'],
  to: ['2026-03-09T10:00:00-05:00', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T00:00:00Z'],
  roles: [['observer'], ['admin'], ['no-such-role'], ['__proto__'], []],
};

const drillNote = fuzz.services.registry.get('drill').events.find((e) => e.type === 'note.added')!;
/**
 * A body each known operation accepts (on `firstRealPath`), so that one wrong field or header is the only
 * thing wrong; an operation added later falls back to its schema's examples.
 */
const goodBodies: Record<string, unknown> = {
  'POST /v1/incidents': { playbookId: 'drill', title: 'Fuzz', input: { deadlineHours: 48 } },
  'POST /v1/incidents/{id}/events': { type: 'note.added', payload: drillNote.examples[0] },
  'POST /v1/incidents/{id}/simulate': { type: 'note.added', payload: drillNote.examples[0] },
  'POST /v1/tokens': { name: 'fuzz-made', roles: ['observer'] },
  'POST /v1/exercises': { scenarioId: 'jj-meds' },
  'POST /v1/exercises/{id}/clock': { advance: 'PT1H' },
  'POST /v1/webhooks': { url: 'https://hooks.example.com/holdfast', description: 'Fuzz' },
  'PATCH /v1/webhooks/{id}': { description: 'Fuzz, renamed' },
  'POST /v1/webhooks/{id}/rotate-secret': { overlapSeconds: 60 },
};
const goodBody = (op: Operation) =>
  goodBodies[op.key] ?? (op.body ? exampleOf(op.body, resolve, hints) : undefined);

const bodyInstance = (op: Operation): fc.Arbitrary<unknown> =>
  op.body ? fc.oneof(fc.constant(goodBody(op)), instanceOf(op.body, resolve, hints)) : fc.constant({});
const mayHaveBody = (op: Operation) => op.method !== 'GET' && op.method !== 'HEAD';
const goodBodyText = (op: Operation) =>
  mayHaveBody(op) && op.body ? JSON.stringify(goodBody(op)) : undefined;

/** A body for an operation: a plausible instance, or one with a wrong field, as JSON text. */
const someBody = (op: Operation): fc.Arbitrary<string | undefined> =>
  !mayHaveBody(op)
    ? fc.constant(undefined)
    : op.body
      ? bodyInstance(op).chain((valid) =>
          fc.oneof(fc.constant(valid), mutated(valid)).map((value) => JSON.stringify(value)),
        )
      : fc.option(
          anyJson.map((value) => JSON.stringify(value) ?? 'null'),
          { nil: undefined },
        );

/** What a header value must look like to be taken; anything else must be refused, never shrugged off. */
const plausibleHeader: Record<string, RegExp> = {
  'if-match': /^\s*((W\/)?"?\d{1,9}"?|\*)\s*$/,
  'idempotency-key': /^[\x21-\x7e]{1,200}$/,
  'last-event-id': /^\s*\d{1,15}(\.\d{1,15})?\s*$/,
};

describe('the harness', () => {
  it('sees any committed write in its snapshot, even one that writes the same values', async () => {
    const before = await fuzz.snapshot();
    await fuzz.test.database.db.execute(
      sql`update tokens set name = name where id = ${seeds.victimTokenIds[0]}`,
    );
    const after = await fuzz.snapshot();
    expect(after.tokens).not.toBe(before.tokens);
    expect({ ...after, tokens: '' }).toEqual({ ...before, tokens: '' });
    // `check` compares with the state it last saw: re-base it with a write that succeeds.
    const made = await fuzz.check({
      method: 'POST',
      path: '/v1/tokens',
      body: '{"name":"fuzz-harness","roles":["observer"]}',
    });
    expect(made.status).toBe(201);
  });

  it('has a good body for every operation that takes one, accepted as it is', async () => {
    for (const op of operations.filter((o) => o.body && mayHaveBody(o))) {
      expect(goodBodies[op.key], `a good body for ${op.key}`).toBeDefined();
    }
    const simulated = await fuzz.check({
      method: 'POST',
      path: `/v1/incidents/${drill}/simulate`,
      body: JSON.stringify(goodBodies['POST /v1/incidents/{id}/simulate']),
      readOnly: true,
    });
    expect(simulated.status).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('lists every endpoint this suite must reach', () => {
    expect(operations.map((op) => op.key)).toEqual(
      expect.arrayContaining([
        'POST /v1/incidents',
        'POST /v1/incidents/{id}/events',
        'POST /v1/incidents/{id}/simulate',
        'POST /v1/exercises',
        'POST /v1/exercises/{id}/clock',
        'DELETE /v1/tokens/{id}',
        'GET /v1/stream',
        'GET /v1/incidents/{id}/stream',
      ]),
    );
    expect(operations.length).toBeGreaterThanOrEqual(19);
  });
});

describe.each(operations.map((op) => [op.key, op] as const))('%s', (_, op) => {
  if (op.pathParams.length > 0) {
    it('refuses bad path ids, and survives real ones', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 3, arbitrary: badIdSegment.map((id) => ({ id, real: false })) },
            {
              weight: 1,
              arbitrary: fc.constantFrom(...realIds(op.template)).map((id) => ({ id, real: true })),
            },
          ),
          tokens,
          someBody(op),
          async ({ id, real }, token, body) => {
            const path = fill(op.template, id);
            const response = await fuzz.check({ method: op.method, path, token, body });
            // `..` and `%2e%2e` are resolved by the URL parser: such a path names another route.
            const sameRoute =
              new URL(path, 'http://localhost').pathname.split('/').length === path.split('/').length;
            if (!real && sameRoute) expect(response.status, `${op.method} ${id}`).toBeGreaterThanOrEqual(400);
          },
        ),
        fuzzParams(15),
      );
    });
  }

  if (op.query.length > 0) {
    it('survives every query parameter at its type boundaries, one at a time', async () => {
      for (const param of op.query) {
        for (const value of queryBoundaries(param.schema)) {
          await fuzz.check({
            method: op.method,
            path: `${firstRealPath(op.template)}?${queryString([[param.name, value]])}`,
          });
        }
      }
    });

    it('survives random query strings', async () => {
      const names = op.query.map((p) => p.name as string);
      const value = fc.oneof(
        hostileString,
        ...op.query.map((p) => fc.constantFrom(...queryBoundaries(p.schema))),
        fc.constantFrom(...incidentIds),
        fc.integer().map(String),
      );
      const entries = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), hostileString), value), {
        minLength: 1,
        maxLength: 4,
      });
      await fc.assert(
        fc.asyncProperty(realPath(op.template), entries, tokens, async (path, query, token) => {
          await fuzz.check({ method: op.method, path: `${path}?${queryString(query)}`, token });
        }),
        fuzzParams(15),
      );
    });
  }

  for (const header of op.headers) {
    const name = String(header.name).toLowerCase();
    it(`refuses every bad ${name}, and never takes an implausible one`, async () => {
      for (const value of badHeaderList(name)) {
        const response = await fuzz.check({
          method: op.method,
          path: firstRealPath(op.template),
          headers: { [name]: value },
          body: goodBodyText(op),
        });
        const plausible = plausibleHeader[name];
        if (plausible && !plausible.test(value)) {
          expect(response.status, `${name}: ${JSON.stringify(value).slice(0, 80)}`).toBeGreaterThanOrEqual(
            400,
          );
        }
      }
    });
  }

  it('survives bad If-Match, Idempotency-Key, Last-Event-ID, If-None-Match, Accept and Content-Type', async () => {
    const headers = fc.record(
      {
        'if-match': badIfMatch,
        'idempotency-key': badIdempotencyKey,
        'last-event-id': badLastEventId,
        'if-none-match': badIfMatch,
        accept: badAccept,
        'content-type': badContentType,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(realPath(op.template), headers, tokens, someBody(op), async (path, h, token, body) => {
        const sent = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >;
        await fuzz.check({ method: op.method, path, headers: sent, token, body });
      }),
      fuzzParams(15),
    );
  });

  if (op.needsToken) {
    it('answers a bad Authorization with 401, whatever else is wrong', async () => {
      const authorizations = [null, ...badHeaderList('authorization')];
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            realPath(op.template),
            badIdSegment.map((id) => fill(op.template, id)),
          ),
          fc.oneof(fc.constantFrom(...authorizations), badAuthorization),
          someBody(op),
          async (path, authorization, body) => {
            const response = await fuzz.check({
              method: op.method,
              path,
              token: null,
              headers: authorization === null ? {} : { authorization },
              body,
            });
            expect(response.status).toBe(401);
          },
        ),
        fuzzParams(10),
      );
    });
  }

  if (mayHaveBody(op) && op.body) {
    it('refuses every field set to the wrong type', async () => {
      for (const body of everyFieldWrong(goodBody(op))) {
        await fuzz.check({ method: op.method, path: firstRealPath(op.template), body: JSON.stringify(body) });
      }
    });

    it('refuses malformed, mistyped, deep and unicode-laden bodies', async () => {
      const text = bodyInstance(op).chain((instance) => {
        const json = JSON.stringify(instance);
        return fc.oneof(
          fc.constantFrom(...malformedJsonTexts),
          corruptedJson(json),
          mutated(instance).map((value) => JSON.stringify(value) ?? ''),
          anyJson.map((value) => JSON.stringify(value) ?? ''),
          fc.constant(deepArrayJson(5_000)),
          fc.nat({ max: 2_000 }).map((depth) => deepObjectJson(depth, json)),
        );
      });
      await fc.assert(
        fc.asyncProperty(realPath(op.template), text, async (path, body) => {
          await fuzz.check({ method: op.method, path, body });
        }),
        fuzzParams(25),
      );
    });
  }

  if (mayHaveBody(op)) {
    it('refuses bodies over the limit with 413 payload_too_large, streamed or not', async () => {
      const path = firstRealPath(op.template);
      const big = JSON.stringify({ ...(goodBody(op) as object), padding: 'x'.repeat(BODY_LIMIT) });
      const declared = await fuzz.check({ method: op.method, path, body: big });
      expect(declared.status).toBe(413);
      expect(declared.body.code).toBe('payload_too_large');
      const bytes = new TextEncoder().encode(big);
      const streamed = await fuzz.services.app.request(path, {
        method: op.method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.slice(i, i + 1024));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(((await streamed.json()) as { code: string }).code).toBe('payload_too_large');
      // Nothing was written by either: the next check compares with the state before them.
      await fuzz.check({ method: 'GET', path: '/healthz', token: null });
    });
  }
});

describe('methods and paths outside the document', () => {
  it('answers methods a path does not have without a 5xx', async () => {
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) {
        // HEAD is GET without the body wherever there is a GET.
        if (item[method.toLowerCase()] || (method === 'HEAD' && item.get)) continue;
        const response = await fuzz.check({
          method,
          path: firstRealPath(template),
          body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
        });
        expect(response.status, `${method} ${template}`).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('serves no file outside the dashboard and docs assets, and never fails on a name', async () => {
    const names = [
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'index.html%00.js',
      '..%2F..%2Fpackage.json',
      '.env',
      'app.js.map',
      '%2e%2e%2f%2e%2e%2fpackage.json',
    ];
    const prefixes = ['/dashboard/', '/docs/assets/', '/dashboard/vendor/', '/', '/v1/', '/docs/'];
    const check = async (pre: string, file: string) => {
      const response = await fuzz.check({ method: 'GET', path: `${pre}${file}`, token: null });
      expect(response.text).not.toMatch(/"name": "holdfast"|"devDependencies"|root:x:0:0/);
    };
    for (const pre of prefixes) for (const file of names) await check(pre, file);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...prefixes), badIdSegment, check), fuzzParams(30));
  });

  it('keeps the unauthenticated endpoints up under junk headers and queries', async () => {
    const path = fc.constantFrom('/healthz', '/readyz', '/openapi.json', '/docs', '/');
    await fc.assert(
      fc.asyncProperty(
        path,
        fc.array(fc.tuple(hostileString, hostileString), { maxLength: 3 }),
        fc.option(badAuthorization, { nil: undefined }),
        fc.option(fc.string({ unit: 'binary-ascii', maxLength: 40 }).filter(sendableHeader), {
          nil: undefined,
        }),
        async (p, query, authorization, accept) => {
          const headers: Record<string, string> = {};
          if (authorization !== undefined) headers.authorization = authorization;
          if (accept !== undefined) headers.accept = accept;
          const response = await fuzz.check({
            method: 'GET',
            path: `${p}?${queryString(query)}`,
            token: null,
            headers,
          });
          expect(response.status).toBe(200);
        },
      ),
      fuzzParams(15),
    );
  });
});
