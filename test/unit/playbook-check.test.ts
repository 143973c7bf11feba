import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { playbooks } from '../../playbooks';
import { checkPlaybook } from '../../src/engine';
import { clientEvent, definePlaybook } from '../../src/playbook-kit';
import { brokenPlaybook } from '../fixtures/broken-playbook';
import { drillPlaybook } from '../fixtures/drill-playbook';

const exitOnParent = definePlaybook({
  id: 'exit-on-parent',
  version: 1,
  title: 'Exit on parent',
  summary: 'A parent transition leaves children with no final state',
  source: ['test'],
  roles: { a: 'A' },
  inputSchema: z.object({}),
  defaultSeverity: () => 'low',
  timerLabels: {},
  internalEvents: ['go.round'],
  events: [
    clientEvent({
      type: 'go.ahead',
      title: 'Go',
      description: 'Go',
      roles: ['a'],
      payload: z.object({}),
      examples: [{}],
      owners: ['waiting'],
    }),
  ],
  machine: setup({}).createMachine({
    id: 'exit-on-parent',
    initial: 'waiting',
    states: {
      waiting: {
        description: 'Children with no final state; the parent itself leaves',
        meta: { owner: 'a' },
        initial: 'one',
        on: { 'go.ahead': 'end' },
        states: {
          one: { description: 'One', meta: { owner: 'a' }, on: { 'go.round': 'two' } },
          two: { description: 'Two', meta: { owner: 'a' } },
        },
      },
      end: { type: 'final', description: 'End', meta: { owner: 'a' } },
    },
  }),
});

describe('checkPlaybook', () => {
  it('counts a transition on the parent as a way out for its children', () => {
    expect(checkPlaybook(exitOnParent)).toEqual([]);
  });

  it('passes a sound playbook', () => {
    expect(checkPlaybook(drillPlaybook)).toEqual([]);
  });

  it.each(playbooks.map((p) => [`${p.id}@${p.version}`, p] as const))(
    'passes every registered playbook: %s',
    (_name, p) => {
      expect(checkPlaybook(p)).toEqual([]);
    },
  );

  it('names every kind of defect in a broken one', () => {
    const problems = checkPlaybook(brokenPlaybook);
    expect(problems).toEqual(
      expect.arrayContaining([
        'state island is unreachable',
        'state end is unreachable',
        'state trap can never reach a final state of (root)',
        'state start can never reach a final state of (root)',
        'client event never.handled is accepted in no state',
        'client event no.roles is accepted in no state',
        'timer "unlabelled" of state start has no label in timerLabels',
        'timer "unlabelledReminder" of state start has no label in timerLabels',
        'state island has no description',
        'state end has no meta.owner',
        'event "go.round" has no title',
        'event "no.roles" names no roles',
        'event "no.schema" has no payload schema',
      ]),
    );
    expect(problems.some((p) => p.startsWith('event "bad.example" example 0 fails its schema'))).toBe(true);
  });

  it('is what definePlaybook refuses at registration', () => {
    expect(() => definePlaybook(brokenPlaybook)).toThrow(/no\.roles" names no roles/);
  });
});
