import { addCalendarDays, addCalendarMonths, countBusinessDays, type PublicHoliday } from './business-days';
import { americasClocks } from './clocks/americas';
import { asiaPacificClocks } from './clocks/asia-pacific';
import { cardBrandClocks } from './clocks/card-brands';
import { europeClocks } from './clocks/europe';
import { unitedStatesClocks } from './clocks/united-states';
import { usStateClocks } from './clocks/us-states';
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
  determined:
    'Breach determined: with a real risk of significant harm (PIPEDA), or that it occurred (US states, Australia, Singapore)',
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
  /** Calendar months at the same local time (NIS2 and DORA final reports, PIPEDA's 24-month record). */
  | { kind: 'months'; amount: number }
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
  /** What must be filed or sent. */
  filing: string;
  /** When the clock applies, in words (thresholds, risk tests). */
  condition: string;
  /** The exact provision: article, section, rule. */
  citation: string;
  /** The sources it was taken from (docs/sources.md ids). */
  source: string;
  /** Law (statute, regulation) or policy (card-brand rules, binding by contract). */
  basis: 'law' | 'policy';
  calendar: ClockCalendar;
  /** What is uncertain or left out about the calendar. */
  calendarNote?: string;
  /**
   * The local time (HH:mm, in the clock's calendar) after which a filing counts as made the next business day
   * (EDGAR's 17:30): a business-day clock is due then on its last day, not at midnight.
   */
  cutOff?: string;
  /** True when the figure is an editable policy default, not the rule's own number. */
  policyDefault: boolean;
  /** Record-keeping obligation that outlives the notice, in months. */
  retentionMonths?: number;
  /** Why the clock is shipped off (a rule not in force): it never starts on an incident. */
  off?: string;
  /** Date the figure was last checked against the primary source; null: never. */
  verifiedOn: string | null;
  /** What could not be verified against the primary source, and what it was checked against instead. */
  verification?: string;
}

/**
 * The notification-clock library (domain reference §3.2), as versioned data, one module per region under
 * `clocks/`: legal teams edit it, code never hard-codes a clock. Not legal advice.
 */
export const notificationClocks: readonly NotificationClock[] = [
  ...europeClocks,
  ...asiaPacificClocks,
  ...americasClocks,
  ...unitedStatesClocks,
  ...usStateClocks,
  ...cardBrandClocks,
];

/** The clocks that an anchor event starts for an incident's jurisdictions (never one shipped off). */
export function clocksFor(jurisdictions: readonly string[], anchor: ClockAnchor): NotificationClock[] {
  return notificationClocks.filter(
    (clock) =>
      !clock.off && clock.anchor === anchor && clock.jurisdictions.some((j) => jurisdictions.includes(j)),
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
 * none). Business-day clocks skip weekends and the region's holidays and end at the clock's cut-off, if any;
 * soft clocks are due at their policy target.
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
    case 'months':
      return due(addCalendarMonths(anchorIso, deadline.amount, timeZone));
    case 'business_days': {
      const counted = countBusinessDays(
        anchorIso,
        deadline.amount,
        timeZone,
        region ?? undefined,
        clock.cutOff,
      );
      return due(counted.endsAt, counted.holidaysSkipped);
    }
  }
}

/** When a clock is due (see `clockDue`). */
export const clockDueAt = (clock: NotificationClock, anchorIso: string, incident: IncidentCalendar): string =>
  clockDue(clock, anchorIso, incident).dueAt;
