import { createHash } from 'node:crypto';
import { startServer } from '../../src/main';
import { loadScenario } from '../../src/tabletop';
import { median, round, runLoad } from './load';
import { ADMIN, adminApi, type BenchApi, type BenchTarget } from './target';

export interface FacilitatorBenchResult {
  seconds: number;
  rounds: number;
  /** Injects of the scenario the facilitator runs: as many as HOLDFAST_EXERCISE_MAX_INJECTS allows. */
  injects: number;
  /** One responder advancing a live incident (one connection, each advance as soon as the last answered). */
  liveAdvanceP99MsAlone: number;
  /** The same while a facilitator starts that scenario and moves its clock through it, again and again. */
  liveAdvanceP99MsWithFacilitator: number;
  /** With the facilitator ÷ alone: the median over alternating rounds. Goal ≤ 1.5. */
  ratio: number;
  /** Exercises the facilitator ran to their end meanwhile. */
  exercisesRun: number;
}

/**
 * What a facilitator costs the responders of live incidents: a live advance's p99 while a facilitator runs the
 * largest scenario the limits allow (its start, then its clock moved hour by hour through the injects and on to
 * its end), against the same p99 with no exercise running, in alternating rounds on one server.
 */
export async function benchFacilitator(
  target: BenchTarget,
  log: (line: string) => void,
): Promise<FacilitatorBenchResult> {
  const seconds = Number(process.env.BENCH_FACILITATOR_SECONDS ?? 30);
  const rounds = 3;
  const injects = target.config.HOLDFAST_EXERCISE_MAX_INJECTS;
  const scenario = largestScenario(injects);
  const server = await startServer(target.config, target.database);
  const api = adminApi(server.url);
  try {
    const live = await openLiveIncident(api);
    const advance = async () => {
      const run = await runLoad({
        baseUrl: server.url,
        method: 'POST',
        paths: [`/v1/incidents/${live}/events`],
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'sitrep.published', payload: { summary: 'Scope unchanged.' } }),
        connections: 1,
        seconds: seconds / rounds,
      });
      if (run.errors > 0 || Object.keys(run.statuses).some((s) => s !== '200')) {
        throw new Error(`live advances failed: ${JSON.stringify(run.statuses)}`);
      }
      return run.p99Ms;
    };
    // A warm-up exercise: what a fresh process pays once is no facilitator's doing.
    await runExercise(api, scenario);

    const alone: number[] = [];
    const withFacilitator: number[] = [];
    let exercisesRun = 0;
    for (let turn = 0; turn < rounds; turn++) {
      alone.push(await advance());
      let facilitating = true;
      const facilitator = (async () => {
        while (facilitating) {
          await runExercise(api, scenario);
          exercisesRun++;
        }
      })();
      withFacilitator.push(await advance());
      facilitating = false;
      await facilitator;
      log(
        `live advance p99, round ${turn + 1}: ${alone.at(-1)} ms alone, ${withFacilitator.at(-1)} ms while a ` +
          `facilitator runs a ${injects}-inject scenario`,
      );
    }
    const ratios = alone.map((ms, turn) => withFacilitator[turn]! / ms);
    return {
      seconds,
      rounds,
      injects,
      liveAdvanceP99MsAlone: round(median(alone)),
      liveAdvanceP99MsWithFacilitator: round(median(withFacilitator)),
      ratio: round(median(ratios)),
      exercisesRun,
    };
  } finally {
    await server.close();
  }
}

async function openLiveIncident(api: BenchApi): Promise<string> {
  const now = new Date().toISOString();
  const { id } = (await api('POST', '/v1/incidents', {
    playbookId: 'credential-stuffing',
    title: 'Live',
    input: {
      ...(loadScenario('docomo-online-shop').incident.input as Record<string, unknown>),
      detectedAt: now,
      report: { receivedAt: now, channel: 'phone', reporter: 'customer', claim: 'An order I did not place.' },
    },
  })) as { id: string };
  await api('POST', `/v1/incidents/${id}/events`, {
    type: 'incident.declared',
    payload: { rationale: 'Declaration criteria met.' },
  });
  return id;
}

/**
 * The bundled credential-stuffing scenario with `count` injects a minute apart: half record an evidence item
 * each, half wait on the incident's closing, which never comes (so every delivery looks at them again).
 */
function largestScenario(count: number) {
  const base = loadScenario('docomo-online-shop');
  return {
    ...base,
    metadata: { ...base.metadata, id: 'largest' },
    injects: Array.from({ length: count }, (_, i) => ({
      id: `I${i}`,
      channel: 'internal',
      from: 'sim',
      to: [],
      content: `Inject ${i}: ${'x'.repeat(800)}`,
      expected: [],
      ...(i % 2 === 0
        ? {
            at: `PT${i}M`,
            emits: {
              type: 'evidence.captured',
              payload: {
                kind: 'bench_item',
                sha256: createHash('sha256').update(String(i)).digest('hex'),
                location: `evidence://bench/${i}`,
              },
            },
          }
        : { when: { all: [{ event: 'incident.closed' }, { after: `PT${i}M` }] } }),
    })),
    alternativeScripts: {},
    script: [],
  };
}

/** Starts the scenario, moves its clock an hour at a time past its last inject, then to its end. */
async function runExercise(api: BenchApi, scenario: ReturnType<typeof largestScenario>) {
  const { id } = (await api('POST', '/v1/exercises', { scenario })) as { id: string };
  const lastInjectHours = Math.ceil(scenario.injects.length / 60);
  for (let hour = 0; hour < lastInjectHours; hour++) {
    await api('POST', `/v1/exercises/${id}/clock`, { advance: 'PT1H' });
  }
  await api('POST', `/v1/exercises/${id}/clock`, { advance: scenario.clock.end });
}
