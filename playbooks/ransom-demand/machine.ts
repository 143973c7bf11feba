import { initialContext } from './context';
import { MACHINE_ID, pb } from './setup';
import { clocks } from './tracks/clocks';
import { command } from './tracks/command';
import { communications } from './tracks/communications';
import { containment } from './tracks/containment';
import { investigation } from './tracks/investigation';
import { legal } from './tracks/legal';
import { payment } from './tracks/payment';
import { recovery } from './tracks/recovery';
import { review, reviewWithRehearsal } from './tracks/review';

/**
 * PB-1 as a statechart: one parallel region per track. Driven only through pure `initialTransition` /
 * `transition`; every time comes from the events' `at`, every timer is a named `after` delay or a delayed
 * `raise` with an id, and the machine is done when every track is final.
 */
const createRansomDemandMachine = (reviewTrack: typeof review) =>
  pb.createMachine({
    id: MACHINE_ID,
    type: 'parallel',
    description:
      'PB-1 data-extortion / ransom demand, from the JJ Meds case (C2): an actor claims access to data and demands ' +
      'payment by a deadline. Take the service offline, preserve evidence, revoke credentials, engage a vendor, tell ' +
      'customers, refuse to pay, report to police and regulators, recover, review.',
    meta: {
      owner: 'incident_commander',
      checklist: [
        'Declare at once (DE.AE-08)',
        'Evidence before change',
        'Default: refuse to pay (FBI, CISA, OFAC)',
        'Report to police regardless of payment',
      ],
      evidence: ['PB-1 evidence requirements 1–12'],
      source: 'PB-1 (domain reference §5); C2 JJ Meds (S2); R1–R6, R15',
    },
    context: ({ input }) => initialContext(input),
    states: {
      command,
      containment,
      investigation,
      communications,
      legal,
      payment,
      recovery,
      review: reviewTrack,
      clocks,
    },
  });

export const ransomDemandMachine = createRansomDemandMachine(review);
/** Version 2: track H ends with a tabletop rehearsal of the improved playbook. */
export const ransomDemandMachineV2 = createRansomDemandMachine(reviewWithRehearsal as typeof review);
