import { addMs, appendKept, hours } from '../../../src/playbook-kit';
import { clock, stamp } from '../context';
import { escalation, pb, record } from '../setup';

/** Delayed-raise id of TM-COM1 (also its label key in `timerLabels`). */
export const CUSTOMER_NOTICE_DUE = 'customerNoticeDue';

const recordNotice = record('customers.notified', (context, event) => ({
  communications: {
    ...context.communications,
    notices: [...context.communications.notices, { ...event.payload, ...stamp(event) }],
  },
}));

const recordIndividualNotice = record('individuals.notified', (context, event) => {
  const { list, omitted } = appendKept(
    'communications.individualNotices',
    context.communications.individualNotices,
    [{ ...event.payload, ...stamp(event) }],
    context.omitted,
  );
  return { communications: { ...context.communications, individualNotices: list }, omitted };
});

/** Before customers are told: the site going offline arms TM-COM1; customers.notified disarms it. */
const beforeCustomerNotice = {
  'customers.notified': { target: 'updates', actions: [recordNotice, pb.cancel(CUSTOMER_NOTICE_DUE)] },
  'site.taken_offline': {
    guard: 'siteStillOnline',
    actions: pb.raise(
      ({ context, event }) => ({
        type: 'customer_notice.overdue' as const,
        dueAt: addMs(clock(event, context.openedAt), hours(12)),
      }),
      { id: CUSTOMER_NOTICE_DUE, delay: 'customerNoticeDue' },
    ),
  },
  'customer_notice.overdue': {
    actions: escalation('customer_notice_overdue', 'TM-COM1', (c) =>
      addMs(c.offlineAt ?? c.openedAt, hours(12)),
    ),
  },
} as const;

/** Track D: communications (RS.CO, RC.CO). */
export const communications = pb.createStateConfig({
  description:
    'Track D, communications (RS.CO, RC.CO): holding statement, customer service notice (C2 posted on the MOM forum), ' +
    'update cadence while down, individual notices when required, return notice, closing message. Facts only; no ' +
    'denial before the facts are known.',
  meta: {
    owner: 'communications',
    checklist: [
      'Facts-only rule: every statement cites the scope it relies on',
      'No denial templates while open',
    ],
    evidence: ['Copies of every customer, regulator and LE communication with timestamps (evidence item 10)'],
    source:
      'PB-1 Track D; C2 customer notice; cross-case pattern 5 (C8 denial); NIST RS.CO-02/03, RC.CO-03/04',
  },
  initial: 'holding_statement',
  states: {
    holding_statement: {
      description:
        'COM-0: internal note (need-to-know; out of band if systems may be monitored, CISA 2023 item 4) and an external ' +
        'holding statement. The customer notice may go out first: C2 posted it in the same short window.',
      meta: {
        owner: 'communications',
        checklist: [
          'Internal note, out of band',
          'External holding statement approved by legal',
          'No denial',
        ],
        evidence: ['Approved statement text'],
        source: 'PB-1 COM-0; CISA checklist item 4 (R4); C8 lesson',
      },
      on: {
        ...beforeCustomerNotice,
        'statement.approved': {
          target: 'service_notice',
          actions: record('statement.approved', (context, event) => ({
            communications: {
              ...context.communications,
              statements: [
                ...context.communications.statements,
                { text: event.payload.text, ...stamp(event) },
              ],
            },
          })),
        },
      },
    },
    service_notice: {
      description:
        'COM-1: customer notice on the channels customers use: service suspended, no new orders until further notice, ' +
        'site offline until security is assured, more to follow. Due 12 h after going offline (TM-COM1).',
      meta: {
        owner: 'communications',
        checklist: [
          'Service suspended',
          'No new orders until further notice',
          'Offline until security is assured',
        ],
        evidence: ['Copy of the customer notice'],
        source: 'PB-1 COM-1, TM-COM1; C2 MOM forum notice',
      },
      on: beforeCustomerNotice,
    },
    updates: {
      description:
        'COM-2 (RC.CO-03): updates every 24 h while the service is down (TM-COM2); inbound questions answered with ' +
        'approved templates; individual breach notices (COM-3) when D7 requires them. Return notice once service ' +
        'is restored.',
      meta: {
        owner: 'communications',
        checklist: [
          'Update at least every 24 h',
          'COM-3 individual notices if required: nature, consequences, measures, what to do, contact (BSSR s.3 / GDPR Art. 34)',
        ],
        evidence: ['Copies of updates and individual notices'],
        source: 'PB-1 COM-2, COM-3, TM-COM2; PIPEDA s.10.1(3) (R15); GDPR Art. 34 (R12); NIST RC.CO-03',
      },
      entry: pb.assign(({ context, event }) => ({
        communications: { ...context.communications, updateFrom: clock(event, context.openedAt) },
      })),
      after: {
        updateDue: {
          target: 'updates',
          reenter: true,
          actions: escalation('update_due', 'TM-COM2', (c) =>
            addMs(c.communications.updateFrom ?? c.openedAt, hours(24)),
          ),
        },
      },
      on: {
        'update.published': {
          target: 'updates',
          reenter: true,
          actions: record('update.published', (context, event) => {
            const { list, omitted } = appendKept(
              'communications.updates',
              context.communications.updates,
              [{ ...event.payload, ...stamp(event) }],
              context.omitted,
            );
            return { communications: { ...context.communications, updates: list }, omitted };
          }),
        },
        'individuals.notified': { actions: recordIndividualNotice },
        'service.restored': { target: 'return_notice', guard: 'returnCriteriaMet' },
      },
    },
    return_notice: {
      description:
        'COM-4: announce the restored service, what changed, ask users to set new credentials, warn about phishing.',
      meta: {
        owner: 'communications',
        checklist: ['What changed', 'Set new credentials', 'Phishing warning'],
        evidence: ['Copy of the return notice'],
        source: 'PB-1 COM-4; NIST RC.CO-04',
      },
      on: {
        'customers.notified': { target: 'closure', actions: recordNotice },
        'individuals.notified': { actions: recordIndividualNotice },
      },
    },
    closure: {
      description: 'COM-5: final update through approved channels.',
      meta: {
        owner: 'communications',
        checklist: ['Final statement approved'],
        source: 'PB-1 COM-5; NIST RC.CO-04',
      },
      on: {
        'statement.final_published': {
          target: 'done',
          actions: record('statement.final_published', (context, event) => ({
            communications: {
              ...context.communications,
              finalStatement: { ...event.payload, ...stamp(event) },
            },
          })),
        },
        'individuals.notified': { actions: recordIndividualNotice },
      },
    },
    done: {
      type: 'final',
      description: 'Communications complete.',
      meta: { owner: 'communications', source: 'PB-1 COM-5' },
    },
  },
});
