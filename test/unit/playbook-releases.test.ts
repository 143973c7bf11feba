import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { releaseSnapshot, releaseSnapshotPath } from '../../src/engine';
import { optionIs, regimeIs } from '../../src/playbook-kit';

const root = resolve(import.meta.dirname, '../..');

describe('released playbook versions are frozen', () => {
  it.each(playbooks.map((p) => [`${p.id}@${p.version}`, p] as const))(
    '%s is what its committed release snapshot says',
    (_name, definition) => {
      const file = resolve(root, releaseSnapshotPath(definition));
      expect(
        existsSync(file),
        `${file} is missing: run \`holdfast playbooks freeze\` to record a new version`,
      ).toBe(true);
      const committed = JSON.parse(readFileSync(file, 'utf8'));
      // A difference means a released version changed: give the change a new version number instead.
      expect(JSON.parse(JSON.stringify(releaseSnapshot(definition)))).toEqual(committed);
    },
  );

  it('sees a change to a guard, a payload schema or an owner', () => {
    const [definition] = playbooks;
    const before = releaseSnapshot(definition!);
    const event = definition!.events[0]!;
    const changed = {
      ...definition!,
      events: [{ ...event, owners: ['review'] }, ...definition!.events.slice(1)],
    };
    expect(releaseSnapshot(changed)).not.toEqual(before);
  });

  it('names kit guards with their parameters', () => {
    expect(optionIs('pay', 'defer').name).toBe('optionIs(pay, defer)');
    expect((regimeIs('APPI') as { name: string }).name).toBe('regimeIs(APPI)');
  });
});
