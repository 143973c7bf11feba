import { z } from 'zod';

/**
 * A CACAO 2.0 playbook (OASIS), as far as holdfast reads it: the playbook's identity, its workflow steps of the
 * spec's eight types, and the agents and markings steps name. Other properties pass through (and the importer
 * lists the ones it cannot keep). The API's export is checked against this same schema, so every export imports.
 */

const text = z.string().trim().min(1);
const stepId = z.string().min(1);
const ms = z.int().min(0);

const externalReference = z.looseObject({ name: text, description: z.string().optional() });

export const cacaoCommand = z.looseObject({
  type: text,
  description: z.string().optional(),
  command: z.string().optional(),
  command_b64: z.string().optional(),
});

const stepBase = {
  name: z.string().optional(),
  description: z.string().optional(),
  external_references: z.array(externalReference).optional(),
  delay: ms.optional(),
  timeout: ms.optional(),
  on_completion: stepId.optional(),
  on_success: stepId.optional(),
  on_failure: stepId.optional(),
};

export const cacaoStep = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('start'), ...stepBase }),
  z.looseObject({ type: z.literal('end'), ...stepBase }),
  z.looseObject({
    type: z.literal('action'),
    ...stepBase,
    commands: z.array(cacaoCommand).min(1),
    agent: stepId.optional(),
    targets: z.array(stepId).min(1).optional(),
  }),
  z.looseObject({
    type: z.literal('playbook-action'),
    ...stepBase,
    playbook_id: stepId,
    playbook_version: z.string().optional(),
    agent: stepId.optional(),
  }),
  z.looseObject({ type: z.literal('parallel'), ...stepBase, next_steps: z.array(stepId).min(2) }),
  z.looseObject({
    type: z.literal('if-condition'),
    ...stepBase,
    condition: text,
    on_true: stepId,
    on_false: stepId.optional(),
  }),
  z.looseObject({
    type: z.literal('switch-condition'),
    ...stepBase,
    switch: text,
    cases: z.record(z.string().min(1), stepId).refine((cases) => Object.keys(cases).length > 0, 'no cases'),
  }),
  z.looseObject({ type: z.literal('while-condition'), ...stepBase, condition: text, on_true: stepId }),
]);

export const cacaoPlaybookSchema = z.looseObject({
  type: z.literal('playbook'),
  spec_version: z.literal('cacao-2.0'),
  id: stepId,
  name: text,
  description: z.string().optional(),
  created: z.iso.datetime({ offset: true }),
  modified: z.iso.datetime({ offset: true }),
  severity: z.int().min(0).max(100).optional(),
  external_references: z.array(externalReference).optional(),
  markings: z.array(stepId).optional(),
  workflow_start: stepId,
  workflow: z.record(stepId, cacaoStep),
  agent_definitions: z
    .record(
      stepId,
      z.looseObject({ type: text, name: z.string().optional(), description: z.string().optional() }),
    )
    .optional(),
  target_definitions: z.record(stepId, z.looseObject({ type: text, name: z.string().optional() })).optional(),
  data_marking_definitions: z
    .record(stepId, z.looseObject({ type: text, tlpv2_level: z.string().optional() }))
    .optional(),
});

export type CacaoPlaybook = z.output<typeof cacaoPlaybookSchema>;
export type CacaoStep = z.output<typeof cacaoStep>;
export type CacaoCommand = z.output<typeof cacaoCommand>;
