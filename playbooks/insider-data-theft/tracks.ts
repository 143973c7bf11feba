import {
  allOf,
  done,
  factRecorded,
  guard,
  hasEvidence,
  lateFilingHasReason,
  optionIs,
  sendsTo,
  statePaths,
  step,
  track,
} from '../../src/playbook-kit';
import {
  appiConfirmedReportDue,
  arrestTarget,
  civilActionTarget,
  containmentDecisionDue,
  dismissalTarget,
  evidencePreservationDue,
  monitoringReviewDue,
  policeConsultationTarget,
  pressStatementDue,
} from './deadlines';
import { evidenceFirst } from './events';

export const PLAYBOOK_ID = 'insider-data-theft';
export const inState = statePaths(PLAYBOOK_ID);
const IC = 'incident_commander';
const C3 = 'PB-4; C3 Future Architect (S2)';
const CISA = 'CISA Insider Threat Mitigation: Detect & Identify → Assess → Manage (R9)';
const CERT = 'CERT Common Sense Guide: termination procedure (R10)';
const IPA = 'IPA 組織における内部不正防止ガイドライン: 証拠確保 (R11)';

/** Evidence first: the legal hold and the evidence-first set are recorded (nothing alerts the subject before). */
const evidenceSecured = allOf(factRecorded('legal_hold.issued'), hasEvidence(...evidenceFirst));

/** D-I1: the option decided is the one legal signed off, and the decider is not the signer. */
const legalSignedOff = guard(({ context, event }) => {
  const signOff = context.facts['containment.signed_off'];
  return (
    signOff !== undefined &&
    signOff.payload.option === event.payload?.option &&
    event.actor !== undefined &&
    signOff.by !== event.actor.id
  );
});

/** Civil claim: the receiving company is named only when its possession of the material is evidenced. */
const defendantsEvidenced = guard(({ context, event }) => {
  const defendants = (event.payload?.defendants as string[] | undefined) ?? [];
  return (
    !defendants.includes('receiving_company') ||
    context.evidence.some((item) => item.kind === 'recipient_possession')
  );
});

/** A regulator filing SM-CLOCKS accepts, after the determination that started the clocks. */
const filing = allOf(factRecorded('breach.determined'), lateFilingHasReason());

export const tracks = {
  cell: track(
    {
      description:
        'Need-to-know command cell: security, HR, legal and an executive sponsor; the subject is outside.',
      owner: IC,
      source: `${C3}; PB-4 Tracks: need-to-know command cell; ${CISA}`,
    },
    {
      convene: step({
        description:
          'Convene the cell on a need-to-know basis (CISA: multidisciplinary; HR and legal mandatory). Exclude the ' +
          'subject and their line: in C3 the suspect was an executive officer secretly employed by a competitor.',
        owner: IC,
        checklist: [
          'Security, HR, legal, executive sponsor',
          'Subject and reporting line excluded',
          'Codename',
        ],
        source: `PB-4 need-to-know cell; ${CISA}`,
        on: { 'cell.convened': 'convened' },
      }),
      convened: done('The cell is convened and works need-to-know.', { owner: IC, source: 'PB-4' }),
    },
  ),
  evidence: track(
    {
      description:
        'Evidence first: legal hold, then remote-access/VPN logs, file-server audit and email with a chain of ' +
        'custody fit for criminal and civil use, within 24 h of credible suspicion.',
      owner: 'technical_lead',
      source: `${C3}; PB-4 Evidence first; ${IPA}`,
    },
    {
      legal_hold: step({
        description:
          'Issue the legal hold quietly: custodians and systems, before anything alerts the subject.',
        owner: 'legal',
        checklist: ['Custodians', 'Mail, file servers, VPN, endpoints', 'No notice to the subject'],
        source: `PB-4 Evidence first; ${IPA}`,
        deadlines: [evidencePreservationDue],
        on: { 'legal_hold.issued': 'capture' },
      }),
      capture: step({
        description:
          'Capture remote-access/VPN logs, the file-server audit trail and email into the locker (evidence.captured), ' +
          'then record the set as preserved. C3: home-PC connections to the server, quotes emailed to the competitor.',
        owner: 'technical_lead',
        checklist: [
          'remote_access_logs: VPN / remote-desktop logs',
          'file_server_audit: file-server audit trail',
          'email: mailbox export',
          'Chain of custody for criminal and civil use',
        ],
        evidence: [
          'Remote-access/VPN logs',
          'File-server audit trail',
          'Email',
          'DLP records',
          'Device images',
        ],
        source: `PB-4 Evidence first; NIST RS.AN-07; ${IPA}`,
        deadlines: [evidencePreservationDue],
        on: { 'evidence.preserved': { target: 'preserved', guard: hasEvidence(...evidenceFirst) } },
      }),
      preserved: done('The evidence-first set is preserved under legal hold.', {
        owner: 'technical_lead',
        source: `PB-4; ${IPA}`,
      }),
    },
  ),
  assess: track(
    {
      description: 'Assess: what was taken, where it went, the intent, and trade-secret status (legal).',
      owner: 'technical_lead',
      source: `${C3}; PB-4 Assess; ${CISA}`,
    },
    {
      scope: step({
        description:
          'What was taken and where it went, and the apparent intent. C3: proposals and quotes on customer financial ' +
          "systems and a roster of ~100 engineers, copied to a competitor's PC and emailed to its staff.",
        owner: 'technical_lead',
        checklist: ['Materials', 'Personal data in them', 'Destination', 'Channels', 'Intent'],
        source: `PB-4 Assess; ${C3}`,
        on: { 'theft.scoped': 'trade_secret' },
      }),
      trade_secret: step({
        description:
          'Legal confirms trade-secret status (Unfair Competition Prevention Act: secrecy management, usefulness, ' +
          'non-public nature).',
        owner: 'legal',
        source: 'PB-4 Assess: legal to confirm trade-secret status',
        on: { 'trade_secret.assessed': { target: 'assessed', decision: 'trade_secret' } },
      }),
      assessed: done('Scope, intent and trade-secret status are on record.', {
        owner: 'legal',
        source: 'PB-4',
      }),
    },
  ),
  manage: track(
    {
      description:
        'Manage / contain: D-I1 with legal sign-off, then suspend access, collect equipment and reaffirm NDA/IP ' +
        'obligations (CERT termination practice).',
      owner: IC,
      source: `${C3}; PB-4 Manage / contain; ${CERT}`,
    },
    {
      decide: step({
        description:
          'D-I1: covert monitoring or immediate suspension. Legal signs off first; the decider is someone else. ' +
          'NIST warns against delaying containment.',
        owner: IC,
        checklist: ['Legal sign-off recorded', 'Risk of further loss', 'Evidence status'],
        source: 'PB-4 Manage D-I1; NIST: do not delay containment, discuss with legal (R1)',
        deadlines: [containmentDecisionDue],
        on: {
          'containment.signed_off': { reenter: false },
          'containment.decided': [
            {
              target: 'monitoring',
              guard: allOf(optionIs('covert_monitoring'), legalSignedOff),
              decision: 'D-I1',
            },
            {
              target: 'suspend',
              guard: allOf(optionIs('immediate_suspension'), legalSignedOff),
              decision: 'D-I1',
            },
          ],
        },
      }),
      monitoring: step({
        description:
          'Covert monitoring under legal sign-off, reviewed within 7 days: every day delays containment (NIST).',
        owner: 'legal',
        checklist: ['Scope of monitoring as signed off', 'Review at 7 days'],
        source: 'PB-4 Manage D-I1 (covert monitoring); NIST (R1)',
        deadlines: [monitoringReviewDue],
        on: { 'monitoring.concluded': 'suspend' },
      }),
      suspend: step({
        description:
          'Suspend VPN, remote and physical access and rotate shared/group accounts. Refused until the legal hold ' +
          'and the evidence-first set are recorded (evidence before change).',
        owner: 'technical_lead',
        checklist: ['VPN and remote access', 'Shared / group accounts', 'Badge'],
        source: `PB-4 Manage; ${CERT}; evidence first (${IPA})`,
        on: { 'access.suspended': { target: 'collect', guard: evidenceSecured } },
      }),
      collect: step({
        description:
          'Collect company equipment into custody for imaging (C3: the police later seized a portable HDD).',
        owner: 'hr',
        evidence: ['Device images with custody entries'],
        source: `PB-4 Manage; ${CERT}`,
        on: { 'equipment.collected': 'reaffirm' },
      }),
      reaffirm: step({
        description: 'Reaffirm NDA / IP obligations in writing.',
        owner: 'legal',
        source: `PB-4 Manage; ${CERT}`,
        on: { 'obligations.reaffirmed': 'contained' },
      }),
      contained: done('Access is cut, equipment collected, obligations restated.', {
        owner: IC,
        source: `PB-4; ${CERT}`,
      }),
    },
  ),
  hr: track(
    {
      description: 'HR / employment: interview after suspension, then disciplinary action or dismissal.',
      owner: 'hr',
      source: `${C3}; PB-4 HR/employment`,
    },
    {
      interview: step({
        description:
          'Interview the subject once access is suspended (an earlier interview tips them off), two people present. ' +
          'C3: "I thought it was no problem because I created the materials myself."',
        owner: 'hr',
        checklist: ['Access suspended first', 'Two people present', 'Record the account given'],
        source: `PB-4 HR; ${C3}`,
        deadlines: [dismissalTarget],
        on: { 'interview.held': { target: 'action', guard: factRecorded('access.suspended') } },
      }),
      action: step({
        description:
          'Disciplinary action or dismissal (C3: dismissed May 2017, about T0 + 4 months). Dismissal needs the HR ' +
          'records in the locker, including the undisclosed dual-employment evidence.',
        owner: 'hr',
        evidence: ['HR records: the undisclosed dual-employment evidence'],
        source: `PB-4 HR; ${C3}: dismissal T0 + 4 mo`,
        deadlines: [dismissalTarget],
        on: {
          'hr_action.decided': [
            {
              target: 'dismissed',
              guard: allOf(optionIs('dismissal'), hasEvidence('hr_records')),
              decision: 'hr_action',
            },
            {
              target: 'actioned',
              guard: optionIs('disciplinary', 'no_action', 'already_departed'),
              decision: 'hr_action',
            },
          ],
        },
      }),
      dismissed: done('Dismissed, on the HR record.', { owner: 'hr', source: `PB-4; ${C3}` }),
      actioned: done('Disciplinary outcome (other than dismissal) recorded.', {
        owner: 'hr',
        source: 'PB-4',
      }),
    },
  ),
  law_enforcement: track(
    {
      description:
        'Legal & LE (criminal side): police consultation, criminal complaint, and the outcome (C3: arrest about ' +
        '14 months after the exfiltration).',
      owner: 'le_liaison',
      source: `${C3}; PB-4 Legal & LE`,
    },
    {
      consult_police: step({
        description: 'Consult the police about the damage (C3: April 2017, about T0 + 3 months).',
        owner: 'le_liaison',
        source: `PB-4 Legal & LE; ${C3}: police consultation T0 + 3 mo`,
        deadlines: [policeConsultationTarget],
        on: { 'police.consulted': 'complaint' },
      }),
      complaint: step({
        description: 'Decide on a criminal complaint (Unfair Competition Prevention Act).',
        owner: 'legal',
        source: 'PB-4 Legal & LE: police consultation / criminal complaint',
        on: {
          'criminal_complaint.decided': [
            { target: 'await_outcome', guard: optionIs('file'), decision: 'criminal_complaint' },
            { target: 'no_complaint', decision: 'criminal_complaint' },
          ],
        },
      }),
      await_outcome: step({
        description:
          'Support the police case until its outcome (C3: arrest 6 March 2018, about T0 + 14 months; devices ' +
          'including a portable HDD seized).',
        owner: 'le_liaison',
        source: `PB-4 Timers; ${C3}: arrest T0 + 14 mo`,
        deadlines: [arrestTarget],
        on: { 'arrest.reported': 'arrested', 'police_case.closed': 'closed_without_arrest' },
      }),
      arrested: done('The suspect was arrested; the case continues with the prosecutors.', {
        owner: 'le_liaison',
        source: C3,
      }),
      closed_without_arrest: done('The police case ended without an arrest; outcome recorded.', {
        owner: 'le_liaison',
        source: 'PB-4',
      }),
      no_complaint: done('No criminal complaint; the decision and rationale are recorded.', {
        owner: 'legal',
        source: 'PB-4',
      }),
    },
  ),
  civil: track(
    {
      description:
        'Legal & LE (civil side): demand return or destruction, then a civil claim against the individual and, if ' +
        'evidenced, the receiving company (C3: about 7 months after the exfiltration).',
      owner: 'legal',
      source: `${C3}; PB-4 Legal & LE`,
    },
    {
      demand_return: step({
        description: 'Demand that the individual and the recipient return or destroy the material.',
        owner: 'legal',
        source: 'PB-4 Legal & LE: demands to return or destroy the material',
        on: { 'return_demand.sent': 'civil_action' },
      }),
      civil_action: step({
        description:
          'Decide on a civil claim (C3: Aug 2017 against BayCurrent and the former employee). Naming the receiving ' +
          'company needs evidence of its possession in the locker (C3: roster on its terminal, quotes in its mail).',
        owner: 'legal',
        evidence: ["recipient_possession: the material on the recipient's systems or in its staff's mail"],
        source: `PB-4 Legal & LE; ${C3}: civil suit T0 + 7 mo`,
        deadlines: [civilActionTarget],
        on: {
          'civil_action.decided': [
            {
              target: 'filed',
              guard: allOf(optionIs('file'), defendantsEvidenced),
              decision: 'civil_action',
            },
            { target: 'not_filed', guard: optionIs('do_not_file'), decision: 'civil_action' },
          ],
        },
      }),
      filed: done('The civil claim is filed.', { owner: 'legal', source: C3 }),
      not_filed: done('No civil claim; the decision and rationale are recorded.', {
        owner: 'legal',
        source: 'PB-4',
      }),
    },
  ),
  privacy: track(
    {
      description:
        'Privacy & customers: the roster is personal data, APPI category (3): preliminary report promptly, confirmed ' +
        'within 60 days; notify employees; contractual notice to customers whose documents leaked.',
      owner: 'legal',
      source: `${C3}; PB-4 Privacy & customers; §3.2 rows 6–8`,
    },
    {
      assess: step({
        description:
          'Assess the personal data taken (C3: roster of ~100 engineers, used for headhunting; the S2 writer notes ' +
          'this breaches APPI). Improper purpose makes it category (3), reportable even for one person.',
        owner: 'legal',
        source: 'PB-4 Privacy; APPI Art. 26(1) category (3) (R14)',
        on: {
          'privacy.assessed': [
            { target: 'preliminary', guard: optionIs('reportable'), decision: 'reportability' },
            { target: 'customers', decision: 'reportability' },
          ],
        },
      }),
      preliminary: step({
        description:
          'Record the determination (breach.determined with improperPurpose: starts the APPI clocks, 60-day ' +
          'confirmed report) and file the preliminary report promptly (PPC guideline: about 3–5 days).',
        owner: 'legal',
        source: 'PB-4 Privacy; APPI preliminary report (§3.2 row 6)',
        on: { 'regulator.reported': { target: 'notify_employees', guard: filing } },
      }),
      notify_employees: step({
        description:
          'Notify the employees on the roster promptly (APPI Art. 26(2)), factually, citing the scope (theft.scoped).',
        owner: 'communications',
        source: 'PB-4 Privacy: notify employees; APPI Art. 26(2) (§3.2 row 8)',
        deadlines: [appiConfirmedReportDue],
        on: {
          'message.sent': {
            target: 'confirmed',
            guard: sendsTo('affected_employees', { factual: true, citing: ['theft.scoped'] }),
          },
        },
      }),
      confirmed: step({
        description: 'File the confirmed report within 60 days of knowing (category 3; 30 days otherwise).',
        owner: 'legal',
        source: 'PB-4 Privacy; APPI confirmed report (§3.2 row 7)',
        deadlines: [appiConfirmedReportDue],
        on: { 'regulator.reported': { target: 'customers', guard: filing } },
      }),
      customers: step({
        description:
          'Decide on contractual notice to customers whose confidential documents leaked (C3: proposals and quotes ' +
          'describing customer financial systems).',
        owner: 'legal',
        source: 'PB-4 Privacy & customers: contractual notice',
        on: {
          'customer_notice.decided': [
            { target: 'notify_customers', guard: optionIs('notify'), decision: 'customer_notice' },
            { target: 'done', decision: 'customer_notice' },
          ],
        },
      }),
      notify_customers: step({
        description: 'Send the approved contractual notice to the affected customers.',
        owner: 'communications',
        source: 'PB-4 Privacy & customers',
        on: { 'message.sent': { target: 'done', guard: sendsTo('affected_customers') } },
      }),
      done: done('Regulator, employees and customers handled as assessed.', {
        owner: 'legal',
        source: 'PB-4',
      }),
    },
  ),
  comms: track(
    {
      description:
        'Comms: internal communication once access is cut, and an external statement when the press covers the ' +
        'case (C3: Future Architect answered "today\'s reports"; BayCurrent issued a notice too).',
      owner: 'communications',
      source: `${C3}; PB-4 Comms`,
    },
    {
      internal: step({
        description:
          'Internal communication, need-to-know, only after access is suspended: it must not tip the subject off.',
        owner: 'communications',
        source: 'PB-4 Comms: internal',
        on: {
          'message.sent': {
            target: 'external',
            guard: allOf(sendsTo('staff'), factRecorded('access.suspended')),
          },
        },
      }),
      external: step({
        description:
          'Decide on an external statement, typically when the press covers an arrest (C3: 8 March 2018, two days ' +
          'after the arrest).',
        owner: 'executive',
        source: `PB-4 Comms; ${C3}`,
        on: {
          'press_statement.decided': [
            { target: 'publish', guard: optionIs('publish'), decision: 'press_statement' },
            { target: 'done', decision: 'press_statement' },
          ],
        },
      }),
      publish: step({
        description: 'Publish the approved statement the same day, facts only.',
        owner: 'communications',
        source: `PB-4 Comms; ${C3}: the notice responded to "today's reports"`,
        deadlines: [pressStatementDue],
        on: { 'message.sent': { target: 'done', guard: sendsTo('public', { factual: true }) } },
      }),
      done: done('Internal and external communication done.', { owner: 'communications', source: 'PB-4' }),
    },
  ),
};
