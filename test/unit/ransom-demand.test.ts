import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, type AnyStateNode, initialTransition, transition } from 'xstate';
import { playbooks } from '../../playbooks';
import { ransomDemandV1 } from '../../playbooks/ransom-demand';
import type { RansomDemandContext } from '../../playbooks/ransom-demand/context';
import { acceptsEvent } from '../../src/engine';
import {
  type Actor,
  addMs,
  clockTimerId,
  days,
  hours,
  minutes,
  notificationClocks,
  type StateMeta,
} from '../../src/playbook-kit';

const machine = ransomDemandV1.machine;
/** JJ Meds (C2): the demand arrives, the incident is opened at once. */
const T0 = '2018-03-08T10:00:00.000Z';
const jjInput = ransomDemandV1.inputSchema.parse({
  demand: {
    receivedAt: '2018-03-08T10:00:00Z',
    channel: 'email',
    claimedAssets: ['image files'],
    proofOfAccess: false,
    threatenedActions: ['publish_internet', 'send_to_police'],
    amount: 1000,
    currency: '$',
    asset: 'BTC',
  },
  organisation: { name: 'JJ Meds', country: 'CA' },
  jurisdictions: ['CA'],
  dataCategories: ['health', 'id_images'],
});

const person = (id: string, role: string): Actor => ({ id, name: id, roles: [role] });
const people = {
  ic: person('ic', 'incident_commander'),
  tech: person('tech', 'technical_lead'),
  vendor: person('vendor', 'ir_vendor'),
  legal: person('legal', 'legal'),
  comms: person('comms', 'communications'),
  exec: person('exec', 'executive'),
  exec2: person('exec2', 'executive'),
  le: person('le', 'le_liaison'),
  support: person('support', 'customer_support'),
} satisfies Record<string, Actor>;
type Who = keyof typeof people;
/** The first person holding each role. */
const byRole: Record<string, Who> = Object.fromEntries(
  Object.entries(people)
    .reverse()
    .map(([key, p]) => [p.roles[0], key as Who]),
);
const system: Actor = { id: 'system', name: 'timer', roles: [] };

const eventDef = (type: string) => {
  const def = ransomDemandV1.events.find((e) => e.type === type);
  if (!def) throw new Error(`no client event ${type}`);
  return def;
};
/** A step: an event type (first example payload, first role's person) or `[type, payload?, who?]`. */
type Step = string | [type: string, payload?: unknown, who?: Who];

interface Timer {
  event: { type: string };
  dueAt: string;
}
type Action = {
  type: string;
  params?: { event?: { type: string }; id?: string; delay?: number; sendId?: string };
};

/**
 * A tiny engine stand-in: pure transitions only, timers kept as data (like the `timers` table) and fired in
 * due order with `at = dueAt` when the clock moves past them.
 */
class Run {
  snapshot: AnyMachineSnapshot;
  now: string;
  readonly timers = new Map<string, Timer>();
  lastActions: Action[];

  constructor(openAt = T0) {
    const [snapshot, actions] = initialTransition(machine, {
      input: jjInput,
      at: openAt,
      actor: people.ic,
      title: 'JJ Meds',
      severity: 'critical',
    });
    this.snapshot = snapshot;
    this.now = openAt;
    this.lastActions = actions as Action[];
    this.track(this.lastActions, openAt);
  }

  get context(): RansomDemandContext {
    return this.snapshot.context as RansomDemandContext;
  }

  private track(actions: Action[], at: string) {
    for (const a of actions) {
      if (a.type === 'xstate.raise' && typeof a.params?.delay === 'number') {
        this.timers.set(a.params.id!, { event: a.params.event!, dueAt: addMs(at, a.params.delay) });
      } else if (a.type === 'xstate.cancel') {
        this.timers.delete(a.params!.sendId!);
      }
    }
  }

  private apply(event: { type: string; at: string; [key: string]: unknown }) {
    const [next, actions] = transition(machine, this.snapshot, event as never);
    this.snapshot = next;
    this.lastActions = actions as Action[];
    this.track(this.lastActions, event.at);
  }

  /** Moves the clock to `to`, firing every timer due by then in order. */
  advance(to: string): this {
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.dueAt <= to)
        .sort((a, b) => a[1].dueAt.localeCompare(b[1].dueAt))[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].dueAt;
      this.apply({ ...due[1].event, at: due[1].dueAt, actor: system });
    }
    this.now = to;
    return this;
  }

  event(step: Step, at = addMs(this.now, minutes(1))) {
    const [type, payload, who] = typeof step === 'string' ? [step] : step;
    const def = eventDef(type);
    const actor = people[who ?? byRole[def.roles[0]!]!];
    return { type, payload: payload ?? def.examples[0], at, actor };
  }

  can(step: Step): boolean {
    const event = this.event(step);
    return acceptsEvent(ransomDemandV1, this.snapshot, eventDef(event.type), event);
  }

  /** Sends one client event one minute (or at `at`) later; fails loudly if the state does not accept it. */
  send(step: Step, at?: string): this {
    const event = this.event(step, at);
    this.advance(event.at);
    if (!acceptsEvent(ransomDemandV1, this.snapshot, eventDef(event.type), event)) {
      throw new Error(`${event.type} is not accepted in ${JSON.stringify(this.snapshot.value)}`);
    }
    this.apply(event);
    return this;
  }

  steps(steps: readonly Step[]): this {
    for (const step of steps) this.send(step);
    return this;
  }

  escalations(): string[] {
    return this.context.escalations.map((e) => e.kind);
  }
}

const declare: Step[] = ['triage.started', 'incident.declared'];
const containImmediately: Step[] = [
  'site.taken_offline',
  'evidence.baseline_captured',
  'credentials.revoked',
  'vendor.engaged',
];
const toVerification: Step[] = [...declare, ...containImmediately, 'eradication.completed'];
const toRootCause: Step[] = ['evidence.demand_preserved', 'scope.estimated', 'breach.determined'];
const toReturnDecision: Step[] = [
  ...toVerification,
  'eradication.verified',
  ...toRootCause,
  'root_cause.identified',
  'customers.notified',
  'rebuild.completed',
  'restore.completed',
  'credentials.reissued',
  'validation.passed',
];
const refuse: Step = [
  'payment.decided',
  { option: 'refuse', rationale: 'Default recommendation (C2 refused).' },
];
const inputs = (sanctionsScreen: 'clear' | 'match' | 'not_done'): Step => [
  'payment.inputs_recorded',
  {
    claimVerified: true,
    canRecoverWithoutPaying: false,
    sanctionsScreen,
    lawEnforcementConsulted: true,
    insurerConsulted: true,
  },
];
const pay = (who: Who): Step => [
  'payment.decided',
  { option: 'pay', rationale: 'All gate items recorded.' },
  who,
];
const payRequest = (who: Who): Step => ['payment.pay_requested', { rationale: 'No clean backups.' }, who];
const legalSignOff: Step = 'payment.legal_signed_off';

describe('ransom-demand v1: transitions', () => {
  it.each<[string, Step[], Step, Record<string, unknown>]>([
    ['triage starts from intake', [], 'triage.started', { command: { undeclared: 'triage' } }],
    ['declared straight from intake', [], 'incident.declared', { command: 'active' }],
    ['declared from triage', ['triage.started'], 'incident.declared', { command: 'active' }],
    [
      'site taken offline (D1)',
      [],
      'site.taken_offline',
      { containment: { immediate: { site: 'offline', credentials: 'preserve_before_change' } } },
    ],
    [
      'site kept online by the executive',
      [],
      ['site.kept_online', undefined, 'exec'],
      {
        containment: { immediate: { site: 'monitored' } },
      },
    ],
    [
      'baseline captured opens revocation',
      [],
      'evidence.baseline_captured',
      {
        containment: { immediate: { credentials: 'revoke_credentials' } },
      },
    ],
    [
      'IC override opens revocation',
      [],
      'evidence.gate_overridden',
      {
        containment: { immediate: { credentials: 'revoke_credentials' } },
      },
    ],
    [
      'credentials revoked after the gate',
      ['evidence.baseline_captured'],
      'credentials.revoked',
      {
        containment: { immediate: { credentials: 'revoked' } },
      },
    ],
    ['vendor engaged (D3)', [], 'vendor.engaged', { containment: { immediate: { vendor: 'engaged' } } }],
    [
      'all immediate containment done → eradication',
      containImmediately.slice(0, 3),
      'vendor.engaged',
      {
        containment: 'eradication',
      },
    ],
    [
      'claim assessed does not move containment',
      [],
      'claim.assessed',
      {
        containment: {
          immediate: { site: 'online', credentials: 'preserve_before_change', vendor: 'not_engaged' },
        },
      },
    ],
    [
      'eradication completed → verification',
      [...declare, ...containImmediately],
      'eradication.completed',
      {
        containment: 'verification',
      },
    ],
    [
      'eradication verified → recovery phase and rebuild',
      toVerification,
      'eradication.verified',
      {
        command: 'recovery_phase',
        containment: 'verified',
        recovery: 'rebuild',
      },
    ],
    ['demand preserved → scoping', [], 'evidence.demand_preserved', { investigation: 'scoping' }],
    [
      'scope estimated → determination',
      ['evidence.demand_preserved'],
      'scope.estimated',
      {
        investigation: 'determination',
      },
    ],
    [
      'breach determined (D6) → root cause',
      toRootCause.slice(0, 2),
      'breach.determined',
      {
        investigation: 'root_cause',
      },
    ],
    ['statement approved → service notice', [], 'statement.approved', { communications: 'service_notice' }],
    [
      'customers notified straight from the holding statement (C2)',
      [],
      'customers.notified',
      {
        communications: 'updates',
      },
    ],
    [
      'jurisdictions profiled → harm assessment',
      [],
      'jurisdictions.profiled',
      {
        legal: { regulatory: 'harm_assessment' },
      },
    ],
    [
      'a required regime → filings',
      ['jurisdictions.profiled'],
      'regulatory.assessed',
      {
        legal: { regulatory: 'filings' },
      },
    ],
    [
      'no regime required → done',
      ['jurisdictions.profiled'],
      [
        'regulatory.assessed',
        { assessments: [{ regime: 'PIPEDA', required: false, rationale: 'No personal data.' }] },
      ],
      { legal: { regulatory: 'done' } },
    ],
    [
      'every required regime reported → done',
      ['jurisdictions.profiled', 'regulatory.assessed'],
      'regulator.reported',
      {
        legal: { regulatory: 'done' },
      },
    ],
    ['police reported', [], 'police.reported', { legal: { law_enforcement: 'reported' } }],
    ['breach record created', [], 'breach_record.created', { legal: { breach_record: 'created' } }],
    ['insurer not applicable', [], 'insurer.not_applicable', { legal: { insurer: 'done' } }],
    ['payment inputs recorded → decision', [], 'payment.inputs_recorded', { payment: { open: 'decision' } }],
    ['refusal accepted from options analysis', [], refuse, { payment: { refused: 'leak_watch' } }],
    [
      'defer keeps the decision open',
      [inputs('clear')],
      ['payment.decided', { option: 'defer', rationale: 'Waiting for findings.' }],
      { payment: { open: 'decision' } },
    ],
    [
      'service restored (D8) → monitoring and return notice',
      toReturnDecision,
      'service.restored',
      {
        recovery: 'monitoring',
        communications: 'return_notice',
      },
    ],
  ])('%s', (_name, from, step, expected) => {
    const run = new Run().steps(from).send(step);
    expect(run.snapshot.value).toMatchObject(expected);
  });

  const jjMedsPath: [Step, Record<string, unknown>][] = [
    ['triage.started', { command: { undeclared: 'triage' } }],
    ['incident.declared', { command: 'active' }],
    ['site.taken_offline', { containment: { immediate: { site: 'offline' } } }],
    ['evidence.baseline_captured', { containment: { immediate: { credentials: 'revoke_credentials' } } }],
    [
      'credentials.revoked',
      { containment: { immediate: { credentials: 'revoked', vendor: 'not_engaged' } } },
    ],
    [['vendor.engaged', undefined, 'exec'], { containment: 'eradication' }],
    ['customers.notified', { communications: 'updates' }],
    [refuse, { payment: { refused: 'leak_watch' }, containment: 'eradication', command: 'active' }],
  ];
  it.each(jjMedsPath.map((row, i) => [i, ...row] as const))(
    'JJ Meds path, step %i: %j',
    (i, _step, expected) => {
      const run = new Run().steps(jjMedsPath.slice(0, i + 1).map(([s]) => s));
      expect(run.snapshot.value).toMatchObject(expected);
      expect(run.escalations()).toEqual([]);
    },
  );

  it('records the JJ Meds decisions with rationale, actor and time', () => {
    const run = new Run().steps(jjMedsPath.map(([s]) => s));
    expect(run.context.decisions.map((d) => [d.id, d.option, d.by])).toEqual([
      ['declare', 'critical', 'ic'],
      ['D1', 'offline_full', 'ic'],
      ['D2', 'all_users_and_privileged/disable_and_reset', 'tech'],
      ['D3', 'engage Northern IR Ltd.', 'exec'],
      ['D4', 'refuse', 'exec'],
    ]);
    expect(run.context.offlineAt).toBe('2018-03-08T10:03:00.000Z');
    expect(run.context.containment.baseline.map((i) => i.kind)).toContain('account_export');
  });
});

describe('ransom-demand v1: gates', () => {
  const gates: [string, Step[], Step, boolean][] = [
    ['credentials.revoked before the evidence baseline', [], 'credentials.revoked', false],
    ['credentials.revoked after the IC override', ['evidence.gate_overridden'], 'credentials.revoked', true],
    [
      'deleting IDs after an override (no account export on record)',
      ['evidence.gate_overridden'],
      ['credentials.revoked', eventDef('credentials.revoked').examples[3]],
      false,
    ],
    [
      'deleting IDs once the export is on record',
      ['evidence.baseline_captured'],
      ['credentials.revoked', eventDef('credentials.revoked').examples[3]],
      true,
    ],
    ['a second offline decision', ['site.taken_offline'], 'site.taken_offline', false],
    [
      'eradication.verified before the incident is declared',
      containImmediately.concat('eradication.completed'),
      'eradication.verified',
      false,
    ],
    [
      'closure before recovery is complete',
      [...toVerification, 'eradication.verified'],
      'closure.started',
      false,
    ],
    [
      'return online before the root cause is identified',
      toReturnDecision.filter((s) => s !== 'root_cause.identified'),
      'service.restored',
      false,
    ],
    ['pay from options analysis', [], pay('exec2'), false],
    ['pay without a request', [inputs('clear'), legalSignOff], pay('exec2'), false],
    ['pay without legal sign-off', [inputs('clear'), payRequest('exec')], pay('exec2'), false],
    ['pay decided by the requester', [inputs('clear'), payRequest('exec'), legalSignOff], pay('exec'), false],
    ['pay with a sanctions match', [inputs('match'), payRequest('exec'), legalSignOff], pay('exec2'), false],
    [
      'pay with no sanctions screen',
      [inputs('not_done'), payRequest('exec'), legalSignOff],
      pay('exec2'),
      false,
    ],
    [
      'pay after new inputs withdrew the sign-off',
      [inputs('clear'), payRequest('ic'), legalSignOff, inputs('clear')],
      pay('exec2'),
      false,
    ],
    [
      'pay when every gate item holds',
      [inputs('clear'), payRequest('exec'), legalSignOff],
      pay('exec2'),
      true,
    ],
    ['refuse needs no gate', [inputs('not_done')], refuse, true],
  ];
  it.each(
    gates.map(([name, ...rest]) => [`${name} → ${rest[2] ? 'accepted' : 'not accepted'}`, ...rest] as const),
  )('%s', (_name, from, step, accepted) => {
    expect(new Run().steps(from).can(step)).toBe(accepted);
  });

  it('takes the pay path when the gate holds, and keeps the leak watch after reporting', () => {
    const run = new Run().steps([inputs('clear'), payRequest('exec'), legalSignOff, pay('exec2')]);
    expect(run.snapshot.value).toMatchObject({ payment: { pay_path: 'awaiting_execution' } });
    expect(run.context.payment.requestedBy).toBe('exec');
    run.steps(['payment.executed', 'payment.reported']);
    expect(run.snapshot.value).toMatchObject({ payment: 'post_payment_watch' });
    const watch = run.lastActions.find((a) => a.params?.id?.startsWith('xstate.after.leakWatchEnded.'));
    expect(watch?.params?.delay).toBe(
      Date.parse(addMs(run.context.deadline, days(30))) - Date.parse(run.now),
    );
  });

  it('a leak during the watch re-opens the regulatory assessment', () => {
    const run = new Run().steps([
      'jurisdictions.profiled',
      'regulatory.assessed',
      'regulator.reported',
      refuse,
    ]);
    expect(run.snapshot.value).toMatchObject({ legal: { regulatory: 'done' } });
    run.send('leak.detected');
    expect(run.snapshot.value).toMatchObject({
      legal: { regulatory: 'harm_assessment' },
      payment: { refused: 'leak_watch' },
    });
    expect(run.escalations()).toContain('leak_detected');
  });
});

describe('ransom-demand v1: timers', () => {
  const raised = (actions: Action[]) =>
    Object.fromEntries(
      actions
        .filter((a) => a.type === 'xstate.raise' && a.params?.delay !== undefined)
        .map((a) => [a.params!.id, a]),
    );
  const afterId = (delay: string, state: string) => `xstate.after.${delay}.ransom-demand.${state}`;

  it.each([
    ['ransomDeadline', 'payment.open', hours(48)],
    ['ransomWarning24h', 'payment.open', hours(24)],
    ['ransomWarning12h', 'payment.open', hours(36)],
    ['ransomWarning1h', 'payment.open', hours(47)],
    ['declarationOverdue', 'command.undeclared', minutes(30)],
    ['lawEnforcementReportDue', 'legal.law_enforcement.not_reported', hours(24)],
    ['containmentDecisionOverdue', 'containment.immediate.site.online', hours(1)],
    ['vendorNotEngaged', 'containment.immediate.vendor.not_engaged', hours(4)],
    ['breachDeterminationPending', 'investigation.preserve_demand', hours(72)],
  ])('opening at T_demand schedules %s (%s) after %d ms', (delay, state, ms) => {
    const action = raised(new Run().lastActions)[afterId(delay, state)];
    expect(action?.params?.delay).toBe(ms);
    expect(action?.params?.event?.type).toBe(afterId(delay, state));
  });

  it('anchors the ransom deadline on the demand, not on the opening', () => {
    const late = new Run(addMs(T0, hours(10)));
    expect(raised(late.lastActions)[afterId('ransomDeadline', 'payment.open')]?.params?.delay).toBe(
      hours(38),
    );
    expect(late.context.deadline).toBe('2018-03-10T10:00:00.000Z');
  });

  it('schedules the customer notice 12 h after going offline and cancels it on the notice', () => {
    const run = new Run().send('site.taken_offline');
    const notice = raised(run.lastActions).customerNoticeDue;
    expect(notice?.params).toMatchObject({ delay: hours(12), event: { type: 'customer_notice.overdue' } });
    run.send('customers.notified');
    expect(run.lastActions).toContainEqual(
      expect.objectContaining({ type: 'xstate.cancel', params: { sendId: 'customerNoticeDue' } }),
    );
    expect(run.timers.has('customerNoticeDue')).toBe(false);
  });

  it('escalates an overdue customer notice', () => {
    const run = new Run().send('site.taken_offline').advance(addMs(T0, hours(13)));
    expect(run.escalations()).toContain('customer_notice_overdue');
    expect(run.snapshot.value).toMatchObject({ communications: 'holding_statement' });
  });

  it('the deadline lapses with no decision: warnings, then a de facto refusal', () => {
    const run = new Run().steps(declare).advance(addMs(T0, hours(48)));
    expect(run.escalations().filter((k) => k.startsWith('payment_'))).toEqual([
      'payment_deadline_warning_24h',
      'payment_deadline_warning_12h',
      'payment_deadline_warning_1h',
      'payment_deadline_reached',
    ]);
    expect(run.context.payment.lapsed).toBe(true);
    expect(run.snapshot.value).toMatchObject({ payment: { open: 'options_analysis' } });
    expect(run.escalations()).toContain('le_report_overdue');
    expect(run.escalations()).not.toContain('declaration_overdue');
  });

  it('a decision cancels the payment timers; declaring cancels TM-CMD1', () => {
    const run = new Run().send('incident.declared');
    expect(run.timers.has(afterId('declarationOverdue', 'command.undeclared'))).toBe(false);
    run.send(refuse);
    expect([...run.timers.keys()].filter((id) => id.includes('payment.open'))).toEqual([]);
    expect(run.timers.has(afterId('leakWatchEnded', 'payment.refused'))).toBe(true);
  });

  it('escalates an undeclared incident 30 min after the demand, once, and tells the engine as data', () => {
    const run = new Run().advance(addMs(T0, minutes(31)));
    expect(run.lastActions).toContainEqual(
      expect.objectContaining({
        type: 'escalate',
        params: { kind: 'declaration_overdue', timer: 'TM-CMD1', dueAt: '2018-03-08T10:30:00.000Z' },
      }),
    );
    run.advance(addMs(T0, hours(2)));
    expect(run.escalations().filter((k) => k === 'declaration_overdue')).toHaveLength(1);
    expect(run.context.escalations[0]).toMatchObject({
      kind: 'declaration_overdue',
      dueAt: '2018-03-08T10:30:00.000Z',
      at: '2018-03-08T10:30:00.000Z',
    });
  });

  it('every named delay and delayed-raise id has a label, and every label a timer', () => {
    // Named delays plus one delayed-raise id per notification clock (SM-CLOCKS), each labelled.
    const delays = Object.keys(machine.implementations.delays);
    const clockIds = notificationClocks.map((clock) => clockTimerId(clock.id));
    expect([...delays, ...clockIds].sort()).toEqual(Object.keys(ransomDemandV1.timerLabels).sort());
  });
});

describe('ransom-demand v1: persistence', () => {
  it('a persisted snapshot restores and keeps working (guards across tracks, two-person rule)', () => {
    const run = new Run().steps([...toVerification, inputs('clear'), payRequest('exec'), legalSignOff]);
    const persisted = JSON.parse(JSON.stringify(machine.getPersistedSnapshot(run.snapshot)));
    const restored = machine.resolveState(persisted);
    expect(restored.value).toEqual(run.snapshot.value);
    expect(restored.context).toEqual(run.snapshot.context);
    const copy = Object.assign(Object.create(Run.prototype) as Run, run, { snapshot: restored });
    expect(copy.can(pay('exec'))).toBe(false);
    expect(copy.can(pay('exec2'))).toBe(true);
    copy.send('eradication.verified');
    expect(copy.snapshot.value).toMatchObject({ command: 'recovery_phase', recovery: 'rebuild' });
  });
});

describe('ransom-demand v1: definition', () => {
  const nodes: AnyStateNode[] = [];
  const walk = (node: AnyStateNode) => {
    nodes.push(node);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  const internal = ['customer_notice.overdue', 'recovery.completed', 'clock.due'];
  const clientTypes = ransomDemandV1.events.map((e) => e.type);

  it('is registered, and every state node has a description and meta with a known owner', () => {
    expect(playbooks).toContain(ransomDemandV1);
    expect(nodes.length).toBeGreaterThan(60);
    for (const node of nodes) {
      const meta = node.meta as StateMeta | undefined;
      expect(node.description, node.id).toBeTruthy();
      expect(Object.keys(ransomDemandV1.roles), node.id).toContain(meta?.owner);
      expect(meta?.source, node.id).toBeTruthy();
    }
  });

  it('every client event example passes its schema, and bad payloads do not', () => {
    for (const def of ransomDemandV1.events) {
      for (const example of def.examples) expect(def.payload.safeParse(example).success, def.type).toBe(true);
      expect(def.payload.safeParse({ ...(def.examples[0] as object), extra: 1 }).success, def.type).toBe(
        false,
      );
    }
    const baseline = eventDef('evidence.baseline_captured').payload;
    expect(
      baseline.safeParse({ items: [{ kind: 'logs', sha256: 'a'.repeat(64), location: 'x' }] }).success,
    ).toBe(false);
  });

  it('handles exactly the client events plus its own internal and xstate events', () => {
    const handled = new Set(nodes.flatMap((node) => [...node.transitions.keys()]));
    for (const type of handled) {
      expect(clientTypes.includes(type) || internal.includes(type) || type.startsWith('xstate.'), type).toBe(
        true,
      );
    }
    for (const type of clientTypes) expect(handled.has(type), type).toBe(true);
    for (const type of internal) expect(clientTypes).not.toContain(type);
  });

  it('defaults severity from the data categories', () => {
    expect(ransomDemandV1.defaultSeverity(jjInput)).toBe('critical');
    expect(ransomDemandV1.defaultSeverity({ ...jjInput, dataCategories: ['contact'] })).toBe('high');
    expect(jjInput.demand.windowHours).toBe(48);
  });
});

describe('ransom-demand v1: a full JJ Meds run', () => {
  it('ends with every track final and the machine done after incident.closed', () => {
    const day = (n: number, h = 0) => addMs(T0, days(n) + hours(h));
    // The report to the Commissioner (the example filing) meets only its clock; the notices are filings of their own.
    const pipedaNotices: Step = [
      'regulator.reported',
      {
        regime: 'PIPEDA',
        clockIds: ['pipeda-individuals', 'pipeda-organisations'],
        reference: 'JJ-NOTICE-1',
        recipient: 'Affected members; the payment processor',
      },
    ];
    const run = new Run()
      .steps([
        ...declare,
        'claim.assessed',
        ...containImmediately,
        'customers.notified',
        'evidence.demand_preserved',
      ])
      .steps(['police.reported', inputs('not_done'), refuse, 'actor_contact.decided'])
      .steps(['jurisdictions.profiled', 'scope.estimated', 'regulatory.assessed', 'breach.determined'])
      .steps(['regulator.reported', pipedaNotices, 'breach_record.created', 'insurer.not_applicable'])
      .send('update.published')
      .send('eradication.completed', day(1))
      .steps(['eradication.verified', 'root_cause.identified', 'rebuild.completed', 'restore.completed'])
      .steps(['credentials.reissued', 'validation.passed'])
      .send('service.restored', day(3))
      .steps(['customers.notified', 'statement.final_published', 'investigation.closed'])
      .advance(day(33, 1));
    expect(run.snapshot.value).toMatchObject({
      command: 'recovery_phase',
      payment: 'watch_ended',
      recovery: 'complete',
      review: 'scheduled',
    });
    expect(run.context.recoveryCompletedAt).toBe(day(33));
    // PIPEDA s.10.3 / BSSR s.6: the breach record is kept 24 months after T_determined.
    expect(run.context.determinedAt).toBe('2018-03-08T10:17:00.000Z');
    expect(run.context.breachRecordRetainUntil).toBe('2020-03-08T10:17:00.000Z');
    run.send('closure.started');
    expect(run.can('incident.closed')).toBe(false);
    run.steps(['review.held', 'improvements.tracked']);
    expect(run.snapshot.status).toBe('active');
    run.send('incident.closed');
    expect(run.snapshot.status).toBe('done');
    expect(run.snapshot.value).toMatchObject({ command: 'closed', containment: 'verified', review: 'done' });
    expect(run.timers.size).toBe(0);
    expect(run.escalations()).toContain('sitrep_due');
    expect(run.escalations()).not.toContain('le_report_overdue');
  });
});
