import { DateTime } from 'luxon';
import {
  type Actor,
  type Engine,
  type EventRecord,
  type IncidentNotification,
  type IncidentView,
  reminderEventType,
} from '../engine';
import { contextFacts, type PlaybookDefinition } from '../playbook-kit';
import { markdownPage, table } from './page';
import { wholeLog } from './runner';
import { eventTitle, keyAsWords } from './words';

/**
 * The report of one incident, live or exercise, for the regulator, the insurer and the board: what happened
 * (the timeline), what was decided and why, the evidence kept, the notification clocks and what was filed, and
 * what escalated. Built from the event log, which holds everything (the context keeps only the newest records).
 */
export interface IncidentReport {
  overview: {
    id: string;
    title: string;
    playbook: string;
    playbookTitle: string;
    playbookVersion: number;
    mode: IncidentView['mode'];
    severity: string;
    status: IncidentView['status'];
    openedAt: string;
    closedAt: string | null;
    /** The incident's own time zone (its input's), in which times are also shown. */
    timeZone: string;
  };
  now: {
    active: { step: string; track: string; title: string; owner: string | null }[];
    overdue: { label: string; dueAt: string; since: string }[];
  };
  timeline: { at: string; local: string; by: string; event: string; what: string; note: string | null }[];
  decisions: {
    at: string;
    local: string;
    event: string;
    what: string;
    choice: string | null;
    rationale: string;
    by: string;
  }[];
  evidence: {
    at: string;
    local: string;
    by: string;
    event: string;
    kind: string;
    sha256: string;
    location: string | null;
  }[];
  clocks: {
    label: string;
    regime: string;
    recipient: string;
    anchorAt: string;
    dueAt: string;
    filedAt: string | null;
    status: string;
    source: string;
  }[];
  filings: { at: string; local: string; by: string; event: string; what: string; details: string }[];
  escalations: { at: string; local: string; label: string; dueAt: string | null }[];
  /**
   * What reached people through responder-facing webhook endpoints (those with an audience), and when; a message
   * that finally failed is listed too, so the report never implies someone was told who was not.
   */
  told: {
    at: string | null;
    local: string | null;
    audience: string;
    endpoint: string;
    what: string;
    status: 'delivered' | 'failed';
  }[];
}

type Payload = Record<string, unknown>;
const payloadOf = (event: EventRecord): Payload =>
  event.payload && typeof event.payload === 'object' ? (event.payload as Payload) : {};
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The incident's time zone: its context's, else its input's, else UTC. */
function timeZoneOf(context: unknown): string {
  const fields = (context && typeof context === 'object' ? context : {}) as Payload;
  const input = (fields.input && typeof fields.input === 'object' ? fields.input : {}) as Payload;
  const zone = text(fields.timeZone) ?? text(input.timeZone);
  return zone && DateTime.local().setZone(zone).isValid ? zone : 'UTC';
}

/** A filing: a report or notice sent to someone outside (a regulator, the police, the insurer, customers). */
const isFiling = (type: string) => /\.(?!not_)[a-z_]*(reported|notified|submitted)$/.test(type);

/** The choice a decision made: its option, or the field such events name it by. */
const choiceOf = (p: Payload): string | null =>
  text(p.option) ?? text(p.decision) ?? text(p.assessment) ?? text(p.finding) ?? null;

/** Evidence items an event recorded: a single item, or a list of them. */
function evidenceOf(
  event: EventRecord,
  definition: PlaybookDefinition,
  local: (at: string) => string,
): IncidentReport['evidence'] {
  const p = payloadOf(event);
  const items = Array.isArray(p.items) ? p.items : [p];
  return items
    .filter((item): item is Payload => !!item && typeof item === 'object' && typeof item.sha256 === 'string')
    .map((item) => ({
      at: event.occurredAt,
      local: local(event.occurredAt),
      by: event.actor,
      event: event.type,
      kind: text(item.kind) ?? eventTitle(definition, event.type),
      sha256: item.sha256 as string,
      location: text(item.location),
    }));
}

/** The payload's short fields as `name: value`, for a filing's details. */
const details = (p: Payload): string =>
  Object.entries(p)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([key, value]) => `${key}: ${String(value).slice(0, 200)}`)
    .join('; ');

export function buildIncidentReport(
  incident: IncidentView,
  events: readonly EventRecord[],
  definition: PlaybookDefinition,
  notifications: readonly IncidentNotification[] = [],
): IncidentReport {
  const timeZone = timeZoneOf(incident.context);
  const local = (at: string) => DateTime.fromISO(at, { zone: timeZone }).toFormat('yyyy-LL-dd HH:mm ZZZZ');
  const what = (type: string) => eventTitle(definition, type);
  const clientEvents = events.filter((e) => e.source !== 'timer' && e.type !== 'incident.opened');
  const facts = contextFacts(definition, incident.context);
  return {
    overview: {
      id: incident.id,
      title: incident.title,
      playbook: incident.playbookId,
      playbookTitle: definition.title,
      playbookVersion: incident.playbookVersion,
      mode: incident.mode,
      severity: incident.severity,
      status: incident.status,
      openedAt: facts.openedAt ?? events[0]?.occurredAt ?? incident.createdAt,
      closedAt: incident.closedAt,
      timeZone,
    },
    now: {
      active: incident.active.map((state) => ({
        step: state.path,
        track: keyAsWords(state.path.split('.')[0]!),
        title: state.title,
        owner: state.owner && keyAsWords(state.owner),
      })),
      overdue: incident.overdueItems.map((item) => ({
        label: item.label,
        dueAt: item.dueAt,
        since: item.since,
      })),
    },
    timeline: events.map((event) => {
      const label = event.source === 'timer' ? (text(payloadOf(event).label) ?? event.note) : null;
      const reminder = event.type === reminderEventType;
      return {
        at: event.occurredAt,
        local: local(event.occurredAt),
        by: event.actor,
        event: event.type,
        what: label
          ? reminder
            ? `Reminder: ${label}, due in ${text(payloadOf(event).before)}`
            : `Deadline passed: ${label}`
          : what(event.type),
        note: event.note === label ? null : event.note,
      };
    }),
    decisions: clientEvents
      .filter((event) => text(payloadOf(event).rationale))
      .map((event) => {
        const p = payloadOf(event);
        return {
          at: event.occurredAt,
          local: local(event.occurredAt),
          event: event.type,
          what: what(event.type),
          choice: choiceOf(p),
          rationale: p.rationale as string,
          by: event.actor,
        };
      }),
    evidence: clientEvents.flatMap((event) => evidenceOf(event, definition, local)),
    clocks: facts.clocks.map((clock) => ({
      label: clock.label,
      regime: clock.regime,
      recipient: clock.recipient,
      anchorAt: clock.anchorAt,
      dueAt: clock.dueAt,
      filedAt: clock.metAt,
      status: clock.state,
      source: clock.source,
    })),
    filings: clientEvents
      .filter((event) => isFiling(event.type))
      .map((event) => ({
        at: event.occurredAt,
        local: local(event.occurredAt),
        by: event.actor,
        event: event.type,
        what: what(event.type),
        details: details(payloadOf(event)),
      })),
    escalations: events
      .filter((event) => event.source === 'timer' && event.type !== reminderEventType)
      .map((event) => {
        const p = payloadOf(event);
        return {
          at: event.occurredAt,
          local: local(event.occurredAt),
          label: text(p.label) ?? event.note ?? event.type,
          dueAt: text(p.dueAt),
        };
      }),
    told: notifications.flatMap((n) => {
      if (n.audience === null || n.status === 'pending') return [];
      const at = n.status === 'delivered' ? n.deliveredAt : n.lastAttemptAt;
      return [
        {
          at,
          local: at && local(at),
          audience: n.audience,
          endpoint: n.endpointDescription,
          what: n.what,
          status: n.status,
        },
      ];
    }),
  };
}

/** How many events a report reads at most: a longer log is reported up to there, and says so. */
export const INCIDENT_REPORT_MAX_EVENTS = 20_000;

/** The report of incident `id` as `actor` may see it (a hidden incident is a 404, as everywhere). */
export async function incidentReport(
  engine: Engine,
  definitionOf: (incident: IncidentView) => PlaybookDefinition,
  id: string,
  actor: Actor,
  notifications: (id: string) => Promise<IncidentNotification[]> = async () => [],
): Promise<IncidentReport> {
  await engine.loadIncident(id, actor);
  const incident = await engine.getIncident(id, actor.roles);
  const events = await wholeLog(engine, id, INCIDENT_REPORT_MAX_EVENTS);
  return buildIncidentReport(incident, events, definitionOf(incident), await notifications(id));
}

const status: Record<string, string> = {
  running: 'running',
  met: 'filed on time',
  met_late: 'filed late',
  overdue: 'OVERDUE',
  not_required: 'not required',
};

/** The incident report as Markdown. `generatedAt` is the only varying line. */
export function incidentReportMarkdown(report: IncidentReport, generatedAt: string): string {
  const o = report.overview;
  const both = (at: string, local: string) => `${local} (${at})`;
  return [
    `# Incident report: ${o.title}`,
    '',
    `${o.mode === 'exercise' ? '**EXERCISE** · ' : ''}Playbook ${o.playbookTitle} (\`${o.playbook}\` v${o.playbookVersion}) · times in ${o.timeZone}, with UTC · generated ${generatedAt}`,
    '',
    '## 1. Overview',
    '',
    table(
      ['field', 'value'],
      [
        ['Incident', o.id],
        ['Severity', o.severity],
        ['Status', o.status],
        ['Opened', o.openedAt],
        ['Closed', o.closedAt],
        [
          'Now at',
          report.now.active.map((a) => `${a.track}: ${a.title}${a.owner ? ` (${a.owner})` : ''}`).join('; '),
        ],
      ],
    ),
    '## 2. Overdue now',
    '',
    table(
      ['item', 'was due', 'overdue since'],
      report.now.overdue.map((item) => [item.label, item.dueAt, item.since]),
    ),
    '## 3. Decisions and their rationale',
    '',
    table(
      ['when', 'decision', 'choice', 'rationale', 'by'],
      report.decisions.map((d) => [both(d.at, d.local), d.what, d.choice, d.rationale, d.by]),
    ),
    '## 4. Notification clocks',
    '',
    table(
      ['clock', 'recipient', 'started', 'due', 'filed', 'status', 'source'],
      report.clocks.map((c) => [
        c.label,
        c.recipient,
        c.anchorAt,
        c.dueAt,
        c.filedAt,
        status[c.status] ?? c.status,
        c.source,
      ]),
    ),
    '## 5. Filings and notices',
    '',
    table(
      ['when', 'what', 'details', 'by'],
      report.filings.map((f) => [both(f.at, f.local), f.what, f.details, f.by]),
    ),
    '## 6. Evidence',
    '',
    table(
      ['when', 'kind', 'SHA-256', 'where', 'by'],
      report.evidence.map((e) => [both(e.at, e.local), e.kind, e.sha256, e.location, e.by]),
    ),
    '## 7. Escalations (deadlines passed with their step not done)',
    '',
    table(
      ['when', 'what', 'was due'],
      report.escalations.map((e) => [both(e.at, e.local), e.label, e.dueAt]),
    ),
    '## 8. Who was told (responder-facing endpoints)',
    '',
    table(
      ['when', 'who', 'what', 'through', 'outcome'],
      report.told.map((t) => [
        t.at && t.local ? both(t.at, t.local) : null,
        t.audience,
        t.what,
        t.endpoint,
        t.status === 'delivered' ? 'delivered' : 'FAILED: never delivered',
      ]),
    ),
    '## 9. Timeline',
    '',
    table(
      ['when', 'what', 'by', 'note'],
      report.timeline.map((t) => [both(t.at, t.local), t.what, t.by, t.note]),
    ),
  ].join('\n');
}

export function incidentReportHtml(report: IncidentReport, generatedAt: string): string {
  return markdownPage(
    `Incident report: ${report.overview.title}`,
    incidentReportMarkdown(report, generatedAt),
  );
}
