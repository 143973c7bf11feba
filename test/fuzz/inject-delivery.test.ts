import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDatabase, MemoryIncidentStore } from '../../db/memory-store';
import { createEngine, type Engine, type EventRecord, PlaybookRegistry } from '../../src/engine';
import {
  type Condition,
  conditionTimes,
  durationMs,
  ExerciseIncident,
  type FiredInject,
  firstMatch,
  type Inject,
  InjectDelivery,
  openExerciseIncident,
  parseScenario,
  type Scenario,
  simcellActor,
} from '../../src/tabletop';
import { drillPlaybook } from '../fixtures/drill-playbook';
import { fuzzParams } from '../support/fuzz-arbitraries';
import { testKeyring } from '../support/keys';

/**
 * Inject delivery reaches each inject once, in time order, and looks again only at the injects waiting on a
 * condition, reading only what changed. It must deliver exactly what the first, naive delivery did: after
 * every inject, start over from the earliest one not delivered, with every condition evaluated afresh over the
 * whole log read again. Random drill scenarios (timed and conditional injects, conditions over events, states,
 * sequences and time, injects the playbook may refuse) are played both ways on in-memory engines.
 */

const registry = new PlaybookRegistry([drillPlaybook]);
const now = () => new Date('2026-06-01T00:00:00Z');
const START = '2026-03-09T09:00:00Z';
const startMs = Date.parse(START);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const player = { id: 'player:worker', name: 'worker', roles: ['responder'] };

function drillEngine(): Engine {
  return createEngine({
    store: new MemoryIncidentStore(new MemoryDatabase()),
    registry,
    now,
    newId: randomUUID,
    keyring: testKeyring(),
  });
}

function scenarioWith(injects: Record<string, unknown>[]): Scenario {
  return parseScenario({
    apiVersion: 'tabletop/v1',
    kind: 'Scenario',
    metadata: { id: 'delivery', title: 'Delivery', playbook: 'drill' },
    clock: { start: START, end: 'P3D' },
    incident: { title: 'Drill', input: { deadlineHours: 20 } },
    roles: [
      { id: 'worker', playbookRole: 'responder' },
      { id: 'sim', kind: 'simcell' },
    ],
    objectives: [{ id: 'O1', text: 'Do the work' }],
    injects,
  });
}

function holdsAfresh(condition: Condition, events: EventRecord[], nowMs: number): boolean {
  if ('all' in condition) return condition.all.every((c) => holdsAfresh(c, events, nowMs));
  if ('any' in condition) return condition.any.some((c) => holdsAfresh(c, events, nowMs));
  if ('not' in condition) return !holdsAfresh(condition.not, events, nowMs);
  if ('after' in condition) return nowMs >= startMs + durationMs(condition.after);
  return firstMatch(events, condition) !== null;
}

function firstChance(inject: Inject): number {
  if (inject.at !== undefined) return startMs + durationMs(inject.at);
  const times = inject.when ? conditionTimes(inject.when) : [];
  return startMs + (times.length > 0 ? Math.max(...times) : 0);
}

/** The delivery as first written, quadratic and more: the reference the real one must agree with. */
async function deliverNaively(
  engine: Engine,
  scenario: Scenario,
  incidentId: string,
  fired: string[],
  toMs: number,
): Promise<string[]> {
  const clockMs = async () => Date.parse((await engine.loadIncident(incidentId)).clockNow!);
  const delivered: string[] = [];
  const done = new Set(fired);
  for (let progressed = true; progressed; ) {
    progressed = false;
    const candidates = scenario.injects
      .filter((inject) => !done.has(inject.id))
      .map((inject) => ({ inject, atMs: firstChance(inject) }))
      .filter((candidate) => candidate.atMs <= toMs)
      .sort((a, b) => a.atMs - b.atMs);
    for (const { inject, atMs } of candidates) {
      if ((await clockMs()) < atMs) await engine.moveClock(incidentId, iso(atMs));
      const events = await engine.listEvents(incidentId, 0, 100_000);
      if (inject.when && !holdsAfresh(inject.when, events, await clockMs())) continue;
      let emittedSeq: number | null = null;
      if (inject.emits) {
        emittedSeq = await engine
          .applyEvent({
            incidentId,
            type: inject.emits.type,
            payload: inject.emits.payload,
            actor: simcellActor,
            source: 'inject',
            idempotencyKey: `inject:${inject.id}`,
          })
          .then((applied) => applied.event.seq)
          .catch(() => {
            throw new Error(`inject ${inject.id} refused`);
          });
      }
      await engine.recordFact({
        incidentId,
        type: 'exercise.inject_delivered',
        payload: { inject: inject.id, emittedSeq },
        actor: simcellActor,
        source: 'inject',
        idempotencyKey: `inject-delivered:${inject.id}`,
      });
      delivered.push(`${inject.id}@${iso(await clockMs())}`);
      done.add(inject.id);
      progressed = true;
      break;
    }
  }
  return delivered;
}

/** A step of the exercise: the clock moves to `hours` after T0, then a player may add a note. */
interface Step {
  hours: number;
  note: boolean;
}

/** What a run delivered at each step (or the inject it stopped at), and the log it left. */
async function play(scenario: Scenario, steps: Step[], naive: boolean, freshEachStep: boolean) {
  const engine = drillEngine();
  const incidentId = (await openExerciseIncident(engine, scenario)).id;
  let incident = new ExerciseIncident(engine, incidentId);
  let delivery = new InjectDelivery(engine, scenario, incident);
  const fired: FiredInject[] = [];
  const outcome: string[][] = [];
  try {
    for (const step of steps) {
      const toMs = startMs + step.hours * HOUR;
      if (naive) {
        const ids = fired.map((f) => f.id);
        const delivered = await deliverNaively(engine, scenario, incidentId, ids, toMs);
        fired.push(
          ...delivered.map((d) => ({ id: d.split('@')[0]!, at: '', offsetMs: 0, emittedSeq: null })),
        );
        outcome.push(delivered);
        if (Date.parse((await engine.loadIncident(incidentId)).clockNow!) < toMs)
          await engine.moveClock(incidentId, iso(toMs));
      } else {
        if (freshEachStep) {
          incident = new ExerciseIncident(engine, incidentId);
          delivery = new InjectDelivery(engine, scenario, incident);
        }
        const delivered = await delivery.until(toMs);
        fired.push(...delivered);
        outcome.push(delivered.map((d) => `${d.id}@${d.at}`));
        await incident.moveTo(toMs);
      }
      if (step.note) {
        await engine
          .applyEvent({ incidentId, type: 'note.added', payload: { text: 'from a player' }, actor: player })
          .catch(() => {});
      }
    }
  } catch (error) {
    outcome.push([`stopped at ${(error as Error).message.match(/inject (\S+)/)?.[1]}`]);
  }
  const log = (await engine.listEvents(incidentId, 0, 100_000)).map(
    (e) => `${e.seq} ${e.type} ${e.source} ${e.occurredAt} ${JSON.stringify(e.payload)}`,
  );
  return { outcome, log };
}

const hoursText = (hours: number) => `PT${hours}H`;
const atom: fc.Arbitrary<Condition> = fc.oneof(
  fc.integer({ min: 0, max: 30 }).map((h) => ({ after: hoursText(h) })),
  fc
    .constantFrom('note.added', 'work.started', 'work.finished', 'change.approved')
    .map((event) => ({ event })),
  fc
    .constantFrom('work.open', 'work.started', 'work.finished', 'approval.approved')
    .map((state) => ({ state })),
  fc.constant<Condition>({ sequence: [{ event: 'work.started' }, { event: 'note.added' }] }),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.array(tie('condition'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('condition'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('condition').map((not) => ({ not })),
  ),
})).condition;
const emits = fc.oneof(
  fc.constant(undefined),
  fc.constant({ type: 'note.added', payload: { text: 'from the simcell' } }),
  fc.constant({ type: 'work.started', payload: {} }),
  fc.constant({ type: 'work.finished', payload: {} }),
  fc.constant({ type: 'change.approved', payload: { rationale: 'looks right' } }),
);
const injects = fc
  .array(
    fc.record({
      at: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      when: fc.option(condition, { nil: undefined }),
      emits,
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((list) =>
    list.map(({ at, when, emits }, i) => ({
      id: `I${i}`,
      ...(at === undefined && when === undefined ? { at: hoursText(0) } : {}),
      ...(at === undefined ? {} : { at: hoursText(at) }),
      ...(when === undefined ? {} : { when }),
      ...(emits === undefined ? {} : { emits }),
      channel: 'internal',
      from: 'sim',
      content: `inject ${i}`,
    })),
  );
const steps = fc
  .array(fc.record({ hours: fc.integer({ min: 0, max: 48 }), note: fc.boolean() }), { maxLength: 8 })
  .map((list) => [...list.sort((a, b) => a.hours - b.hours), { hours: 72, note: false }]);

describe('inject delivery', () => {
  it('delivers what the naive delivery did, in one run or a fresh delivery per clock move', async () => {
    await fc.assert(
      fc.asyncProperty(injects, steps, fc.boolean(), async (list, schedule, freshEachStep) => {
        const scenario = scenarioWith(list);
        const expected = await play(scenario, schedule, true, false);
        const actual = await play(scenario, schedule, false, freshEachStep);
        expect(actual).toEqual(expected);
      }),
      fuzzParams(60),
    );
  }, 120_000);

  it('reads the log and moves the clock a number of times linear in the injects', async () => {
    // Half the injects wait on a fact that never comes while the other half fire one by one, each a new fact.
    const count = 300;
    const scenario = scenarioWith(
      Array.from({ length: count }, (_, i) => ({
        id: `I${i}`,
        channel: 'internal',
        from: 'sim',
        content: `inject ${i}`,
        ...(i % 2 === 0
          ? { at: `PT${i}M`, emits: { type: 'note.added', payload: { text: `note ${i}` } } }
          : { when: { all: [{ after: `PT${i}M` }, { event: 'work.finished' }] } }),
      })),
    );
    const engine = drillEngine();
    const calls = { listEvents: 0, moveClock: 0 };
    const counted = {
      ...engine,
      listEvents: (...args: Parameters<Engine['listEvents']>) => {
        calls.listEvents++;
        return engine.listEvents(...args);
      },
      moveClock: (...args: Parameters<Engine['moveClock']>) => {
        calls.moveClock++;
        return engine.moveClock(...args);
      },
    };
    const incidentId = (await openExerciseIncident(engine, scenario)).id;
    const delivery = new InjectDelivery(counted, scenario, new ExerciseIncident(counted, incidentId));
    const delivered = await delivery.until(startMs + 2 * 24 * HOUR);
    expect(delivered).toHaveLength(count / 2);
    expect(calls.moveClock).toBeLessThanOrEqual(count);
    expect(calls.listEvents).toBeLessThanOrEqual(2 * count);
  });
});
