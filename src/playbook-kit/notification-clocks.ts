import { addCalendarDays, countBusinessDays, type PublicHoliday } from './business-days';
import { addMs, hours } from './time';

/**
 * The moments the law counts from (domain reference §3.1): each a fact recorded with its own time, never one
 * event standing for several.
 */
export const clockAnchors = {
  aware: 'Aware of a personal-data breach (GDPR, UK GDPR, state laws: reasonable certainty it happened)',
  knew: 'Knew of the situation, even as a possibility (APPI 知った, PPC guidelines)',
  discovered:
    'Discovered: first known, or would have been known with reasonable diligence (HIPAA, card brands)',
  determined: 'Breach of security safeguards determined to pose a real risk of significant harm (PIPEDA)',
  notifiable: 'Notifiable cybersecurity event determined to have occurred (NYDFS 500.17(a))',
  material: 'Incident determined to be material (SEC Form 8-K Item 1.05)',
  classified: 'Incident classified as major or significant (DORA, NIS2)',
  payment: 'Ransom or extortion payment made',
} as const;

/** The event a clock counts from (see `clockAnchors`). */
export type ClockAnchor = keyof typeof clockAnchors;

/** Every anchor, in the order of `clockAnchors`. */
export const anchorKinds = Object.keys(clockAnchors) as [ClockAnchor, ...ClockAnchor[]];

/**
 * What a breach determination implies at the latest: whoever determined a breach knew of it (APPI), had
 * discovered it (HIPAA) and had determined that a notifiable event occurred (NYDFS). An earlier record of those
 * anchors keeps its own time; a missing one is recorded at the determination.
 */
export const impliedAnchors: Readonly<Partial<Record<ClockAnchor, readonly ClockAnchor[]>>> = {
  determined: ['knew', 'discovered', 'notifiable'],
};

export type ClockDeadline =
  | { kind: 'hours'; amount: number }
  | { kind: 'calendar_days'; amount: number }
  | { kind: 'business_days'; amount: number }
  /** "promptly", "as soon as feasible", "without undue delay": no legal hour count, only a policy target. */
  | { kind: 'soft'; policyTargetHours: number };

/**
 * The calendar a clock counts in: its regulator's, whatever the organisation's country. Null where holdfast
 * cannot say which: then the organisation's country and the incident's time zone (the clock's
 * `calendarNote` says why).
 */
export interface ClockCalendar {
  /** Whose public holidays close a business day: a `holidayCalendars` code, or a region without rules. */
  region: string | null;
  /** The IANA time zone its days begin and end in. */
  timeZone: string | null;
}

export interface NotificationClock {
  id: string;
  /** Jurisdiction codes whose incidents this clock applies to (an incident's `input.jurisdictions`). */
  jurisdictions: readonly string[];
  regime: string;
  label: string;
  anchor: ClockAnchor;
  deadline: ClockDeadline;
  recipient: string;
  /** When the clock applies, in words (thresholds, risk tests). */
  condition: string;
  /** The rule text or official summary it comes from (domain reference §3.2 and §6). */
  source: string;
  calendar: ClockCalendar;
  /** What is uncertain or left out about the calendar. */
  calendarNote?: string;
  /** True when the figure is an editable policy default, not the law's own number. */
  policyDefault: boolean;
  /** Record-keeping obligation that outlives the notice, in months. */
  retentionMonths?: number;
  /** Date the rule text was last checked against its source. */
  verifiedOn: string;
}

/**
 * The notification-clock library (domain reference §3.2), as versioned data: legal teams edit it,
 * code never hard-codes a clock. Not legal advice.
 */
export const notificationClocks: readonly NotificationClock[] = [
  {
    id: 'gdpr-art33',
    jurisdictions: ['EU'],
    regime: 'GDPR',
    label: 'GDPR Art. 33 report to the supervisory authority (72 h after awareness)',
    anchor: 'aware',
    deadline: { kind: 'hours', amount: 72 },
    recipient: 'Competent supervisory authority',
    condition:
      'Personal data breach unless unlikely to result in a risk to individuals; a late notice must give reasons',
    source: 'Reg. (EU) 2016/679 Art. 33(1); EDPB Guidelines 9/2022 (R12)',
    calendar: { region: 'EU', timeZone: null },
    calendarNote:
      "72 hours run through weekends and holidays, so no calendar moves the due time; the competent (lead) supervisory authority, and so its time zone, depends on the controller's establishment",
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'uk-gdpr-art33',
    jurisdictions: ['UK'],
    regime: 'UK GDPR',
    label: 'UK GDPR report to the ICO (72 h after awareness)',
    anchor: 'aware',
    deadline: { kind: 'hours', amount: 72 },
    recipient: "Information Commissioner's Office",
    condition: 'Personal data breach unless unlikely to result in a risk; weekends count',
    source: 'UK GDPR Art. 33; ICO guidance (R13)',
    calendar: { region: 'GB', timeZone: 'Europe/London' },
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'appi-preliminary',
    jurisdictions: ['JP'],
    regime: 'APPI',
    label: 'APPI preliminary report to the PPC (promptly; policy target 3 days)',
    anchor: 'knew',
    deadline: { kind: 'soft', policyTargetHours: 72 },
    recipient: 'Personal Information Protection Commission',
    condition: 'Special-care data, property-damage risk, improper purpose, or more than 1,000 people',
    source: 'APPI Art. 26(1); PPC Rules Art. 8(1); Guidelines 3-5-3-3 "about 3–5 days" (R14)',
    calendar: { region: 'JP', timeZone: 'Asia/Tokyo' },
    policyDefault: true,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'appi-confirmed',
    jurisdictions: ['JP'],
    regime: 'APPI',
    label: 'APPI confirmed report to the PPC (30 days)',
    anchor: 'knew',
    deadline: { kind: 'calendar_days', amount: 30 },
    recipient: 'Personal Information Protection Commission',
    condition:
      'As the preliminary report; 60 days instead for improper-purpose cases (appi-confirmed-improper)',
    source: 'PPC Rules Art. 8(2) (R14)',
    calendar: { region: 'JP', timeZone: 'Asia/Tokyo' },
    calendarNote:
      'Counted as 30 days at the same Tokyo time as the anchor. Not checked: whether the PPC counts from the next day or moves a deadline that falls on a day it is closed',
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'appi-confirmed-improper',
    jurisdictions: ['JP'],
    regime: 'APPI',
    label: 'APPI confirmed report to the PPC (60 days, improper-purpose case)',
    anchor: 'knew',
    deadline: { kind: 'calendar_days', amount: 60 },
    recipient: 'Personal Information Protection Commission',
    condition: 'Category (3): possibly done for an improper purpose (unauthorised access, employee theft)',
    source: 'PPC Rules Art. 8(2); PPC leak page (R14)',
    calendar: { region: 'JP', timeZone: 'Asia/Tokyo' },
    calendarNote:
      'Counted as 60 days at the same Tokyo time as the anchor. Not checked: whether the PPC counts from the next day or moves a deadline that falls on a day it is closed',
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'pipeda-opc',
    jurisdictions: ['CA'],
    regime: 'PIPEDA',
    label: 'PIPEDA report to the Privacy Commissioner (as soon as feasible; policy target 72 h)',
    anchor: 'determined',
    deadline: { kind: 'soft', policyTargetHours: 72 },
    recipient: 'Office of the Privacy Commissioner of Canada',
    condition: 'Real risk of significant harm (RROSH)',
    source: 'PIPEDA s.10.1(1)-(2); Breach of Security Safeguards Regulations SOR/2018-64 (R15)',
    calendar: { region: 'CA', timeZone: 'America/Toronto' },
    policyDefault: true,
    retentionMonths: 24,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'sec-8k-105',
    jurisdictions: ['US-SEC'],
    regime: 'SEC 8-K',
    label: 'SEC Form 8-K Item 1.05 (4 business days after the materiality determination)',
    anchor: 'material',
    deadline: { kind: 'business_days', amount: 4 },
    recipient: 'SEC (public filing)',
    condition: 'Registrant determines a cybersecurity incident is material',
    source: 'Form 8-K Item 1.05; Release 33-11216 (R19)',
    calendar: { region: 'US', timeZone: 'America/New_York' },
    calendarNote:
      "SEC business days: not Saturdays, Sundays or federal legal holidays, Eastern time in Washington, D.C. (17 CFR 201.104). Not counted: Inauguration Day and closures ordered at short notice; EDGAR's cut-off for a filing to count as made that day (Regulation S-T) is earlier than the end of the day",
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'hipaa-individuals',
    jurisdictions: ['US-HIPAA'],
    regime: 'HIPAA',
    label: 'HIPAA notice to individuals (no later than 60 days after discovery)',
    anchor: 'discovered',
    deadline: { kind: 'calendar_days', amount: 60 },
    recipient: 'Affected individuals',
    condition: 'Breach of unsecured protected health information',
    source: '45 CFR 164.404(b) (R20)',
    calendar: { region: 'US', timeZone: null },
    calendarNote:
      "A notice to individuals, not a filing: the rule names no time zone, so the incident's is used",
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'visa-initial-report',
    jurisdictions: ['PCI'],
    regime: 'Visa WTDIC',
    label: 'Visa initial incident report (3 business days)',
    anchor: 'discovered',
    deadline: { kind: 'business_days', amount: 3 },
    recipient: 'Acquirer and Visa Fraud Control',
    condition: 'Suspected or confirmed loss or theft of Visa account data',
    source: 'Visa "What To Do If Compromised" (R18)',
    calendar: { region: null, timeZone: null },
    calendarNote:
      "The sources do not say whose business days Visa counts (day counts also differ by region): the organisation's country and the incident's time zone are used; check with the acquirer",
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'card-brands-immediate',
    jurisdictions: ['PCI'],
    regime: 'Card brands',
    label: 'Card brands and acquirer notified (immediately; policy target 24 h)',
    anchor: 'discovered',
    deadline: { kind: 'soft', policyTargetHours: 24 },
    recipient: 'Acquirer and payment brands',
    condition: 'Suspected or confirmed compromise of cardholder data',
    source: 'PCI DSS 12.10.1 (R17); Visa "What To Do If Compromised": notify immediately (R18)',
    calendar: { region: null, timeZone: null },
    policyDefault: true,
    verifiedOn: '2026-11-21',
  },
  {
    id: 'visa-account-numbers',
    jurisdictions: ['PCI'],
    regime: 'Visa WTDIC',
    label: 'Visa compromised account numbers (10 business days)',
    anchor: 'discovered',
    deadline: { kind: 'business_days', amount: 10 },
    recipient: 'Acquirer and Visa Fraud Control',
    condition: 'Suspected or confirmed loss or theft of Visa account data',
    source: 'Visa "What To Do If Compromised" (R18)',
    calendar: { region: null, timeZone: null },
    calendarNote:
      "The sources do not say whose business days Visa counts (day counts also differ by region): the organisation's country and the incident's time zone are used; check with the acquirer",
    policyDefault: false,
    verifiedOn: '2026-11-21',
  },
  {
    id: 'pipl-art57',
    jurisdictions: ['CN'],
    regime: 'PIPL',
    label: 'PIPL Art. 57 notice (immediately; policy target 24 h)',
    anchor: 'discovered',
    deadline: { kind: 'soft', policyTargetHours: 24 },
    recipient: 'Personal-information protection departments and the individuals',
    condition:
      'Personal information leaked, tampered with or lost, or possibly so (check later CAC measures)',
    source: 'PIPL Art. 57 (§3.2 row 14)',
    calendar: { region: 'CN', timeZone: 'Asia/Shanghai' },
    policyDefault: true,
    verifiedOn: '2026-11-21',
  },
  {
    id: 'nydfs-incident',
    jurisdictions: ['US-NY-DFS'],
    regime: 'NYDFS',
    label: 'NYDFS notice to the Superintendent (72 h after determining)',
    anchor: 'notifiable',
    deadline: { kind: 'hours', amount: 72 },
    recipient: 'NY Superintendent of Financial Services',
    condition: 'Notifiable cybersecurity incident at the covered entity, affiliates or service providers',
    source: '23 NYCRR 500.17(a) (R22)',
    calendar: { region: 'US-NY', timeZone: 'America/New_York' },
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
  {
    id: 'nydfs-extortion-payment',
    jurisdictions: ['US-NY-DFS'],
    regime: 'NYDFS',
    label: 'NYDFS extortion-payment notice (24 h after paying)',
    anchor: 'payment',
    deadline: { kind: 'hours', amount: 24 },
    recipient: 'NY Superintendent of Financial Services',
    condition: 'An extortion payment was made; written justification within 30 days (verify current text)',
    source: '23 NYCRR 500.17(c), 2023 Second Amendment (R22)',
    calendar: { region: 'US-NY', timeZone: 'America/New_York' },
    policyDefault: false,
    verifiedOn: '2026-11-01',
  },
];

/** The clocks that an anchor event starts for an incident's jurisdictions. */
export function clocksFor(jurisdictions: readonly string[], anchor: ClockAnchor): NotificationClock[] {
  return notificationClocks.filter(
    (clock) => clock.anchor === anchor && clock.jurisdictions.some((j) => jurisdictions.includes(j)),
  );
}

/** The clock of this id, if the library has one. */
export const clockById = (id: string): NotificationClock | undefined =>
  notificationClocks.find((clock) => clock.id === id);

/** What an incident says about where it is: its time zone and the organisation's country. */
export interface IncidentCalendar {
  timeZone: string;
  country?: string;
}

/** When a clock is due, and the calendar it was counted in. */
export interface ClockDue {
  dueAt: string;
  /** Whose holidays were skipped (null: none, weekends only). */
  region: string | null;
  timeZone: string;
  /** The weekday holidays a business-day count stepped over. */
  holidaysSkipped: PublicHoliday[];
}

/**
 * When a clock is due, from its anchor time, in the clock's own calendar (the incident's where the clock has
 * none). Business-day clocks skip weekends and the region's holidays; soft clocks are due at their policy
 * target.
 */
export function clockDue(clock: NotificationClock, anchorIso: string, incident: IncidentCalendar): ClockDue {
  const region = clock.calendar.region ?? incident.country ?? null;
  const timeZone = clock.calendar.timeZone ?? incident.timeZone;
  const due = (dueAt: string, holidaysSkipped: PublicHoliday[] = []): ClockDue => ({
    dueAt,
    region,
    timeZone,
    holidaysSkipped,
  });
  const { deadline } = clock;
  switch (deadline.kind) {
    case 'hours':
      return due(addMs(anchorIso, hours(deadline.amount)));
    case 'soft':
      return due(addMs(anchorIso, hours(deadline.policyTargetHours)));
    case 'calendar_days':
      return due(addCalendarDays(anchorIso, deadline.amount, timeZone));
    case 'business_days': {
      const counted = countBusinessDays(anchorIso, deadline.amount, timeZone, region ?? undefined);
      return due(counted.endsAt, counted.holidaysSkipped);
    }
  }
}

/** When a clock is due (see `clockDue`). */
export const clockDueAt = (clock: NotificationClock, anchorIso: string, incident: IncidentCalendar): string =>
  clockDue(clock, anchorIso, incident).dueAt;
