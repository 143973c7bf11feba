import {
  type ContextFacts,
  clockById,
  contextFacts,
  type NotificationClock,
  type PlaybookDefinition,
  type TrackedClock,
} from '../playbook-kit';
import { Refusal } from './errors';
import { restoreSnapshot } from './machine-runtime';
import type { IncidentRow } from './types';

/** One item a regulator asks for, filled from the incident's facts or named as missing. */
export interface DraftField {
  id: string;
  label: string;
  /** The provision that asks for it. */
  cite: string;
  value: string | null;
  /** Where the value came from (an input field, a recorded event, the clock), null while missing. */
  from: string | null;
}

/** A draft of the notification a running (or started) clock calls for, with what is still missing. */
export interface NotificationDraft {
  incidentId: string;
  clockId: string;
  regime: string;
  recipient: string;
  source: string;
  /** Which form the draft follows: a regime's own list of items, or the generic one. */
  template: string;
  clock: Pick<TrackedClock, 'state' | 'anchor' | 'anchorAt' | 'dueAt' | 'metAt'>;
  fields: DraftField[];
  /** The ids of the fields still missing. */
  missing: string[];
}

/** What a draft is filled from: the incident's context facts (its input among them) and the clock. */
interface Sources {
  facts: ContextFacts;
  clock: TrackedClock;
}

type Found = { value: string; from: string } | null;
type Fill = (sources: Sources) => Found;

interface FieldSpec {
  id: string;
  label: string;
  cite: string;
  fill: Fill;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value at a dotted path of the input, as text (lists joined), or null. */
const inputAt =
  (path: string): Fill =>
  ({ facts }) => {
    let value: unknown = facts.input;
    for (const key of path.split('.')) value = isRecord(value) ? value[key] : undefined;
    const text = asText(value);
    return text === null ? null : { value: text, from: `input.${path}` };
  };

const asText = (value: unknown): string | null => {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length > 0) {
    const items = value.map(asText).filter((item): item is string => item !== null);
    return items.length > 0 ? items.join(', ') : null;
  }
  return null;
};

/** A field of the newest payload of a recorded event, e.g. `breach.determined` → `affectedCount`. */
const recordedAt =
  (event: string, field: string): Fill =>
  ({ facts }) => {
    const text = asText(facts.recorded?.[event]?.payload[field]);
    return text === null ? null : { value: text, from: `${event}.${field}` };
  };

/** The first of several sources that has a value. */
const firstOf =
  (...fills: Fill[]): Fill =>
  (sources) => {
    for (const fill of fills) {
      const found = fill(sources);
      if (found) return found;
    }
    return null;
  };

const anchorTime: Fill = ({ clock }) => ({
  value: clock.anchorAt,
  from: `clock ${clock.id} (${clock.anchor})`,
});
const organisation = inputAt('organisation.name');
const contact = firstOf(inputAt('contact'), inputAt('organisation.contact'), inputAt('dpo'));
const dataCategories = firstOf(recordedAt('scope.estimated', 'dataCategories'), inputAt('dataCategories'));
const affected = firstOf(
  recordedAt('breach.determined', 'affectedCount'),
  recordedAt('scope.estimated', 'individuals'),
  recordedAt('privacy.assessed', 'affectedPeople'),
);
const nature = firstOf(
  recordedAt('breach.determined', 'rationale'),
  recordedAt('scope.estimated', 'summary'),
  recordedAt('breach.aware', 'rationale'),
);
const cause = firstOf(
  recordedAt('root_cause.identified', 'summary'),
  recordedAt('root_cause.identified', 'vector'),
);
const harm = firstOf(
  recordedAt('reportability.assessed', 'rationale'),
  recordedAt('privacy.assessed', 'rationale'),
  recordedAt('threshold.assessed', 'rationale'),
);
/** Measures taken: the decisions on record, each with its option and rationale. */
const measures: Fill = ({ facts }) => {
  const decisions = facts.decisions ?? [];
  return decisions.length === 0
    ? null
    : {
        value: decisions.map((d) => `${d.event}: ${d.option} (${d.rationale})`).join('; '),
        from: 'decisions',
      };
};
const noticeToIndividuals = firstOf(
  recordedAt('customers.notified', 'message'),
  recordedAt('message.sent', 'channel'),
);
const publicAnnouncement = firstOf(
  recordedAt('statement.approved', 'text'),
  recordedAt('update.published', 'message'),
);
/** Nothing holdfast records answers it: always for the filer to give. */
const notRecorded: Fill = () => null;
const delayReason: Fill = (sources) =>
  sources.clock.state === 'running'
    ? { value: `Not late while filed before ${sources.clock.dueAt}`, from: `clock ${sources.clock.id}` }
    : recordedAt('regulator.reported', 'delayReason')(sources);

const field = (id: string, label: string, cite: string, fill: Fill): FieldSpec => ({ id, label, cite, fill });

/** GDPR Art. 33(3)(a)–(d), and Art. 33(1)'s reasons for a delay (UK GDPR has the same article). */
const gdprArt33 = (law: string): FieldSpec[] => [
  field('controller', 'Controller', `${law} Art. 33(3)(b)`, organisation),
  field('awareAt', 'When the controller became aware', `${law} Art. 33(1)`, anchorTime),
  field('nature', 'Nature of the breach', `${law} Art. 33(3)(a)`, nature),
  field(
    'dataCategories',
    'Categories of personal data records concerned',
    `${law} Art. 33(3)(a)`,
    dataCategories,
  ),
  field('dataSubjects', 'Approximate number of data subjects concerned', `${law} Art. 33(3)(a)`, affected),
  field(
    'contactPoint',
    'Name and contact details of the DPO or other contact point',
    `${law} Art. 33(3)(b)`,
    contact,
  ),
  field('consequences', 'Likely consequences of the breach', `${law} Art. 33(3)(c)`, harm),
  field(
    'measures',
    'Measures taken or proposed, including to mitigate its effects',
    `${law} Art. 33(3)(d)`,
    measures,
  ),
  field(
    'delayReason',
    'Reasons for the delay (a notification after 72 hours)',
    `${law} Art. 33(1)`,
    delayReason,
  ),
];

/** The items of an APPI report to the PPC (PPC Rules Art. 8(1) items 1–9). */
const appiReport: FieldSpec[] = [
  field('overview', '概要: overview of the situation', 'PPC Rules Art. 8(1)(i)', nature),
  field(
    'knewAt',
    'When the business learned of it (知った時)',
    'APPI Art. 26(1); PPC Rules Art. 8(1)(i)',
    anchorTime,
  ),
  field(
    'dataItems',
    'Items of personal data leaked or possibly leaked',
    'PPC Rules Art. 8(1)(ii)',
    dataCategories,
  ),
  field('persons', 'Number of persons concerned', 'PPC Rules Art. 8(1)(iii)', affected),
  field('cause', 'Cause', 'PPC Rules Art. 8(1)(iv)', cause),
  field(
    'secondaryDamage',
    'Whether secondary damage occurred or may occur, and what',
    'PPC Rules Art. 8(1)(v)',
    harm,
  ),
  field('principals', 'Response to the persons concerned', 'PPC Rules Art. 8(1)(vi)', noticeToIndividuals),
  field('publicAnnouncement', 'Public announcement', 'PPC Rules Art. 8(1)(vii)', publicAnnouncement),
  field('recurrence', 'Measures to prevent recurrence', 'PPC Rules Art. 8(1)(viii)', measures),
  field('other', 'Other matters for reference: the contact point', 'PPC Rules Art. 8(1)(ix)', contact),
];

/** The fields of the HHS breach report (45 CFR 164.408; the OCR breach portal's form). */
const hhsBreachReport: FieldSpec[] = [
  field('coveredEntity', 'Covered entity name', '45 CFR 164.408; OCR breach portal', organisation),
  field('contact', 'Covered entity contact', 'OCR breach portal', contact),
  field('breachStart', 'Date of breach', 'OCR breach portal', inputAt('demand.receivedAt')),
  field('discoveredAt', 'Date of discovery', '45 CFR 164.404(a)(2)', anchorTime),
  field('individuals', 'Approximate number of individuals affected', '45 CFR 164.408(b)–(c)', affected),
  field('breachType', 'Type of breach (e.g. hacking / IT incident)', 'OCR breach portal', nature),
  field(
    'location',
    'Location of the breached information',
    'OCR breach portal',
    recordedAt('scope.estimated', 'summary'),
  ),
  field(
    'phiTypes',
    'Types of protected health information involved',
    '45 CFR 164.404(c)(1)(B)',
    dataCategories,
  ),
  field('safeguards', 'Safeguards in place before the breach', 'OCR breach portal', notRecorded),
  field('actions', 'Actions taken in response', '45 CFR 164.404(c)(1)(D); OCR breach portal', measures),
  field('individualNotice', 'Notice to individuals', '45 CFR 164.404', noticeToIndividuals),
];

/** Any other clock: what its entry says the recipient must be told, and the facts every notice needs. */
const generic = (definition: NotificationClock): FieldSpec[] => [
  field('organisation', 'Organisation', definition.source, organisation),
  field('anchorAt', `When the clock started (${definition.anchor})`, definition.source, anchorTime),
  field('nature', 'What happened', definition.source, nature),
  field('dataCategories', 'Data concerned', definition.source, dataCategories),
  field('affected', 'People affected', definition.source, affected),
  field('measures', 'Measures taken', definition.source, measures),
  field('contact', 'Contact point', definition.source, contact),
];

/** The form of a regime's notice: its own list of items where holdfast has one, else the generic one. */
function templateFor(definition: NotificationClock): { template: string; fields: FieldSpec[] } {
  switch (definition.regime) {
    case 'GDPR':
      return { template: 'GDPR Art. 33(3)', fields: gdprArt33('GDPR') };
    case 'UK GDPR':
      return { template: 'UK GDPR Art. 33(3)', fields: gdprArt33('UK GDPR') };
    case 'APPI':
      return { template: 'PPC Rules Art. 8(1)', fields: appiReport };
    case 'HIPAA':
      return { template: 'HHS breach report', fields: hhsBreachReport };
    default:
      return { template: 'generic', fields: generic(definition) };
  }
}

/**
 * The draft of the notification a clock of this incident calls for, filled from the incident's input, the
 * events recorded, its decisions and the clock. A clock the library lacks is not found; one the incident never
 * started is a conflict: there is nothing to notify (yet).
 */
export function notificationDraft(
  playbook: PlaybookDefinition,
  row: IncidentRow,
  clockId: string,
): NotificationDraft {
  const definition = clockById(clockId);
  if (!definition) throw new Refusal('not_found', `no notification clock "${clockId}"`);
  const facts = contextFacts(playbook, restoreSnapshot(playbook, row.snapshot).context);
  const clock = facts.clocks.find((started) => started.id === clockId);
  if (!clock) {
    throw new Refusal(
      'event_not_allowed',
      `clock "${clockId}" has not started on this incident: its anchor (${definition.anchor}) is not recorded, or its jurisdictions (${definition.jurisdictions.join(', ')}) do not apply`,
      { startedClocks: facts.clocks.map((started) => started.id) },
    );
  }
  const { template, fields: specs } = templateFor(definition);
  const sources = { facts, clock };
  const fields = specs.map(({ id, label, cite, fill }) => {
    const found = fill(sources);
    return { id, label, cite, value: found?.value ?? null, from: found?.from ?? null };
  });
  return {
    incidentId: row.id,
    clockId,
    regime: definition.regime,
    recipient: definition.recipient,
    source: definition.source,
    template,
    clock: {
      state: clock.state,
      anchor: clock.anchor,
      anchorAt: clock.anchorAt,
      dueAt: clock.dueAt,
      metAt: clock.metAt,
    },
    fields,
    missing: fields.filter((f) => f.value === null).map((f) => f.id),
  };
}

/** One line of Markdown: no line breaks inside, so a value cannot start a heading or a list of its own. */
const inline = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** The draft as Markdown: the recipient and the clock, each item with its provision, and what is missing. */
export function draftMarkdown(draft: NotificationDraft): string {
  const missing = draft.fields.filter((f) => f.value === null);
  return [
    `# Draft notification: ${inline(draft.regime)} (${draft.clockId})`,
    '',
    `- **To:** ${inline(draft.recipient)}`,
    `- **Form:** ${draft.template}; ${inline(draft.source)}`,
    `- **Clock:** ${draft.clock.state}, started ${draft.clock.anchorAt} (${draft.clock.anchor}), due ${draft.clock.dueAt}`,
    '',
    '## Items',
    '',
    ...draft.fields.map(
      (f) =>
        `- **${f.label}** (${f.cite}): ${f.value === null ? '_missing_' : `${inline(f.value)} _(from ${f.from})_`}`,
    ),
    '',
    '## Still missing',
    '',
    ...(missing.length === 0 ? ['_Nothing._'] : missing.map((f) => `- ${f.label} (${f.cite})`)),
    '',
    '_A draft from the facts on record, for counsel to check before filing; not legal advice._',
    '',
  ].join('\n');
}
