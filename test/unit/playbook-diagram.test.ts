import { describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { mermaidDiagram } from '../../src/engine';
import { drillPlaybook } from '../fixtures/drill-playbook';

const definitions = [...playbooks, drillPlaybook].map((p) => [`${p.id}@${p.version}`, p] as const);
const ransomDemand = playbooks.find((p) => p.id === 'ransom-demand' && p.version === 2)!;

describe('Mermaid diagram text', () => {
  it.each(definitions)('names no xstate.* event: %s', (_name, p) => {
    expect(mermaidDiagram(p)).not.toContain('xstate.');
  });

  it.each(definitions)('ends no edge on a composite state: %s', (_name, p) => {
    const text = mermaidDiagram(p);
    const composites = new Set([...text.matchAll(/ as (\w+) \{$/gm)].map((m) => m[1]));
    const targets = [...text.matchAll(/^\s*\S+ --> (\w+)/gm)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((id) => composites.has(id))).toEqual([]);
  });

  it.each(definitions)('mentions every state last in the block that declares it: %s', (_name, p) => {
    // Mermaid puts a state in the block (composite state or concurrent region) where it is mentioned last.
    const declaredIn = new Map<string, string>();
    const lastIn = new Map<string, string>();
    const blocks: string[] = [];
    for (const raw of mermaidDiagram(p).split('\n')) {
      const line = raw.trim().replace(/"[^"]*"/g, '""');
      if (line === '}') blocks.pop();
      if (line === '--') blocks.push(`${blocks.pop()}--`);
      const block = blocks.join('/');
      const declared = /^state "" as (\w+)( \{)?$/.exec(line);
      if (declared) {
        declaredIn.set(declared[1]!, block);
        lastIn.set(declared[1]!, block);
        if (declared[2]) blocks.push(declared[1]!);
      } else if (line.includes(' --> ')) {
        for (const id of line.replace(/ : .*$/, '').split(' --> ')) lastIn.set(id, block);
      }
    }
    expect(declaredIn.size).toBeGreaterThan(0);
    for (const [id, block] of declaredIn) expect({ id, block: lastIn.get(id) }).toEqual({ id, block });
  });

  it('names the guard of an edge when it has a short name, and leaves unnamed or long ones off', () => {
    const cards = mermaidDiagram(playbooks.find((p) => p.id === 'card-data-exposure')!);
    expect(cards).toContain('materiality.determined [optionIs(material)]');
    expect(cards).toContain('logs.preserved [hasEvidence(server_logs)]');
    expect(cards).not.toMatch(/\[(inline|guard)\]/);
    // "Every track is done" is a long composite guard: the close edge shows the event alone.
    expect(cards).toMatch(/command__closed : incident\.closed\n/);
  });

  it('draws one track alone, with its active state marked, and refuses a track the playbook lacks', () => {
    const whole = mermaidDiagram(ransomDemand);
    const legal = mermaidDiagram(ransomDemand, {
      track: 'legal',
      active: ['legal.work.law_enforcement.not_reported'],
    });
    expect(legal).toMatch(/^title: .+ Legal \(v2\)$/m);
    expect(legal).toMatch(/^ {2}state "Legal" as legal \{$/m);
    expect(legal).not.toMatch(/ as containment\b/);
    expect(legal.length).toBeLessThan(whole.length / 3);
    expect(legal).toMatch(/class legal__work__law_enforcement__not_reported active/);
    expect(() => mermaidDiagram(ransomDemand, { track: 'nowhere' })).toThrow(/no track "nowhere"/);
  });

  it('labels done and after transitions in words', () => {
    const text = mermaidDiagram(ransomDemand);
    expect(text).toContain('containment__immediate --> containment__eradication : all parts done\n');
    expect(text).toContain('payment__pay_path --> payment__post_payment_watch : done\n');
    expect(text).toContain(
      'recovery__monitoring --> recovery__complete : after Heightened monitoring ends (30 d after return to service)\n',
    );
  });

  it('points the start of a track at the leaves its first composite state enters', () => {
    const text = mermaidDiagram(ransomDemand);
    expect(text).toContain('\n      [*] --> command__undeclared__intake\n');
    for (const region of ['site__online', 'credentials__preserve_before_change', 'vendor__not_engaged']) {
      expect(text).toContain(`\n      [*] --> containment__immediate__${region}\n`);
    }
  });
});
