import { describe, expect, it } from 'vitest';
import { crossCustomerExposureV1, crossCustomerExposureV2 } from '../../../playbooks/cross-customer-exposure';
import { checkPlaybook, releaseSnapshot } from '../../../src/engine';
import type { PlaybookDefinition } from '../../../src/playbook-kit';
import { hours, minutes } from '../../../src/playbook-kit';
import { PlaybookDriver } from '../../support/playbook-driver';

/** C7: the same day two group applicants tell the contractor their CSVs hold both organisations' data. */
const reportedAt = '2018-03-05T10:00:00+09:00';
const c7Input = {
  organisation: { name: 'IPA', country: 'JP' },
  jurisdictions: ['JP'],
  timeZone: 'Asia/Tokyo',
  system: 'IT Passport group CSV export',
  contractor: 'Hitachi',
  report: {
    receivedAt: reportedAt,
    channel: 'contractor',
    reporter: 'Group applicant A',
    claim: "The downloaded information is abnormal: it holds another organisation's applicants.",
  },
};

const sendNotice = (driver: PlaybookDriver, id: string, audience: string, facts: string[] = []) =>
  driver
    .send('message.drafted', {
      messageId: id,
      audience,
      stance: 'factual',
      summary: 'What happened',
      factsReferenced: facts,
    })
    .send('message.approved', { messageId: id })
    .send('message.sent', { messageId: id, channel: 'email' });

const reportable = {
  option: 'reportable',
  affectedPeople: 1200,
  appiCategories: ['over_1000'],
  rationale: 'Over 1,000 people.',
};

// Version 2 is version 1 written as a playbook file: every test runs on both.
describe.each([
  ['v1 (TypeScript)', crossCustomerExposureV1],
  ['v2 (playbook file)', crossCustomerExposureV2],
] as [string, PlaybookDefinition][])('PB-8 cross-customer exposure %s', (_version, playbook) => {
  const opened = () => new PlaybookDriver(playbook, c7Input, '2018-03-05T01:30:00.000Z');

  it('passes the static graph check', () => {
    expect(checkPlaybook(playbook)).toEqual([]);
  });

  it('runs the C7 as-performed path to closure: report → controller the same day → off → scope → delete → notify', () => {
    const d = opened();
    expect(d.active()).toContain('intake.received');
    d.send('report.acknowledged').send('report.triaged', { option: 'escalate', rationale: 'Reproduced.' });
    d.send('incident.declared').send('controller.notified').send('function.disabled');
    d.send('exposure.events_found').send('affected.listed');
    d.send('recipients.contacted').send('deletion.confirmed', {
      recipient: 'Org A',
      outstanding: 1,
      reference: 'l1',
    });
    expect(d.in('recipients.await_confirmations')).toBe(true);
    d.send('deletion.confirmed', { recipient: 'Org B', outstanding: 0, reference: 'l2' });
    sendNotice(d, 'affected', 'affected_organisations', ['affected.listed']);
    d.send('public_notice.decided', { option: 'publish', rationale: 'IPA announced on 13 March.' });
    sendNotice(d, 'public', 'public', ['affected.listed']);
    d.send('threshold.assessed');
    d.send('fix.deployed').send('concurrency_test.passed').send('function.reenabled');
    expect(d.in('review.scheduled')).toBe(true);
    d.send('review.held').send('improvements.tracked').send('incident.closed');
    expect(d.done).toBe(true);
    expect(d.context.decisions.map((x) => x.id)).toEqual([
      'intake',
      'declare',
      'public_notice',
      'reportability',
    ]);
  });

  it('refuses to close while a track is open, and re-enabling before the concurrency test', () => {
    const d = opened().send('incident.declared');
    expect(d.refusal('incident.closed')).toBe('event_not_allowed');
    d.send('fix.deployed');
    expect(d.refusal('function.reenabled')).toBe('event_not_allowed');
  });

  it('contacts recipients only once the affected list is known', () => {
    const d = opened();
    expect(d.refusal('recipients.contacted')).toBe('event_not_allowed');
    d.send('exposure.events_found').send('affected.listed');
    expect(d.refusal('recipients.contacted')).toBeNull();
  });

  it('escalates a controller notice not sent by the end of the report day in Tokyo', () => {
    const d = opened();
    d.advanceBy(hours(12)); // 22:30 in Tokyo
    const timers = d.context.escalations.map((e) => e.timer);
    expect(timers).toContain('functionDisableDue');
    expect(timers).toContain('reportAcknowledgementDue');
    expect(timers).not.toContain('controllerNoticeDue');
    d.advanceTo('2018-03-05T15:00:00.000Z'); // 00:00 JST on the 6th
    const controller = d.context.escalations.find((e) => e.timer === 'controllerNoticeDue');
    expect(controller?.dueAt).toBe('2018-03-05T14:59:59.999Z');
    expect(d.in('escalation.notify_controller')).toBe(true);
  });

  it('keeps a notice from going out before approval, and blocks a denial', () => {
    const d = opened().send('exposure.events_found').send('affected.listed');
    d.send('message.drafted', {
      messageId: 'n1',
      audience: 'affected_organisations',
      stance: 'factual',
      summary: 'x',
      factsReferenced: ['affected.listed'],
    });
    expect(d.refusal('message.sent', { messageId: 'n1', channel: 'email' })).toBe('event_not_allowed');
    const author = d.actorFor('message.drafted');
    expect(
      d.refusal(
        'message.approved',
        { messageId: 'n1' },
        { actor: { ...author, roles: ['incident_commander'] } },
      ),
    ).toBe('event_not_allowed');
    expect(
      d.refusal('message.drafted', {
        messageId: 'n2',
        audience: 'public',
        stance: 'denial',
        summary: 'No data was exposed.',
      }),
    ).toBe('event_not_allowed');
    expect(
      d.refusal('message.drafted', {
        messageId: 'n3',
        audience: 'public',
        stance: 'factual',
        summary: 'x',
        factsReferenced: ['fix.deployed'],
      }),
    ).toBe('event_not_allowed');
  });

  it('records the threshold analysis; a reportable finding waits for the filing', () => {
    const d = opened();
    d.send('threshold.assessed', reportable);
    expect(d.in('regulatory.file')).toBe(true);
    d.send(
      'breach.determined',
      { finding: 'confirmed', rationale: 'Confirmed.' },
      { at: '2018-03-06T00:00:00.000Z' },
    );
    expect(Object.keys(d.context.clocks as object).sort()).toEqual([
      'appi-confirmed',
      'appi-individuals',
      'appi-preliminary',
    ]);
    d.advanceBy(minutes(1));
    d.send('regulator.reported', { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-1' });
    expect(d.in('regulatory.recorded')).toBe(true);
  });

  it('moves on a filing only when SM-CLOCKS accepts it: a late one needs its delay reason', () => {
    const d = opened();
    d.send('threshold.assessed', reportable);
    d.send('breach.determined', { finding: 'confirmed', rationale: 'Confirmed.' });
    d.advanceBy(hours(80)); // past the APPI preliminary report's 72 h policy target
    expect(
      d.refusal('regulator.reported', { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-1' }),
    ).toBe('event_not_allowed');
    expect(d.in('regulatory.file')).toBe(true);
    d.send('regulator.reported', {
      regime: 'APPI',
      clockIds: ['appi-preliminary'],
      reference: 'PPC-1',
      delayReason: 'The affected list took four days.',
    });
    expect(d.in('regulatory.recorded')).toBe(true);
    expect((d.context.clocks as Record<string, { state: string }>)['appi-preliminary']?.state).toBe(
      'met_late',
    );
    expect((d.context.clocks as Record<string, { state: string }>)['appi-confirmed']?.state).toBe('running');
  });
});

describe('PB-8 v2, the playbook file', () => {
  it('promises what v1 promises, but for its version, its release date and one guard now named', () => {
    const promise = (playbook: PlaybookDefinition) => {
      const { version: _v, releasedAt: _r, ...rest } = JSON.parse(JSON.stringify(releaseSnapshot(playbook)));
      return rest;
    };
    const [v1, v2] = [promise(crossCustomerExposureV1), promise(crossCustomerExposureV2)];
    const lastConfirmation = (snapshot: typeof v1) =>
      snapshot.machine.states.recipients.states.await_confirmations.on['deletion.confirmed'][0];
    expect(lastConfirmation(v1).guard).toBe('guard');
    expect(lastConfirmation(v2).guard).toBe('payloadIs(outstanding: 0)');
    lastConfirmation(v1).guard = lastConfirmation(v2).guard;
    expect(v2).toEqual(v1);
  });
});
