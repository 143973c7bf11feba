import type { EventRecord } from '../engine';
import { clockById, contextFacts, type PlaybookDefinition, unstartedClocks } from '../playbook-kit';
import { describeMatcher, explainMiss, firstMatch } from './facts';
import { clockObligations, escalationRuns, notificationObjectives, type Obligation } from './obligations';
import { type ExerciseRun, INJECT_DELIVERED } from './runner';
import { durationMs, type ExpectedResponse } from './scenario';
import { type ExecutiveSummary, executiveSummary } from './summary';
import { offsetText } from './time-text';
import { eventTitle } from './words';

/**
 * The after-action report (domain reference §4.5), computed from an exercise run: expected responses scored,
 * objectives rated P/S/M/U with their numeric basis, notification clocks, metrics, decisions, a swim-lane
 * timeline and improvement items. Pure: the same run gives the same report.
 */

/** Engine conventions for the numbers HSEEP leaves open (§4.4 `scoring`). */
export const scoring = {
  onTime: 1,
  late: { decayPerHour: 0.05, floor: 0.3 },
  missed: 0,
  thresholds: { P: 0.9, S: 0.75, M: 0.5 },
} as const;

export type ResponseStatus = 'on_time' | 'late' | 'missed' | 'not_applicable';
export type Rating = 'P' | 'S' | 'M' | 'U' | 'N/A';

export interface ResponseResult {
  id: string;
  inject: string;
  description: string;
  match: string;
  critical: boolean;
  weight: number;
  objectives: string[];
  status: ResponseStatus;
  dueAt: string | null;
  metAt: string | null;
  /** The same as offsets from T0, e.g. `T+1d 02:00`. */
  due: string | null;
  met: string | null;
  /** Minutes after the due time, when late. */
  lateByMinutes: number | null;
  score: number | null;
  why: string;
}

export interface ObjectiveResult {
  id: string;
  text: string;
  coreCapabilities: string[];
  rating: Rating;
  score: number | null;
  basis: string;
}

export interface ClockResult {
  id: string;
  regime: string;
  label: string;
  anchorAt: string | null;
  dueAt: string | null;
  filedAt: string | null;
  status: 'met' | 'late' | 'missed' | 'running' | 'not_required' | 'never_started';
  source: string;
  finding: string | null;
}

export interface AfterActionReport {
  overview: {
    scenario: string;
    title: string;
    basedOn: string[];
    playbook: string;
    playbookVersion: number;
    start: string;
    end: string;
    timeZone: string;
    threatHazard: string | null;
    missionAreas: string[];
    assumptions: string[];
    tlp: string;
  };
  objectives: ObjectiveResult[];
  responses: ResponseResult[];
  clocks: ClockResult[];
  metrics: { id: string; title: string; minutes: number | null; at: string | null }[];
  decisions: {
    at: string;
    offset: string;
    event: string;
    /** The event's title in the playbook. */
    what: string;
    option: string;
    rationale: string;
    by: string;
  }[];
  refusedMoves: { at: string; offset: string; as: string; event: string; what: string; reason: string }[];
  injects: {
    id: string;
    module: string | null;
    offset: string | null;
    channel: string;
    from: string;
    content: string;
    fired: boolean;
  }[];
  timeline: { at: string; offset: string; lane: string; what: string; source: string }[];
  /** Opens the report: objectives and ratings, what was missed and why, the three improvements first to make. */
  summary: ExecutiveSummary;
  improvements: {
    /** The expected response or clock it comes from. */
    ref: string;
    issue: string;
    correctiveAction: string;
    element: 'Planning' | 'Organization' | 'Training';
    owner: string;
  }[];
  modules: { id: string; title: string; discussionQuestions: string[] }[];
  outcome: { status: string; activeAtEnd: string[] };
}

const minutesBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 60_000);

function scoreResponse(
  expected: ExpectedResponse,
  inject: string,
  run: ExerciseRun,
): Omit<ResponseResult, 'due' | 'met'> {
  const fired = run.injects.find((f) => f.id === inject);
  const base = {
    id: expected.id,
    inject,
    description: expected.description,
    match: describeMatcher(expected.match),
    critical: expected.critical,
    weight: expected.weight,
    objectives: expected.objectives,
  };
  if (!fired) {
    return {
      ...base,
      status: 'not_applicable',
      dueAt: null,
      metAt: null,
      lateByMinutes: null,
      score: null,
      why: `inject ${inject} did not fire (its branch was not taken)`,
    };
  }
  const fromMs = expected.dueFrom === 'start' ? run.startMs : Date.parse(fired.at);
  const dueAt = new Date(fromMs + durationMs(expected.due)).toISOString();
  const match = firstMatch(run.events, expected.match);
  if (!match) {
    return {
      ...base,
      status: 'missed',
      dueAt,
      metAt: null,
      lateByMinutes: null,
      score: scoring.missed,
      why: `${explainMiss(run.events, expected.match, run.startMs)} (checked at the end, T+${offsetText(run.endMs - run.startMs)})`,
    };
  }
  const late = Math.max(0, minutesBetween(dueAt, match.at));
  if (late === 0) {
    return {
      ...base,
      status: 'on_time',
      dueAt,
      metAt: match.at,
      lateByMinutes: null,
      score: scoring.onTime,
      why: 'met on time',
    };
  }
  return {
    ...base,
    status: 'late',
    dueAt,
    metAt: match.at,
    lateByMinutes: late,
    score: lateScore(late),
    why: `met ${offsetText(late * 60_000)} after the due time`,
  };
}

/** A late response's (or clock's) score: it decays by the hour down to a floor. */
const lateScore = (minutesLate: number) =>
  Math.round(Math.max(scoring.late.floor, 1 - scoring.late.decayPerHour * (minutesLate / 60)) * 1000) / 1000;

/** "a critical response was", "a statutory clock was", or both, for the items that set a rating. */
const whatWas = (items: { id: string }[]) => {
  const kinds = [
    ...(items.some((i) => !i.id.startsWith('clock:')) ? ['a critical response'] : []),
    ...(items.some((i) => i.id.startsWith('clock:')) ? ['a statutory clock'] : []),
  ];
  return `${kinds.join(' and ')} was`;
};

function rateObjective(
  objective: { id: string; text: string; coreCapabilities: string[] },
  responses: ResponseResult[],
  obligations: Obligation[],
): ObjectiveResult {
  const mine = [
    ...responses.filter((r) => r.objectives.includes(objective.id) && r.status !== 'not_applicable'),
    ...obligations.filter((o) => o.objectives.includes(objective.id)),
  ];
  if (mine.length === 0) {
    return { ...objective, rating: 'N/A', score: null, basis: 'no applicable expected response' };
  }
  const weight = mine.reduce((sum, r) => sum + r.weight, 0);
  const score =
    Math.round((mine.reduce((sum, r) => sum + r.weight * (r.score ?? 0), 0) / weight) * 1000) / 1000;
  const critical = mine.filter((r) => r.critical);
  const criticalMissed = critical.some((r) => r.status === 'missed');
  const criticalLate = critical.some((r) => r.status === 'late');
  const { P, S, M } = scoring.thresholds;
  const rating: Rating = criticalMissed
    ? 'U'
    : score >= P && !criticalLate
      ? 'P'
      : score >= S
        ? 'S'
        : score >= M
          ? 'M'
          : 'U';
  const owed = obligations.filter((o) => o.objectives.includes(objective.id));
  const counted = responses.filter(
    (r) => r.objectives.includes(objective.id) && r.status !== 'not_applicable',
  );
  const basis =
    `weighted score ${score.toFixed(2)} over ${counted.length} response(s)` +
    (owed.length > 0
      ? ` and ${owed.length} clock(s) or escalation run(s) (${owed.map((o) => `${o.id} ${o.status}`).join(', ')})`
      : '') +
    (criticalMissed
      ? `; ${whatWas(critical.filter((r) => r.status === 'missed'))} missed`
      : criticalLate
        ? `; ${whatWas(critical.filter((r) => r.status === 'late'))} late`
        : '') +
    ` (engine convention: P ≥ ${P} with critical on time, S ≥ ${S}, M ≥ ${M}, else U)`;
  return { ...objective, rating, score, basis };
}

function clockResults(run: ExerciseRun, definition: PlaybookDefinition): ClockResult[] {
  const facts = contextFacts(definition, run.incident.context);
  const tracked = facts.clocks;
  const endAt = new Date(run.endMs).toISOString();
  const results: ClockResult[] = tracked.map((clock) => {
    const status: ClockResult['status'] =
      clock.state === 'met'
        ? 'met'
        : clock.state === 'not_required'
          ? 'not_required'
          : clock.state === 'met_late'
            ? 'late'
            : clock.dueAt < endAt
              ? 'missed'
              : 'running';
    return {
      id: clock.id,
      regime: clock.regime,
      label: clock.label,
      anchorAt: clock.anchorAt,
      dueAt: clock.dueAt,
      filedAt: clock.metAt,
      status,
      source: clock.source,
      finding: status === 'missed' ? `${clock.regime} report was not filed by ${clock.dueAt}` : null,
    };
  });
  const jurisdictions = facts.jurisdictions ?? jurisdictionsOf(run.scenario.incident.input);
  const hasClocks = definition.events.some((event) => event.type === 'breach.determined');
  if (!hasClocks) return results;
  const running = Object.fromEntries(tracked.map((clock) => [clock.id, clock]));
  for (const clock of unstartedClocks(running, jurisdictions, facts.anchors)) {
    results.push({
      id: clock.id,
      regime: clock.regime,
      label: clock.label,
      anchorAt: null,
      dueAt: null,
      filedAt: null,
      status: 'never_started',
      source: clockById(clock.id)?.source ?? '',
      finding: `${clock.regime} applied to the incident but this clock ${clock.reason}`,
    });
  }
  return results;
}

const jurisdictionsOf = (input: Record<string, unknown>): string[] =>
  Array.isArray(input.jurisdictions) ? input.jurisdictions.map(String) : [];

/** Which tracks an event moved, comparing the state before and after it. */
function laneChanges(before: unknown, after: unknown): { lane: string; what: string }[] {
  if (!after || typeof after !== 'object') return [];
  const changes: { lane: string; what: string }[] = [];
  for (const [lane, value] of Object.entries(after as Record<string, unknown>)) {
    const previous =
      before && typeof before === 'object' ? (before as Record<string, unknown>)[lane] : undefined;
    if (JSON.stringify(previous) !== JSON.stringify(value)) changes.push({ lane, what: leafPath(value) });
  }
  return changes;
}

const leafPath = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>)
          .map(([key, child]) => `${key}.${leafPath(child)}`)
          .join(' | ')
      : '';

function timeline(run: ExerciseRun, definition: PlaybookDefinition): AfterActionReport['timeline'] {
  const rows: AfterActionReport['timeline'] = [];
  const offset = (at: string) => `T+${offsetText(Date.parse(at) - run.startMs)}`;
  for (const inj of run.injects) {
    const scenarioInject = run.scenario.injects.find((i) => i.id === inj.id)!;
    rows.push({
      at: inj.at,
      offset: offset(inj.at),
      lane: 'injects',
      what: `${inj.id} (${scenarioInject.channel}, from ${scenarioInject.from})`,
      source: 'inject',
    });
  }
  let previous: unknown = null;
  for (const event of run.events) {
    const changes = laneChanges(previous, event.stateAfter);
    previous = event.stateAfter;
    // Injects have rows of their own, from the same records.
    if (event.type === 'incident.opened' || event.type === INJECT_DELIVERED) continue;
    const label =
      event.source === 'timer'
        ? `timer: ${event.note ?? event.type}`
        : `${eventTitle(definition, event.type)}${event.source === 'api' ? ` by ${event.actor}` : ''}`;
    if (changes.length === 0) {
      rows.push({
        at: event.occurredAt,
        offset: offset(event.occurredAt),
        lane: 'log',
        what: label,
        source: event.source,
      });
    }
    for (const change of changes) {
      rows.push({
        at: event.occurredAt,
        offset: offset(event.occurredAt),
        lane: change.lane,
        what: `${label} → ${change.what}`,
        source: event.source,
      });
    }
  }
  for (const move of run.refused) {
    rows.push({
      at: move.at,
      offset: offset(move.at),
      lane: 'refused',
      what: `${eventTitle(definition, move.event)} by ${move.as} refused (${move.code})`,
      source: 'api',
    });
  }
  return rows.sort((a, b) => a.at.localeCompare(b.at));
}

function decisions(
  events: readonly EventRecord[],
  startMs: number,
  definition: PlaybookDefinition,
): AfterActionReport['decisions'] {
  return events
    .filter((e) => {
      const p = e.payload as Record<string, unknown> | null;
      return p && typeof p.option === 'string' && typeof p.rationale === 'string';
    })
    .map((e) => {
      const p = e.payload as { option: string; rationale: string };
      return {
        at: e.occurredAt,
        offset: `T+${offsetText(Date.parse(e.occurredAt) - startMs)}`,
        event: e.type,
        what: eventTitle(definition, e.type),
        option: p.option,
        rationale: p.rationale,
        by: e.actor,
      };
    });
}

function improvements(
  responses: ResponseResult[],
  clocks: ClockResult[],
  runs: Obligation[],
  definition: PlaybookDefinition,
): AfterActionReport['improvements'] {
  const items: AfterActionReport['improvements'] = [];
  for (const r of responses) {
    if (r.status !== 'missed' && r.status !== 'late') continue;
    const eventType =
      r.match.match(/event ([a-z0-9_.]+)/)?.[1] ?? r.match.match(/decision ([a-z0-9_.]+)/)?.[1];
    const owner = definition.events.find((e) => e.type === eventType)?.roles[0] ?? 'incident_commander';
    items.push({
      ref: r.id,
      issue: `${r.id} ${r.status === 'missed' ? 'missed' : 'late'}: ${r.description} (${r.why})`,
      correctiveAction:
        r.status === 'missed'
          ? `Walk the team through "${r.description}" and who triggers it; rehearse it in the next exercise`
          : `Shorten the path to "${r.description}": pre-approved templates, on-call owner, clear trigger`,
      element: r.status === 'missed' ? 'Planning' : 'Training',
      owner,
    });
  }
  for (const c of clocks) {
    if (c.status !== 'missed' && c.status !== 'never_started') continue;
    if (c.status === 'never_started' && !c.finding) continue;
    items.push({
      ref: c.id,
      issue: `${c.label}: ${c.finding}`,
      correctiveAction: `Record the anchor (awareness, determination) explicitly and file ${c.regime} on time`,
      element: 'Planning',
      owner: 'legal',
    });
  }
  for (const run of runs) {
    items.push({
      ref: run.id,
      issue: run.issue,
      correctiveAction: 'Name an owner and a stand-in for this deadline and check it at each briefing',
      element: 'Organization',
      owner: 'incident_commander',
    });
  }
  return items;
}

export function buildReport(run: ExerciseRun, definition: PlaybookDefinition): AfterActionReport {
  const { scenario } = run;
  const offset = (at: string | null) => (at ? `T+${offsetText(Date.parse(at) - run.startMs)}` : null);
  const responses: ResponseResult[] = scenario.injects.flatMap((inj) =>
    inj.expected.map((e) => {
      const result = scoreResponse(e, inj.id, run);
      return { ...result, due: offset(result.dueAt), met: offset(result.metAt) };
    }),
  );
  const clocks = clockResults(run, definition);
  const runs = escalationRuns(run, definition, scenario);
  const obligations = [...clockObligations(clocks, notificationObjectives(scenario), lateScore), ...runs];
  const objectives = scenario.objectives.map((o) => rateObjective(o, responses, obligations));
  const improvementItems = improvements(responses, clocks, runs, definition);
  return {
    overview: {
      scenario: scenario.metadata.id,
      title: scenario.metadata.title,
      basedOn: scenario.metadata.basedOn,
      playbook: scenario.metadata.playbook,
      playbookVersion: run.incident.playbookVersion,
      start: scenario.clock.start,
      end: new Date(run.endMs).toISOString(),
      timeZone: scenario.clock.timeZone,
      threatHazard: scenario.exercise.threatHazard ?? null,
      missionAreas: scenario.exercise.missionAreas,
      assumptions: scenario.exercise.assumptions,
      tlp: scenario.metadata.tlp,
    },
    objectives,
    responses,
    clocks,
    metrics: scenario.metrics.map((metric) => {
      const match = firstMatch(run.events, metric.to);
      return {
        id: metric.id,
        title: metric.title,
        minutes: match ? Math.round((Date.parse(match.at) - run.startMs) / 60_000) : null,
        at: match?.at ?? null,
      };
    }),
    decisions: decisions(run.events, run.startMs, definition),
    refusedMoves: run.refused.map((m) => ({
      at: m.at,
      offset: `T+${offsetText(Date.parse(m.at) - run.startMs)}`,
      as: m.as,
      event: m.event,
      what: eventTitle(definition, m.event),
      reason: `${m.code}: ${m.reason}`,
    })),
    injects: scenario.injects.map((inj) => {
      const fired = run.injects.find((f) => f.id === inj.id);
      return {
        id: inj.id,
        module: inj.module ?? null,
        offset: fired ? `T+${offsetText(fired.offsetMs)}` : null,
        channel: inj.channel,
        from: inj.from,
        content: inj.content,
        fired: fired !== undefined,
      };
    }),
    timeline: timeline(run, definition),
    summary: executiveSummary(objectives, responses, clocks, improvementItems),
    improvements: improvementItems,
    modules: scenario.modules,
    outcome: {
      status: run.incident.status,
      activeAtEnd: run.incident.active.map((a) => a.path),
    },
  };
}
