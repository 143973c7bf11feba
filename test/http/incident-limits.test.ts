import { describe, expect, it } from 'vitest';
import { credentialStuffingV1 } from '../../playbooks/credential-stuffing';
import { KEPT_RECORDS } from '../../src/playbook-kit';
import { jjMedsInput } from '../fixtures/jj-meds';
import { type Client, type Response, testClock, useTestApp } from '../support/http';

/**
 * How big one incident may grow: arrays and strings of a payload, and the incident's state after an event (here
 * 64 KiB, to reach it quickly). A refusal is a 4xx problem naming the limit, and changes nothing. What repeated
 * events append to context is kept short; the event log keeps it all.
 */

const app = useTestApp({ HOLDFAST_CONTEXT_MAX_BYTES: 65_536 }, testClock('2026-11-21T09:01:00Z').now);

const expectProblem = (response: Response, status: number, code: string) => {
  expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
};

/** A baseline of `count` evidence items of four kinds, an account export and a system image among them. */
const baseline = (count: number) => ({
  items: Array.from({ length: count }, (_, n) => {
    const kind = ['account_export', 'system_image', 'logs', 'config'][n % 4]!;
    return { kind, sha256: n.toString(16).padStart(64, '0'), location: `evidence://locker/${kind}/${n}` };
  }),
});

const open = async (body: object, as: Client = app.admin) => {
  const created = await as.request('POST', '/v1/incidents', { body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
};
const jjMeds = () =>
  open({ playbookId: 'ransom-demand', title: 'JJ Meds', input: jjMedsInput('2026-11-21T09:00:00Z') });
const send = (id: string, type: string, payload: unknown) =>
  app.admin.request('POST', `/v1/incidents/${id}/events`, { body: { type, payload } });
const incident = async (id: string) => (await app.admin.request('GET', `/v1/incidents/${id}`)).body;
const events = async (id: string) =>
  (await app.admin.request('GET', `/v1/incidents/${id}/events?limit=1000`)).body.items as {
    seq: number;
    type: string;
    payload: Record<string, unknown>;
  }[];

describe('payloads and incident state', () => {
  it('refuses a payload array longer than the limit with 413, naming it, and writes nothing', async () => {
    const id = await jjMeds();
    const before = await incident(id);
    const refused = await send(id, 'evidence.baseline_captured', baseline(900));
    expectProblem(refused, 413, 'payload_too_large');
    expect(refused.body).toMatchObject({ limit: 'array_items', max: 200, path: 'payload.items' });
    expect(refused.body.detail).toContain('at most 200');
    expect(await incident(id)).toEqual(before);
    expect((await send(id, 'evidence.baseline_captured', baseline(20))).status).toBe(200);
  });

  it('refuses a string longer than the limit with 413 before the schema reads it', async () => {
    const id = await jjMeds();
    const refused = await send(id, 'sitrep.published', { summary: 'x'.repeat(10_001) });
    expectProblem(refused, 413, 'payload_too_large');
    expect(refused.body).toMatchObject({ limit: 'string_length', max: 10_000, path: 'payload.summary' });
    expect((await incident(id)).version).toBe(1);
  });

  it("refuses the event that would grow an incident's state past the limit, and leaves the incident as it was", async () => {
    const id = await open({
      playbookId: credentialStuffingV1.id,
      title: 'Grown incident',
      input: credentialStuffingV1.example!.input,
    });
    const draft = (n: number) =>
      send(id, 'message.drafted', {
        messageId: `notice-${n}`,
        audience: 'public',
        stance: 'neutral',
        summary: `${n} `.padEnd(4000, 'x'),
      });
    // Each draft keeps its 4,000 characters in context: some 16 of them reach 64 KiB.
    let refused: Response | undefined;
    let before: Record<string, unknown> = {};
    for (let n = 0; n < 40 && !refused; n++) {
      before = await incident(id);
      const answer = await draft(n);
      if (answer.status !== 200) refused = answer;
    }
    expect(refused, 'no draft was refused').toBeDefined();
    expectProblem(refused!, 422, 'incident_too_large');
    expect(refused!.body).toMatchObject({ limit: 'state_bytes', max: 65_536 });
    expect(refused!.body.bytes).toBeGreaterThan(65_536);
    expect(refused!.body.detail).toContain('at most 65536');
    const after = await incident(id);
    expect(after.version).toBe(before.version);
    expect(after.context).toEqual(before.context);
    expect((await events(id)).at(-1)!.seq).toBe(before.version);
    // The dry run says the same.
    const simulated = await app.admin.request('POST', `/v1/incidents/${id}/simulate`, {
      body: {
        type: 'message.drafted',
        payload: { messageId: 'more', audience: 'public', stance: 'neutral', summary: 'y'.repeat(4000) },
      },
    });
    expectProblem(simulated, 422, 'incident_too_large');
  });

  it('keeps the newest evidence items of a repeated baseline in context, and every item in the log', async () => {
    const id = await jjMeds();
    for (let round = 0; round < 3; round++) {
      expect((await send(id, 'evidence.baseline_captured', baseline(200))).status).toBe(200);
    }
    const { context } = await incident(id);
    expect(context.evidence).toHaveLength(KEPT_RECORDS);
    expect(context.omitted).toEqual({ evidence: 600 - KEPT_RECORDS });
    const kinds = new Set(context.evidence.map((evidence: { kind: string }) => evidence.kind));
    expect(kinds).toEqual(new Set(['account_export', 'system_image', 'logs', 'config']));
    const logged = (await events(id)).filter((event) => event.type === 'evidence.baseline_captured');
    expect(logged.map((event) => (event.payload.items as unknown[]).length)).toEqual([200, 200, 200]);
  });
});
