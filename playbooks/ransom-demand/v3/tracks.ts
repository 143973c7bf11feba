import {
  addMs,
  allOf,
  anyOf,
  clockIsOpen,
  type Deadline,
  days,
  done,
  factIs,
  factRecorded,
  fromFact,
  fromOpening,
  guard,
  hasEvidence,
  hours,
  type KitContext,
  type KitStateConfig,
  lateFilingHasReason,
  not,
  notSameActorAs,
  optionIs,
  parallelTrack,
  payloadIs,
  recordedSince,
  statePaths,
  step,
  track,
} from '../../../src/playbook-kit';

export const PLAYBOOK_ID = 'ransom-demand';
export const inState = statePaths(PLAYBOOK_ID);
const IC = 'incident_commander';
const PB1 = 'PB-1; C2 JJ Meds (S2)';

interface Demand {
  receivedAt: string;
  windowHours: number;
}
const demandOf = (context: KitContext) => context.input.demand as Demand;
/** T_demand: when the demand arrived. */
export const demandAt = (context: KitContext) => demandOf(context).receivedAt;
/** T_deadline = T_demand + the payment window. */
export const ransomDeadlineAt = (context: KitContext) =>
  addMs(demandOf(context).receivedAt, hours(demandOf(context).windowHours));

// ── deadlines (PB-1 "Timers"; policy defaults unless a law is named) ──────────
// Timer ids are those of versions 1 and 2, so dashboards and tooling find them under the same names.

/** TM-CON1: the offline decision within 1 h of opening. */
const containmentDecisionOverdue: Deadline = {
  id: 'containmentDecisionOverdue',
  label: 'Offline decision due (1 h after opening)',
  after: hours(1),
  from: fromOpening,
  source: 'PB-1 TM-CON1 (policy default)',
};
/** TM-CON4: the IR vendor engaged within 4 h of opening. */
const vendorNotEngaged: Deadline = {
  id: 'vendorNotEngaged',
  label: 'IR vendor engagement due (4 h after opening)',
  after: hours(4),
  from: fromOpening,
  source: 'PB-1 TM-CON4 (policy default)',
};
/** TM-INV2: stops the determination being left open, which would silently stall the PIPEDA clock. */
const breachDeterminationPending: Deadline = {
  id: 'breachDeterminationPending',
  label: 'Breach determination due (72 h after opening)',
  after: hours(72),
  from: fromOpening,
  source: 'PB-1 TM-INV2 (policy default)',
};
/** TM-COM1: customers told why the service is down, 12 h after it went offline. */
const customerNoticeDue: Deadline = {
  id: 'customerNoticeDue',
  label: 'Customer notice due (12 h after going offline)',
  after: hours(12),
  from: fromFact('site.taken_offline'),
  source: 'PB-1 TM-COM1 (policy default)',
};
/** TM-COM2: an update every 24 h while the service is down, each restarting the cycle. */
const updateDue: Deadline = {
  id: 'updateDue',
  label: 'Customer update due (every 24 h until service is restored)',
  routine: true,
  after: hours(24),
  source: 'PB-1 TM-COM2; NIST RC.CO-03 (policy default)',
};
/** TM-LEG5: police report within 24 h of the demand (FBI R5: report regardless; OFAC R6: as soon as possible). */
const lawEnforcementReportDue: Deadline = {
  id: 'lawEnforcementReportDue',
  label: 'Police report due (24 h after the demand)',
  after: hours(24),
  from: demandAt,
  source: 'PB-1 TM-LEG5; FBI PSA (R5); OFAC advisory (R6) (policy default)',
};
/** PIPEDA "as soon as feasible": a 72 h target from the determination (or the assessment, if that came first). */
const regulatorReportTarget: Deadline = {
  id: 'regulatorReportTarget',
  label: 'Regulator report target (72 h after breach determination; PIPEDA "as soon as feasible")',
  after: hours(72),
  from: (context) => context.facts['breach.determined']?.at ?? context.facts['regulatory.assessed']?.at,
  source: 'PB-1 LEG-2; PIPEDA s.10.1 (R15) (policy target)',
};
const ransomWarning = (hoursLeft: number): Deadline => ({
  id: `ransomWarning${hoursLeft}h`,
  label: `Warning: ${hoursLeft} h to the ransom deadline`,
  at: (context) => addMs(ransomDeadlineAt(context), -hours(hoursLeft)),
  source: 'PB-1 TM-PAY1',
  warned: true,
});
/** TM-PAY1: warnings 24, 12 and 1 h before T_deadline; with no decision at T_deadline the demand lapses. */
const ransomDeadlines: Deadline[] = [
  ransomWarning(24),
  ransomWarning(12),
  ransomWarning(1),
  {
    id: 'ransomDeadline',
    label: 'Ransom deadline (end of the payment window; 48 h after the demand in JJ Meds)',
    at: ransomDeadlineAt,
    source: 'PB-1 TM-PAY1; C2 48-hour window',
    warned: true,
  },
];
/** T_payment + 24 h: NYDFS 500.17(c) / CIRCIA (proposed) payment notice, where they apply. */
const paymentReportDue: Deadline = {
  id: 'paymentReportDue',
  label: 'Payment report due (24 h after paying; NYDFS 500.17(c) / CIRCIA where applicable)',
  after: hours(24),
  from: fromFact('payment.executed'),
  source: 'PB-1 PAY-3b; NYDFS 500.17(c) (R22); CIRCIA NPRM (R23)',
};

// ── windows: waited out, not overdue work ─────────────────────────────────────

/** TM-PAY3: watch paste and leak sites until T_deadline + 30 d, paid or not. */
const leakWatch: Deadline = {
  id: 'leakWatchEnded',
  label: 'Leak watch ends (30 d after the ransom deadline)',
  at: (context) => addMs(ransomDeadlineAt(context), days(30)),
  source: 'PB-1 TM-PAY3 (policy default)',
};
/** TM-REC6: heightened monitoring for 30 d after the return to service. */
const monitoringWindow: Deadline = {
  id: 'monitoringWindowClosed',
  label: 'Heightened monitoring ends (30 d after return to service)',
  after: days(30),
  source: 'PB-1 TM-REC6 (policy default)',
};

// ── guards ───────────────────────────────────────────────────────────────────

/** RS.MA-05: recovery starts from eradication verified, and only once the incident is declared. */
const eradicationVerifiable = allOf(inState('containment.verification'), inState('command.active'));
/** D2: deleting IDs is irreversible, so it needs an account export on record (C2 lesson). */
const revocationMethodAllowed = anyOf(not(payloadIs('method', 'delete')), hasEvidence('account_export'));
/** D8 criteria the machine can see: root cause identified, customer communications ready for the return notice. */
const returnCriteria = allOf(
  inState('communications.updates'),
  anyOf(inState('investigation.final_report'), inState('investigation.closed')),
);
const paymentWatching = anyOf(
  inState('payment.open'),
  inState('payment.refused'),
  inState('payment.pay_path'),
  inState('payment.post_payment_watch'),
);
const anyRegimeRequired = guard(
  ({ event }) =>
    ((event.payload?.assessments ?? []) as { required: boolean }[]).some((assessment) => assessment.required),
  'anyRegimeRequired',
);
/**
 * Every regime the assessment requires is reported: its clocks are all filed (or waived), by earlier filings or by
 * the `clockIds` of this one. A filing meets only the clocks it names, so PIPEDA's report to the Commissioner
 * leaves its notices to individuals and to organisations open, and the step stays to take them. A regime with no
 * clock of its own counts as reported only by the filing that names it.
 */
const requiredRegimesReported = guard(({ context, event }) => {
  const assessments = (context.facts['regulatory.assessed']?.payload.assessments ?? []) as {
    regime: string;
    required: boolean;
  }[];
  const filing = String(event.payload?.regime ?? '').toLowerCase();
  const filed = (event.payload?.clockIds ?? []) as string[];
  const clocks = Object.values(context.clocks);
  return assessments
    .filter((assessment) => assessment.required)
    .map((assessment) => assessment.regime.trim().toLowerCase())
    .every((regime) => {
      const ofRegime = clocks.filter((clock) => clock.regime.toLowerCase() === regime);
      const open = ofRegime.filter(clockIsOpen);
      return regime === filing
        ? open.every((clock) => filed.includes(clock.id))
        : ofRegime.length > 0 && open.length === 0;
    });
}, 'requiredRegimesReported');
/**
 * §2.3 payment gate: someone asked to pay, legal signed off on the inputs as they stand, the sanctions screen is
 * clear, and the deciding executive is not the requester.
 */
const paymentGate = allOf(
  optionIs('pay'),
  factRecorded('payment.pay_requested'),
  recordedSince('payment.legal_signed_off', 'payment.inputs_recorded'),
  factIs('payment.inputs_recorded', 'sanctionsScreen', 'clear'),
  notSameActorAs('payment.pay_requested'),
);

// ── tracks ───────────────────────────────────────────────────────────────────

const containment = track(
  {
    description:
      'Track B, containment and eradication (RS.MI): offline decision, evidence before change, credential revocation ' +
      'and the IR vendor run at once; then eradication and its verification. C2: site offline, all IDs removed, ' +
      'security firm hired, in the same short window.',
    owner: 'technical_lead',
    checklist: [
      'Isolate (CISA item 1)',
      'Evidence before change (CISA item 9)',
      'Revoke credentials (CISA item 11)',
    ],
    evidence: ['System images before the rebuild', 'Account/ID export before disable or delete'],
    source: `${PB1}; CISA #StopRansomware items 1, 9, 11 (R3, R4); NIST RS.MI-01/02`,
  },
  {
    immediate: {
      type: 'parallel',
      description:
        'CON-0..CON-4 in parallel: offline decision (D1), evidence gate then credential revocation (D2), IR vendor ' +
        '(D3). The claim assessment (D0) is recorded whenever it is made: containment does not wait for certainty.',
      meta: {
        owner: IC,
        checklist: ['D0: assess the claim; treat as plausible until disproved'],
        evidence: ['Proof-of-access sample', 'Access/admin logs of the claimed assets'],
        source: 'PB-1 CON-0..CON-4, D0',
      },
      on: {
        'claim.assessed': {
          actions: [{ type: 'note' }, { type: 'decide', params: { id: 'D0', field: 'assessment' } }],
        },
      },
      onDone: 'eradication',
      states: {
        site: track(
          {
            description: 'D1: take the service offline, restrict it, or keep it online.',
            owner: IC,
            source: 'PB-1 CON-1',
          },
          {
            online: step({
              description:
                'CON-1: the site is still up. D1 default: offline if the claim is not implausible and the data is ' +
                'sensitive. The IC is pre-authorised to act alone.',
              owner: IC,
              checklist: [
                'Decide D1 (IC pre-authorised; executive to keep it online)',
                'Isolate rather than power down: volatile evidence (CISA item 2)',
              ],
              source: 'PB-1 CON-1, D1, TM-CON1; C2 site taken offline',
              deadlines: [containmentDecisionOverdue],
              on: {
                'site.taken_offline': { target: 'offline', decision: { id: 'D1', option: 'offline' } },
                'site.kept_online': { target: 'monitored', decision: { id: 'D1', option: 'online' } },
              },
            }),
            offline: done('Offline (T_offline): the customer notice is due 12 h later.', {
              owner: IC,
              source: 'PB-1 CON-1',
            }),
            monitored: done('Kept online with heightened monitoring, rationale recorded.', {
              owner: IC,
              source: 'PB-1 CON-1; NIST R1',
            }),
          },
        ),
        credentials: track(
          {
            description: 'Evidence before change, then credential revocation (D2).',
            owner: 'technical_lead',
            source: 'PB-1 CON-2, CON-3, D2',
          },
          {
            preserve_before_change: step({
              description:
                'CON-2 evidence gate: a system image and an export of every account/ID before anything is disabled ' +
                'or deleted (C2 lesson: "export, then disable"). The IC alone may override it, with a rationale.',
              owner: 'technical_lead',
              checklist: [
                'System image',
                'Memory capture if feasible',
                'Account/ID export',
                'Logs and config',
              ],
              evidence: ['Account/ID export', 'System image'],
              source: 'PB-1 CON-2; CISA item 9 (R3/R4); C2 "export, then disable"',
              on: {
                'evidence.baseline_captured': {
                  target: 'revoke_credentials',
                  actions: [{ type: 'captureEvidenceItems' }],
                },
                'evidence.gate_overridden': { target: 'revoke_credentials', decision: 'gate_override' },
                'credentials.revoked': {
                  target: 'revoked',
                  guard: allOf(hasEvidence('account_export', 'system_image'), revocationMethodAllowed),
                  decision: { id: 'D2', field: 'method' },
                },
              },
            }),
            revoke_credentials: step({
              description:
                'CON-3, D2: revoke all users and privileged accounts; default disable and reset. Deleting IDs needs an ' +
                'account export on record, even after an override.',
              owner: 'technical_lead',
              checklist: ['Disable and reset rather than delete', 'Privileged accounts first'],
              source: 'PB-1 CON-3, D2; CISA item 11 (R3/R4)',
              on: {
                'evidence.baseline_captured': { actions: [{ type: 'captureEvidenceItems' }] },
                'credentials.revoked': {
                  target: 'revoked',
                  guard: revocationMethodAllowed,
                  decision: { id: 'D2', field: 'method' },
                },
              },
            }),
            revoked: done('Credentials revoked.', { owner: 'technical_lead', source: 'PB-1 CON-3' }),
          },
        ),
        vendor: track(
          { description: 'D3: engage an IR vendor, or record why not.', owner: IC, source: 'PB-1 CON-4, D3' },
          {
            not_engaged: step({
              description:
                'CON-4, D3: engage an IR vendor (C2: a security company) within 4 h, or record why not.',
              owner: IC,
              source: 'PB-1 CON-4, D3, TM-CON4; C2 security firm hired',
              deadlines: [vendorNotEngaged],
              on: {
                'vendor.engaged': { target: 'engaged', decision: { id: 'D3', option: 'engage' } },
                'vendor.declined': { target: 'declined', decision: { id: 'D3', option: 'in_house' } },
              },
            }),
            engaged: done('Vendor engaged.', { owner: IC, source: 'PB-1 CON-4' }),
            declined: done('No vendor: decision recorded.', { owner: IC, source: 'PB-1 CON-4' }),
          },
        ),
      },
    } as KitStateConfig,
    eradication: step({
      description: 'CON-5: remove malware and web shells, patch, close the initial-access vector.',
      owner: 'ir_vendor',
      source: 'PB-1 CON-5',
      on: { 'eradication.completed': 'verification' },
    }),
    verification: step({
      description:
        'CON-6: independent rescan or IOC sweep; vendor attestation (RS.MA-05). Recovery starts from here.',
      owner: 'ir_vendor',
      source: 'PB-1 CON-6; NIST RS.MA-05',
      on: { 'eradication.verified': { target: 'verified', guard: inState('command.active') } },
    }),
    verified: done('Eradication verified.', { owner: 'ir_vendor', source: 'PB-1 CON-6' }),
  },
);

const investigation = {
  ...track(
    {
      description:
        'Track C, investigation and evidence (RS.AN): preserve the demand, scope, the breach determination (D6), root ' +
        'cause, final report. Evidence items may be collected at any point.',
      owner: 'technical_lead',
      evidence: ['Demand with headers (hashed)', 'Vendor findings', 'Malware samples'],
      source: 'PB-1 Track C; NIST RS.AN-03, RS.AN-06, RS.AN-07, RS.AN-08',
    },
    {
      undetermined: {
        ...step({
          description:
            'INV-0..INV-2: until the breach determination (D6), due 72 h after opening so the PIPEDA clock is not ' +
            'silently stalled. The determination (SM-CLOCKS) may come at any point: a posted sample settles it.',
          owner: IC,
          source: 'PB-1 INV-2, D6, TM-INV2',
          deadlines: [breachDeterminationPending],
          on: { 'breach.determined': 'root_cause' },
        }),
        initial: 'preserve_demand',
        states: {
          preserve_demand: step({
            description:
              'INV-0: store the original message with headers (hash), the wallet, screenshots of any posts.',
            owner: 'technical_lead',
            evidence: ['Original demand with full headers', 'Wallet, amount and deadline as demanded'],
            source: 'PB-1 INV-0, evidence items 1–3; FBI report fields (R5)',
            on: { 'evidence.demand_preserved': 'scoping' },
          }),
          scoping: step({
            description:
              'INV-1: what was accessed or exfiltrated, how many individuals, data categories, their jurisdictions.',
            owner: 'technical_lead',
            source: 'PB-1 INV-1; NIST RS.AN-08',
            on: { 'scope.estimated': 'determination' },
          }),
          determination: step({
            description:
              'INV-2, D6: confirmed / likely / no evidence ("likely" if the actor holds plausible proof). Scope may ' +
              'still be re-estimated.',
            owner: IC,
            source: 'PB-1 INV-2, D6; PIPEDA s.10.1 (R15)',
            on: { 'scope.estimated': { reenter: false } },
          }),
        },
      } as KitStateConfig,
      root_cause: step({
        description: 'INV-3 (RS.AN-03): initial access vector and dwell time.',
        owner: 'technical_lead',
        source: 'PB-1 INV-3',
        on: { 'root_cause.identified': 'final_report', 'scope.estimated': { reenter: false } },
      }),
      final_report: step({
        description: 'INV-4: vendor report and incident report.',
        owner: 'technical_lead',
        source: 'PB-1 INV-4',
        on: { 'investigation.closed': 'closed', 'scope.estimated': { reenter: false } },
      }),
      closed: done('Investigation closed; report filed. Evidence can still be added.', {
        owner: 'technical_lead',
        source: 'PB-1 INV-4',
      }),
    },
  ),
  on: { 'evidence.collected': { actions: [{ type: 'note' }, { type: 'captureEvidence' }] } },
} as KitStateConfig;

const COMMS = 'communications';
const communications = track(
  {
    description:
      'Track D, communications (RS.CO, RC.CO): holding statement and service notice, updates while offline, ' +
      'individual notices when required, the return notice and the closing message. Facts only; no denial.',
    owner: COMMS,
    source: `${PB1}; NIST RS.CO, RC.CO`,
  },
  {
    opening: {
      type: 'parallel',
      description:
        'COM-0 and COM-1: the holding statement and the customer notice, in either order (C2 posted on the forum ' +
        'in the same short window).',
      meta: { owner: COMMS, source: 'PB-1 COM-0, COM-1' },
      onDone: 'updates',
      states: {
        statement: track(
          { description: 'COM-0: the holding statement.', owner: COMMS, source: 'PB-1 COM-0' },
          {
            holding_statement: step({
              description:
                'COM-0: internal note (out-of-band if systems may be monitored) and external holding statement; ' +
                'facts only, no denial before the facts are known (C8 lesson). A customer notice supersedes it.',
              owner: COMMS,
              source: 'PB-1 COM-0; CISA item 4 (R4); C8 lesson',
              on: { 'statement.approved': 'approved', 'customers.notified': 'approved' },
            }),
            approved: done('Holding statement out (or superseded by the customer notice).', {
              owner: COMMS,
              source: 'PB-1 COM-0',
            }),
          },
        ),
        notice: track(
          { description: 'COM-1: the customer notice.', owner: COMMS, source: 'PB-1 COM-1' },
          {
            service_notice: step({
              description:
                'COM-1: tell customers on the channels they use: service suspended, no new orders until further ' +
                'notice. Due 12 h after the site goes offline.',
              owner: COMMS,
              source: 'PB-1 COM-1; C2 MOM forum notice',
              on: {
                'customers.notified': 'notified',
                'site.taken_offline': {
                  target: 'notice_due',
                  guard: inState('containment.immediate.site.online'),
                },
              },
            }),
            notice_due: step({
              description:
                'The site is offline: the customer notice is due 12 h after it went down (TM-COM1).',
              owner: COMMS,
              source: 'PB-1 COM-1, TM-COM1',
              deadlines: [customerNoticeDue],
              on: { 'customers.notified': 'notified' },
            }),
            notified: done('Customers told.', { owner: COMMS, source: 'PB-1 COM-1' }),
          },
        ),
      },
    } as KitStateConfig,
    updates: step({
      description:
        'COM-2, COM-3: updates every 24 h while offline; individual breach notices when D7 requires them. Ready for ' +
        'the return notice.',
      owner: COMMS,
      source: 'PB-1 COM-2, COM-3, TM-COM2; PIPEDA s.10.1(3) (R15); GDPR Art. 34 (R12)',
      deadlines: [updateDue],
      on: {
        'update.published': { target: 'updates', reenter: true },
        'individuals.notified': { reenter: false },
        'service.restored': {
          target: 'return_notice',
          guard: allOf(returnCriteria, inState('recovery.return_decision')),
        },
      },
    }),
    return_notice: step({
      description: 'COM-4: restored service, what changed, set new credentials, beware of phishing.',
      owner: COMMS,
      source: 'PB-1 COM-4; NIST RC.CO-04',
      on: { 'customers.notified': 'closure', 'individuals.notified': { reenter: false } },
    }),
    closure: step({
      description: 'COM-5: the closing message through approved channels.',
      owner: COMMS,
      source: 'PB-1 COM-5; NIST RC.CO-04',
      on: { 'statement.final_published': 'done', 'individuals.notified': { reenter: false } },
    }),
    done: done('Communications complete.', { owner: COMMS, source: 'PB-1 COM-5' }),
  },
);

const LEGAL = 'legal';
const regulatory = {
  ...track(
    {
      description:
        'Track E, regulatory (LEG-0..LEG-2): which regimes apply (the profile adds jurisdictions to SM-CLOCKS), ' +
        'whether each requires a report (D7), and the filings. A leak re-opens the assessment.',
      owner: LEGAL,
      source: `${PB1}; §3.2; NIST RS.CO-02`,
    },
    {
      applicability: step({
        description:
          'LEG-0: PIPEDA (Canada, federal private sector), provincial laws (check), GDPR / UK GDPR for EU/UK ' +
          'residents, APPI for Japan, PCI for card data, insurer and contracts. The profile joins the clock profile.',
        owner: LEGAL,
        source: 'PB-1 LEG-0; §3.2 "Which clocks apply"',
        on: {
          'jurisdictions.profiled': { target: 'harm_assessment', actions: [{ type: 'addJurisdictions' }] },
        },
      }),
      harm_assessment: step({
        description:
          'LEG-1, D7: PIPEDA real risk of significant harm; GDPR risk / high risk; APPI categories. Required regimes ' +
          'go to filings.',
        owner: LEGAL,
        source: 'PB-1 LEG-1, D7; PIPEDA s.10.1 (R15); GDPR Art. 33/34 (R12); APPI Art. 26 (R14)',
        on: {
          'jurisdictions.profiled': { actions: [{ type: 'addJurisdictions' }] },
          'regulatory.assessed': [
            { target: 'filings', guard: anyRegimeRequired, decision: { id: 'D7', option: 'required' } },
            { target: 'done', decision: { id: 'D7', option: 'not_required' } },
          ],
        },
      }),
      filings: step({
        description:
          'LEG-2: file each required regime (regulator.reported, SM-CLOCKS); a late filing gives its delay reason. ' +
          'Done when every required regime is reported.',
        owner: LEGAL,
        source: 'PB-1 LEG-2; §3.2; BSSR s.2(2) (R15)',
        deadlines: [regulatorReportTarget],
        on: {
          'regulator.reported': [
            { target: 'done', guard: allOf(lateFilingHasReason(), requiredRegimesReported) },
            { guard: lateFilingHasReason() },
          ],
        },
      }),
      done: done('Every required regulator is reported, or none is required (with the D7 rationale).', {
        owner: LEGAL,
        source: 'PB-1 LEG-2',
      }),
    },
  ),
  on: {
    'leak.detected': {
      target: '.harm_assessment',
      guard: allOf(paymentWatching, anyOf(inState('regulatory.filings'), inState('regulatory.done'))),
      actions: [{ type: 'note' }],
    },
  },
} as KitStateConfig;

const legal = {
  ...parallelTrack(
    {
      description:
        'Track E, law enforcement and records (LEG-3..LEG-6): the police report, the breach record, the insurer; ' +
        'organisations that can reduce harm are told whenever that helps.',
      doneDescription: 'Police reported, breach record kept, insurer settled.',
      owner: LEGAL,
      source: `${PB1}; FBI (R5); OFAC (R6); PIPEDA s.10.2–10.3 (R15)`,
    },
    {
      law_enforcement: track(
        {
          description: 'LEG-5: report to police with the demand record.',
          owner: 'le_liaison',
          source: 'PB-1 LEG-5',
        },
        {
          not_reported: step({
            description:
              'LEG-5: police (Canada: local police / RCMP; US nexus: FBI / IC3) with amount, wallet and message; ' +
              'record the case number. FBI: report regardless of payment.',
            owner: 'le_liaison',
            source: 'PB-1 LEG-5, TM-LEG5; FBI PSA (R5); OFAC (R6)',
            deadlines: [lawEnforcementReportDue],
            on: { 'police.reported': 'reported' },
          }),
          reported: done('Police reported; case number recorded.', {
            owner: 'le_liaison',
            source: 'PB-1 LEG-5',
          }),
        },
      ),
      breach_record: track(
        { description: 'LEG-4: the breach record.', owner: LEGAL, source: 'PIPEDA s.10.3; BSSR s.6 (R15)' },
        {
          not_created: step({
            description: 'LEG-4: create the breach record; keep it 24 months after the determination.',
            owner: LEGAL,
            source: 'PB-1 LEG-4, TM-LEG4; PIPEDA s.10.3 / BSSR s.6 (R15); GDPR Art. 33(5)',
            on: { 'breach_record.created': 'created' },
          }),
          created: done('Breach record created.', { owner: LEGAL, source: 'PIPEDA s.10.3' }),
        },
      ),
      insurer: track(
        { description: 'LEG-6 (optional): the cyber insurer.', owner: LEGAL, source: 'PB-1 LEG-6' },
        {
          pending: step({
            description: 'LEG-6: notify the cyber insurer per policy, or record that none applies.',
            owner: LEGAL,
            source: 'PB-1 LEG-6; OFAC: insurers are facilitators too (R6)',
            on: { 'insurer.notified': 'done', 'insurer.not_applicable': 'done' },
          }),
          done: done('Insurer notified, or no policy applies.', { owner: LEGAL, source: 'PB-1 LEG-6' }),
        },
      ),
    },
  ),
  on: { 'organisations.notified': { actions: [{ type: 'note' }] } },
} as KitStateConfig;

const EXEC = 'executive';
const paymentStates = '#ransom-demand.payment';
const payment = track(
  {
    description:
      'Track F, payment decision (D4, RS.MA-04). Default recommendation: REFUSE (FBI R5, CISA R4, OFAC R6; C2 ' +
      'refused). Paying never cancels notification duties.',
    owner: EXEC,
    checklist: ['Default: refuse', 'Decision log with rationale'],
    evidence: ['Decision log', 'Sanctions-screen result'],
    source: `${PB1}; PB-1 Track F, D4, D5; §2.3 (R4, R5, R6)`,
  },
  {
    open: {
      ...step({
        description:
          'PAY-0..PAY-2: T_deadline computed from the demand; warnings 24, 12 and 1 h before it (TM-PAY1). With no ' +
          'decision at the deadline the demand lapses: de facto refusal, and an escalation.',
        owner: EXEC,
        source: 'PB-1 PAY-0..PAY-2, TM-PAY1; C2 48-hour window',
        deadlines: ransomDeadlines,
        on: {
          'leak.detected': { reenter: false },
          'actor_contact.decided': { decision: 'D5' },
        },
      }),
      initial: 'options_analysis',
      states: {
        options_analysis: step({
          description:
            'PAY-1: claim verification, recovery without paying, law-enforcement consultation, sanctions screen of ' +
            'wallet and actor (OFAC SDN and national lists), insurer, legal opinion. Refusal needs only a rationale.',
          owner: EXEC,
          evidence: ['Sanctions-screen result'],
          source: 'PB-1 PAY-1; §2.3 gate items 1–6',
          on: {
            'payment.inputs_recorded': 'decision',
            'payment.decided': {
              target: `${paymentStates}.refused`,
              guard: optionIs('refuse'),
              decision: 'D4',
            },
          },
        }),
        decision: step({
          description:
            'PAY-2, D4: refuse / pay / defer; default REFUSE. Pay only when someone asked for it, legal signed off on ' +
            'the inputs as they stand, the sanctions screen is clear, and the deciding executive is not the requester.',
          owner: EXEC,
          source: 'PB-1 PAY-2, D4; §2.3 gate item 7',
          on: {
            'payment.inputs_recorded': { reenter: false },
            'payment.pay_requested': { reenter: false },
            'payment.legal_signed_off': { reenter: false },
            'payment.decided': [
              { target: `${paymentStates}.refused`, guard: optionIs('refuse'), decision: 'D4' },
              { guard: optionIs('defer'), decision: 'D4' },
              { target: `${paymentStates}.pay_path`, guard: paymentGate, decision: 'D4' },
            ],
          },
        }),
      },
    } as KitStateConfig,
    refused: step({
      description:
        'PAY-3a: refused (C2). D5: no response to the actor unless law enforcement advises otherwise. Watch paste and ' +
        'leak sites until T_deadline + 30 d; a leak re-opens the harm assessment.',
      owner: IC,
      checklist: ['D5: no response unless LE advises otherwise', 'Monitor paste/leak sites and forums'],
      evidence: ['Leak samples, if any'],
      source: 'PB-1 PAY-3a, D5, TM-PAY3; C2 refused',
      endsAfter: { window: leakWatch, target: 'watch_ended' },
      on: { 'leak.detected': { reenter: false }, 'actor_contact.decided': { decision: 'D5' } },
    }),
    pay_path: {
      ...step({
        description:
          'PAY-3b: the gate passed. Paying does NOT cancel any notification duty: the data stays compromised.',
        owner: EXEC,
        evidence: ['Transaction hash'],
        source: 'PB-1 PAY-3b; §2.3; §3.2 rows 27–28 (R22, R23)',
        on: { 'leak.detected': { reenter: false } },
      }),
      initial: 'awaiting_execution',
      onDone: 'post_payment_watch',
      states: {
        awaiting_execution: step({
          description:
            'Approved; not paid yet. Paying (T_payment) starts the payment-notice clocks (SM-CLOCKS).',
          owner: EXEC,
          source: 'PB-1 PAY-3b',
          on: { 'payment.executed': 'executed' },
        }),
        executed: step({
          description:
            'Paid: report the payment to law enforcement and, where they apply, NYDFS (24 h; written justification ' +
            'in 30 d) and CISA under CIRCIA (proposed 24 h).',
          owner: LEGAL,
          source: 'PB-1 PAY-3b; NYDFS 500.17(c) (R22); CIRCIA NPRM (R23)',
          deadlines: [paymentReportDue],
          on: { 'payment.reported': 'reported' },
        }),
        reported: done('Payment reported.', { owner: LEGAL, source: 'PB-1 PAY-3b' }),
      },
    } as KitStateConfig,
    post_payment_watch: step({
      description:
        'PAY-3b: paying does not ensure the data will not be leaked (R4); watch until T_deadline + 30 d.',
      owner: IC,
      source: 'PB-1 PAY-3b; CISA #StopRansomware (R4)',
      endsAfter: { window: leakWatch, target: 'watch_ended' },
      on: { 'leak.detected': { reenter: false } },
    }),
    watch_ended: done('Leak watch over (TM-PAY3).', { owner: IC, source: 'PB-1 TM-PAY3' }),
  },
);

const TECH = 'technical_lead';
const recovery = track(
  {
    description:
      'Track G, recovery and return online (RC.RP): from eradication verified (RS.MA-05); clean rebuild, verified ' +
      'restore, credential reissue, validation, the return decision (D8), 30 days of heightened monitoring.',
    owner: TECH,
    source: `${PB1}; CISA items 3, 12 (R3/R4); NIST RC.RP-01..06`,
  },
  {
    await_eradication: step({
      description: 'REC-0: waits for eradication verified (CON-6) with the incident declared (RS.MA-05).',
      owner: IC,
      source: 'PB-1 REC-0; NIST RS.MA-05',
      on: { 'eradication.verified': { target: 'rebuild', guard: eradicationVerifiable } },
    }),
    rebuild: step({
      description:
        'REC-1 (RC.RP-02): clean rebuild, unused components removed, MFA for admins, least privilege.',
      owner: TECH,
      source: 'PB-1 REC-1; NIST RC.RP-02',
      on: { 'rebuild.completed': 'restore' },
    }),
    restore: step({
      description: 'REC-2 (RC.RP-03): restore from backups only after their integrity is verified.',
      owner: TECH,
      evidence: ['Backup verification record'],
      source: 'PB-1 REC-2; NIST RC.RP-03',
      on: { 'restore.completed': 'credential_reissue' },
    }),
    credential_reissue: step({
      description: 'REC-3: users re-enrol or reset on first login; new admin credentials with MFA.',
      owner: TECH,
      source: 'PB-1 REC-3; NIST SP 800-63B (R8)',
      on: { 'credentials.reissued': 'validation' },
    }),
    validation: step({
      description: 'REC-4 (RC.RP-05): vendor sign-off, vulnerability scan, monitoring and alerting live.',
      owner: TECH,
      source: 'PB-1 REC-4; NIST RC.RP-05',
      on: { 'validation.passed': 'return_decision' },
    }),
    return_decision: step({
      description:
        'REC-5, D8 (RC.RP-04): return online only when the root cause is identified and communications are ready ' +
        '(checked by the machine), and eradication, credentials, backups, monitoring and filings are in order.',
      owner: EXEC,
      checklist: [
        'Eradication verified',
        'Root cause fixed',
        'Credentials rotated',
        'Backups verified',
        'Monitoring live',
      ],
      source: 'PB-1 REC-5, D8; NIST RC.RP-04',
      on: {
        'service.restored': {
          target: 'monitoring',
          guard: returnCriteria,
          decision: { id: 'D8', option: 'return' },
        },
      },
    }),
    monitoring: step({
      description: 'REC-6: heightened monitoring for 30 days after the return to service (TM-REC6).',
      owner: TECH,
      source: 'PB-1 REC-6, TM-REC6',
      endsAfter: { window: monitoringWindow, target: 'complete' },
    }),
    complete: done('Recovery complete (RC.RP-06); the post-incident review is scheduled.', {
      owner: TECH,
      source: 'PB-1 REC-6; NIST RC.RP-06',
    }),
  },
);

export const tracks = { containment, investigation, communications, regulatory, legal, payment, recovery };

/** Owners derivation cannot tell: a leak is news for the payment track and the regulatory assessment alike. */
export const leakOwners = [
  'payment.open',
  'payment.refused',
  'payment.pay_path',
  'payment.post_payment_watch',
  'regulatory',
];
/** The return decision belongs to recovery; communications moves on with it. */
export const serviceRestoredOwners = ['recovery.return_decision'];
/** Paying is the payment track's step; SM-CLOCKS starts the payment clocks with it. */
export const paymentExecutedWhen = inState('payment.pay_path.awaiting_execution');
