import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { playbooks } from '../../playbooks';
import { cacaoPlaybook, mermaidDiagram } from '../../src/engine';

/**
 * The official CACAO v2 JSON schemas (OASIS, Apache-2.0) are read from the shared reference folder at test
 * time, never copied into the project. `CACAO_SCHEMAS_DIR` points elsewhere if needed.
 */
const schemaDirCandidates = [
  process.env.CACAO_SCHEMAS_DIR,
  resolve(import.meta.dirname, '../../../shared/reference/cacao-v2-schemas/schemas'),
  '/work/shared/reference/cacao-v2-schemas/schemas',
].filter((dir): dir is string => typeof dir === 'string' && dir !== '');
const schemaDir = schemaDirCandidates.find((dir) => existsSync(join(dir, 'playbook.json')));
if (!schemaDir) {
  console.warn(
    `CACAO validation skipped: the official CACAO v2 schemas were not found (looked in ${schemaDirCandidates.join(', ')}); ` +
      'set CACAO_SCHEMAS_DIR to the schemas folder of oasis-open/cacao-json-schemas.',
  );
}

function schemaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? schemaFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

function cacaoValidator(dir: string) {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addMetaSchema(draft7);
  let playbookId = '';
  for (const file of schemaFiles(dir)) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    if (file.endsWith(`${'/'}playbook.json`)) playbookId = schema.$id;
  }
  const validate = ajv.getSchema(playbookId);
  if (!validate) throw new Error('playbook.json not loaded');
  return (document: unknown) =>
    validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe.skipIf(!schemaDir)('CACAO 2.0 export', () => {
  const validate = cacaoValidator(schemaDir!);

  it.each(playbooks.map((p) => [`${p.id}@${p.version}`, p] as const))(
    'validates against the official schemas: %s',
    (_n, p) => {
      expect(validate(cacaoPlaybook(p))).toEqual([]);
    },
  );

  it('fails a document the schemas reject, so the validation can fail', () => {
    const document = cacaoPlaybook(playbooks[0]!) as { workflow: Record<string, Record<string, unknown>> };
    const action = Object.entries(document.workflow).find(([id]) => id.startsWith('action--'))!;
    delete action[1].agent;
    action[1].colour = 'red';
    expect(validate(document).length).toBeGreaterThan(0);
  });
});

/** The ids a step leads to, over every way on the exporter's step types have. */
function successorIds(step: Record<string, unknown>): string[] {
  const single = ['on_completion', 'on_success', 'on_failure', 'on_true', 'on_false']
    .map((field) => step[field])
    .filter((value): value is string => typeof value === 'string');
  const nextSteps = (step.next_steps ?? []) as string[];
  const cases = Object.values((step.cases ?? {}) as Record<string, string>);
  return [...single, ...nextSteps, ...cases];
}

describe('CACAO workflow graph', () => {
  it.each(playbooks.map((p) => [`${p.id}@${p.version}`, p] as const))(
    'reaches every step from workflow_start, and every step it names exists: %s',
    (_n, p) => {
      const doc = cacaoPlaybook(p) as {
        workflow: Record<string, Record<string, unknown>>;
        workflow_start: string;
      };
      const reached = new Set<string>();
      const dangling = new Set<string>();
      const queue = [doc.workflow_start];
      for (let stepId = queue.pop(); stepId !== undefined; stepId = queue.pop()) {
        if (reached.has(stepId)) continue;
        reached.add(stepId);
        const step = doc.workflow[stepId];
        if (!step) {
          dangling.add(stepId);
          continue;
        }
        queue.push(...successorIds(step));
      }
      expect([...dangling]).toEqual([]);
      const unreached = Object.entries(doc.workflow)
        .filter(([stepId]) => !reached.has(stepId))
        .map(([, step]) => step.name);
      expect(unreached).toEqual([]);
    },
  );
});

describe('CACAO mapping', () => {
  const pb1 = playbooks.find((p) => p.id === 'ransom-demand')!;
  const doc = cacaoPlaybook(pb1, { tlp: 'TLP:AMBER' }) as {
    workflow: Record<string, Record<string, unknown> & { type: string }>;
    workflow_start: string;
    playbook_activities: string[];
    data_marking_definitions: Record<string, { tlpv2_level: string }>;
  };
  const steps = Object.values(doc.workflow);

  it('maps tracks to one parallel step whose branches are the tracks', () => {
    const start = doc.workflow[doc.workflow_start]!;
    const parallel = doc.workflow[start.on_completion as string]!;
    expect(parallel.type).toBe('parallel');
    expect((parallel.next_steps as string[]).length).toBe(Object.keys(pb1.machine.root.states).length);
  });

  it('maps human steps to manual commands for their owner role, decisions to conditions, timers to timeouts', () => {
    const actions = steps.filter((s) => s.type === 'action');
    expect(actions.every((a) => (a.commands as { type: string }[])[0]!.type === 'manual')).toBe(true);
    expect(steps.some((s) => s.type === 'if-condition' || s.type === 'switch-condition')).toBe(true);
    const timed = actions.filter((a) => typeof a.timeout === 'number');
    // The payment window of the JJ Meds example input is 48 h; its warnings come before.
    expect(timed.length).toBeGreaterThan(3);
    expect(Math.max(...timed.map((a) => a.timeout as number))).toBeGreaterThanOrEqual(48 * 3_600_000);
  });

  it('lists every activity a command uses and carries the TLP marking asked for', () => {
    const used = new Set(
      steps.flatMap((s) =>
        ((s.commands ?? []) as { playbook_activity?: string }[]).map((c) => c.playbook_activity),
      ),
    );
    used.delete(undefined);
    expect(doc.playbook_activities.sort()).toEqual([...used].sort());
    expect(Object.values(doc.data_marking_definitions)[0]!.tlpv2_level).toBe('TLP:AMBER');
  });

  it('is stable: the same playbook exports the same document', () => {
    expect(cacaoPlaybook(pb1)).toEqual(cacaoPlaybook(pb1));
  });
});

describe('Mermaid diagram', () => {
  it.each(playbooks.map((p) => [`${p.id}@${p.version}`, p] as const))(
    'draws every state, with tracks as concurrent regions: %s',
    (_n, p) => {
      const text = mermaidDiagram(p);
      expect(text).toMatch(/^---\ntitle: .+\n---\nstateDiagram-v2\n/);
      const tracks = Object.keys(p.machine.root.states);
      const separators = (node: AnyStateNode): number =>
        (node.type === 'parallel' ? Object.keys(node.states).length - 1 : 0) +
        Object.values(node.states).reduce((sum, child) => sum + separators(child), 0);
      expect(text.match(/^\s+--$/gm)?.length).toBe(separators(p.machine.root));
      for (const track of tracks) expect(text).toContain(`as ${track.replace(/[^A-Za-z0-9_]/g, '_')} {`);
      const braces = (text.match(/{/g) ?? []).length;
      expect((text.match(/}/g) ?? []).length).toBe(braces);
    },
  );

  it('marks the active states it is given', () => {
    const pb1 = playbooks.find((p) => p.id === 'ransom-demand')!;
    const text = mermaidDiagram(pb1, { active: ['command.triage', 'payment.open'] });
    expect(text).toContain('class command__triage,payment__open active');
    expect(mermaidDiagram(pb1)).not.toMatch(/^\s+class /m);
  });
});
