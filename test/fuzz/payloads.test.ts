import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledScenarios } from '../../src/tabletop';
import {
  anyJson,
  badIdempotencyKey,
  badIfMatch,
  deepValue,
  everyFieldWrong,
  FUZZ_SEED,
  fuzzParams,
  hostileString,
  type JsonSchema,
  mutated,
  setAt,
} from '../support/fuzz-arbitraries';
import { openFuzzApp } from '../support/fuzz-harness';

/**
 * Playbook payloads and scenarios over the API: every client event of every playbook (as
 * `GET /v1/playbooks/:id` describes it, with its example payloads) sent with a payload made wrong in one
 * place, to `/simulate` (a dry run: it must change nothing, even when it answers 200) and to `/events`;
 * every playbook's incident `input` (from its bundled scenario) made wrong, to `POST /v1/incidents`; and
 * the bundled scenarios made wrong, to `POST /v1/exercises` (an exercise that starts is played to its end
 * and reported on). Every answer is held to the contract by the harness.
 */

const fuzz = await openFuzzApp({ HOLDFAST_BODY_LIMIT_BYTES: 262_144 });
afterAll(async () => {
  console.info(`payloads fuzz: ${fuzz.summary()}`);
  await fuzz.close();
});

const { seeds } = fuzz;

interface ClientEvent {
  playbookId: string;
  type: string;
  payloadSchema: JsonSchema;
  examples: unknown[];
}

const definitions = await Promise.all(
  seeds.playbookIds.map(async (id) => (await fuzz.send({ method: 'GET', path: `/v1/playbooks/${id}` })).body),
);
const events: ClientEvent[] = definitions.flatMap((definition) =>
  (definition.events as Omit<ClientEvent, 'playbookId'>[]).map((event) => ({
    ...event,
    playbookId: definition.id,
  })),
);
const incidentOf = (playbookId: string) => seeds.incidents[playbookId]!;

/** An example payload of the event with one place made wrong, or replaced by something else entirely. */
const badPayload = (event: ClientEvent): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...event.examples).chain((example) => mutated(example)) },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.constant(deepValue(40)) },
  );

const eventBody = (event: ClientEvent, payload: unknown, note?: unknown) =>
  JSON.stringify({ type: event.type, payload, ...(note === undefined ? {} : { note }) });

describe('client event payloads', () => {
  it('reads every playbook definition with its client events and examples', () => {
    expect(definitions.length).toBe(seeds.playbookIds.length);
    expect(events.length).toBeGreaterThan(seeds.playbookIds.length * 3);
    for (const event of events) {
      expect(event.payloadSchema, event.type).toBeTypeOf('object');
      expect(event.examples.length, event.type).toBeGreaterThan(0);
    }
  });

  it('simulates a wrong payload of every event of every playbook without writing anything', async () => {
    for (const [index, event] of events.entries()) {
      const [payload] = fc.sample(badPayload(event), { seed: FUZZ_SEED + index, numRuns: 1 });
      await fuzz.check({
        method: 'POST',
        path: `/v1/incidents/${incidentOf(event.playbookId)}/simulate`,
        body: eventBody(event, payload),
        readOnly: true,
      });
    }
  });

  it('refuses wrong payloads sent as events, with If-Match and Idempotency-Key thrown in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...events),
        fc.nat(),
        fc.option(hostileString, { nil: undefined }),
        fc.record({ 'if-match': badIfMatch, 'idempotency-key': badIdempotencyKey }, { requiredKeys: [] }),
        fc.constantFrom<string | undefined>(undefined, seeds.tokens.responder, seeds.tokens.observer),
        async (event, seed, note, headers, token) => {
          const [payload] = fc.sample(badPayload(event), { seed, numRuns: 1 });
          await fuzz.check({
            method: 'POST',
            path: `/v1/incidents/${incidentOf(event.playbookId)}/events`,
            body: eventBody(event, payload, note),
            headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
              string,
              string
            >,
            token,
          });
        },
      ),
      fuzzParams(100),
    );
  });

  it('refuses every field of an example payload set to the wrong type (one event per playbook)', async () => {
    for (const playbookId of seeds.playbookIds) {
      const event = events.find(
        (e) => e.playbookId === playbookId && Object.keys(e.examples[0] ?? {}).length > 1,
      );
      if (!event) continue;
      for (const payload of everyFieldWrong(event.examples[0])) {
        await fuzz.check({
          method: 'POST',
          path: `/v1/incidents/${incidentOf(playbookId)}/simulate`,
          body: eventBody(event, payload),
          readOnly: true,
        });
      }
    }
  });
});

describe('incident inputs', () => {
  it('refuses a wrong input for every playbook and writes nothing when it does', async () => {
    const valid: Record<string, unknown> = { drill: { deadlineHours: 48 } };
    for (const { scenario } of bundledScenarios())
      valid[scenario.metadata.playbook] ??= scenario.incident.input;
    expect(Object.keys(valid).sort()).toEqual(definitions.map((d) => d.id).sort());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(valid)),
        fc.nat(),
        fc.option(fc.constantFrom('low', 'critical', 'urgent', '', null, 3), { nil: undefined }),
        fc.oneof(fc.constant('Fuzzed incident'), hostileString),
        async (playbookId, seed, severity, title) => {
          const [input] = fc.sample(mutated(valid[playbookId]), { seed, numRuns: 1 });
          await fuzz.check({
            method: 'POST',
            path: '/v1/incidents',
            body: JSON.stringify({
              playbookId,
              title,
              input,
              ...(severity === undefined ? {} : { severity }),
            }),
          });
        },
      ),
      fuzzParams(60),
    );
  });
});

describe('POST /v1/exercises with a scenario', () => {
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
  const scenarios = bundledScenarios().map((bundled) => plain(bundled.scenario));
  const jj = () => plain(bundledScenarios().find((bundled) => bundled.id === 'jj-meds')!.scenario);

  const start = (scenario: unknown, token?: string) =>
    fuzz.check({ method: 'POST', path: '/v1/exercises', body: JSON.stringify({ scenario }), token });

  /** Plays a started exercise to its end and asks for its report in every format: none may fail. */
  async function playThrough(id: string) {
    await fuzz.check({ method: 'POST', path: `/v1/exercises/${id}/clock`, body: '{"advance":"P30D"}' });
    for (const accept of ['application/json', 'text/markdown', 'text/html']) {
      await fuzz.check({ method: 'GET', path: `/v1/exercises/${id}/report`, headers: { accept } });
    }
  }

  it('refuses what the playbook or the database would refuse, before writing anything', async () => {
    const traps = [
      setAt(jj(), ['incident', 'input'], { nonsense: true }),
      setAt(jj(), ['injects', 0, 'emits'], { type: 'no.such.event', payload: {} }),
      setAt(jj(), ['injects', 3, 'emits'], { type: 'no.such.event', payload: {} }),
      setAt(jj(), ['injects', 0, 'emits'], { type: 'incident.declared', payload: { rationale: 7 } }),
      setAt(jj(), ['metadata', 'playbook'], 'no-such-playbook'),
      setAt(jj(), ['metadata', 'playbookVersion'], 999),
      setAt(jj(), ['metadata', 'title'], 'a\u0000b'),
      setAt(jj(), ['incident', 'title'], '\ud800'),
      setAt(jj(), ['incident', 'input'], deepValue(40)),
    ];
    for (const [i, scenario] of traps.entries()) {
      const response = await start(scenario);
      expect(
        response.status,
        `trap ${i}: ${JSON.stringify(response.body).slice(0, 300)}`,
      ).toBeGreaterThanOrEqual(400);
    }
  });

  it('survives odd but storable scenarios, played to the end', async () => {
    for (const scenario of [
      setAt(jj(), ['clock', 'timeZone'], 'Not/AZone'),
      setAt(jj(), ['clock', 'start'], '+275760-09-13T00:00:00.000Z'),
      setAt(jj(), ['clock', 'end'], 'PT0S'),
      setAt(jj(), ['clock', 'end'], 'P9999Y'),
      setAt(jj(), ['injects', 0, 'at'], 'P5D'),
      setAt(jj(), ['injects', 1, 'at'], 'PT0S'),
    ]) {
      const response = await start(scenario);
      if (response.status === 201) await playThrough(response.body.id);
    }
  });

  it('starts an exercise from a mutated scenario or refuses it without writing anything', async () => {
    let played = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...scenarios).chain((scenario) => mutated(scenario)),
        fc.constantFrom<string | undefined>(undefined, seeds.tokens.facilitator, seeds.tokens.observer),
        async (scenario, token) => {
          const response = await start(scenario, token);
          // Playing to the end is slow: do it for a few of the exercises that start.
          if (response.status === 201 && played++ < 3) await playThrough(response.body.id);
        },
      ),
      fuzzParams(40),
    );
  });
});
