import { Document } from 'yaml';
import type { z } from 'zod';
import { catalogueRoles, type Severity } from '../playbook-kit';
import { type CacaoPlaybook, type CacaoStep, cacaoPlaybookSchema } from './cacao-schema';
import { formatTag, type PlaybookFile, playbookFile } from './schema';

/** Something of the CACAO playbook the format cannot say: listed, never dropped silently. */
export interface Unmapped {
  /** The workflow step (or agent, or `(playbook)` for the playbook's own properties). */
  stepId: string;
  type: string;
  reason: string;
}

export interface CacaoImport {
  yaml: string;
  file: PlaybookFile;
  unmapped: Unmapped[];
}

/** A document that is not a CACAO 2.0 playbook the importer can read; the message names the step and the problem. */
export class CacaoImportError extends Error {}

/** What an imported playbook is owned by when CACAO names no agent, and who runs the shared command track. */
const commander = 'incident_commander';
const importSource = 'Policy default (CACAO import)';
/** Shared tracks of the format: an imported track of the same name gets `_track` after it. */
const sharedKeys = new Set(['command', 'intake', 'vendor', 'review', 'messages', 'clocks']);

/**
 * Turns a CACAO 2.0 playbook into a playbook file (docs/writing-a-playbook.md, "Importing CACAO"). The workflow
 * is walked from `workflow_start`: the branches of a `parallel` step become tracks, `action` steps steps with a
 * completion event, `if-condition` and `switch-condition` decisions recorded on the step before, `timeout`s
 * deadlines and `delay`s waits, `playbook-action` a step naming the sub-playbook, `end` a done step. What the
 * format cannot say is listed in `unmapped`; where it still makes sense it becomes a manual step that says what
 * it was. Throws `CacaoImportError` on a document that is not a CACAO 2.0 playbook.
 */
export function importCacao(document: unknown, options: { id?: string; version?: number } = {}): CacaoImport {
  const parsed = cacaoPlaybookSchema.safeParse(document);
  if (!parsed.success) throw new CacaoImportError(`not a CACAO 2.0 playbook:${describeIssues(parsed.error)}`);
  return new Importer(parsed.data).run(options);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const [first, id, ...rest] = issue.path.map(String);
      const where =
        first === 'workflow' && id !== undefined
          ? `step ${id}${rest.length ? ` (${rest.join('.')})` : ''}`
          : issue.path.join('.') || 'the document';
      return `\n  - ${where}: ${issue.message}`;
    })
    .join('');
}

type Guard = Record<string, unknown>;

interface TrackDraft {
  fallbackLabel: string;
  /** What the track is called: the steps' shared "Track / " prefix, else `fallbackLabel`. */
  label: string;
  steps: StepDraft[];
  memo: Map<string, StepDraft>;
  key: string;
}

interface StepDraft {
  track: TrackDraft;
  /** The CACAO step's name, read as "Track / step" when every step of the track is named so. */
  name: string;
  /** A step the importer adds (a decision, a join, a wait): its key comes from `label`, never from a track prefix. */
  label?: string;
  description: string;
  owner: string;
  checklist: string[];
  evidence: string[];
  source?: string;
  done?: true;
  key: string;
  next?: StepDraft;
  decision?: { id: string; title: string; description: string; options: { value: string; to: StepDraft }[] };
  /** A join: its completion waits for these tracks to be done. */
  join?: TrackDraft[];
  timeout?: { ms: number; stepId: string };
  wait?: { ms: number; stepId: string; to: StepDraft };
}

class Importer {
  private readonly workflow: Record<string, CacaoStep>;
  private readonly tracks: TrackDraft[] = [];
  private readonly unmapped: Unmapped[] = [];
  private readonly roles = new Map<string, string>([[commander, catalogueRoles.incident_commander]]);
  private readonly reached = new Set<string>();
  private readonly decisionIds = new Set<string>();
  /** The tracks of each parallel step, made once (a branch leading back to its parallel step waits for them). */
  private readonly parallels = new Map<string, TrackDraft[]>();

  constructor(private readonly doc: CacaoPlaybook) {
    this.workflow = doc.workflow;
    this.checkReferences();
  }

  private list(stepId: string, type: string, reason: string) {
    if (!this.unmapped.some((u) => u.stepId === stepId && u.type === type && u.reason === reason))
      this.unmapped.push({ stepId, type, reason });
  }

  /** Every step a step, an agent or a target reference names exists. */
  private checkReferences() {
    const { doc } = this;
    const need = (id: string | undefined, what: string, where: string) => {
      if (id !== undefined && !this.workflow[id])
        throw new CacaoImportError(`${where}: ${what} names ${id}, which is not a step of the workflow`);
    };
    need(doc.workflow_start, 'workflow_start', 'the playbook');
    for (const [id, step] of Object.entries(this.workflow)) {
      const where = `step ${id}`;
      for (const field of ['on_completion', 'on_success', 'on_failure'] as const)
        need(step[field], field, where);
      if (step.type === 'parallel') for (const next of step.next_steps) need(next, 'next_steps', where);
      if (step.type === 'if-condition' || step.type === 'while-condition') {
        need(step.on_true, 'on_true', where);
        if (step.type === 'if-condition') need(step.on_false, 'on_false', where);
      }
      if (step.type === 'switch-condition')
        for (const [value, next] of Object.entries(step.cases)) need(next, `case "${value}"`, where);
      if (
        (step.type === 'action' || step.type === 'playbook-action') &&
        step.agent &&
        !doc.agent_definitions?.[step.agent]
      )
        throw new CacaoImportError(`${where}: agent ${step.agent} is not in agent_definitions`);
      if (step.type === 'action')
        for (const target of step.targets ?? [])
          if (!doc.target_definitions?.[target])
            throw new CacaoImportError(`${where}: target ${target} is not in target_definitions`);
    }
  }

  run(options: { id?: string; version?: number }): CacaoImport {
    const { doc } = this;
    const start = this.workflow[doc.workflow_start]!;
    this.reached.add(doc.workflow_start);
    const first = start.type === 'start' ? start.on_completion : doc.workflow_start;
    if (first === undefined)
      throw new CacaoImportError(`step ${doc.workflow_start}: the start step leads nowhere`);
    const firstStep = this.workflow[first]!;
    if (
      firstStep.type === 'parallel' &&
      !firstStep.delay &&
      !firstStep.timeout &&
      this.endsThere(firstStep)
    ) {
      // The tracks are all there is: no join to wait on.
      const after = firstStep.on_completion ?? firstStep.on_success;
      for (const id of after === undefined ? [first] : [first, after]) this.reached.add(id);
      this.listStep(first, firstStep);
      this.branches(first, firstStep);
    } else this.enter(this.newTrack('Response'), first, []);
    for (const [id, step] of Object.entries(this.workflow))
      if (!this.reached.has(id)) this.list(id, step.type, 'not reached from workflow_start: not imported');
    this.listPlaybookProperties();
    this.name();
    const file = this.file(options);
    const yaml = new Document(file);
    yaml.commentBefore = ` Imported from the CACAO 2.0 playbook ${doc.id} ("${doc.name}")${this.tlp() ? `, marked ${this.tlp()}` : ''}.`;
    return { yaml: yaml.toString({ lineWidth: 110 }), file, unmapped: this.unmapped };
  }

  /** Whether nothing but an end follows `step`. */
  private endsThere(step: CacaoStep): boolean {
    const next = step.on_completion ?? step.on_success;
    return next === undefined || this.workflow[next]!.type === 'end';
  }

  private newTrack(fallbackLabel: string): TrackDraft {
    const track: TrackDraft = { fallbackLabel, label: fallbackLabel, steps: [], memo: new Map(), key: '' };
    this.tracks.push(track);
    return track;
  }

  private add(track: TrackDraft, memoKey: string, draft: Omit<StepDraft, 'track' | 'key'>): StepDraft {
    const step: StepDraft = { ...draft, track, key: '' };
    track.steps.push(step);
    track.memo.set(memoKey, step);
    return step;
  }

  /**
   * The step of `track` the chain from CACAO step `id` starts with. `stack` holds where to go on when the chain
   * reaches an end: the `on_completion` of the conditions and loops whose branch it is (empty: the track is done).
   */
  private enter(track: TrackDraft, id: string, stack: string[]): StepDraft {
    const memoKey = [id, ...stack].join(' ');
    const known = track.memo.get(memoKey);
    if (known) return known;
    this.reached.add(id);
    const step = this.workflow[id]!;
    this.listStep(id, step);
    if (step.type === 'start') {
      const next = step.on_completion ?? step.on_success;
      return next ? this.enter(track, next, stack) : this.endOf(track, stack);
    }
    if (step.type === 'end') {
      if (stack.length > 0) return this.enter(track, stack[0]!, stack.slice(1));
      return this.add(track, memoKey, {
        name: step.name ?? 'End',
        description: step.description?.trim() || step.name?.trim() || 'Done.',
        owner: commander, // the track's owner, once known
        checklist: [],
        evidence: [],
        done: true,
      });
    }
    if (step.delay) {
      const wait = this.add(track, memoKey, {
        name: `Wait before ${step.name ?? step.type}`,
        label: 'wait', // named after the step it waits for, once that has its key
        description: `Wait before: ${step.name ?? step.type} (CACAO delay).`,
        owner: commander,
        checklist: [],
        evidence: [],
      });
      const to = this.build(track, id, step, `${memoKey} delayed`, stack);
      wait.wait = { ms: step.delay, stepId: id, to };
      wait.owner = to.owner;
      return wait;
    }
    return this.build(track, id, step, memoKey, stack);
  }

  /** Where a chain goes on at its end: the innermost `on_completion` waiting, or the track's done step. */
  private endOf(track: TrackDraft, stack: string[]): StepDraft {
    if (stack.length > 0) return this.enter(track, stack[0]!, stack.slice(1));
    return (
      track.memo.get('(end)') ??
      this.add(track, '(end)', {
        name: 'Done',
        description: 'Done.',
        owner: commander, // the track's owner, once known
        checklist: [],
        evidence: [],
        done: true,
      })
    );
  }

  private build(track: TrackDraft, id: string, step: CacaoStep, memoKey: string, stack: string[]): StepDraft {
    const nextId = step.on_completion ?? step.on_success;
    switch (step.type) {
      case 'action':
      case 'playbook-action': {
        const draft = this.add(track, memoKey, this.actionMeta(id, step));
        if (step.timeout) draft.timeout = { ms: step.timeout, stepId: id };
        const next = nextId === undefined ? undefined : this.workflow[nextId]!;
        if (next && (next.type === 'if-condition' || next.type === 'switch-condition') && !next.delay) {
          // The decision is recorded on the step before the condition.
          this.reached.add(nextId!);
          this.listStep(nextId!, next);
          if (next.timeout)
            this.list(
              nextId!,
              'timeout',
              'the decision is made in the step before, which keeps its own timeout only',
            );
          this.decide(draft, next, stack);
        } else
          draft.next = nextId === undefined ? this.endOf(track, stack) : this.enter(track, nextId, stack);
        return draft;
      }
      case 'if-condition':
      case 'switch-condition': {
        const draft = this.add(track, memoKey, {
          name: step.name ?? 'Decision',
          label: `decide ${step.name ?? ''}`,
          description: step.description?.trim() || `Decide: ${step.name ?? conditionOf(step)}`,
          owner: commander,
          checklist: [],
          evidence: [],
        });
        if (step.timeout) draft.timeout = { ms: step.timeout, stepId: id };
        this.decide(draft, step, stack);
        return draft;
      }
      case 'parallel': {
        const join = this.add(track, memoKey, {
          name: step.name ?? 'Parallel',
          label: step.name ?? 'parallel',
          description: `Wait until the tracks of "${step.name ?? 'the parallel step'}" are done${step.description ? `: ${step.description.trim()}` : '.'}`,
          owner: commander,
          checklist: [],
          evidence: [],
        });
        if (track.steps[0] !== join)
          this.list(
            id,
            step.type,
            'its tracks run from the opening, not from this point of the workflow (the format starts every track at once): a step waits for them here',
          );
        if (step.timeout) join.timeout = { ms: step.timeout, stepId: id };
        join.join = this.branches(id, step);
        join.next = nextId === undefined ? this.endOf(track, stack) : this.enter(track, nextId, stack);
        return join;
      }
      case 'while-condition': {
        this.list(
          id,
          step.type,
          'holdfast has no loops: imported as a manual step naming the condition, then one pass of its body',
        );
        const draft = this.add(track, memoKey, {
          name: step.name ?? 'Loop',
          label: `repeat ${step.name ?? ''}`,
          description: `Repeat while ${step.condition}${step.description ? `: ${step.description.trim()}` : ''} (a CACAO while-condition: repeat the steps that follow by hand while it holds).`,
          owner: commander,
          checklist: [],
          evidence: [],
        });
        if (step.timeout) draft.timeout = { ms: step.timeout, stepId: id };
        draft.next = this.enter(track, step.on_true, then(nextId, stack));
        return draft;
      }
      default:
        throw new CacaoImportError(`step ${id}: a ${step.type} step cannot follow another step`);
    }
  }

  /** The branches of parallel step `id`, each a track. */
  private branches(id: string, step: Extract<CacaoStep, { type: 'parallel' }>): TrackDraft[] {
    const known = this.parallels.get(id);
    if (known) return known;
    const tracks: TrackDraft[] = [];
    this.parallels.set(id, tracks);
    for (const branch of step.next_steps) {
      const track = this.newTrack(this.workflow[branch]!.name ?? 'Track');
      tracks.push(track);
      this.enter(track, branch, []);
    }
    return tracks;
  }

  /** Records the condition `step` as a decision of `draft`: an option per branch, each to the branch's step. */
  private decide(
    draft: StepDraft,
    step: Extract<CacaoStep, { type: 'if-condition' | 'switch-condition' }>,
    stack: string[],
  ) {
    const branches: [string, string | undefined][] =
      step.type === 'if-condition'
        ? this.ifOptions(step).map((value, i) => [value, i === 0 ? step.on_true : step.on_false])
        : Object.entries(step.cases);
    const targets = new Set(branches.map(([, target]) => target));
    const after = step.on_completion ?? step.on_success;
    // An `on_completion` that is one of the branches is where a branch starts, not what follows them all.
    const continuation = after !== undefined && !targets.has(after) ? then(after, stack) : stack;
    const id = unique(snake(step.name ?? `${draft.name} decision`), this.decisionIds);
    this.decisionIds.add(id);
    draft.decision = {
      id,
      title: step.name ?? `Decision after ${draft.name}`,
      description: `${step.description?.trim() || step.name || 'A decision'} (CACAO ${step.type}: ${conditionOf(step)}).`,
      options: branches.map(([value, target]) => ({
        value,
        to:
          target === undefined
            ? this.endOf(draft.track, continuation)
            : this.enter(draft.track, target, continuation),
      })),
    };
  }

  /** The options of an if-condition: the names of the steps its branches lead to, else yes and no. */
  private ifOptions(step: Extract<CacaoStep, { type: 'if-condition' }>): [string, string] {
    const label = (id: string | undefined) => {
      const name = id === undefined ? undefined : this.workflow[id]!.name;
      return name === undefined ? '' : snake(name.split(' / ').at(-1)!);
    };
    const yes = label(step.on_true);
    const no = label(step.on_false);
    return yes && no && yes !== no ? [yes, no] : ['yes', 'no'];
  }

  /** Description, owner, checklist and evidence of an action or playbook-action step. */
  private actionMeta(
    id: string,
    step: Extract<CacaoStep, { type: 'action' | 'playbook-action' }>,
  ): Omit<StepDraft, 'track' | 'key'> {
    const name = step.name?.trim() || step.type;
    let description = step.description?.trim() || name;
    const checklist: string[] = [];
    const evidence: string[] = [];
    if (step.type === 'playbook-action') {
      const version = step.playbook_version ? ` (version of ${step.playbook_version})` : '';
      description = `Run the playbook ${step.playbook_id}${version}: ${description}`;
      checklist.push(`Sub-playbook: ${step.playbook_id}${version}`);
    } else {
      for (const command of step.commands) {
        const said = commandText(command);
        if (command.type === 'manual') {
          for (const line of said.split('\n').map((l) => l.trim())) {
            // The description again, and the export's own notes (the events and deadlines of its playbook).
            if (!line || [description, `Begin: ${description}`].includes(line)) continue;
            if (/^(Record in holdfast|Deadline):/.test(line)) continue;
            if (line.startsWith('Evidence:')) evidence.push(...splitList(line.slice('Evidence:'.length)));
            else checklist.push(line.replace(/^- /, ''));
          }
          continue;
        }
        checklist.push(`By hand (a CACAO ${command.type} command): ${said || 'see the CACAO playbook'}`);
        this.list(
          id,
          `${command.type} command`,
          `holdfast runs no ${command.type} commands: imported as a manual step that names it`,
        );
      }
      if (step.targets) {
        const names = step.targets.map((t) => this.doc.target_definitions![t]!.name ?? t);
        checklist.push(`Targets: ${names.join(', ')}`);
        this.list(id, 'targets', 'targets are not kept: the step names them in its checklist');
      }
    }
    const source = step.external_references?.map((r) => r.name).join('; ');
    return {
      name,
      description,
      owner: this.ownerOf(step.agent),
      checklist,
      evidence,
      ...(source ? { source } : {}),
    };
  }

  /** The role an agent becomes: a group or individual's name ("role: what it does" as the export writes it). */
  private ownerOf(agentId: string | undefined): string {
    if (agentId === undefined) return commander;
    const agent = this.doc.agent_definitions![agentId]!;
    if (agent.type !== 'group' && agent.type !== 'individual') {
      this.list(
        agentId,
        `${agent.type} agent`,
        'only group and individual agents become roles: its steps are owned by the incident commander',
      );
      return commander;
    }
    const name = agent.name?.trim() || agentId;
    const exported = /^([a-z][a-z0-9_]*): (.+)$/s.exec(name);
    const role = exported ? exported[1]! : snake(name);
    if (!this.roles.has(role) || role === commander)
      this.roles.set(
        role,
        exported?.[2]?.trim() || agent.description?.trim() || this.roles.get(role) || name,
      );
    return role;
  }

  /** A step's own properties the format cannot say. */
  private listStep(id: string, step: CacaoStep) {
    const next = step.on_completion ?? step.on_success;
    if (step.on_failure !== undefined && step.on_failure !== next)
      this.list(id, 'on_failure', 'a failure path is not imported: the step goes on as if it succeeded');
    if ('step_extensions' in step) this.list(id, 'step_extensions', 'extensions are not imported');
    if (step.type === 'start' || step.type === 'end')
      for (const time of ['timeout', 'delay'] as const)
        if (step[time]) this.list(id, time, `a ${step.type} step has nothing to wait for or time out`);
  }

  private listPlaybookProperties() {
    const { doc } = this;
    const reasons: Record<string, string> = {
      signatures: 'signatures are not kept: the imported file is a new document',
      workflow_exception: 'exception handling is not imported',
      playbook_variables: 'variables are not imported: decisions take their option from the responder',
      playbook_extensions: 'extensions are not imported',
      extension_definitions: 'extensions are not imported',
      authentication_info_definitions: 'authentication information is not imported',
    };
    for (const [key, reason] of Object.entries(reasons)) if (key in doc) this.list('(playbook)', key, reason);
    for (const [id, marking] of Object.entries(doc.data_marking_definitions ?? {}))
      if (marking.type !== 'marking-tlp')
        this.list(id, marking.type, 'only TLP markings are kept (in the header comment of the file)');
  }

  private tlp(): string | undefined {
    const levels = (this.doc.markings ?? []).flatMap((id) => {
      const marking = this.doc.data_marking_definitions?.[id];
      return marking?.type === 'marking-tlp' && marking.tlpv2_level ? [marking.tlpv2_level] : [];
    });
    return levels.length > 0 ? levels.join(', ') : undefined;
  }

  /** Track and step keys: the export's "Track / step" names read back (the segments all steps share name the track), else each step's own name. */
  private name() {
    const trackKeys = new Set(sharedKeys);
    for (const track of this.tracks) {
      const named = track.steps
        .filter((s) => s.label === undefined && !s.done)
        .map((s) => s.name.split(' / '));
      // The longest run of leading segments every name has, leaving each at least its last one.
      let depth = Math.min(...named.map((parts) => parts.length - 1));
      while (
        depth > 0 &&
        !named.every((parts) => parts.slice(0, depth).join(' / ') === named[0]!.slice(0, depth).join(' / '))
      )
        depth--;
      const shared = named.length > 0 && depth > 0 ? named[0]!.slice(0, depth).join(' / ') : undefined;
      const label = shared ?? track.fallbackLabel;
      track.key = unique(snake(label), trackKeys, '_track');
      trackKeys.add(track.key);
      track.label = label;
      const stepKeys = new Set<string>();
      for (const step of track.steps.filter((s) => !s.wait)) {
        const own =
          step.label ??
          (shared && step.name.startsWith(`${shared} / `) ? step.name.slice(shared.length + 3) : step.name);
        step.key = unique(snake(own), stepKeys);
        stepKeys.add(step.key);
      }
      for (const step of track.steps.filter((s) => s.wait)) {
        step.key = unique(`wait_before_${step.wait!.to.key}`, stepKeys);
        stepKeys.add(step.key);
      }
    }
  }

  private file(options: { id?: string; version?: number }): PlaybookFile {
    const { doc } = this;
    const title = doc.name.replace(/\s*\(v\d+\)$/, '');
    const id = options.id ?? kebab(title);
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id))
      throw new CacaoImportError(`--id ${id}: a kebab-case id, e.g. "ddos-extortion"`);
    const releasedAt = doc.modified;
    const deadlines: PlaybookFile['deadlines'] = {
      declarationDue: {
        label: 'Declaration due (1 h after opening; import default)',
        after: '1h',
        from: 'opening',
        source: importSource,
      },
    };
    const events: PlaybookFile['events'] = {};
    const tracks: PlaybookFile['tracks'] = {};
    for (const track of this.tracks) {
      const owner = track.steps.find((s) => s.label === undefined && !s.done)?.owner ?? commander;
      const steps: PlaybookFile['tracks'][string]['steps'] = {};
      for (const step of track.steps) {
        if (step.done) step.owner = owner;
        const meta = {
          description: step.description,
          owner: step.owner,
          ...(step.checklist.length ? { checklist: step.checklist } : {}),
          ...(step.evidence.length ? { evidence: step.evidence } : {}),
          ...(step.source ? { source: step.source } : {}),
        };
        if (step.done) {
          steps[step.key] = { ...meta, done: true };
          continue;
        }
        if (step.wait) {
          const window = camel(`${track.key}_${step.wait.to.key}_delay`);
          deadlines[window] = {
            label: `${step.wait.to.name}: starts ${this.duration(step.wait.ms, step.wait.stepId, 'delay')} after the step before`,
            after: this.duration(step.wait.ms, step.wait.stepId, 'delay'),
            source: 'CACAO step delay',
          };
          steps[step.key] = { ...meta, endsAfter: { window, to: step.wait.to.key } };
          continue;
        }
        const stepDeadlines: string[] = [];
        if (step.timeout) {
          const deadline = camel(`${track.key}_${step.key}_timeout`);
          const after = this.duration(step.timeout.ms, step.timeout.stepId, 'timeout');
          deadlines[deadline] = {
            label: `${step.name}: timeout (${after})`,
            after,
            source: 'CACAO step timeout',
          };
          stepDeadlines.push(deadline);
        }
        const type = `${track.key}.${step.key}.${step.decision ? 'decided' : 'done'}`;
        events[type] = this.eventOf(step);
        steps[step.key] = {
          ...meta,
          ...(stepDeadlines.length ? { deadlines: stepDeadlines } : {}),
          on: { [type]: this.transitionsOf(step) },
        };
      }
      tracks[track.key] = {
        description: track.label,
        owner,
        steps,
      };
    }
    const sources = (doc.external_references ?? []).map((r) => r.name);
    const built = {
      format: formatTag,
      id,
      version: options.version ?? 1,
      title,
      summary: doc.description?.trim() || title,
      sources: sources.length > 0 ? sources : [`CACAO playbook ${doc.id}`],
      releasedAt,
      roles: Object.fromEntries(this.roles),
      severity: severityOf(doc.severity),
      description: doc.description?.trim() || title,
      meta: { owner: commander, source: `CACAO playbook ${doc.id}` },
      input: {},
      evidenceRoles: [commander],
      shared: {
        command: {
          declareWithin: 'declarationDue',
          criteria: `The conditions of the CACAO playbook "${title}" apply.`,
          source: importSource,
        },
      },
      deadlines,
      events,
      tracks,
      example: { openedAt: releasedAt, input: { organisation: { name: 'Example Ltd' } } },
    };
    const checked = playbookFile.safeParse(built);
    if (!checked.success)
      throw new CacaoImportError(
        `the imported playbook is not a valid file:${describeIssues(checked.error)}`,
      );
    return checked.data;
  }

  private eventOf(step: StepDraft): PlaybookFile['events'][string] {
    const roles = [step.owner];
    if (step.decision) {
      const values = step.decision.options.map((o) => o.value);
      return {
        title: step.decision.title,
        description: step.decision.description,
        roles,
        payload: { option: { type: 'enum', values }, rationale: 'rationale' },
        examples: [{ option: values[0], rationale: 'The reason for this choice.' }],
      };
    }
    return {
      title: `${step.name}: done`,
      description: `Done: ${step.description}`,
      roles,
      payload: {},
      examples: [{}],
    };
  }

  private transitionsOf(step: StepDraft) {
    const waits: Guard[] = step.join ? step.join.map(doneGuard) : [];
    const when = (guards: Guard[]) => (guards.length === 1 ? guards[0]! : { allOf: guards });
    if (step.decision)
      return step.decision.options.map((option) => ({
        to: option.to.key,
        when: when([...waits, { optionIs: option.value }]),
        decision: step.decision!.id,
      }));
    return waits.length > 0 ? { to: step.next!.key, when: when(waits) } : step.next!.key;
  }

  /** A whole number of minutes, hours or days (rounded up to whole minutes, which is listed). */
  private duration(ms: number, stepId: string, what: 'timeout' | 'delay'): string {
    const minutes = Math.max(1, Math.ceil(ms / 60_000));
    const value =
      minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
    if (ms % 60_000 !== 0) this.list(stepId, what, `${ms} ms rounded up to whole minutes: ${value}`);
    return value;
  }
}

/**
 * Where to go on after a branch: `next`, then `stack`. A step already waiting is not pushed again, so a cycle
 * through a condition or a loop ends in a step already made.
 */
function then(next: string | undefined, stack: string[]): string[] {
  return next === undefined || stack.includes(next) ? stack : [next, ...stack];
}

/** Holds when a track is in one of its done steps. */
function doneGuard(track: TrackDraft): Guard {
  const done = track.steps.filter((s) => s.done).map((s) => ({ stateReached: `${track.key}.${s.key}` }));
  return done.length === 1 ? done[0]! : { anyOf: done };
}

function conditionOf(step: Extract<CacaoStep, { type: 'if-condition' | 'switch-condition' }>): string {
  return step.type === 'if-condition' ? step.condition : `switch on ${step.switch}`;
}

function commandText(command: { description?: string; command?: string; command_b64?: string }): string {
  const decoded = command.command_b64
    ? Buffer.from(command.command_b64, 'base64').toString('utf8')
    : undefined;
  return (command.command ?? decoded ?? command.description ?? '').trim();
}

const splitList = (text: string) =>
  text
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean);

/** Lower-case ASCII words of `text` joined by `separator` (accents dropped), at most `max` characters. */
function words(text: string, separator: string, max: number): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .slice(0, max + 1)
    .split(separator)
    .filter(Boolean)
    .join(separator)
    .slice(0, max)
    .replace(new RegExp(`${separator}+$`), '');
}

/** A snake_case key (the format's step, track and decision keys). */
function snake(text: string): string {
  const key = words(text, '_', 48);
  if (!key) return 'step';
  return /^[a-z]/.test(key) ? key : `s_${key}`;
}

/** A kebab-case playbook id. */
function kebab(text: string): string {
  const id = words(text, '-', 60);
  return /^[a-z]/.test(id) ? id : `playbook${id ? `-${id}` : ''}`;
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function unique(key: string, taken: Set<string>, suffix = '_'): string {
  if (!taken.has(key)) return key;
  if (suffix !== '_' && !taken.has(`${key}${suffix}`)) return `${key}${suffix}`;
  for (let n = 2; ; n++) if (!taken.has(`${key}_${n}`)) return `${key}_${n}`;
}

/** CACAO's severity (0–100) in four bands; none: medium. */
function severityOf(severity: number | undefined): Severity {
  if (severity === undefined) return 'medium';
  return severity < 25 ? 'low' : severity < 50 ? 'medium' : severity < 75 ? 'high' : 'critical';
}
