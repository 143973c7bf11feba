import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { credentialStuffingV1 } from '../../playbooks/credential-stuffing';
import { checkPlaybook } from '../../src/engine';
import {
  addMs,
  buildPlaybook,
  clientEvent,
  clocksSettled,
  clocksTrack,
  commandTrack,
  contextFacts,
  type Deadline,
  done,
  filingIsLate,
  fromInput,
  hasOverdueClock,
  hours,
  incidentBasics,
  includes,
  jsonSchemaOf,
  type KitContext,
  type KitEvent,
  type KitGuard,
  type KitPredicate,
  lateFilingHasReason,
  minutes,
  payloadAtLeast,
  payloadAtMost,
  pickRoles,
  raisedSeverity,
  step,
  sumAtMost,
  type TrackedClocks,
  text,
  track,
  withRules,
} from '../../src/playbook-kit';
import { PlaybookDriver } from '../support/playbook-driver';

/**
 * A minimal kit playbook for the SM-CLOCKS and `note` rules: a track waiting for `regulator.reported`, a
 * playbook's own filing event for one Visa phase, a track waiting for every clock to be settled, and a track
 * that handles `breach.determined` alongside the clocks track.
 */
const meta = { owner: 'legal', source: 'kit test' };
const probe = buildPlaybook({
  id: 'kit-probe',
  version: 1,
  title: 'Kit probe',
  summary: 'Exercises the kit rules the catalogue playbooks share.',
  source: ['kit test'],
  roles: pickRoles('incident_commander', 'legal', 'executive'),
  inputSchema: z.strictObject(incidentBasics),
  defaultSeverity: () => 'medium',
  description: 'Kit probe.',
  meta: { owner: 'incident_commander' },
  events: [
    clientEvent({
      type: 'visa.initial_sent',
      title: 'Visa initial report sent',
      description: 'A playbook-specific filing event that meets the Visa initial-report clock only.',
      roles: ['legal'],
      payload: z.strictObject({ reference: text(200), delayReason: text().optional() }),
      examples: [{ reference: 'VISA-1' }],
    }),
  ],
  evidenceRoles: ['legal'],
  shared: [
    commandTrack({
      declareWithin: { id: 'declarationDue', label: 'Declaration due', after: hours(1), source: 'test' },
      criteria: 'Test.',
      source: 'kit test',
    }),
    clocksTrack({ roles: ['legal'], source: 'kit test' }),
  ],
  tracks: {
    filing: track(
      { description: 'Waits for a regulator filing.', ...meta },
      {
        waiting: step({
          description: 'Moves on a filing SM-CLOCKS accepts.',
          on: { 'regulator.reported': { target: 'filed', guard: lateFilingHasReason() } },
          ...meta,
        }),
        filed: done('Filed.', meta),
      },
    ),
    visa: track(
      { description: 'The Visa initial report, filed by its own event.', ...meta },
      {
        initial: step({
          description: 'Send the initial report.',
          on: {
            'visa.initial_sent': {
              target: 'sent',
              files: ['visa-initial-report'],
            },
          },
          ...meta,
        }),
        sent: done('Sent.', meta),
      },
    ),
    settled: track(
      { description: 'Waits until every started clock is filed or waived.', ...meta },
      {
        waiting: { description: 'Clocks open.', meta, always: { target: 'settled', guard: clocksSettled } },
        settled: done('Every clock filed or waived.', meta),
      },
    ),
    determination: track(
      { description: 'Also handles breach.determined.', ...meta },
      {
        waiting: step({
          description: 'Waits for the determination.',
          on: { 'breach.determined': 'known' },
          ...meta,
        }),
        known: done('Determined.', meta),
      },
    ),
  },
  example: {
    openedAt: '2026-06-01T00:00:00.000Z', // Monday 09:00 JST
    input: {
      organisation: { name: 'Probe KK', country: 'JP' },
      jurisdictions: ['JP', 'PCI', 'EU'],
      timeZone: 'Asia/Tokyo',
    },
  },
  releasedAt: '2026-11-21T00:00:00.000Z',
});

const T0 = probe.example.openedAt;
const opened = (jurisdictions = probe.example.input.jurisdictions) =>
  new PlaybookDriver(probe, { ...probe.example.input, jurisdictions }, T0);
const determined = { finding: 'confirmed', rationale: 'Records were read.' };
const clocks = (d: PlaybookDriver) => d.context.clocks as TrackedClocks;
const states = (d: PlaybookDriver) =>
  Object.fromEntries(Object.values(clocks(d)).map((clock) => [clock.id, clock.state]));

describe('playbook kit', () => {
  it('builds a sound playbook', () => {
    expect(checkPlaybook(probe)).toEqual([]);
  });

  describe('SM-CLOCKS filing by phase', () => {
    it('an APPI preliminary report meets only the preliminary clock: the confirmed one keeps running', () => {
      const d = opened().send('breach.determined', determined);
      expect(states(d)).toMatchObject({ 'appi-preliminary': 'running', 'appi-confirmed': 'running' });
      d.send('regulator.reported', { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-1' });
      expect(states(d)).toMatchObject({ 'appi-preliminary': 'met', 'appi-confirmed': 'running' });
      expect(d.timers.has('clock:appi-preliminary')).toBe(false);
      expect(d.timers.has('clock:appi-confirmed')).toBe(true);
      d.send('regulator.reported', {
        regime: 'APPI',
        clockIds: ['appi-confirmed'],
        reference: 'PPC-1-final',
      });
      expect(states(d)).toMatchObject({ 'appi-preliminary': 'met', 'appi-confirmed': 'met' });
      expect(d.timers.has('clock:appi-confirmed')).toBe(false);
    });

    it('refuses a filing that does not say which clocks it meets, or gives no reference', () => {
      const d = opened().send('breach.determined', determined);
      expect(d.refusal('regulator.reported', { regime: 'APPI', reference: 'PPC-1' })).toMatch(
        /^invalid payload.*clockIds/s,
      );
      expect(d.refusal('regulator.reported', { regime: 'APPI', clockIds: ['appi-preliminary'] })).toMatch(
        /^invalid payload.*reference/s,
      );
      expect(states(d)).toMatchObject({ 'appi-preliminary': 'running', 'appi-confirmed': 'running' });
    });

    it("refuses clockIds outside the filing's regime", () => {
      const d = opened().send('breach.determined', determined);
      expect(d.refusal('regulator.reported', { regime: 'GDPR', clockIds: ['appi-preliminary'] })).toMatch(
        /^invalid payload/,
      );
      expect(states(d)['appi-preliminary']).toBe('running');
    });

    it("a playbook's own filing event meets the clock it names (Visa initial report, not account numbers)", () => {
      const d = opened().send('breach.determined', determined).send('visa.initial_sent');
      expect(states(d)).toMatchObject({
        'visa-initial-report': 'met',
        'visa-account-numbers': 'running',
        'card-brands-immediate': 'running',
      });
      expect(d.in('visa.sent')).toBe(true);
    });
  });

  describe('late filing', () => {
    it('is refused without a delay reason, by SM-CLOCKS and the track waiting for it, and accepted with one', () => {
      const d = opened().send('breach.determined', determined);
      d.advanceBy(hours(73)); // APPI preliminary: policy target 72 h
      expect(states(d)['appi-preliminary']).toBe('overdue');
      expect(hasOverdueClock(contextFacts(d.definition, d.context).clocks)).toBe(true);
      const filing = { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-1' };
      expect(d.refusal('regulator.reported', filing)).toBe('event_not_allowed');
      expect(d.in('filing.waiting')).toBe(true);
      d.send('regulator.reported', { ...filing, delayReason: 'Scope took four days to confirm.' });
      expect(states(d)['appi-preliminary']).toBe('met_late');
      expect(d.in('filing.filed')).toBe(true);
    });

    it("applies to a playbook's own filing event for the clocks it names", () => {
      const d = opened().send('breach.determined', determined);
      d.advanceTo(addMs(clocks(d)['visa-initial-report']!.dueAt, 1));
      expect(d.refusal('visa.initial_sent')).toBe('event_not_allowed');
      d.send('visa.initial_sent', { reference: 'VISA-1', delayReason: 'Acquirer portal down.' });
      expect(states(d)['visa-initial-report']).toBe('met_late');
    });
  });

  describe('the due instant', () => {
    // The clock.due timer fires before a client event of the same instant, so the due instant is already late.
    it('is late: the clock is overdue at dueAt, and a filing then needs its delay reason', () => {
      const d = opened().send('breach.determined', determined);
      const dueAt = clocks(d)['appi-preliminary']!.dueAt;
      expect(filingIsLate(clocks(d)['appi-preliminary']!, dueAt)).toBe(true);
      d.advanceTo(dueAt);
      expect(states(d)['appi-preliminary']).toBe('overdue');
      const filing = { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-1' };
      expect(d.refusal('regulator.reported', filing)).toBe('event_not_allowed');
      d.send('regulator.reported', { ...filing, delayReason: 'Filed at the deadline.' });
      expect(clocks(d)['appi-preliminary']).toMatchObject({ state: 'met_late', metAt: dueAt });
    });

    it('is on time a millisecond before', () => {
      const d = opened().send('breach.determined', determined);
      const dueAt = clocks(d)['appi-preliminary']!.dueAt;
      d.advanceTo(addMs(dueAt, -1));
      d.send('regulator.reported', { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-1' });
      expect(states(d)['appi-preliminary']).toBe('met');
      d.advanceTo(dueAt);
      expect(states(d)['appi-preliminary']).toBe('met');
    });
  });

  describe('regulator.not_required', () => {
    it("marks the regime's running clocks not required and stops their timers", () => {
      const d = opened().send('breach.aware', { rationale: 'Personal data was read.' });
      expect(states(d)).toEqual({ 'gdpr-art33': 'running', 'gdpr-art34': 'running' });
      d.send('regulator.not_required', {
        regime: 'GDPR',
        option: 'not_reportable',
        rationale: 'No EU data subjects.',
      });
      expect(clocks(d)['gdpr-art33']).toMatchObject({ state: 'not_required', metAt: null });
      expect(d.timers.has('clock:gdpr-art33')).toBe(false);
      d.advanceBy(hours(100));
      expect(states(d)['gdpr-art33']).toBe('not_required');
      expect(hasOverdueClock(contextFacts(d.definition, d.context).clocks)).toBe(false);
    });

    it('clears an overdue flag: there was no obligation to miss', () => {
      const d = opened(['JP']).send('breach.determined', determined);
      d.advanceBy(hours(73));
      expect(hasOverdueClock(contextFacts(d.definition, d.context).clocks)).toBe(true);
      d.send('regulator.not_required', {
        regime: 'APPI',
        option: 'not_reportable',
        rationale: 'Under the thresholds.',
      });
      expect(states(d)).toMatchObject({
        'appi-preliminary': 'not_required',
        'appi-confirmed': 'not_required',
      });
      expect(hasOverdueClock(contextFacts(d.definition, d.context).clocks)).toBe(false);
    });

    it('lets a track wait for every started clock to be filed or waived', () => {
      const d = opened().send('breach.aware', { rationale: 'Personal data was read.' });
      d.send('breach.determined', determined);
      d.send('regulator.reported', {
        regime: 'APPI',
        clockIds: ['appi-preliminary', 'appi-confirmed'],
        reference: 'PPC-1',
      });
      d.send('regulator.reported', {
        regime: 'Card brands',
        clockIds: ['card-brands-immediate'],
        reference: 'ACQ-1',
      });
      d.send('regulator.reported', {
        regime: 'Visa WTDIC',
        clockIds: ['visa-initial-report', 'visa-account-numbers'],
        reference: 'VISA-1',
      });
      d.send('regulator.reported', { regime: 'Mastercard', clockIds: ['mastercard-adc'], reference: 'MC-1' });
      expect(d.in('settled.waiting')).toBe(true); // APPI's notice to individuals is an obligation of its own
      d.send('regulator.reported', { regime: 'APPI', clockIds: ['appi-individuals'], reference: 'NOTICE-1' });
      expect(d.in('settled.waiting')).toBe(true); // GDPR (Art. 33 and Art. 34) still runs
      d.send('regulator.not_required', {
        regime: 'GDPR',
        option: 'not_reportable',
        rationale: 'No EU data.',
      });
      expect(d.in('settled.settled')).toBe(true);
    });
  });

  describe('note', () => {
    it('counts an event handled by two tracks once, and a second event again', () => {
      const d = opened().send('breach.determined', determined);
      expect(d.in('determination.known')).toBe(true);
      expect(Object.keys(clocks(d))).toContain('appi-preliminary');
      expect(d.context.facts['breach.determined']).toMatchObject({ count: 1 });
      d.send('breach.determined', { finding: 'confirmed', rationale: 'Second look.' });
      expect(d.context.facts['breach.determined']).toMatchObject({ count: 2 });
    });

    it('counts PB-2 incident.declared once although command, contain and comms all take it', () => {
      const { openedAt, input } = credentialStuffingV1.example;
      const d = new PlaybookDriver(credentialStuffingV1, input, openedAt).send('incident.declared');
      expect(d.in('contain.throttle') && d.in('comms.affected_notices') && d.in('command.active')).toBe(true);
      expect(d.context.facts['incident.declared']).toMatchObject({ count: 1 });
    });
  });
});

/** A kit playbook with a window a step waits out and a situation-report cadence. */
const watchEnds: Deadline = {
  id: 'watchEnds',
  label: 'Watch ends (1 h)',
  after: hours(1),
  source: 'kit test',
};
const windowed = buildPlaybook({
  ...probe,
  id: 'kit-window-probe',
  roles: pickRoles('incident_commander', 'legal'),
  inputSchema: z.strictObject(incidentBasics),
  description: 'Kit window probe.',
  meta: { owner: 'incident_commander' },
  events: [],
  evidenceRoles: ['legal'],
  shared: [
    commandTrack({
      declareWithin: { id: 'declarationDue', label: 'Declaration due', after: hours(1), source: 'test' },
      sitrepEvery: hours(4),
      criteria: 'Test.',
      source: 'kit test',
    }),
  ],
  tracks: {
    watch: track(
      { description: 'Waits out a window.', ...meta },
      {
        watching: step({
          description: 'Watches until the window ends.',
          endsAfter: { window: watchEnds, target: 'over' },
          ...meta,
        }),
        over: done('Watched.', meta),
      },
    ),
  },
  example: probe.example,
});

describe('playbook kit: windows and cadences', () => {
  it('builds a sound playbook with the window labelled', () => {
    expect(checkPlaybook(windowed)).toEqual([]);
    expect(windowed.timerLabels.watchEnds).toBe('Watch ends (1 h)');
  });

  it('moves a step on when its window ends, without an escalation', () => {
    const d = new PlaybookDriver(windowed, windowed.example.input, T0).send('incident.declared');
    d.advanceBy(minutes(59));
    expect(d.in('watch.watching')).toBe(true);
    d.advanceBy(minutes(1));
    expect(d.in('watch.over')).toBe(true);
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('watchEnds');
  });

  it('escalates a missing situation report, and each report restarts the cadence', () => {
    const d = new PlaybookDriver(windowed, windowed.example.input, T0).send('incident.declared');
    d.advanceBy(hours(3)).send('sitrep.published');
    d.advanceBy(hours(3));
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('sitrepDue');
    d.advanceBy(hours(1));
    expect(d.context.escalations.find((e) => e.timer === 'sitrepDue')?.dueAt).toBe(addMs(T0, hours(7)));
  });
});

describe('playbook kit: numbers, severities and anchors from the input', () => {
  const context = (input: Record<string, unknown>, facts: Record<string, Record<string, unknown>> = {}) =>
    ({
      openedAt: '2026-12-01T09:00:00.000Z',
      input,
      facts: Object.fromEntries(
        Object.entries(facts).map(([type, payload]) => [type, { payload, at: '2026-12-01T09:30:00.000Z' }]),
      ),
    }) as unknown as KitContext;
  const holds = (guard: KitGuard, payload: Record<string, unknown>, ctx = context({})) =>
    (guard as unknown as KitPredicate)({ context: ctx, event: { type: 'x.y', payload } as KitEvent });

  it('payloadAtLeast compares with a number, a recorded fact or an input field; a bound not on record holds', () => {
    const covers = payloadAtLeast({ resets: { fact: 'scope.quantified', field: 'logins' } });
    const scoped = context({}, { 'scope.quantified': { logins: 150 } });
    expect(holds(covers, { resets: 150 }, scoped)).toBe(true);
    expect(holds(covers, { resets: 149 }, scoped)).toBe(false);
    expect(holds(covers, { resets: 0 })).toBe(true); // no scope on record yet
    expect(holds(covers, {}, scoped)).toBe(false); // no number to compare
    const population = payloadAtLeast({ accounts: { input: 'accountHolders' } });
    expect(holds(population, { accounts: 10 }, context({ accountHolders: 11 }))).toBe(false);
    expect(holds(population, { accounts: 11 }, context({ accountHolders: 11 }))).toBe(true);
    expect(holds(payloadAtLeast({ complaints: 3, days: 1 }), { complaints: 3, days: 0 })).toBe(false);
    expect(covers.name).toBe('payloadAtLeast(resets ≥ scope.quantified.logins)');
  });

  it('payloadAtMost holds at its bound and not above it', () => {
    const window = payloadAtMost({ windowHours: 24 });
    expect(holds(window, { windowHours: 24 })).toBe(true);
    expect(holds(window, { windowHours: 24.5 })).toBe(false);
    expect(window.name).toBe('payloadAtMost(windowHours ≤ 24)');
  });

  it('raisedSeverity goes one level up for each input field set, at most critical', () => {
    const severity = raisedSeverity('medium', ['transactional', 'highValueEvent']);
    expect(severity({ transactional: false })).toBe('medium');
    expect(severity({ transactional: true })).toBe('high');
    expect(severity({ highValueEvent: { name: 'Draw' } })).toBe('high');
    expect(severity({ transactional: true, highValueEvent: { name: 'Draw' } })).toBe('critical');
    expect(raisedSeverity('critical', ['transactional'])({ transactional: true })).toBe('critical');
  });

  it('fromInput counts from the input instant, else the report, else the opening', () => {
    const detected = fromInput('detectedAt');
    const report = { receivedAt: '2026-12-01T08:00:00+00:00' };
    expect(detected(context({ detectedAt: '2026-12-01T08:30:00+00:00', report }))).toBe(
      '2026-12-01T08:30:00+00:00',
    );
    expect(detected(context({ report }))).toBe('2026-12-01T08:00:00+00:00');
    expect(detected(context({}))).toBe('2026-12-01T09:00:00.000Z');
  });

  it('sumAtMost and includes refuse with their message, and an optional limit left out limits nothing', () => {
    const payload = withRules(
      z.strictObject({
        held: z.number(),
        shipped: z.number(),
        orders: z.number().optional(),
        controls: withRules(z.array(z.string()), includes('screening', 'controls include screening')),
      }),
      sumAtMost(['held', 'shipped'], 'orders', 'held and shipped cannot exceed the orders'),
    );
    const issues = (value: unknown) => payload.safeParse(value).error?.issues.map((i) => i.message) ?? [];
    expect(issues({ held: 2, shipped: 2, orders: 3, controls: ['screening'] })).toEqual([
      'held and shipped cannot exceed the orders',
    ]);
    expect(issues({ held: 2, shipped: 2, controls: ['other'] })).toEqual(['controls include screening']);
    expect(issues({ held: 2, shipped: 2, orders: 4, controls: ['screening'] })).toEqual([]);
    expect(JSON.stringify(jsonSchemaOf(payload))).toContain('"contains":{"const":"screening"}');
  });
});
