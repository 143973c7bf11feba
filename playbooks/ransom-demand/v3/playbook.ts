import {
  buildPlaybook,
  type ClientEventDef,
  clocksTrack,
  commandTrack,
  hours,
  minutes,
  reviewTrack,
} from '../../../src/playbook-kit';
import { roles } from '../events';
import { defaultSeverity, ransomDemandInput } from '../input';
import { ownEvents } from './events';
import {
  demandAt,
  inState,
  leakOwners,
  PLAYBOOK_ID,
  paymentExecutedWhen,
  serviceRestoredOwners,
  tracks,
} from './tracks';

const source = 'PB-1 (domain reference §5); C2 JJ Meds (S2)';

const owners: Record<string, readonly string[]> = {
  'leak.detected': leakOwners,
  'service.restored': serviceRestoredOwners,
};
const events: ClientEventDef[] = ownEvents.map((event) =>
  owners[event.type] ? { ...event, owners: owners[event.type] } : event,
);

interface Spec {
  summary: string;
  source: readonly string[];
  example: { openedAt: string; input: unknown };
}

/**
 * PB-1, version 3: the response of version 2 (rehearsal included) built with the playbook kit: the kit's command,
 * review and clock tracks, kit context (facts, decisions, escalations, evidence locker, clocks), deadlines declared
 * on their steps and kit guards for the evidence gate and the payment gate.
 */
export const ransomDemandV3 = ({ summary, source: sources, example }: Spec) =>
  buildPlaybook({
    id: PLAYBOOK_ID,
    version: 3,
    title: 'Data-extortion / ransom demand',
    summary: `${summary} Version 3: the same response on the playbook kit.`,
    source: sources,
    roles,
    inputSchema: ransomDemandInput,
    defaultSeverity,
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
      source: `${source}; R1–R6, R15`,
    },
    events,
    evidenceRoles: ['technical_lead', 'ir_vendor', 'incident_commander'],
    shared: [
      commandTrack({
        // Versions 1 and 2 named this timer so; tooling that watches declarations finds it under the same name.
        declareWithin: {
          id: 'declarationOverdue',
          label: 'Declaration due (30 min after the demand)',
          after: minutes(30),
          from: demandAt,
          source: 'PB-1 TM-CMD1 (policy default)',
        },
        sitrepEvery: hours(4),
        criteria:
          'Any extortion demand that references our assets is declared at once, even unverified (DE.AE-08). Severity ' +
          'is High by default, Critical for health, ID-image, payment or credential data.',
        source,
      }),
      reviewTrack({
        startWhen: inState('recovery.complete'),
        source,
        rehearsal: { withinDays: 90, scenario: 'ransom-demand/jj-meds' },
      }),
      clocksTrack({
        roles: ['legal', 'incident_commander'],
        source,
        anchorEvents: [{ type: 'payment.executed', when: paymentExecutedWhen }],
        // The determination belongs to the investigation and the filings to the regulatory track: the clocks
        // start and are met when those steps take the events, never on their own.
        ownedBy: {
          'breach.determined': {
            owners: ['investigation.undetermined'],
            when: inState('investigation.undetermined'),
          },
          'regulator.reported': { owners: ['regulatory.filings'], when: inState('regulatory.filings') },
        },
      }),
    ],
    tracks,
    example,
    releasedAt: '2026-12-06T00:00:00.000Z',
  });
