import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { router } from '../../src/http/router';
import { jjMedsInput } from '../fixtures/jj-meds';
import { type Response, testClock, useTestApp } from '../support/http';

/** A request refused for its content gets a short answer, however much was wrong with it. */

const app = useTestApp({}, testClock('2026-11-21T09:01:00Z').now);

const expectProblem = (response: Response, status: number, code: string) => {
  expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
};

const jjMeds = async () => {
  const created = await app.admin.request('POST', '/v1/incidents', {
    body: { playbookId: 'ransom-demand', title: 'JJ Meds', input: jjMedsInput('2026-11-21T09:00:00Z') },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
};
const send = (id: string, type: string, payload: unknown) =>
  app.admin.request('POST', `/v1/incidents/${id}/events`, { body: { type, payload } });

describe('error bodies', () => {
  it('answers a 612 KB payload of wrong values with a short 400: the first 20 issues and how many there were', async () => {
    const id = await jjMeds();
    const items = Array.from({ length: 200 }, () => ({
      kind: 'k'.repeat(3000),
      sha256: 1,
      location: 2,
      x: 3,
    }));
    const body = { type: 'evidence.baseline_captured', payload: { items } };
    expect(JSON.stringify(body).length).toBeGreaterThan(600_000);
    const refused = await app.admin.request('POST', `/v1/incidents/${id}/events`, { body });
    expectProblem(refused, 400, 'invalid_request');
    expect(refused.body.errors).toHaveLength(20);
    expect(refused.body.errorCount).toBeGreaterThanOrEqual(800);
    expect(refused.body.detail).toMatch(/; and \d+ more$/);
    expect(JSON.stringify(refused.body).length).toBeLessThan(10_000);
  });

  it('lists at most 20 issues of a request its route schema refuses, with their count', async () => {
    const app = router();
    app.openapi(
      createRoute({
        method: 'post',
        path: '/numbers',
        request: {
          body: { content: { 'application/json': { schema: z.object({ n: z.array(z.number()) }) } } },
        },
        responses: { 204: { description: 'ok' } },
      }),
      (c) => c.body(null, 204),
    );
    const refused = await app.request('/numbers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: Array.from({ length: 100 }, (_, i) => `${i}`) }),
    });
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as {
      errors: { path: string }[];
      errorCount: number;
      detail: string;
    };
    expect(problem.errors).toHaveLength(20);
    expect(problem.errors[0]!.path).toBe('json.n.0');
    expect(problem.errorCount).toBe(100);
    expect(problem.detail).toMatch(/; and 80 more$/);
  });

  it('cuts each issue short: a payload with 30,000 unknown fields gets a short 400', async () => {
    const id = await jjMeds();
    const junk = Object.fromEntries(Array.from({ length: 30_000 }, (_, n) => [`field${n}`, n]));
    const refused = await send(id, 'sitrep.published', { summary: 'ok', ...junk });
    expectProblem(refused, 400, 'invalid_request');
    expect(refused.body.errorCount).toBe(1);
    expect(refused.body.errors[0].message).toMatch(/… \(\d+ characters\)$/);
    expect(JSON.stringify(refused.body).length).toBeLessThan(2_000);
  });
});
