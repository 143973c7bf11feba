import { describe, expect, it } from 'vitest';
import { cardDataExposureV1 } from '../../../playbooks/card-data-exposure';
import { checkPlaybook } from '../../../src/engine';
import { minutes, type TrackedClocks } from '../../../src/playbook-kit';
import { PlaybookDriver } from '../../support/playbook-driver';

/** C8: a blogger publishes the leak (P0, a Friday here) and asks Docomo through its inquiry form. */
const { openedAt, input: c8Input } = cardDataExposureV1.example;
const opened = (input: Record<string, unknown> = c8Input, at = openedAt) =>
  new PlaybookDriver(cardDataExposureV1, input, at);

const technicallyImpossible = {
  messageId: 'reply-1',
  audience: 'reporter',
  stance: 'denial',
  summary:
    'Our systems have multiple layers of security using extremely complex, advanced technology; therefore we ' +
    'consider unauthorised access from outside to be technically impossible.',
};
const sendMessage = (d: PlaybookDriver, id: string, audience: string, facts: string[], at?: string) =>
  d
    .send(
      'message.drafted',
      { messageId: id, audience, stance: 'factual', summary: 'What we know.', factsReferenced: facts },
      at ? { at } : {},
    )
    .send('message.approved', { messageId: id })
    .send('message.sent', { messageId: id, channel: 'website' });

const verifiedAffiliate = (d: PlaybookDriver) => d.send('samples.validated').send('exposure.verified');
const determined = { finding: 'confirmed', improperPurpose: true, rationale: 'Sample hashes match.' };
const notOurs = {
  finding: 'not_ours',
  entitiesChecked: ['NTT Docomo', 'NTT DOCOMO USA, Inc.'],
  rationale: 'No sample hash matches any record of the group.',
};
const clocks = (d: PlaybookDriver) => d.context.clocks as TrackedClocks;
const timers = (d: PlaybookDriver) => d.context.escalations.map((e) => e.timer);

describe('PB-7 payment-card data exposure', () => {
  it('passes the static graph check', () => {
    expect(checkPlaybook(cardDataExposureV1)).toEqual([]);
  });

  it('is critical when card numbers are claimed or the leak is public, high otherwise', () => {
    expect(opened().snapshot.context.severity).toBe('critical');
    const quiet = { ...c8Input, claimedFields: ['email'], report: { ...c8Input.report, public: false } };
    expect(opened(quiet).snapshot.context.severity).toBe('high');
  });

  it('runs the C8 path as it should have gone: neutral reply, subsidiary found, brands, same-evening statement', () => {
    const d = opened();
    expect(d.active()).toEqual(
      expect.arrayContaining([
        'intake.received',
        'verify.validate_samples',
        'public_statement.already_public',
      ]),
    );
    // P0 + ~1 h: the reply Docomo sent is refused; the neutral acknowledgement goes instead.
    expect(d.refusal('message.drafted', technicallyImpossible, { at: '2026-05-08T03:55:00.000Z' })).toBe(
      'event_not_allowed',
    );
    d.send('report.acknowledged').send('report.triaged', {
      option: 'escalate',
      rationale: 'Records verified.',
    });
    d.send('incident.declared', { severity: 'critical', rationale: 'Card data claimed, publicly.' });
    // Verification: the source is the US subsidiary.
    verifiedAffiliate(d);
    expect(d.in('verify.confirmed')).toBe(true);
    expect(d.in('group.coordinate')).toBe(true);
    sendMessage(d, 'reporter-update', 'reporter', ['exposure.verified']);
    d.send('breach.determined', determined, { at: '2026-05-08T05:00:00.000Z' });
    // Contain: isolate without powering off, preserve logs.
    d.send('system.isolated');
    d.send('evidence.captured', {
      kind: 'server_logs',
      sha256: 'd'.repeat(64),
      location: 'evidence://c8/logs',
    });
    d.send('logs.preserved');
    // Card brands immediately; one joint statement; same-evening public notice (after ~16:00 JST).
    d.send('card_brands.notified', undefined, { at: '2026-05-08T05:30:00.000Z' });
    d.send('group_statement.agreed');
    d.send('public_statement.timed');
    sendMessage(
      d,
      'notice',
      'public',
      ['exposure.verified', 'group_statement.agreed'],
      '2026-05-08T07:10:00.000Z',
    );
    expect(d.in('public_statement.published')).toBe(true);
    // Docomo USA contacts the affected customers individually.
    d.send('cardholder_support.decided').send('cards.reissue_requested');
    sendMessage(d, 'customers', 'affected_customers', ['exposure.verified', 'cardholder_support.decided']);
    d.send('customers.contacted', { contacted: 900, outstanding: 300, channel: 'email' });
    expect(d.in('individuals.follow_up')).toBe(true);
    d.send('customers.contacted', { contacted: 300, outstanding: 0, channel: 'phone' });
    // Visa reports, PFI, regulators.
    d.send('visa.initial_report_submitted', undefined, { at: '2026-05-11T01:00:00.000Z' });
    d.send('pfi.decided').send('pfi.engaged').send('account_numbers.delivered');
    d.send('materiality.determined').send('law_enforcement.notified').send('state_laws.assessed');
    d.send('appi.preliminary_reported').send('appi.confirmed_reported', undefined, {
      at: '2026-05-20T01:00:00.000Z',
    });
    d.send('pfi.report_received');
    expect(d.in('card_brands.done')).toBe(true);
    expect(d.in('regulators.done')).toBe(true);
    // Recovery, review, closure.
    d.send('pci.remediated').send('pci_compliance.validated').send('system.restored');
    d.send('review.held').send('improvements.tracked').send('incident.closed');

    expect(d.done).toBe(true);
    expect(d.context.escalations).toEqual([]);
    expect(d.context.decisions.map((x) => [x.id, x.option])).toEqual([
      ['intake', 'escalate'],
      ['declare', ''],
      ['statement_timing', 'same_day'],
      ['cardholder_support', 'reissue_and_reimburse'],
      ['pfi', 'engage_pfi'],
      ['materiality', 'not_material'],
    ]);
    expect(Object.fromEntries(Object.values(clocks(d)).map((c) => [c.id, c.state]))).toEqual({
      'card-brands-immediate': 'met',
      'visa-initial-report': 'met',
      'visa-account-numbers': 'met',
      'appi-preliminary': 'met',
      'appi-confirmed-improper': 'met',
      // The notices C8 never sent: to the individuals (APPI Art. 26(2)) and to Mastercard.
      'appi-individuals': 'overdue',
      'mastercard-adc': 'overdue',
    });
  });

  it('refuses the "technically impossible" reply until verification finds the data is not ours', () => {
    const d = opened();
    expect(d.refusal('message.drafted', technicallyImpossible)).toBe('event_not_allowed');
    expect(d.refusal('report.acknowledged', { template: 'technically_impossible' })).toMatch(
      /^invalid payload/,
    );
    d.send('samples.validated');
    // Checking only the parent is the C8 mistake: the subsidiary was the source.
    expect(d.refusal('exposure.verified', { ...notOurs, entitiesChecked: ['NTT Docomo'] })).toBe(
      'event_not_allowed',
    );
    expect(d.refusal('message.drafted', technicallyImpossible)).toBe('event_not_allowed');
    d.send('exposure.verified', notOurs);
    expect(d.refusal('message.drafted', technicallyImpossible)).toBeNull();
  });

  it('keeps denials blocked after a positive finding', () => {
    const d = verifiedAffiliate(opened());
    expect(d.refusal('message.drafted', technicallyImpossible)).toBe('event_not_allowed');
  });

  it('stands every track down after a verified negative finding, so the incident can close', () => {
    const d = opened().send('incident.declared').send('report.acknowledged');
    d.send('report.triaged', { option: 'dismiss', rationale: 'Looks like another company’s data.' });
    d.send('samples.validated').send('exposure.verified', notOurs);
    for (const track of ['contain', 'card_brands', 'individuals', 'regulators', 'group', 'public_statement'])
      expect(d.in(`${track}.not_applicable`)).toBe(true);
    expect(d.in('review.scheduled')).toBe(true);
    d.send('review.held').send('improvements.tracked').send('incident.closed');
    expect(d.done).toBe(true);
  });

  it('counts the Visa clocks in business days across the weekend, and files each one on its own', () => {
    const d = opened();
    d.send('breach.determined', determined, { at: '2026-05-08T05:00:00.000Z' }); // Friday 14:00 JST
    expect(clocks(d)['card-brands-immediate']?.dueAt).toBe('2026-05-09T05:00:00.000Z');
    expect(clocks(d)['visa-initial-report']?.dueAt).toBe('2026-05-13T14:59:59.999Z'); // end of Wed 13 May JST
    expect(clocks(d)['visa-account-numbers']?.dueAt).toBe('2026-05-22T14:59:59.999Z'); // end of Fri 22 May JST
    d.send('card_brands.notified').send('visa.initial_report_submitted');
    expect(clocks(d)['visa-initial-report']?.state).toBe('met');
    expect(clocks(d)['visa-account-numbers']?.state).toBe('running');
    d.advanceTo('2026-05-22T15:00:00.000Z');
    expect(clocks(d)['visa-account-numbers']?.state).toBe('overdue');
    expect(d.refusal('account_numbers.delivered')).toBe('event_not_allowed');
    d.send('account_numbers.delivered', {
      accounts: 1200,
      transfer: 'secure_file_transfer',
      reference: 'late',
      delayReason: 'Subsidiary export took longer.',
    });
    expect(clocks(d)['visa-account-numbers']?.state).toBe('met_late');
  });

  it('skips a US public holiday as well as the weekend', () => {
    const us = {
      ...c8Input,
      organisation: { name: 'NTT Docomo', country: 'US' },
      timeZone: 'America/New_York',
    };
    const d = opened(us, '2026-05-22T14:00:00.000Z');
    d.send('breach.determined', determined); // Friday 22 May; Monday 25 May is Memorial Day
    expect(clocks(d)['visa-initial-report']?.dueAt).toBe('2026-05-29T03:59:59.999Z'); // end of Thu 28 May EDT
  });

  it('notifies the card brands only once the determination has started the clocks', () => {
    const d = opened();
    expect(d.refusal('card_brands.notified')).toBe('event_not_allowed');
    d.send('breach.determined', determined);
    expect(
      d.refusal('card_brands.notified', undefined, { actor: d.actorFor('customers.contacted') }),
    ).toMatch(/^role/);
    d.advanceBy(minutes(24 * 60 + 1));
    expect(clocks(d)['card-brands-immediate']?.state).toBe('overdue');
    expect(d.refusal('card_brands.notified')).toBe('event_not_allowed');
    d.send('card_brands.notified', { brands: ['visa'], acquirer: 'Acquirer', delayReason: 'Weekend.' });
    expect(clocks(d)['card-brands-immediate']?.state).toBe('met_late');
  });

  it('validates samples without spreading them', () => {
    const d = opened();
    const sample = {
      samples: 1,
      sampleHashes: ['c'.repeat(64)],
      matchedRecords: 1,
      method: 'compared_in_place',
      storedAs: 'hashes_only',
    };
    expect(
      d.refusal('samples.validated', { ...sample, note: 'Sample card 4111 1111 1111 1111 matched.' }),
    ).toMatch(/^invalid payload/);
    expect(d.refusal('samples.validated', { ...sample, storedAs: 'raw' })).toMatch(/^invalid payload/);
    expect(d.refusal('samples.validated', { ...sample, note: 'One record matched, hash only.' })).toBeNull();
  });

  it('isolates without powering off, and preserves the logs before containment is done', () => {
    const d = opened();
    const isolation = {
      system: 'US customer server',
      method: 'network_detached',
      poweredOff: true,
      actionLogEntry: 'Shut it down.',
    };
    expect(d.refusal('system.isolated', isolation)).toMatch(/^invalid payload/);
    d.send('system.isolated', { ...isolation, poweredOff: false });
    expect(d.refusal('logs.preserved')).toBe('event_not_allowed');
    d.send('evidence.captured', { kind: 'server_logs', sha256: 'e'.repeat(64), location: 'evidence://logs' });
    expect(d.refusal('logs.preserved')).toBeNull();
    expect(d.in('contain.contained')).toBe(true);
  });

  it('escalates when the isolation is not done within 4 h of opening', () => {
    const d = opened();
    d.advanceTo('2026-05-08T07:04:00.000Z');
    expect(timers(d)).not.toContain('isolationDue');
    d.advanceTo('2026-05-08T07:05:00.000Z');
    expect(timers(d)).toContain('isolationDue');
    expect(d.in('contain.isolate')).toBe(true);
  });

  it('escalates a public leak without a statement by the end of the report day (Tokyo)', () => {
    const d = opened();
    d.advanceTo('2026-05-08T14:59:00.000Z');
    expect(timers(d)).not.toContain('sameDayStatementDue');
    d.advanceTo('2026-05-08T15:00:00.000Z');
    const due = d.context.escalations.find((e) => e.timer === 'sameDayStatementDue');
    expect(due?.dueAt).toBe('2026-05-08T14:59:59.999Z');
    expect(d.in('public_statement.already_public')).toBe(true);
  });

  it('decides the statement timing: a public leak is never left silent, and only an executive defers', () => {
    const d = opened();
    expect(
      d.refusal('public_statement.timed', { option: 'direct_notice_only', rationale: 'Keep it quiet.' }),
    ).toBe('event_not_allowed');
    const defer = { option: 'defer', rationale: 'Police asked for 24 h.' };
    const commander = { id: 'ic', name: 'ic', roles: ['incident_commander'] };
    expect(d.refusal('public_statement.timed', defer, { actor: commander })).toBe('event_not_allowed');
    const executive = { id: 'cxo', name: 'cxo', roles: ['executive'] };
    d.send('public_statement.timed', defer, { actor: executive });
    expect(d.in('public_statement.deferred')).toBe(true);
    d.advanceBy(24 * 60 * minutes(1));
    expect(timers(d)).toContain('deferredStatementDue');

    const quiet = opened({ ...c8Input, report: { ...c8Input.report, public: false } });
    expect(quiet.in('public_statement.not_public')).toBe(true);
    quiet.send('public_statement.timed', {
      option: 'direct_notice_only',
      rationale: 'Direct notices suffice.',
    });
    expect(quiet.in('public_statement.not_published')).toBe(true);
    expect(quiet.context.decisions[0]).toMatchObject({
      id: 'statement_timing',
      option: 'direct_notice_only',
    });
  });

  it('publishes only a joint, verified statement when a subsidiary is the source', () => {
    const d = verifiedAffiliate(opened()).send('public_statement.timed');
    expect(
      d.refusal('group_statement.agreed', {
        entities: ['NTT Docomo', 'Docomo domestic services'],
        scopeStatement: 'Domestic customer data was not leaked.',
        rationale: 'Parent only.',
      }),
    ).toBe('event_not_allowed');
    sendMessage(d, 'early', 'public', ['exposure.verified']);
    expect(d.in('public_statement.publish_today')).toBe(true);
    d.send('group_statement.agreed');
    sendMessage(d, 'joint', 'public', ['exposure.verified', 'group_statement.agreed']);
    expect(d.in('public_statement.published')).toBe(true);
  });

  it('needs no group statement when the source is our own system', () => {
    const d = opened().send('samples.validated');
    d.send('exposure.verified', {
      finding: 'ours',
      sourceSystem: 'Parent web shop',
      entitiesChecked: ['NTT Docomo'],
      rationale: 'Matches the parent shop.',
    });
    expect(d.in('group.single_entity')).toBe(true);
    expect(d.refusal('exposure.verified', { ...notOurs })).toBe('event_not_allowed');
  });

  it('cannot decline a PFI that Visa requires; restores service only once the PFI report is in', () => {
    const d = opened().send('breach.determined', determined);
    expect(d.refusal('pfi.decided')).toBe('event_not_allowed'); // brands not notified yet
    d.send('card_brands.notified');
    expect(
      d.refusal('pfi.decided', { option: 'not_required', requiredBy: 'visa', rationale: 'Too costly.' }),
    ).toBe('event_not_allowed');
    d.send('pfi.decided').send('pfi.engaged');
    d.send('system.isolated');
    d.send('evidence.captured', { kind: 'server_logs', sha256: 'f'.repeat(64), location: 'evidence://logs' });
    d.send('logs.preserved').send('pci.remediated');
    const remediator = d.actorFor('pci.remediated');
    expect(d.refusal('pci_compliance.validated', undefined, { actor: remediator })).toBe('event_not_allowed');
    d.send('pci_compliance.validated');
    expect(d.refusal('system.restored')).toBe('event_not_allowed');
    d.send('pfi.report_received');
    expect(d.refusal('system.restored')).toBeNull();

    const e = opened().send('breach.determined', determined).send('card_brands.notified');
    e.send('pfi.decided', {
      option: 'not_required',
      requiredBy: 'none',
      rationale: 'Level 4, brand agrees.',
    });
    expect(e.in('card_brands.work.pfi.not_required')).toBe(true);
    expect(e.context.decisions[0]).toMatchObject({ id: 'pfi', option: 'not_required' });
  });

  it('decides cardholder support after verification, and the notice cites it', () => {
    const d = opened();
    const monitoring = { option: 'monitoring_only', rationale: 'Expiry not exposed.' };
    expect(d.refusal('cardholder_support.decided', monitoring)).toBe('event_not_allowed');
    verifiedAffiliate(d).send('cardholder_support.decided', monitoring);
    expect(d.in('individuals.notify')).toBe(true);
    sendMessage(d, 'thin', 'affected_customers', ['exposure.verified']);
    expect(d.in('individuals.notify')).toBe(true);
    sendMessage(d, 'full', 'affected_customers', ['exposure.verified', 'cardholder_support.decided']);
    expect(d.in('individuals.follow_up')).toBe(true);
    expect(d.context.decisions[0]).toMatchObject({ id: 'cardholder_support', option: 'monitoring_only' });
  });

  it('files the 8-K within 4 business days of a materiality determination', () => {
    const sec = { ...c8Input, jurisdictions: ['PCI', 'US-SEC'] };
    const d = opened(sec);
    d.send('materiality.determined', { option: 'material', rationale: 'Material to the group.' });
    expect(d.in('regulators.work.sec.file_8k')).toBe(true);
    // 12:05 on Friday in Tokyo is Thursday 23:05 in New York, where the SEC counts: Fri, Mon, Tue, Wed.
    expect(clocks(d)['sec-8k-105']?.dueAt).toBe('2026-05-13T21:30:00.000Z');
    d.send('regulator.reported', { regime: 'SEC 8-K', clockIds: ['sec-8k-105'], reference: '8-K' });
    expect(d.in('regulators.work.sec.filed')).toBe(true);
    expect(clocks(d)['sec-8k-105']?.state).toBe('met');
  });
});
