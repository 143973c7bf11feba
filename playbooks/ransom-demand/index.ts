import { clockTimerLabels, definePlaybook } from '../../src/playbook-kit';
import { clientEvents, roles } from './events';
import { defaultSeverity, ransomDemandInput } from './input';
import { ransomDemandMachine } from './machine';
import { timerLabels } from './setup';

export type { RansomDemandContext } from './context';
export type { RansomDemandInput } from './input';

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
  events: clientEvents,
  timerLabels: { ...timerLabels, ...clockTimerLabels },
  machine: ransomDemandMachine,
});
