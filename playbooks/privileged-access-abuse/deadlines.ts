import { type Deadline, hours, type KitContext } from '../../src/playbook-kit';

/** When the complaint arrived (SM-INTAKE report), else the opening: PB-5's policy clocks count from here. */
export const complaintAt = (context: KitContext): string =>
  context.input.report?.receivedAt ?? context.openedAt;

/**
 * When the case crossed the virality threshold: the recorded `virality.crossed`, or the complaint when the
 * incident was opened already viral. Undefined (count from entering the step) for a proactive statement.
 */
export const viralSince = (context: KitContext): string | undefined =>
  context.facts['virality.crossed']?.at ?? (context.input.viral === true ? complaintAt(context) : undefined);

const C1 = 'C1 iCloud support-staff extortion (S0, S1)';

/** A complaint alleging staff misconduct is a security incident, declared within 1 h (policy default). */
export const declarationDue: Deadline = {
  id: 'declarationDue',
  label: 'Declaration due (1 h after the complaint; policy default)',
  after: hours(1),
  from: complaintAt,
  source: `PB-5 (policy default); ${C1}: treat the complaint as insider misuse, not a service complaint`,
};

/** PB-5 Victim protection: human contact ≤4 h (policy). C1: "being handled" only after 3 days. */
export const victimContactDue: Deadline = {
  id: 'victimContactDue',
  label: 'Human contact with the victim (4 h after the complaint; policy)',
  after: hours(4),
  from: complaintAt,
  source: `PB-5 Victim protection: human contact ≤4 h (policy); ${C1}: "being handled" only after 3 days`,
};

/** PB-5 Insider containment: suspend all access ≤1 h, including at the outsourcer (policy). */
export const accessSuspensionDue: Deadline = {
  id: 'accessSuspensionDue',
  label: "Staff member's access suspended everywhere, outsourcer included (1 h after the complaint; policy)",
  after: hours(1),
  from: complaintAt,
  source: `PB-5 Insider containment: suspend all access ≤1 h incl. at the outsourcer (policy); ${C1}`,
};

/** PB-5 Comms: public statement ≤24–48 h once the virality threshold is crossed (policy): 24 h target... */
export const publicStatementTarget: Deadline = {
  id: 'publicStatementTarget',
  label: 'Public statement target (24 h after the virality threshold; policy)',
  after: hours(24),
  from: viralSince,
  source: `PB-5 Comms: public statement ≤24–48 h once viral (policy); ${C1}: Apple's came after ~7 days`,
};

/** ...and 48 h limit. */
export const publicStatementLimit: Deadline = {
  id: 'publicStatementLimit',
  label: 'Public statement limit (48 h after the virality threshold; policy)',
  after: hours(48),
  from: viralSince,
  source: `PB-5 Comms: public statement ≤24–48 h once viral (policy); ${C1}: >3.19 M views`,
};
