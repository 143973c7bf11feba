import { z } from 'zod';
import {
  buildPlaybook,
  type CataloguePlaybook,
  type ClientEventDef,
  catalogueRoles,
  clocksTrack,
  combinators,
  commandTrack,
  type Deadline,
  days,
  done,
  endOfToday,
  evidenceEvent,
  fromFact,
  fromInput,
  fromOpening,
  fromReport,
  type Go,
  type GuardExpression,
  hours,
  incidentBasics,
  includes,
  instant,
  intakeTrack,
  type KitGuard,
  type KitStateConfig,
  messagesTrack,
  minutes,
  namedGuards,
  raisedSeverity,
  rationale,
  reviewTrack,
  type Severity,
  type SharedTrack,
  sha256,
  step,
  sumAtMost,
  text,
  track,
  vendorTrack,
  withRules,
} from '../playbook-kit';
import {
  type FieldSpec,
  type PlaybookFile,
  playbookFile,
  type StepFile,
  type TransitionFile,
} from './schema';
import {
  dataOf,
  type FilePath,
  type LocatedProblem,
  type Problem,
  parseSource,
  type SourceFile,
} from './source-map';

/** Events the machine raises for itself: a step may react to them, no client sends them. */
const internalEvents = ['deadline.passed', 'clock.due'];

export type CompiledPlaybook = CataloguePlaybook;

export type Compiled =
  | { ok: true; definition: CompiledPlaybook; file: PlaybookFile; source: SourceFile }
  | { ok: false; problems: LocatedProblem[]; source: SourceFile };

/**
 * Compiles a playbook file to the kit's playbook: parse (with line numbers), validate against the format's
 * schema, check what the schema cannot (names that must be declared, targets, reachability, options), then
 * build with `buildPlaybook` (which checks the result as it does a bundled playbook's). Problems come back
 * located in the file; nothing is built from a file that has any.
 */
export function compilePlaybook(name: string, text: string): Compiled {
  const source = parseSource(name, text);
  if (source.syntaxProblems.length > 0) return { ok: false, problems: source.syntaxProblems, source };
  let data: unknown;
  try {
    data = dataOf(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [source.locate({ path: [], message, hint: 'use fewer YAML aliases' })],
      source,
    };
  }
  const parsed = playbookFile.safeParse(data);
  if (!parsed.success)
    return { ok: false, problems: parsed.error.issues.flatMap(schemaProblems).map(source.locate), source };
  const raw = data as { shared?: Record<string, unknown> };
  const compiler = new Compiler(parsed.data, Object.keys(raw.shared ?? {}));
  const built = compiler.build();
  if (compiler.problems.length > 0 || !built)
    return { ok: false, problems: compiler.problems.map(source.locate), source };
  return { ok: true, definition: { ...built, fileText: text }, file: parsed.data, source };
}

function schemaProblems(issue: z.core.$ZodIssue): Problem[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({
      path: [...issue.path, key] as FilePath,
      message: `unknown key "${key}"`,
      hint: 'check the spelling against the format (docs/writing-a-playbook.md)',
      atKey: true,
    }));
  if (issue.code === 'invalid_union') {
    // The branch that got furthest says what is wrong better than "no branch matched".
    const branches = issue.errors.map((errors) => errors.flatMap(schemaProblems));
    const best = branches.sort((a, b) => depth(b) - depth(a))[0];
    if (best && best.length > 0) return best;
  }
  return [{ path: issue.path as FilePath, message: issue.message }];
}
const depth = (problems: Problem[]) => Math.max(0, ...problems.map((p) => p.path.length));

const durationMs = (value: string): number => {
  const amount = Number(value.slice(0, -1));
  const unit = value.at(-1);
  return unit === 'm' ? minutes(amount) : unit === 'h' ? hours(amount) : days(amount);
};

/** A payload or input field as the kit's zod schema. */
export function fieldSchema(spec: FieldSpec): z.ZodType {
  const f = typeof spec === 'string' ? { type: spec } : spec;
  let schema: z.ZodType;
  switch (f.type) {
    case 'text':
      schema = text(f.max);
      break;
    case 'rationale':
      schema = rationale;
      break;
    case 'boolean':
      schema = z.boolean();
      break;
    case 'integer':
    case 'number': {
      let n = f.type === 'integer' ? z.number().int() : z.number();
      if (f.above !== undefined) n = n.gt(f.above);
      if (f.min !== undefined) n = n.min(f.min);
      if (f.max !== undefined) n = n.max(f.max);
      schema = n;
      break;
    }
    case 'sha256':
      schema = sha256;
      break;
    case 'instant':
      schema = instant;
      break;
    case 'enum':
      schema = z.enum(f.values as [string, ...string[]]);
      break;
    case 'list': {
      let list = z.array(fieldSchema(f.of!));
      if (f.min !== undefined) list = list.min(f.min);
      if (f.max !== undefined) list = list.max(f.max);
      schema = f.contains ? withRules(list, includes(f.contains.value, f.contains.message)) : list;
      break;
    }
    case 'object':
      schema = z.strictObject(objectOf(f.fields ?? {}));
      break;
  }
  if (f.optional) schema = schema.optional();
  if (f.default !== undefined) schema = schema.default(f.default);
  if (f.description) schema = schema.describe(f.description);
  return schema;
}

function objectOf(fields: Readonly<Record<string, FieldSpec>>): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(fields).map(([name, spec]) => [name, fieldSchema(spec)]));
}

/** Where a deadline counts from; undefined: entering the step. */
function anchorOf(from: PlaybookFile['deadlines'][string]['from']): Deadline['from'] {
  if (from === undefined || from === 'entry') return undefined;
  if (from === 'opening') return fromOpening;
  if (from === 'report') return fromReport;
  if (typeof from === 'object' && 'input' in from) return fromInput(from.input);
  return fromFact((from as { fact: string }).fact);
}

/** StateMeta without the keys a file left out. */
const metaOf = (spec: { owner: string; checklist?: string[]; evidence?: string[]; source?: string }) => ({
  owner: spec.owner,
  ...(spec.checklist ? { checklist: spec.checklist } : {}),
  ...(spec.evidence ? { evidence: spec.evidence } : {}),
  ...(spec.source ? { source: spec.source } : {}),
});

const transitionsOf = (on: NonNullable<Extract<StepFile, { on?: unknown }>['on']>) =>
  Object.entries(on).flatMap(([type, go]) =>
    (Array.isArray(go) ? go : [go]).map((t, i) => ({
      type,
      transition: t as TransitionFile,
      path: (Array.isArray(go) ? ['on', type, i] : ['on', type]) as FilePath,
    })),
  );
const targetOf = (t: TransitionFile) => (typeof t === 'string' ? t : t.to);

/** The options a transition's guard tests with `optionIs`, itself or as one gate of an `allOf`. */
function optionsTested(t: TransitionFile): string[] {
  const when = typeof t === 'string' ? undefined : (t.when as Record<string, unknown> | string | undefined);
  if (typeof when !== 'object') return [];
  const tests = Array.isArray(when.allOf) ? [when, ...when.allOf] : [when];
  return tests.flatMap((test) => {
    const named =
      typeof test === 'object' && test !== null ? (test as { optionIs?: unknown }).optionIs : undefined;
    return named === undefined ? [] : (Array.isArray(named) ? named : [named]).map(String);
  });
}

/** Options of `type` that move a sibling step of the track to `stepKey`. */
const optionsInto = (stepKey: string, type: string, siblings: PlaybookFile['tracks'][string]['steps']) =>
  new Set(
    Object.values(siblings).flatMap((sibling) =>
      'done' in sibling
        ? []
        : transitionsOf(sibling.on ?? {}).flatMap(({ type: other, transition }) =>
            other === type && targetOf(transition) === stepKey ? optionsTested(transition) : [],
          ),
    ),
  );

/** One file's compilation: its problems, with the paths they are at. */
class Compiler {
  readonly problems: Problem[] = [];
  private readonly roles: Record<string, string>;
  private readonly deadlines = new Map<string, Deadline>();
  private knownEvents = new Set<string>();

  constructor(
    private readonly file: PlaybookFile,
    private readonly sharedOrder: string[],
  ) {
    this.roles = this.rolesOf();
    for (const [id, spec] of Object.entries(file.deadlines))
      this.deadlines.set(id, this.deadlineOf(id, spec));
  }

  private problem(path: FilePath, message: string, hint?: string, atKey = false) {
    this.problems.push({ path, message, ...(hint ? { hint } : {}), atKey });
  }

  private rolesOf(): Record<string, string> {
    const { roles } = this.file;
    if (!Array.isArray(roles)) return roles;
    const known = catalogueRoles as Record<string, string>;
    roles.forEach((role, i) => {
      if (!(role in known))
        this.problem(
          ['roles', i],
          `"${role}" is not a catalogue role`,
          `catalogue roles: ${Object.keys(known).join(', ')}; give a role of your own as a mapping "name: what it does"`,
        );
    });
    return Object.fromEntries(roles.filter((r) => r in known).map((r) => [r, known[r]!]));
  }

  private deadlineOf(id: string, spec: PlaybookFile['deadlines'][string]): Deadline {
    const path = ['deadlines', id];
    if ((spec.after === undefined) === (spec.at === undefined))
      this.problem(
        path,
        `deadline "${id}" needs exactly one of "after" and "at"`,
        'e.g. after: 4h, or at: endOfToday',
      );
    const from = anchorOf(spec.from);
    return {
      id,
      label: spec.label,
      ...(spec.after ? { after: durationMs(spec.after) } : {}),
      ...(from ? { from } : {}),
      ...(spec.at === 'endOfToday' ? { at: endOfToday } : {}),
      source: spec.source,
    };
  }

  private deadlineRef(id: string, path: FilePath): Deadline | undefined {
    const found = this.deadlines.get(id);
    if (!found)
      this.problem(
        path,
        `no deadline "${id}"`,
        `declare it under "deadlines:" (declared: ${[...this.deadlines.keys()].join(', ') || 'none'})`,
      );
    return found;
  }

  private checkRole(role: string, path: FilePath) {
    if (!(role in this.roles))
      this.problem(
        path,
        `role "${role}" is not one of the playbook's roles, so nobody holds it`,
        `add it under "roles:" or name one of: ${Object.keys(this.roles).join(', ')}`,
      );
  }

  /** A guard expression as a kit guard; unknown names and bad parameters are problems at `path`. */
  guard(expression: GuardExpression, path: FilePath): KitGuard | undefined {
    const entries =
      typeof expression === 'string' ? [[expression, undefined] as const] : Object.entries(expression);
    if (entries.length !== 1) {
      this.problem(
        path,
        'a guard is one name, with its parameters if it takes any',
        'e.g. { optionIs: publish }; combine guards with allOf, anyOf or not',
      );
      return undefined;
    }
    const [name, params] = entries[0]!;
    const entry = namedGuards[name];
    const at = typeof expression === 'string' ? path : [...path, name];
    if (!entry) {
      this.problem(
        path,
        `unknown guard "${name}"`,
        `the kit's guards are ${Object.keys(namedGuards).join(', ')}; a rule none of them can say needs a new named guard in the kit`,
        typeof expression !== 'string',
      );
      return undefined;
    }
    const parsed = entry.params.safeParse(params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        this.problem(
          [...at, ...(issue.path as FilePath)],
          `${name}: ${issue.message}`,
          `e.g. ${name}: ${JSON.stringify(entry.example)}`,
        );
      return undefined;
    }
    const names = entry.names?.(parsed.data) ?? {};
    for (const type of names.events ?? [])
      if (!this.knownEvents.has(type))
        this.problem(
          at,
          `${name} names the event "${type}", which the playbook does not declare`,
          'declare it under "events:", or name an event of a shared track',
        );
    for (const state of names.states ?? []) {
      const [trackKey, stepKey] = state.split('.');
      if (!this.file.tracks[trackKey!]?.steps[stepKey!] && !this.sharedOrder.includes(trackKey!))
        this.problem(
          at,
          `${name} names "${state}", which is not a step of the playbook`,
          'write it as track.step, e.g. scope.listed',
        );
    }
    for (const role of names.roles ?? []) this.checkRole(role, at);
    let index = 0;
    let failed = false;
    const nested = (inner: GuardExpression) => {
      const built = this.guard(inner, combinators[name] === 'list' ? [...at, index++] : at);
      if (!built) failed = true;
      return built ?? ((() => false) as unknown as KitGuard);
    };
    const guard = entry.build(parsed.data, { machineId: this.file.id, nested });
    return failed ? undefined : guard;
  }

  private sharedTracks(): SharedTrack[] {
    const { shared } = this.file;
    const built: SharedTrack[] = [];
    for (const key of this.sharedOrder) {
      const path = ['shared', key];
      if (key === 'command' && shared.command) {
        const declareWithin = this.deadlineRef(shared.command.declareWithin, [...path, 'declareWithin']);
        if (declareWithin)
          built.push(
            commandTrack({
              declareWithin,
              criteria: shared.command.criteria,
              source: shared.command.source,
              ...(shared.command.sitrepEvery ? { sitrepEvery: durationMs(shared.command.sitrepEvery) } : {}),
            }),
          );
      } else if (key === 'intake' && shared.intake) built.push(intakeTrack(shared.intake));
      else if (key === 'vendor' && shared.vendor)
        built.push(
          vendorTrack({ engageWithin: durationMs(shared.vendor.engageWithin), source: shared.vendor.source }),
        );
      else if (key === 'messages' && shared.messages) built.push(messagesTrack(shared.messages));
      else if (key === 'clocks' && shared.clocks) built.push(clocksTrack(shared.clocks));
      else if (key === 'review' && shared.review) {
        // Its start guard may name any event: the review is built once every event is known.
        built.push({ ...reviewTrack({ startWhen: () => false, source: '' }), key: 'review' });
      }
    }
    if (!this.sharedOrder.includes('command'))
      this.problem(
        ['shared'],
        'a playbook needs the command track',
        'add shared: command: with its declaration deadline',
      );
    return built;
  }

  private events(): ClientEventDef[] {
    return Object.entries(this.file.events).map(([type, spec]) => {
      for (const [i, role] of spec.roles.entries()) this.checkRole(role, ['events', type, 'roles', i]);
      for (const [i, rule] of (spec.rules ?? []).entries())
        for (const field of [...rule.sum, rule.atMost])
          if (!(field in spec.payload))
            this.problem(
              ['events', type, 'rules', i],
              `a rule of ${type} names "${field}", which is not a field of its payload`,
              `payload fields: ${Object.keys(spec.payload).join(', ') || 'none'}`,
            );
      return {
        type,
        title: spec.title,
        description: spec.description,
        roles: spec.roles,
        payload: withRules(
          z.strictObject(objectOf(spec.payload)),
          ...(spec.rules ?? []).map((rule) => sumAtMost(rule.sum, rule.atMost, rule.message)),
        ),
        examples: spec.examples,
      };
    });
  }

  private optionsOf(type: string): string[] {
    const option = this.file.events[type]?.payload.option;
    return typeof option === 'object' && option.type === 'enum' ? (option.values ?? []) : [];
  }

  private trackOf(trackKey: string, spec: PlaybookFile['tracks'][string]): KitStateConfig {
    const base = ['tracks', trackKey];
    this.checkRole(spec.owner, [...base, 'owner']);
    const stepKeys = Object.keys(spec.steps);
    const reached = new Set<string>(stepKeys.slice(0, 1));
    const queue = stepKeys.slice(0, 1);
    const nextOf = (stepSpec: StepFile) =>
      'done' in stepSpec
        ? []
        : [
            ...transitionsOf(stepSpec.on ?? {}).flatMap(({ transition }) => targetOf(transition) ?? []),
            ...(stepSpec.endsAfter ? [stepSpec.endsAfter.to] : []),
            ...(stepSpec.always ? [stepSpec.always.to] : []),
          ];
    while (queue.length > 0)
      for (const next of nextOf(spec.steps[queue.shift()!]!))
        if (!reached.has(next) && spec.steps[next]) {
          reached.add(next);
          queue.push(next);
        }
    if (!Object.values(spec.steps).some((s) => 'done' in s))
      this.problem(
        [...base, 'steps'],
        `track "${trackKey}" has no final step`,
        'end it with a step marked done: true',
      );

    const states = Object.fromEntries(
      Object.entries(spec.steps).map(([stepKey, stepSpec]) => {
        const path = [...base, 'steps', stepKey];
        this.checkRole(stepSpec.owner, [...path, 'owner']);
        if (!reached.has(stepKey))
          this.problem(
            path,
            `step "${trackKey}.${stepKey}" is unreachable`,
            `no step of "${trackKey}" moves to it, and it is not the first`,
            true,
          );
        if ('done' in stepSpec) return [stepKey, done(stepSpec.description, metaOf(stepSpec))];
        return [stepKey, this.stepOf(trackKey, stepKey, stepSpec, path, spec.steps, nextOf(stepSpec))];
      }),
    );
    return track({ description: spec.description, ...metaOf(spec) }, states);
  }

  private stepOf(
    trackKey: string,
    stepKey: string,
    spec: Exclude<StepFile, { done: true }>,
    path: FilePath,
    siblings: PlaybookFile['tracks'][string]['steps'],
    next: string[],
  ): KitStateConfig {
    const deadlines = (spec.deadlines ?? []).flatMap(
      (id, i) => this.deadlineRef(id, [...path, 'deadlines', i]) ?? [],
    );
    if (deadlines.length > 0 && next.length === 0)
      this.problem(
        [...path, 'deadlines'],
        `step "${trackKey}.${stepKey}" has a deadline but no event moves it on: it can never be done, so the deadline would escalate forever`,
        'add an "on:" transition to another step, or drop the deadline',
      );
    const on: Record<string, Go[]> = {};
    for (const { type, transition, path: at } of transitionsOf(spec.on ?? {})) {
      const where = [...path, ...at];
      if (!this.knownEvents.has(type) && !internalEvents.includes(type))
        this.problem(
          [...path, 'on', type],
          `step "${trackKey}.${stepKey}" waits for "${type}", which the playbook does not declare`,
          'declare it under "events:", or use an event of a shared track',
          true,
        );
      const t = typeof transition === 'string' ? { to: transition } : transition;
      if (t.to !== undefined && !siblings[t.to])
        this.problem(
          where,
          `"${t.to}" is not a step of track "${trackKey}"`,
          `steps of "${trackKey}": ${Object.keys(siblings).join(', ')}`,
        );
      const guard =
        t.when === undefined ? undefined : this.guard(t.when as GuardExpression, [...where, 'when']);
      on[type] = on[type] ?? [];
      on[type].push({
        ...(t.to === undefined ? {} : { target: t.to }),
        ...(guard ? { guard } : {}),
        ...(t.decision ? { decision: t.decision } : {}),
        ...(t.files ? { files: t.files } : {}),
      });
    }
    for (const [type, transitions] of Object.entries(spec.on ?? {}))
      this.checkOptions(type, transitions, [...path, 'on', type], optionsInto(stepKey, type, siblings));
    const endsAfter = spec.endsAfter
      ? (() => {
          const window = this.deadlineRef(spec.endsAfter.window, [...path, 'endsAfter', 'window']);
          if (!siblings[spec.endsAfter.to])
            this.problem(
              [...path, 'endsAfter', 'to'],
              `"${spec.endsAfter.to}" is not a step of track "${trackKey}"`,
              `steps of "${trackKey}": ${Object.keys(siblings).join(', ')}`,
            );
          return window ? { window, target: spec.endsAfter.to } : undefined;
        })()
      : undefined;
    const always = spec.always
      ? this.alwaysOf(trackKey, spec.always, [...path, 'always'], siblings)
      : undefined;
    return step({
      description: spec.description,
      ...metaOf(spec),
      ...(deadlines.length > 0 ? { deadlines } : {}),
      ...(endsAfter ? { endsAfter } : {}),
      ...(always ? { always } : {}),
      on: Object.fromEntries(
        Object.entries(on).map(([type, gos]) => [type, gos.length === 1 ? gos[0]! : gos]),
      ),
    });
  }

  private alwaysOf(
    trackKey: string,
    spec: { to: string; when: unknown },
    path: FilePath,
    siblings: PlaybookFile['tracks'][string]['steps'],
  ) {
    if (!siblings[spec.to])
      this.problem(
        [...path, 'to'],
        `"${spec.to}" is not a step of track "${trackKey}"`,
        `steps of "${trackKey}": ${Object.keys(siblings).join(', ')}`,
      );
    const guard = this.guard(spec.when as GuardExpression, [...path, 'when']);
    return guard ? { target: spec.to, guard } : undefined;
  }

  /**
   * A decision whose transitions all test its option must handle every option (or end with one that does not
   * test it). An option that brought the track to this step is handled too: deciding it again is refused, as meant.
   */
  private checkOptions(
    type: string,
    transitions: TransitionFile | TransitionFile[],
    path: FilePath,
    arriving: ReadonlySet<string>,
  ) {
    const options = this.optionsOf(type);
    if (options.length === 0) return;
    const covered = new Set(arriving);
    for (const t of Array.isArray(transitions) ? transitions : [transitions]) {
      const tested = optionsTested(t);
      // A transition that does not test the option takes every one (behind its other guards, as meant).
      if (tested.length === 0) return;
      for (const option of tested) covered.add(option);
    }
    const missing = options.filter((option) => !covered.has(option));
    if (missing.length > 0)
      this.problem(
        path,
        `option${missing.length > 1 ? 's' : ''} ${missing.map((o) => `"${o}"`).join(', ')} of ${type} ${missing.length > 1 ? 'are' : 'is'} never handled: the event would be refused`,
        'add a transition with optionIs for it, or end the list with one without "when:"',
        true,
      );
  }

  build(): CompiledPlaybook | undefined {
    const file = this.file;
    const events = this.events();
    const shared = this.sharedTracks();
    this.knownEvents = new Set([
      ...events.map((e) => e.type),
      ...shared.flatMap((s) => s.events.map((e) => e.type)),
      evidenceEvent([]).type,
    ]);
    // The review's start guard, now that every event is known.
    const reviewIndex = shared.findIndex((s) => s.key === 'review');
    if (reviewIndex >= 0 && file.shared.review) {
      const startWhen = this.guard(file.shared.review.startWhen as GuardExpression, [
        'shared',
        'review',
        'startWhen',
      ]);
      if (startWhen)
        shared[reviewIndex] = reviewTrack({
          startWhen,
          source: file.shared.review.source,
          ...(file.shared.review.rehearsal ? { rehearsal: file.shared.review.rehearsal } : {}),
        });
    }
    this.checkRole(file.meta.owner, ['meta', 'owner']);
    for (const [i, role] of file.evidenceRoles.entries()) this.checkRole(role, ['evidenceRoles', i]);
    const tracks = Object.fromEntries(
      Object.entries(file.tracks).map(([key, spec]) => [key, this.trackOf(key, spec)]),
    );
    if (this.problems.length > 0) return undefined;
    try {
      return buildPlaybook({
        id: file.id,
        version: file.version,
        title: file.title,
        summary: file.summary,
        source: file.sources,
        roles: this.roles,
        inputSchema: z.strictObject({ ...incidentBasics, ...objectOf(file.input) }),
        defaultSeverity:
          typeof file.severity === 'string'
            ? () => file.severity as Severity
            : raisedSeverity(file.severity.base, file.severity.raisedBy),
        description: file.description,
        meta: metaOf(file.meta),
        events,
        shared,
        tracks,
        evidenceRoles: file.evidenceRoles,
        example: file.example,
        releasedAt: file.releasedAt,
      });
    } catch (error) {
      // definePlaybook lists its problems one a line (`- …`) after a heading; anything else thrown is one problem.
      const message = String(error instanceof Error ? error.message : error);
      const listed = message.split('\n').filter((line) => line.startsWith('- '));
      for (const line of listed.length > 0 ? listed : [message.trim()])
        this.problems.push(kitProblem(line.replace(/^- /, ''), file));
      return undefined;
    }
  }
}

/** Where a problem the kit found (worded by state path or event type) is in the file. */
export function kitProblem(message: string, file: PlaybookFile): Problem {
  const state = /state ([a-z0-9_.]+)/.exec(message)?.[1];
  if (state) {
    const [trackKey, stepKey] = state.split('.');
    if (trackKey && file.tracks[trackKey])
      return {
        path:
          stepKey && file.tracks[trackKey].steps[stepKey]
            ? ['tracks', trackKey, 'steps', stepKey]
            : ['tracks', trackKey],
        message,
        atKey: true,
      };
    if (trackKey && trackKey in file.shared) return { path: ['shared', trackKey], message, atKey: true };
  }
  const event = /event "?([a-z0-9_.]+)"?/.exec(message)?.[1];
  if (event && file.events[event]) return { path: ['events', event], message, atKey: true };
  if (/names unknown role "(.+)"/.test(message))
    return { path: ['roles'], message, hint: "a shared track's event needs this role: add it under roles:" };
  if (message.startsWith('example input')) return { path: ['example', 'input'], message };
  return { path: [], message };
}
