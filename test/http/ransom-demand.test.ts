import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Client, client, tokenFor as newToken, testClock, useTestApp } from '../support/http';

/**
 * The README's curl walkthrough, replayed exactly as written (JSON bodies taken from the README), on a fixed
 * clock: the demand arrived a minute before the incident is opened, as `$RECEIVED` says there.
 */
const received = '2026-11-21T09:00:00Z';
const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const walkthrough = readme.slice(readme.indexOf('## A JJ Meds incident with curl'));
const tokenBody = JSON.parse(walkthrough.match(/\$HF\/v1\/tokens -d '([^']+)'/)![1]!);
const incidentBody = JSON.parse(
  walkthrough.match(/\$HF\/v1\/incidents -d '([\s\S]+?)' \| tee/)![1]!.replace(`'"$RECEIVED"'`, received),
);
const sends = [...walkthrough.matchAll(/^send '([^']+)'/gm)].map((m) => JSON.parse(m[1]!));

const clock = testClock('2026-11-21T09:01:00Z');
const app = useTestApp({}, clock.now);

const tokenFor = (name: string, ...roles: string[]) => newToken(app.services, app.admin, name, ...roles);

const openJJMeds = async (as: Client = app.admin) => {
  const created = await as.request('POST', '/v1/incidents', { body: incidentBody });
  expect(created.status).toBe(201);
  return created.body.id as string;
};

describe('the README walkthrough', () => {
  it('finds the commands in the README', () => {
    expect(walkthrough).toContain(`RECEIVED=$(date -u -d '1 minute ago' +%FT%TZ)`);
    expect(incidentBody.input.demand.receivedAt).toBe(received);
    expect(sends.map((s) => s.type)).toEqual([
      'incident.declared',
      'site.taken_offline',
      'evidence.baseline_captured',
      'credentials.revoked',
      'vendor.engaged',
      'customers.notified',
      'payment.decided',
    ]);
  });

  it('opens a JJ Meds incident and takes it through the first hours, with a verifiable timeline', async () => {
    expect((await app.admin.request('POST', '/v1/tokens', { body: tokenBody })).status).toBe(201);
    const id = await openJJMeds();
    const opened = await app.admin.request('GET', `/v1/incidents/${id}`);
    expect(opened.body.severity).toBe('critical');
    expect(opened.body.timers.map((t: { label: string }) => t.label)).toEqual(
      expect.arrayContaining([expect.stringMatching(/ransom deadline/i), expect.stringMatching(/police/i)]),
    );
    const deadline = opened.body.timers.find((t: { label: string }) => /^ransom deadline/i.test(t.label));
    expect(deadline.dueAt).toBe('2026-11-23T09:00:00.000Z');

    for (const body of sends) {
      const response = await app.admin.request('POST', `/v1/incidents/${id}/events`, { body });
      expect(response.status, `${body.type}: ${JSON.stringify(response.body)}`).toBe(200);
    }

    const incident = (await app.admin.request('GET', `/v1/incidents/${id}`)).body;
    expect(incident.version).toBe(8);
    // Offline, credentials revoked and vendor engaged: containment has moved on to eradication.
    expect(incident.state).toMatchObject({ containment: 'eradication' });
    // Refused: the leak watch runs until 30 days after the ransom deadline.
    expect(incident.state.payment).toBe('refused');
    expect(incident.timers.map((t: { label: string }) => t.label)).toContainEqual(
      expect.stringMatching(/^Leak watch ends/),
    );
    // The customer notice went out, so its 12-hour reminder is gone; the ransom clock still runs.
    expect(incident.timers.map((t: { id: string }) => t.id)).not.toContain('customerNoticeDue');

    const timeline = (await app.admin.request('GET', `/v1/incidents/${id}/events`)).body.items;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual([
      'incident.opened',
      ...sends.map((s) => s.type),
    ]);
    expect((await app.admin.request('GET', `/v1/incidents/${id}/verify`)).body).toMatchObject({
      ok: true,
      events: 8,
    });
  });
});

describe('ransom-demand rules over HTTP', () => {
  const post = (as: Client, id: string, type: string, payload: object) =>
    as.request('POST', `/v1/incidents/${id}/events`, { body: { type, payload } });

  it('will not revoke credentials before the account export and system image exist', async () => {
    const id = await openJJMeds();
    const tech = await tokenFor('tech', 'technical_lead');
    const revoke = sends.find((s) => s.type === 'credentials.revoked').payload;
    const refused = await post(tech, id, 'credentials.revoked', revoke);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('event_not_allowed');
    expect(refused.body.allowedEvents.map((e: { type: string }) => e.type)).toContain(
      'evidence.baseline_captured',
    );
    // Only the incident commander may override the evidence gate, with a rationale.
    expect((await post(tech, id, 'evidence.gate_overridden', { rationale: 'hurry' })).status).toBe(403);
    const ic = await tokenFor('ic', 'incident_commander');
    expect(
      (await post(ic, id, 'evidence.gate_overridden', { rationale: 'Active exfiltration; no time to image' }))
        .status,
    ).toBe(200);
    expect((await post(tech, id, 'credentials.revoked', revoke)).status).toBe(200);
  });

  it('pays only with a request, legal sign-off, a clear sanctions screen and a different executive', async () => {
    const id = await openJJMeds();
    const ic = await tokenFor('ic', 'incident_commander');
    const legal = await tokenFor('counsel', 'legal');
    const cfo = await tokenFor('cfo', 'executive');
    const ceo = await tokenFor('ceo', 'executive');
    const pay = { option: 'pay', rationale: 'Restore is impossible without the key' };
    expect(
      (
        await post(ic, id, 'payment.inputs_recorded', {
          claimVerified: true,
          canRecoverWithoutPaying: false,
          sanctionsScreen: 'clear',
          lawEnforcementConsulted: true,
          insurerConsulted: true,
        })
      ).status,
    ).toBe(200);
    expect(
      (await post(cfo, id, 'payment.pay_requested', { rationale: 'Business cannot run without the data' }))
        .status,
    ).toBe(200);
    expect((await post(ceo, id, 'payment.decided', pay)).status).toBe(409); // no legal sign-off yet
    expect(
      (
        await post(legal, id, 'payment.legal_signed_off', {
          rationale: 'Sanctions screen clear; counsel agrees',
        })
      ).status,
    ).toBe(200);
    expect((await post(cfo, id, 'payment.decided', pay)).status).toBe(409); // the requester may not decide
    const decided = await post(ceo, id, 'payment.decided', pay);
    expect(decided.status).toBe(200);
    expect(JSON.stringify(decided.body.incident.state.payment)).toContain('pay_path');
  });

  it('counts a token re-issued under the same name as the same person for the two-person rule', async () => {
    const id = await openJJMeds();
    const ic = await tokenFor('ic', 'incident_commander');
    const legal = await tokenFor('counsel', 'legal');
    const first = await app.admin.request('POST', '/v1/tokens', {
      body: { name: 'alice', roles: ['executive'] },
    });
    const alice = client(app.services, first.body.token);
    const pay = { option: 'pay', rationale: 'Restore is impossible without the key' };
    await post(ic, id, 'payment.inputs_recorded', {
      claimVerified: true,
      canRecoverWithoutPaying: false,
      sanctionsScreen: 'clear',
      lawEnforcementConsulted: true,
      insurerConsulted: true,
    });
    expect(
      (await post(alice, id, 'payment.pay_requested', { rationale: 'We cannot run without it' })).status,
    ).toBe(200);
    await post(legal, id, 'payment.legal_signed_off', {
      rationale: 'Sanctions screen clear; counsel agrees',
    });
    // The routine re-issue: revoke alice's token and give her a new one.
    expect((await app.admin.request('DELETE', `/v1/tokens/${first.body.id}`)).status).toBe(200);
    const reissued = await tokenFor('alice', 'executive');
    const refused = await post(reissued, id, 'payment.decided', pay);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('event_not_allowed');
    expect(refused.body.detail).toContain('"payment.decided" needs a second person: alice');
    const ceo = await tokenFor('ceo', 'executive');
    expect((await post(ceo, id, 'payment.decided', pay)).status).toBe(200);
    const log = (await app.admin.request('GET', `/v1/incidents/${id}/events`)).body.items;
    expect(
      log
        .filter((e: { type: string }) => e.type.startsWith('payment.'))
        .map((e: { actor: string }) => e.actor),
    ).toEqual(['ic', 'alice', 'counsel', 'ceo']);
  });

  it('describes the playbook with JSON Schemas of its input and payloads', async () => {
    const definition = (await app.admin.request('GET', '/v1/playbooks/ransom-demand')).body;
    expect(definition.versions).toEqual([1, 2, 3]);
    expect(definition.inputSchema.properties.demand).toBeDefined();
    const decided = definition.events.find((e: { type: string }) => e.type === 'payment.decided');
    expect(decided.roles).toEqual(['executive']);
    expect(decided.payloadSchema.required).toEqual(expect.arrayContaining(['option', 'rationale']));
    expect(definition.states.map((s: { key: string }) => s.key)).toEqual([
      'command',
      'review',
      'containment',
      'investigation',
      'communications',
      'regulatory',
      'legal',
      'payment',
      'recovery',
      'clocks',
    ]);
    expect(definition.timers.length).toBeGreaterThan(5);
  });
});
