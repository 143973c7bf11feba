import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { playbooks } from '../../playbooks';
import { checkPlaybook } from '../../src/engine';
import { clientEvent, definePlaybook, hours } from '../../src/playbook-kit';
import { drillPlaybook } from '../fixtures/drill-playbook';

const brokenMachine = setup({ delays: { unlabelled: () => hours(1) } }).createMachine({
  id: 'broken',
  initial: 'start',
  states: {
    start: {
      description: 'Start',
      meta: { owner: 'a' },
      on: { 'go.ahead': 'trap' },
      after: { unlabelled: 'start' },
    },
    trap: { description: 'A state with no way out', meta: { owner: 'a' }, on: { 'go.round': 'trap' } },
    island: { meta: { owner: 'a' } },
    end: { type: 'final', description: 'End' },
  },
});

const broken = definePlaybook({
  id: 'broken',
  version: 1,
  title: 'Broken',
  summary: 'Fails every check',
  source: ['test'],
  roles: { a: 'A' },
  inputSchema: z.object({}),
  defaultSeverity: () => 'low',
  events: [
    clientEvent({
      type: 'go.ahead',
      title: 'Go',
      description: 'Go',
      roles: ['a'],
      payload: z.object({}),
      examples: [{}],
    }),
    clientEvent({
      type: 'never.handled',
      title: 'Never',
      description: 'Never',
      roles: ['a'],
      payload: z.object({}),
      examples: [{}],
    }),
  ],
  timerLabels: {},
  machine: brokenMachine,
});

const exitOnParent = definePlaybook({
  ...broken,
  id: 'exit-on-parent',
  events: [
    clientEvent({
      type: 'go.ahead',
      title: 'Go',
      description: 'Go',
      roles: ['a'],
      payload: z.object({}),
      examples: [{}],
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
    const problems = checkPlaybook(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        'state island is unreachable',
        'state end is unreachable',
        'state trap can never reach a final state of (root)',
        'state start can never reach a final state of (root)',
        'client event never.handled is accepted in no state',
        'delay "unlabelled" has no label in timerLabels',
        'state island has no description',
        'state end has no meta.owner',
      ]),
    );
  });
});
