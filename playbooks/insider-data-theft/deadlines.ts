import {
  addMonths,
  clockById,
  clockDueAt,
  type Deadline,
  days,
  endOfToday,
  fromFact,
  hours,
  type KitContext,
} from '../../src/playbook-kit';

/** A string field of the incident input, when set. */
const inputString = (context: KitContext, field: string): string | undefined => {
  const value = context.input[field];
  return typeof value === 'string' ? value : undefined;
};

/** When suspicion became credible (input), else the opening: evidence preservation counts from here. */
export const suspicionAt = (context: KitContext): string =>
  inputString(context, 'suspicionAt') ?? context.openedAt;

/** Best estimate of when exfiltration began (C3: January 2017), else the suspicion time. */
export const exfiltrationAt = (context: KitContext): string =>
  inputString(context, 'exfiltrationStartedAt') ?? suspicionAt(context);

const C3 = 'C3 Future Architect (S2)';

/** PB-4 command: declaration within 4 h of credible suspicion (policy default). */
export const declarationDue: Deadline = {
  id: 'declarationDue',
  label: 'Declaration due (4 h after credible suspicion; policy default)',
  after: hours(4),
  from: suspicionAt,
  source: 'PB-4 (policy default); NIST DE.AE-08',
};

/** PB-4 Timers: evidence preservation ≤24 h from credible suspicion (policy). */
export const evidencePreservationDue: Deadline = {
  id: 'evidencePreservationDue',
  label: 'Evidence preserved: legal hold and logs (24 h after credible suspicion; policy)',
  after: hours(24),
  from: suspicionAt,
  source: 'PB-4 Timers: evidence preservation ≤24 h from credible suspicion (policy); IPA 証拠確保 (R11)',
};

/** D-I1 is not left open: NIST warns against delaying containment (policy default 48 h). */
export const containmentDecisionDue: Deadline = {
  id: 'containmentDecisionDue',
  label: 'D-I1 covert monitoring vs suspension decided (48 h after credible suspicion; policy default)',
  after: hours(48),
  from: suspicionAt,
  source: 'PB-4 Manage D-I1; NIST SP 800-61r3: delaying containment is risky, discuss with legal (R1)',
};

/** Covert monitoring is re-reviewed within 7 days (policy default): it delays containment. */
export const monitoringReviewDue: Deadline = {
  id: 'monitoringReviewDue',
  label: 'Covert monitoring review (7 d after D-I1 chose monitoring; policy default)',
  after: days(7),
  from: fromFact('containment.decided'),
  source: 'PB-4 Manage D-I1; NIST: do not delay containment (R1) (policy default)',
};

/** A long-horizon milestone: a soft target date counted in months from the start of exfiltration. */
const milestone = (id: string, months: number, what: string, c3: string): Deadline => ({
  id,
  label: `${what} (target: exfiltration + ${months} months; C3 milestone, soft)`,
  at: (context) => addMonths(exfiltrationAt(context), months),
  source: `PB-4 Timers: long-horizon milestones; ${C3}: ${c3}`,
});

export const policeConsultationTarget = milestone(
  'policeConsultationTarget',
  3,
  'Police consulted',
  'police consulted Apr 2017, about T0 + 3 mo',
);
export const dismissalTarget = milestone(
  'dismissalTarget',
  4,
  'HR action (dismissal) decided',
  'suspect dismissed May 2017, about T0 + 4 mo',
);
export const civilActionTarget = milestone(
  'civilActionTarget',
  7,
  'Civil action decided',
  'civil damages suit Aug 2017, about T0 + 7 mo',
);
export const arrestTarget = milestone(
  'arrestTarget',
  14,
  'Criminal case outcome (arrest)',
  'arrest 6 Mar 2018, about T0 + 14 mo',
);

/**
 * APPI confirmed report (確報): 60 days for category (3) improper-purpose cases, else 30, from when the
 * organisation knew (`breach.determined`). SM-CLOCKS files every APPI clock on an APPI filing that names no
 * `clockIds`, so the confirmed phase is also tracked here as the step's own deadline, which escalates. It is due
 * when the clock is, in the PPC's calendar.
 */
export const appiConfirmedReportDue: Deadline = {
  id: 'appiConfirmedReportDue',
  label: 'APPI confirmed report to the PPC (60 d for improper purpose, else 30 d, after knowing)',
  at: (context) => {
    const determined = context.facts['breach.determined'];
    const knewAt = determined?.at ?? context.now;
    const improper = determined?.payload.improperPurpose === true;
    const clock = clockById(improper ? 'appi-confirmed-improper' : 'appi-confirmed')!;
    return clockDueAt(clock, knewAt, { timeZone: context.timeZone });
  },
  source:
    'PB-4 Privacy; APPI PPC Rules Art. 8(2): confirmed report 30 d, 60 d for category (3) (R14, §3.2 row 7)',
};

/** C3: Future Architect's notice responded to "today's reports" (same day; policy default). */
export const pressStatementDue: Deadline = {
  id: 'pressStatementDue',
  label: 'Public statement out (end of the day it was decided; policy default)',
  at: endOfToday,
  source: `PB-4 Comms; ${C3}: the notice responded to "today's reports"`,
};
