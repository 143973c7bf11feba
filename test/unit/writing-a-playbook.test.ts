import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vocabularyReference } from '../../src/playbook-format';
import { namedGuards } from '../../src/playbook-kit';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/writing-a-playbook.md'), 'utf8');

describe('docs/writing-a-playbook.md', () => {
  it('carries the vocabulary reference generated from the kit (regenerate: holdfast playbooks reference)', () => {
    const section = /<!-- reference:start -->\n([\s\S]*)<!-- reference:end -->/.exec(doc)?.[1];
    expect(section).toBe(vocabularyReference());
  });

  it.each(Object.entries(namedGuards))(
    'gives an example of %s that its parameters accept',
    (_name, guard) => {
      expect(guard.params.safeParse(guard.example).success).toBe(true);
    },
  );

  it('shows the small playbook as it is in the fixture', () => {
    const fixture = readFileSync(
      resolve(import.meta.dirname, '../fixtures/playbook-files/small.playbook.yaml'),
      'utf8',
    );
    const steps = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((block) => !block.startsWith('when:')); // the one excerpt from ddos-extortion
    expect(steps).toHaveLength(5);
    for (const block of steps) expect(fixture).toContain(block);
  });
});
