import type { NotificationClock } from '../notification-clocks';
import { unverified } from './unverified';

interface StateClock {
  id: string;
  state: string;
  name: string;
  label: string;
  anchor: NotificationClock['anchor'];
  deadline: NotificationClock['deadline'];
  recipient: string;
  filing: string;
  condition: string;
  citation: string;
  timeZone: string;
  calendarNote?: string;
  verification?: string;
}

/** A US state breach-notification clock: the state's calendar, its law, policy default only for soft clocks. */
const stateClock = ({
  state,
  name,
  timeZone,
  calendarNote,
  verification,
  ...clock
}: StateClock): NotificationClock => ({
  ...clock,
  jurisdictions: [`US-${state}`],
  regime: `${name} breach law`,
  source: `${clock.citation} (R21)`,
  basis: 'law',
  calendar: { region: `US-${state}`, timeZone },
  ...(calendarNote ? { calendarNote } : {}),
  policyDefault: clock.deadline.kind === 'soft',
  verifiedOn: null,
  verification: verification ?? unverified,
});

const residents = 'Breach of the security of the system involving personal information of residents';

/** US state breach-notification clocks (residents' notices and attorney-general notices). */
export const usStateClocks: readonly NotificationClock[] = [
  stateClock({
    id: 'us-ca-residents',
    state: 'CA',
    name: 'California',
    label: 'California notice to residents (most expedient time possible; policy target 30 days)',
    anchor: 'discovered',
    deadline: { kind: 'soft', policyTargetHours: 30 * 24 },
    recipient: 'Affected California residents; a sample copy to the Attorney General when more than 500',
    filing: 'Notice titled "Notice of Data Breach" with the 1798.82(d) headings',
    condition: residents,
    citation: 'Cal. Civ. Code § 1798.82(a), (d), (f)',
    timeZone: 'America/Los_Angeles',
    verification:
      'Not verified: a 2025 amendment may set a fixed number of days; the statute text in force was not read, so the clock stays soft',
  }),
  stateClock({
    id: 'us-tx-residents',
    state: 'TX',
    name: 'Texas',
    label: 'Texas notice to residents (60 days after determining the breach)',
    anchor: 'determined',
    deadline: { kind: 'calendar_days', amount: 60 },
    recipient: 'Affected Texas residents',
    filing: 'Notice to each individual',
    condition: residents,
    citation: 'Tex. Bus. & Com. Code § 521.053(b)',
    timeZone: 'America/Chicago',
  }),
  stateClock({
    id: 'us-tx-attorney-general',
    state: 'TX',
    name: 'Texas',
    label: 'Texas notice to the Attorney General (30 days after determining, 250 or more residents)',
    anchor: 'determined',
    deadline: { kind: 'calendar_days', amount: 30 },
    recipient: 'Texas Attorney General (online form)',
    filing: 'Breach report form: nature, number of residents, measures, notices',
    condition: 'At least 250 Texas residents',
    citation: 'Tex. Bus. & Com. Code § 521.053(i)',
    timeZone: 'America/Chicago',
  }),
  stateClock({
    id: 'us-fl-residents',
    state: 'FL',
    name: 'Florida',
    label: 'Florida notice to residents (30 days after determining the breach)',
    anchor: 'determined',
    deadline: { kind: 'calendar_days', amount: 30 },
    recipient: 'Affected Florida residents',
    filing: 'Notice with the 501.171(4)(e) items',
    condition: residents,
    citation: 'Fla. Stat. § 501.171(4)(a)',
    timeZone: 'America/New_York',
  }),
  stateClock({
    id: 'us-fl-legal-affairs',
    state: 'FL',
    name: 'Florida',
    label: 'Florida notice to the Department of Legal Affairs (30 days, 500 or more residents)',
    anchor: 'determined',
    deadline: { kind: 'calendar_days', amount: 30 },
    recipient: 'Florida Department of Legal Affairs',
    filing: 'Written notice with the 501.171(3)(b) items',
    condition: 'At least 500 Florida residents',
    citation: 'Fla. Stat. § 501.171(3)(a)',
    timeZone: 'America/New_York',
  }),
  stateClock({
    id: 'us-ny-residents',
    state: 'NY',
    name: 'New York',
    label: 'New York notice to residents (30 days after discovery)',
    anchor: 'discovered',
    deadline: { kind: 'calendar_days', amount: 30 },
    recipient: 'Affected New York residents; the Attorney General, Department of State, State Police and DFS',
    filing: 'Notice with contact details and the categories of information acquired',
    condition: residents,
    citation: 'N.Y. Gen. Bus. Law § 899-aa(2), (8)',
    timeZone: 'America/New_York',
    verification:
      'Checked on 2026-12-06 against law-firm summaries of the December 2024 amendment (S2659B: within 30 days after discovery), not against the statute text',
  }),
  stateClock({
    id: 'us-wa-residents',
    state: 'WA',
    name: 'Washington',
    label: 'Washington notice to residents (30 days after discovery)',
    anchor: 'discovered',
    deadline: { kind: 'calendar_days', amount: 30 },
    recipient: 'Affected Washington residents',
    filing: 'Notice with the 19.255.010(6) items',
    condition: residents,
    citation: 'RCW 19.255.010(8)',
    timeZone: 'America/Los_Angeles',
  }),
  stateClock({
    id: 'us-wa-attorney-general',
    state: 'WA',
    name: 'Washington',
    label: 'Washington notice to the Attorney General (30 days after discovery, more than 500 residents)',
    anchor: 'discovered',
    deadline: { kind: 'calendar_days', amount: 30 },
    recipient: 'Washington Attorney General',
    filing: "Electronic notice with a sample of the residents' notice",
    condition: 'More than 500 Washington residents',
    citation: 'RCW 19.255.010(7)',
    timeZone: 'America/Los_Angeles',
  }),
  stateClock({
    id: 'us-co-residents',
    state: 'CO',
    name: 'Colorado',
    label: 'Colorado notice to residents (30 days after determining the breach)',
    anchor: 'determined',
    deadline: { kind: 'calendar_days', amount: 30 },
    recipient: 'Affected Colorado residents; the Attorney General too when 500 or more',
    filing: 'Notice with the 6-1-716(2)(a.2) items',
    condition: residents,
    citation: 'C.R.S. § 6-1-716(2)(a), (2)(f)',
    timeZone: 'America/Denver',
  }),
  stateClock({
    id: 'us-ma-notices',
    state: 'MA',
    name: 'Massachusetts',
    label:
      'Massachusetts notices to the Attorney General, OCABR and residents (as soon as practicable; policy target 72 h)',
    anchor: 'discovered',
    deadline: { kind: 'soft', policyTargetHours: 72 },
    recipient: 'Attorney General, Office of Consumer Affairs and Business Regulation, affected residents',
    filing: 'Regulators: nature, number of residents, steps, WISP; residents: the 93H § 3(b) items',
    condition: 'Breach of security, or personal information used for an unauthorised purpose',
    citation: 'Mass. Gen. Laws ch. 93H § 3(b)',
    timeZone: 'America/New_York',
  }),
  stateClock({
    id: 'us-vt-attorney-general',
    state: 'VT',
    name: 'Vermont',
    label: 'Vermont preliminary notice to the Attorney General (14 business days after discovery)',
    anchor: 'discovered',
    deadline: { kind: 'business_days', amount: 14 },
    recipient: 'Vermont Attorney General (or the Department of Financial Regulation)',
    filing: 'Preliminary description: date of the breach, date of discovery, number of residents',
    condition: residents,
    citation: '9 V.S.A. § 2435(b)(3)',
    timeZone: 'America/New_York',
    calendarNote: "Vermont's state holidays (Town Meeting Day, Bennington Battle Day) close a business day",
  }),
  stateClock({
    id: 'us-vt-residents',
    state: 'VT',
    name: 'Vermont',
    label: 'Vermont notice to residents (45 days after discovery)',
    anchor: 'discovered',
    deadline: { kind: 'calendar_days', amount: 45 },
    recipient: 'Affected Vermont residents',
    filing: 'Notice with the 2435(b)(5) items',
    condition: residents,
    citation: '9 V.S.A. § 2435(b)(1)',
    timeZone: 'America/New_York',
  }),
  stateClock({
    id: 'us-ct-notices',
    state: 'CT',
    name: 'Connecticut',
    label: 'Connecticut notice to residents and the Attorney General (60 days after discovery)',
    anchor: 'discovered',
    deadline: { kind: 'calendar_days', amount: 60 },
    recipient: 'Affected Connecticut residents and the Attorney General',
    filing: 'Notice to residents; the Attorney General not later than the residents',
    condition: residents,
    citation: 'Conn. Gen. Stat. § 36a-701b(b)(1), (2)',
    timeZone: 'America/New_York',
  }),
  stateClock({
    id: 'us-or-notices',
    state: 'OR',
    name: 'Oregon',
    label:
      'Oregon notice to residents (45 days after discovery; the Attorney General too when more than 250)',
    anchor: 'discovered',
    deadline: { kind: 'calendar_days', amount: 45 },
    recipient: 'Affected Oregon residents; the Attorney General when more than 250',
    filing: 'Notice with the 646A.604(5) items',
    condition: residents,
    citation: 'ORS 646A.604(1), (3)',
    timeZone: 'America/Los_Angeles',
  }),
];
