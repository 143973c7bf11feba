import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import type { App } from '../context';
import { router } from '../router';

/** The dashboard's static assets: plain ES modules and CSS, no build step (DESIGN.md 2.1, `src/dashboard/`). */
const dashboardDir = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const mermaidFile = join(
  dirname(createRequire(import.meta.url).resolve('mermaid/package.json')),
  'dist',
  'mermaid.min.js',
);

const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** A flat folder: one path segment, no dot first, a known extension. Nothing else is ever read. */
const assetName = /^[a-z0-9][a-z0-9_-]*\.(html|js|css|svg)$/;

/**
 * The page may only talk to this origin. Mermaid writes `<style>` into the SVGs it renders and sets
 * inline styles, hence 'unsafe-inline' for styles only; scripts come from this origin alone.
 */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

let mermaidSource: Promise<Buffer> | undefined;

async function sendAsset(c: Context, name: string): Promise<Response> {
  const match = assetName.exec(name);
  if (!match) return c.notFound();
  let body: Buffer;
  try {
    body = await readFile(join(dashboardDir, name));
  } catch {
    return c.notFound();
  }
  return c.body(new Uint8Array(body), 200, {
    'content-type': contentTypes[match[1]!]!,
    'cache-control': 'no-cache',
    ...securityHeaders,
  });
}

/**
 * `GET /`: the web dashboard; `GET /dashboard/<file>`: its assets; `GET /vendor/mermaid.js`: Mermaid
 * from the installed package, so the page works without internet access. (Not under `/dashboard/`: a fixed
 * path beside `/dashboard/:file` would make Hono fall back from its RegExpRouter to the slower TrieRouter.) No bearer token: the page asks
 * for one and sends it with its API calls.
 */
export function dashboardRoutes(): App {
  const app = router();
  app.get('/', (c) => sendAsset(c, 'index.html'));
  app.get('/vendor/mermaid.js', async (c) => {
    mermaidSource ??= readFile(mermaidFile).catch((error: unknown) => {
      mermaidSource = undefined;
      throw error;
    });
    return c.body(new Uint8Array(await mermaidSource), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
    });
  });
  app.get('/dashboard/:file', (c) => sendAsset(c, c.req.param('file')));
  return app;
}
