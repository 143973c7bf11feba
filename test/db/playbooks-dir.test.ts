import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, publishFolder } from '../../src/main';
import { useTestApp } from '../support/http';

const ctx = useTestApp();
const small = readFileSync(
  resolve(import.meta.dirname, '../fixtures/playbook-files/small.playbook.yaml'),
  'utf8',
);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const folder = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-playbooks-dir-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};

describe('HOLDFAST_PLAYBOOKS_DIR', () => {
  it('publishes every playbook file of the folder at start, and again as a no-op', async () => {
    const dir = folder({
      'a.playbook.yaml': small.replace('id: small-outage', 'id: folder-outage'),
      'notes.yaml': 'not a playbook file: ignored',
    });
    await publishFolder(ctx.services.publisher, dir, createLogger('silent'));
    await publishFolder(ctx.services.publisher, dir, createLogger('silent'));
    const listed = await ctx.admin.request('GET', '/v1/playbooks/folder-outage');
    expect(listed.body).toMatchObject({ id: 'folder-outage', versions: [1] });
  });

  it('stops the start on a broken file, naming its line', async () => {
    const dir = folder({
      'b.playbook.yaml': small.replace('id: small-outage', 'id: broken-folder').replace('on: {', 'on {'),
    });
    await expect(publishFolder(ctx.services.publisher, dir, createLogger('silent'))).rejects.toThrow(
      /HOLDFAST_PLAYBOOKS_DIR: .*b\.playbook\.yaml:\d+:\d+/,
    );
    expect((await ctx.admin.request('GET', '/v1/playbooks/broken-folder')).status).toBe(404);
  });
});
