import { stamp } from '../context';
import { due, escalation, pb, record } from '../setup';

/** Track H: post-incident review (ID.IM). */
export const review = pb.createStateConfig({
  description:
    'Track H, post-incident review (ID.IM): starts when recovery completes; after-action review, then improvement ' +
    'items with owners fed back into the playbook.',
  meta: {
    owner: 'incident_commander',
    evidence: ['After-action report', 'Improvement plan'],
    source: 'PB-1 Track H, TM-REV0; NIST ID.IM; HSEEP AAR/IP (R24)',
  },
  initial: 'pending',
  states: {
    pending: {
      description: 'Waits for recovery to complete (raised internally when the monitoring window closes).',
      meta: { owner: 'incident_commander', source: 'PB-1 Track H' },
      on: { 'recovery.completed': 'scheduled' },
    },
    scheduled: {
      description:
        'Review scheduled: hold the after-action review within 14 days (TM-REV0; HSEEP norm: within several weeks).',
      meta: {
        owner: 'incident_commander',
        checklist: [
          'Timeline',
          'Decisions and their timing',
          'What worked, what did not',
          'Improvement items',
        ],
        evidence: ['After-action report'],
        source: 'PB-1 Track H, TM-REV0; §4.5 after-action report',
      },
      after: {
        reviewOverdue: { actions: escalation('review_overdue', 'TM-REV0', due.reviewOverdue) },
      },
      on: {
        'review.held': {
          target: 'improvements_tracked',
          actions: record('review.held', (context, event) => ({
            review: { ...context.review, held: { ...event.payload, ...stamp(event) } },
          })),
        },
      },
    },
    improvements_tracked: {
      description: 'Improvement items get owners and due dates; request a playbook version bump if needed.',
      meta: {
        owner: 'incident_commander',
        checklist: ['Owners and due dates', 'Playbook version bump if the procedure changes'],
        source: 'PB-1 Track H; NIST ID.IM',
      },
      on: {
        'improvements.tracked': {
          target: 'done',
          actions: record('improvements.tracked', (context, event) => ({
            review: {
              ...context.review,
              improvementsTracked: { summary: event.payload.summary, ...stamp(event) },
            },
          })),
        },
      },
    },
    done: {
      type: 'final',
      description: 'Review done; improvements tracked.',
      meta: { owner: 'incident_commander', source: 'PB-1 Track H' },
    },
  },
});

/**
 * Track H in version 2: after the improvement items, the improved playbook is rehearsed in a tabletop
 * exercise scheduled within 90 days (the review's own suggestion; HSEEP improvement planning, ID.IM-02).
 */
export const reviewWithRehearsal = pb.createStateConfig({
  ...review,
  description: `${review.description} Version 2: then schedule a tabletop rehearsal of the improved playbook.`,
  states: {
    ...review.states,
    improvements_tracked: {
      ...review.states.improvements_tracked,
      on: {
        'improvements.tracked': {
          ...review.states.improvements_tracked.on['improvements.tracked'],
          target: 'rehearsal',
        },
      },
    },
    rehearsal: {
      description:
        'Schedule a tabletop exercise of the updated playbook within 90 days, so the improvements are tested ' +
        'before the next real demand.',
      meta: {
        owner: 'incident_commander',
        checklist: [
          'Pick the scenario (the JJ Meds one by default)',
          'Invite every role',
          'Date within 90 days',
        ],
        source: 'PB-1 v2 (from the track H review); HSEEP improvement planning (R24); NIST ID.IM-02',
      },
      on: {
        'rehearsal.scheduled': {
          target: 'done',
          actions: record('rehearsal.scheduled', (context, event) => ({
            review: { ...context.review, rehearsal: { ...event.payload, ...stamp(event) } },
          })),
        },
      },
    },
  },
});
