import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** DESIGN.md 2.1: who may import what. Each area lists what it may import; anything else is a crossing. */
const root = resolve(import.meta.dirname, '..');

type Area =
  | 'playbooks'
  | 'playbook-kit'
  | 'playbook-format'
  | 'engine'
  | 'db'
  | 'http'
  | 'app'
  | 'config'
  | 'composition'
  | 'dashboard'
  | 'tabletop';

const areaOf = (file: string): Area | null => {
  const path = relative(root, file).replaceAll('\\', '/');
  if (path.startsWith('playbooks/')) return 'playbooks';
  if (path.startsWith('src/playbook-kit/')) return 'playbook-kit';
  if (path.startsWith('src/playbook-format/')) return 'playbook-format';
  if (path.startsWith('src/engine/')) return 'engine';
  if (path.startsWith('src/http/')) return 'http';
  if (path.startsWith('src/tabletop/')) return 'tabletop';
  if (path.startsWith('src/dashboard/')) return 'dashboard';
  if (path.startsWith('db/')) return 'db';
  if (path === 'src/app.ts') return 'app';
  if (path === 'src/config.ts') return 'config';
  if (['src/main.ts', 'src/cli.ts', 'src/signing-keys.ts', 'src/webhook-sender.ts'].includes(path))
    return 'composition';
  return null;
};

/** Allowed internal areas and allowed packages (prefix match) per area. */
const rules: Record<Area, { areas: Area[]; packages: string[]; typeOnlyAreas?: Area[] }> = {
  playbooks: { areas: ['playbooks', 'playbook-kit', 'playbook-format'], packages: ['xstate', 'zod'] },
  'playbook-kit': { areas: ['playbook-kit'], packages: ['xstate', 'zod', 'luxon', 'date-holidays', 'node:'] },
  // Playbooks written as data: compiled with the kit, checked with the engine's checks.
  'playbook-format': {
    areas: ['playbook-format', 'playbook-kit', 'engine'],
    packages: ['zod', 'yaml', 'node:'],
  },
  engine: {
    areas: ['engine', 'playbook-kit'],
    packages: ['xstate', 'canonicalize', 'node:crypto', 'uuid', 'lru-cache'],
  },
  db: {
    areas: ['db'],
    packages: ['drizzle-orm', 'postgres', '@electric-sql/pglite', 'node:'],
    typeOnlyAreas: ['engine'],
  },
  http: {
    areas: ['http', 'engine', 'playbook-kit', 'playbook-format', 'tabletop'],
    packages: ['hono', '@hono/', 'zod', 'node:', 'swagger-ui-dist', 'prom-client', 'jose', 'openid-client'],
  },
  app: { areas: ['http', 'engine'], packages: ['hono', '@hono/'] },
  config: { areas: [], packages: ['zod'] },
  composition: {
    areas: [
      'composition',
      'db',
      'engine',
      'http',
      'app',
      'config',
      'playbooks',
      'playbook-kit',
      'playbook-format',
      'tabletop',
    ],
    packages: ['@hono/', 'commander', 'pino', 'cli-progress', 'node:', 'standardwebhooks'],
  },
  dashboard: { areas: [], packages: [] },
  tabletop: {
    areas: ['tabletop', 'engine', 'playbook-kit'],
    packages: ['zod', 'yaml', 'luxon', 'marked', 'sanitize-html', 'canonicalize', 'node:'],
  },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'migrations') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) ? [path] : [];
  });
}

const importPattern = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const dynamicImportPattern = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const found = [...text.matchAll(importPattern)].map((m) => ({ spec: m[3]!, typeOnly: Boolean(m[2]) }));
  return [
    ...found,
    ...[...text.matchAll(dynamicImportPattern)].map((m) => ({ spec: m[1]!, typeOnly: false })),
  ];
}

function crossings(files: { path: string; text: string }[]): string[] {
  const problems: string[] = [];
  for (const { path: file, text } of files) {
    const area = areaOf(file);
    if (!area) continue;
    const rule = rules[area];
    if (area !== 'config' && /process\.env/.test(text))
      problems.push(`${relative(root, file)} reads process.env`);
    if (area === 'playbooks' && /Date\.now\(|new Date\(\s*\)/.test(text)) {
      problems.push(`${relative(root, file)} reads the wall clock`);
    }
    for (const { spec, typeOnly } of importsOf(text)) {
      if (spec.startsWith('.')) {
        const target =
          areaOf(resolve(dirname(file), spec.endsWith('.ts') ? spec : `${spec}.ts`)) ??
          areaOf(resolve(dirname(file), spec, 'index.ts'));
        if (!target) continue;
        const allowed = rule.areas.includes(target) || (typeOnly && rule.typeOnlyAreas?.includes(target));
        if (!allowed)
          problems.push(
            `${relative(root, file)} (${area}) imports ${spec} (${target})${typeOnly ? ' [type]' : ''}`,
          );
      } else if (
        !rule.packages.some(
          (pkg) => spec === pkg || spec.startsWith(pkg.endsWith('/') || pkg.endsWith(':') ? pkg : `${pkg}/`),
        )
      ) {
        problems.push(`${relative(root, file)} (${area}) imports package ${spec}`);
      }
    }
  }
  return problems;
}

describe('import boundaries (DESIGN.md 2.1)', () => {
  const files = ['src', 'db', 'playbooks']
    .flatMap((dir) => sourceFiles(join(root, dir)))
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('has no crossing', () => {
    expect(crossings(files)).toEqual([]);
  });

  it.each([
    ['src/engine/bad.ts', "import { eq } from 'drizzle-orm';", 'imports package drizzle-orm'],
    ['src/engine/bad.ts', 'const url = process.env.DATABASE_URL;', 'reads process.env'],
    ['src/http/bad.ts', "import { PgIncidentStore } from '../../db/store';", 'imports ../../db/store (db)'],
    ['db/bad.ts', "import { createEngine } from '../src/engine';", 'imports ../src/engine (engine)'],
    ['playbooks/bad/index.ts', "import { createEngine } from '../../src/engine';", '(engine)'],
    ['playbooks/bad/index.ts', 'const now = Date.now();', 'reads the wall clock'],
  ])('catches a crossing: %s with %s', (path, text, expected) => {
    const [problem] = crossings([{ path: join(root, path), text }]);
    expect(problem).toContain(expected);
  });

  it('keeps the kernel pure: no use case, store, clock or I/O behind it', () => {
    const pure = [
      'errors',
      'hash-chain',
      'instants',
      'limits',
      'machine-runtime',
      'overdue',
      'policy',
      'types',
      'playbook-timers',
      'reminders',
    ];
    const kernel = files.filter(({ path }) => relative(root, path) === 'src/engine/kernel.ts');
    expect(kernel).toHaveLength(1);
    for (const { text } of kernel) {
      for (const { spec } of importsOf(text)) {
        if (spec.startsWith('./')) expect(pure, `kernel imports ${spec}`).toContain(spec.slice(2));
        else expect(['xstate', '../playbook-kit'], `kernel imports ${spec}`).toContain(spec);
      }
      expect(text).not.toMatch(/Date\.now\(|new Date\(\s*\)|process\./);
    }
  });

  it('lets db import engine types only', () => {
    const file = (text: string) => [{ path: join(root, 'db/x.ts'), text }];
    expect(crossings(file("import type { IncidentRow } from '../src/engine/types';"))).toEqual([]);
    expect(crossings(file("import { IncidentRow } from '../src/engine/types';"))).toHaveLength(1);
  });
});
