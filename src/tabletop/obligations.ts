import { stateTimers } from '../engine';
import { clockById, type PlaybookDefinition } from '../playbook-kit';
import { describeMatcher } from './facts';
import type { ExerciseRun } from './runner';
import type { Scenario } from './scenario';
import { offsetText } from './time-text';

/**
 * What an exercise owed besides its expected responses, scored like them: the notification clocks (met, late,
 * missed, or never started because their anchor was never recorded) and runs of missed escalations (one
 * deadline escalated again and again). Each lowers the objectives it belongs to and goes into the improvement
 * plan.
 */
export interface Obligation {
  id: string;
  objectives: string[];
  weight: number;
  /** A statutory clock missed is as grave as a missed critical response. */
  critical: boolean;
  status: 'on_time' | 'late' | 'missed';
  score: number;
  issue: string;
}

/** The clock results the report scores (see `ClockResult` in report.ts). */
interface ClockOutcome {
  id: string;
  label: string;
  regime: string;
  dueAt: string | null;
  filedAt: string | null;
  status: string;
  finding: string | null;
}

/** Engine conventions: a clock weighs as much as a usual expected response; an escalation run, half that. */
export const obligationWeights = { clock: 2, escalationRun: 1, runLength: 3 } as const;

const clockAnchors = ['breach.aware', 'breach.determined', 'materiality.determined', 'regulator.reported'];

/**
 * The objectives notification clocks belong to: those of the expected responses about filing or about a
 * clock's anchor, else those citing a CSF communication outcome (RS.CO).
 */
export function notificationObjectives(scenario: Scenario): string[] {
  const expected = scenario.injects.flatMap((inject) => inject.expected);
  const byMatch = expected
    .filter((e) => clockAnchors.some((event) => describeMatcher(e.match).includes(`event ${event}`)))
    .flatMap((e) => e.objectives);
  const found =
    byMatch.length > 0
      ? byMatch
      : scenario.objectives.filter((o) => o.csf.some((c) => c.startsWith('RS.CO'))).map((o) => o.id);
  return [...new Set(found)];
}

/** A score for lateness, as the report scores a late response. */
export type LateScore = (minutesLate: number) => number;

export function clockObligations(
  clocks: readonly ClockOutcome[],
  objectives: string[],
  lateScore: LateScore,
): Obligation[] {
  return clocks.flatMap((clock): Obligation[] => {
    const base = {
      id: `clock:${clock.id}`,
      objectives,
      weight: obligationWeights.clock,
      critical: clockById(clock.id)?.policyDefault === false,
    };
    switch (clock.status) {
      case 'met':
        return [{ ...base, status: 'on_time', score: 1, issue: `${clock.label}: filed on time` }];
      case 'late': {
        const minutes = Math.round((Date.parse(clock.filedAt!) - Date.parse(clock.dueAt!)) / 60_000);
        return [
          {
            ...base,
            status: 'late',
            score: lateScore(minutes),
            issue: `${clock.label}: filed ${offsetText(minutes * 60_000)} after ${clock.dueAt}`,
          },
        ];
      }
      case 'missed':
        return [{ ...base, status: 'missed', score: 0, issue: `${clock.label}: ${clock.finding}` }];
      case 'never_started':
        // Only when its anchor was never recorded: a clock whose anchor was recorded but is not this one's regime
        // phase (a preliminary report's clock already running) owes nothing.
        return clock.finding
          ? [{ ...base, status: 'missed', score: 0, issue: `${clock.label}: ${clock.finding}` }]
          : [];
      default:
        return [];
    }
  });
}

/** Events no one in the cell made: timers, and the facilitator's inject deliveries and clock moves. */
const notTheTeams: ReadonlySet<string> = new Set(['timer', 'inject', 'clock']);

/**
 * Runs of missed escalations: `runLength` or more step deadlines escalated in a row, with no move of the team
 * between them (the cell went quiet while its deadlines passed; an inject delivered meanwhile is not a move of
 * theirs). A run belongs to the objectives of the expected responses about the events the escalated steps own.
 */
export function escalationRuns(
  run: ExerciseRun,
  definition: PlaybookDefinition,
  scenario: Scenario,
): Obligation[] {
  const stepsOf = new Map<string, string[]>();
  for (const [node, timers] of stateTimers(definition)) {
    for (const timer of timers)
      stepsOf.set(timer.key, [...(stepsOf.get(timer.key) ?? []), node.path.join('.')]);
  }
  const runs: { timer: string; label: string; at: string }[][] = [[]];
  for (const event of run.events) {
    const payload = event.payload as { timer?: unknown; label?: unknown } | null;
    const timer = typeof payload?.timer === 'string' ? payload.timer : null;
    if (event.source === 'timer' && timer !== null && stepsOf.has(timer)) {
      runs.at(-1)!.push({ timer, label: String(payload?.label ?? timer), at: event.occurredAt });
    } else if (!notTheTeams.has(event.source) && runs.at(-1)!.length > 0) {
      runs.push([]);
    }
  }
  const expected = scenario.injects.flatMap((inject) => inject.expected);
  const objectivesOf = (timer: string) => {
    const steps = stepsOf.get(timer)!;
    const owned = definition.events
      .filter((e) =>
        (e.owners ?? []).some((owner) =>
          steps.some((step) => step === owner || step.startsWith(`${owner}.`)),
        ),
      )
      .map((e) => `event ${e.type}`);
    return expected
      .filter((e) => owned.some((event) => describeMatcher(e.match).includes(event)))
      .flatMap((e) => e.objectives);
  };
  const offset = (at: string) => `T+${offsetText(Date.parse(at) - run.startMs)}`;
  return runs
    .filter((escalations) => escalations.length >= obligationWeights.runLength)
    .map((escalations) => ({
      id: `escalations:${escalations[0]!.timer}`,
      objectives: [...new Set(escalations.flatMap((e) => objectivesOf(e.timer)))],
      weight: obligationWeights.escalationRun,
      critical: false,
      status: 'missed' as const,
      score: 0,
      issue:
        `${escalations.length} deadlines escalated in a row with no move between them ` +
        `(${offset(escalations[0]!.at)} to ${offset(escalations.at(-1)!.at)}): ` +
        escalations.map((e) => e.label).join('; '),
    }));
}
