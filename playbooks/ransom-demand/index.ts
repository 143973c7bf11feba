import { clockTimerLabels, definePlaybook, withOwners } from '../../src/playbook-kit';
import { clientEvents, rehearsalScheduled, roles } from './events';
import { defaultSeverity, ransomDemandInput } from './input';
import { ransomDemandMachine, ransomDemandMachineV2 } from './machine';
import { owners } from './owners';
import { routineTimers, timerLabels } from './setup';
import { ransomDemandV3 as buildV3 } from './v3/playbook';

export type { RansomDemandContext } from './context';
export type { RansomDemandInput } from './input';

/** The JJ Meds demand (C2): $1,000 in bitcoin within 48 h, or the customer files go public and to the police. */
const jjMedsInput = {
  demand: {
    receivedAt: '2018-03-08T10:00:00-05:00',
    channel: 'email',
    claimedAssets: ['customer database', 'image files'],
    proofOfAccess: false,
    threatenedActions: ['publish_internet', 'send_to_police'],
    amount: 1000,
    currency: '$',
    asset: 'BTC',
    windowHours: 48,
  },
  organisation: { name: 'JJ Meds', country: 'CA' },
  jurisdictions: ['CA'],
  timeZone: 'America/Toronto',
  dataCategories: ['health', 'id_images'],
};

/** PB-1, version 1: data-extortion / ransom demand, from JJ Meds (C2). */
export const ransomDemandV1 = definePlaybook({
  id: 'ransom-demand',
  version: 1,
  title: 'Data-extortion / ransom demand',
  summary:
    'An actor claims access to your data and demands payment by a deadline (JJ Meds: $1,000 in bitcoin within 48 h, ' +
    'or customer data goes to the internet and the police). Declare at once; take the service offline; capture evidence ' +
    'before revoking credentials (export, then disable); engage an IR vendor; tell customers; decide on payment with a ' +
    'default of refusal and a two-person, sanctions-screened gate; report to police and regulators; rebuild, return ' +
    'online, monitor, review.',
  source: [
    'C2 JJ Meds ransom email (S2)',
    'PB-1 Data-extortion / ransom demand (domain reference §5)',
    'R1/R2 NIST SP 800-61r3 / CSF 2.0',
    'R3/R4 CISA #StopRansomware response checklist',
    'R5 FBI ransomware PSA',
    'R6 OFAC ransomware advisory (2021)',
    'R15 PIPEDA ss.10.1–10.3, BSSR SOR/2018-64',
  ],
  roles,
  inputSchema: ransomDemandInput,
  defaultSeverity,
  events: withOwners(clientEvents, owners),
  internalEvents: ['customer_notice.overdue', 'recovery.completed', 'clock.due'],
  timerLabels: { ...timerLabels, ...clockTimerLabels },
  routineTimers,
  warnedTimers: ['ransomDeadline', 'ransomWarning24h', 'ransomWarning12h', 'ransomWarning1h'],
  machine: ransomDemandMachine,
  example: { openedAt: '2018-03-08T10:05:00-05:00', input: jjMedsInput },
  releasedAt: '2026-11-14T00:00:00.000Z',
});

/**
 * PB-1, version 2: the same response, plus the step the JJ Meds review asked for: a tabletop rehearsal
 * of the improved playbook within 90 days. Incidents opened on version 1 stay on version 1.
 */
export const ransomDemandV2 = definePlaybook({
  ...ransomDemandV1,
  version: 2,
  summary: `${ransomDemandV1.summary} Version 2: the review ends with a tabletop rehearsal of the improved playbook.`,
  events: withOwners([...clientEvents, rehearsalScheduled], owners),
  machine: ransomDemandMachineV2,
  releasedAt: '2026-11-21T00:00:00.000Z',
});

/**
 * PB-1, version 3: version 2's response on the playbook kit (shared command, review and clock tracks, kit context,
 * deadlines on their steps, kit guards for the evidence and payment gates). Incidents opened on 1 or 2 stay there.
 */
export const ransomDemandV3 = buildV3({
  summary: ransomDemandV2.summary,
  source: ransomDemandV1.source,
  example: { openedAt: '2018-03-08T10:05:00-05:00', input: jjMedsInput },
});
