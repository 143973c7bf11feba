import { appendKept } from '../../../src/playbook-kit';
import { decision, stamp } from '../context';
import { due, escalation, pb, record } from '../setup';

const recordBaseline = record('evidence.baseline_captured', (context, event) => {
  const { list, omitted } = appendKept(
    'containment.baseline',
    context.containment.baseline,
    event.payload.items.map((item) => ({ ...item, ...stamp(event) })),
    context.omitted,
    (item) => item.kind,
  );
  return {
    containment: {
      ...context.containment,
      baseline: list,
      baselineCapturedAt: context.containment.baselineCapturedAt ?? event.at,
    },
    omitted,
  };
});

/** Track B: containment and eradication (RS.MI). C2 as performed: confirm → offline → delete all IDs → vendor. */
export const containment = pb.createStateConfig({
  description:
    'Track B, containment and eradication (RS.MI): offline decision, evidence before change, credential revocation and ' +
    'the IR vendor run at once; then eradication and its verification. C2: site offline, all IDs removed, security ' +
    'firm hired, in the same short window.',
  meta: {
    owner: 'technical_lead',
    checklist: [
      'Isolate (CISA item 1)',
      'Evidence before change (CISA item 9)',
      'Revoke credentials (CISA item 11)',
    ],
    evidence: ['System images before the rebuild', 'Account/ID export before disable or delete'],
    source: 'PB-1 Track B; C2; CISA #StopRansomware checklist items 1, 9, 11 (R3, R4); NIST RS.MI-01/02',
  },
  initial: 'immediate',
  states: {
    immediate: {
      type: 'parallel',
      description:
        'CON-0..CON-4 in parallel: offline decision (D1), evidence gate then credential revocation (D2), IR vendor (D3). ' +
        'The claim assessment (D0) is recorded whenever it is made: containment does not wait for certainty.',
      meta: {
        owner: 'incident_commander',
        checklist: [
          'D0: assess the claim (proof of access, quick log review); treat as plausible until disproved',
          'List exposure paths: hosting panel, CMS admin, DB, storage',
        ],
        evidence: ['Proof-of-access sample', 'Access/admin logs of the claimed assets'],
        source: 'PB-1 CON-0..CON-4, D0; C2 "confirmed the situation"',
      },
      on: {
        'claim.assessed': {
          actions: record('claim.assessed', (context, event) => ({
            claim: {
              assessment: event.payload.assessment,
              rationale: event.payload.rationale,
              ...stamp(event),
            },
            ...decision(context, 'D0', event.payload.assessment, event.payload.rationale, event),
          })),
        },
      },
      states: {
        site: {
          description: 'D1: take the service offline, restrict it, or keep it online with monitoring.',
          meta: {
            owner: 'incident_commander',
            source: 'PB-1 CON-1, D1; CISA checklist item 1 (R3/R4)',
          },
          initial: 'online',
          states: {
            online: {
              description:
                'CON-1: the site is still up. D1 default: offline if the claim is not implausible and the data is ' +
                'sensitive. The IC is pre-authorised to act alone; TM-CON1 escalates 1 h after opening.',
              meta: {
                owner: 'incident_commander',
                checklist: [
                  'Decide D1 (IC pre-authorised; executive to keep it online)',
                  'If offline: isolate at switch/host level; snapshot cloud volumes (CISA item 1, 2023)',
                  'Do not power down if it can be isolated: volatile evidence (CISA item 2)',
                ],
                source: 'PB-1 CON-1, D1, TM-CON1; C2 site taken offline; CISA items 1–2 (R3/R4)',
              },
              after: {
                containmentDecisionOverdue: {
                  actions: escalation(
                    'containment_decision_overdue',
                    'TM-CON1',
                    due.containmentDecisionOverdue,
                  ),
                },
              },
              on: {
                'site.taken_offline': {
                  target: 'offline',
                  actions: record('site.taken_offline', (context, event) => ({
                    offlineAt: event.at,
                    containment: {
                      ...context.containment,
                      site: { decision: 'offline', scope: event.payload.scope, ...stamp(event) },
                    },
                    ...decision(
                      context,
                      'D1',
                      `offline_${event.payload.scope}`,
                      event.payload.rationale,
                      event,
                    ),
                  })),
                },
                'site.kept_online': {
                  target: 'monitored',
                  actions: record('site.kept_online', (context, event) => ({
                    containment: {
                      ...context.containment,
                      site: { decision: 'online', monitoring: event.payload.monitoring, ...stamp(event) },
                    },
                    ...decision(context, 'D1', 'stay_online', event.payload.rationale, event),
                  })),
                },
              },
            },
            offline: {
              type: 'final',
              description:
                'The service is offline (full) or restricted (T_offline). Customer notice due within 12 h.',
              meta: { owner: 'technical_lead', source: 'PB-1 CON-1; C2 "website taken offline"' },
            },
            monitored: {
              type: 'final',
              description:
                'The service stays online under heightened monitoring (D1 alternative, with rationale).',
              meta: {
                owner: 'technical_lead',
                checklist: ['Monitoring in place as described in the decision'],
                source: 'PB-1 D1; NIST SP 800-61r3: discuss delayed containment with legal (R1)',
              },
            },
          },
        },
        credentials: {
          description:
            'Evidence gate, then D2. Nothing destructive happens to accounts before the baseline is captured, unless the ' +
            'IC overrides with a rationale.',
          meta: {
            owner: 'technical_lead',
            source: 'PB-1 CON-2/CON-3, D2; C2 lesson "export, then disable"; domain caveat 6',
          },
          initial: 'preserve_before_change',
          states: {
            preserve_before_change: {
              description:
                'CON-2 evidence gate: system image and memory capture of affected hosts (CISA item 9), an export of all ' +
                'account/ID records, logs and config, all hashed. C2 deleted all IDs, which destroyed this evidence.',
              meta: {
                owner: 'technical_lead',
                checklist: [
                  'Snapshot/disk image of web, app and DB hosts',
                  'Memory capture where feasible',
                  'Export of all account/ID records',
                  'Copy of logs and config',
                ],
                evidence: ['System image', 'Memory capture', 'Account/ID export', 'Logs', 'Config'],
                source: 'PB-1 CON-2; CISA checklist item 9 (R3/R4); C2; NIST RS.AN-07',
              },
              on: {
                'evidence.baseline_captured': { target: 'revoke_credentials', actions: recordBaseline },
                'evidence.gate_overridden': {
                  target: 'revoke_credentials',
                  actions: record('evidence.gate_overridden', (context, event) => ({
                    containment: {
                      ...context.containment,
                      gateOverride: { rationale: event.payload.rationale, ...stamp(event) },
                    },
                    ...decision(context, 'gate_override', 'override', event.payload.rationale, event),
                  })),
                },
              },
            },
            revoke_credentials: {
              description:
                'CON-3, D2: disable all user and privileged IDs, rotate admin, hosting, DB, API and SSH credentials, ' +
                'invalidate sessions (CISA item 11). Default all users + privileged, disable + reset; delete only with an ' +
                'account export on record. A late baseline capture is still recorded here.',
              meta: {
                owner: 'technical_lead',
                checklist: [
                  'Disable all user IDs and privileged IDs',
                  'Rotate admin, hosting, DB, API and SSH credentials',
                  'Invalidate sessions',
                ],
                evidence: ['List of disabled accounts and rotated secrets'],
                source: 'PB-1 CON-3, D2; CISA checklist item 11 (R4); C2 "deleted all IDs"',
              },
              on: {
                'credentials.revoked': {
                  target: 'revoked',
                  guard: 'revocationMethodAllowed',
                  actions: record('credentials.revoked', (context, event) => ({
                    containment: {
                      ...context.containment,
                      credentials: {
                        scope: event.payload.scope,
                        method: event.payload.method,
                        ...stamp(event),
                      },
                    },
                    ...decision(
                      context,
                      'D2',
                      `${event.payload.scope}/${event.payload.method}`,
                      event.payload.rationale,
                      event,
                    ),
                  })),
                },
                'evidence.baseline_captured': { actions: recordBaseline },
              },
            },
            revoked: {
              type: 'final',
              description: 'Credentials revoked per D2.',
              meta: { owner: 'technical_lead', source: 'PB-1 CON-3' },
            },
          },
        },
        vendor: {
          description: 'D3: engage an external IR vendor (C2 hired a security company).',
          meta: { owner: 'incident_commander', source: 'PB-1 CON-4, D3; C2; NIST RS.MA-01' },
          initial: 'not_engaged',
          states: {
            not_engaged: {
              description:
                'CON-4: no vendor yet. D3 default: yes for web compromise or malware. TM-CON4 escalates 4 h after opening.',
              meta: {
                owner: 'incident_commander',
                checklist: [
                  'Check the insurer panel',
                  'Contract / PO',
                  'Scoped, logged access for the vendor',
                ],
                source: 'PB-1 CON-4, D3, TM-CON4; SM-VENDOR',
              },
              after: {
                vendorNotEngaged: {
                  actions: escalation('vendor_not_engaged', 'TM-CON4', due.vendorNotEngaged),
                },
              },
              on: {
                'vendor.engaged': {
                  target: 'engaged',
                  actions: record('vendor.engaged', (context, event) => ({
                    containment: {
                      ...context.containment,
                      vendor: {
                        engaged: true,
                        vendor: event.payload.vendor,
                        scope: event.payload.scope,
                        ...stamp(event),
                      },
                    },
                    ...decision(
                      context,
                      'D3',
                      `engage ${event.payload.vendor}`,
                      event.payload.rationale,
                      event,
                    ),
                  })),
                },
                'vendor.declined': {
                  target: 'declined',
                  actions: record('vendor.declined', (context, event) => ({
                    containment: { ...context.containment, vendor: { engaged: false, ...stamp(event) } },
                    ...decision(context, 'D3', 'no_vendor', event.payload.rationale, event),
                  })),
                },
              },
            },
            engaged: {
              type: 'final',
              description: 'The IR vendor is engaged: malware removal and "other hacking response" (C2).',
              meta: { owner: 'ir_vendor', source: 'PB-1 CON-4; C2 security company' },
            },
            declined: {
              type: 'final',
              description: 'No external vendor (D3 = no, with rationale).',
              meta: { owner: 'incident_commander', source: 'PB-1 D3' },
            },
          },
        },
      },
      onDone: 'eradication',
    },
    eradication: {
      description:
        'CON-5 (RS.MI-02): remove malware and web shells, patch or remove the vulnerable components, close the initial ' +
        'access vector.',
      meta: {
        owner: 'ir_vendor',
        checklist: [
          'Remove malware / web shells',
          'Patch or remove vulnerable components',
          'Close the initial vector',
        ],
        evidence: ['Malware / web-shell samples', 'Vendor findings'],
        source: 'PB-1 CON-5; C2 "remove malware"; NIST RS.MI-02',
      },
      on: {
        'eradication.completed': {
          target: 'verification',
          actions: record('eradication.completed', (context, event) => ({
            containment: {
              ...context.containment,
              eradication: { summary: event.payload.summary, ...stamp(event) },
            },
          })),
        },
      },
    },
    verification: {
      description:
        'CON-6: independent rescan / IOC sweep and vendor attestation. Verified eradication meets the recovery criteria ' +
        '(RS.MA-05); it needs the incident declared.',
      meta: {
        owner: 'technical_lead',
        checklist: ['Independent rescan / IOC sweep', 'Vendor attestation'],
        evidence: ['Rescan report', 'Vendor attestation'],
        source: 'PB-1 CON-6; NIST RS.MA-05',
      },
      on: {
        'eradication.verified': {
          target: 'verified',
          guard: 'eradicationVerifiable',
          actions: record('eradication.verified', (context, event) => ({
            containment: { ...context.containment, verification: { ...event.payload, ...stamp(event) } },
          })),
        },
      },
    },
    verified: {
      type: 'final',
      description: 'Eradication verified; recovery runs in Track G.',
      meta: { owner: 'technical_lead', source: 'PB-1 CON-6' },
    },
  },
});
