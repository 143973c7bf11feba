import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryDatabase, MemoryIncidentStore } from '../../db/memory-store';
import { playbooks } from '../../playbooks';
import { cacaoPlaybook, createEngine, PlaybookRegistry } from '../../src/engine';
import {
  CacaoImportError,
  checkPlaybookFile,
  compilePlaybook,
  importCacao,
  type PlaybookFile,
} from '../../src/playbook-format';
import { testKeyring } from '../support/keys';

/**
 * The CACAO import (docs/writing-a-playbook.md, "Importing CACAO"): hand-written CACAO documents give exactly
 * the steps, decisions, deadlines and unmapped items the mapping promises; every bundled playbook's export comes
 * back through export → import → export keeping every step (docs/decisions.md), and opens an incident.
 */

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/cacao', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  > & { workflow: Record<string, Record<string, unknown>> };

type Transition = { to: string; when?: unknown; decision?: string };
type StepOf = { description: string; owner: string; on?: Record<string, string | Transition | Transition[]> };

/** Each track's steps, in order, as `key -> where its events lead` (`done` for a done step). */
function shape(file: PlaybookFile): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(file.tracks).map(([track, spec]) => [
      track,
      Object.fromEntries(
        Object.entries(spec.steps).map(([key, step]) => {
          if ('done' in step) return [key, 'done'];
          if (step.endsAfter) return [key, { endsAfter: step.endsAfter }];
          return [key, (step as StepOf).on];
        }),
      ),
    ]),
  );
}

/** The step a CACAO step id was imported as, by its name. */
const idOf = (doc: ReturnType<typeof fixture>, name: string) =>
  Object.entries(doc.workflow).find(([, step]) => step.name === name)![0];

describe('CACAO import of hand-written documents', () => {
  it('a linear manual playbook: one track, a step with a completion event per action, the timeout a deadline', () => {
    const doc = fixture('linear-manual');
    const { file, unmapped, yaml } = importCacao(doc);
    expect(unmapped).toEqual([]);
    expect(file).toMatchObject({
      id: 'phishing-mailbox-cleanup',
      version: 1,
      title: 'Phishing mailbox cleanup',
      severity: 'medium',
      sources: ['Example SOC runbook RB-12'],
      releasedAt: '2026-11-20T08:30:00.000Z',
      roles: {
        incident_commander: expect.any(String),
        soc_analysts: 'The security operations analysts on shift.',
        it_administrator: 'IT administrator',
      },
    });
    expect(shape(file)).toEqual({
      response: {
        confirm_the_report: { 'response.confirm_the_report.done': 'purge_the_messages' },
        purge_the_messages: { 'response.purge_the_messages.done': 'tell_the_recipients' },
        tell_the_recipients: { 'response.tell_the_recipients.done': 'cleaned_up' },
        cleaned_up: 'done',
      },
    });
    const steps = file.tracks.response!.steps;
    expect(steps.confirm_the_report).toMatchObject({
      description: 'Confirm the reported e-mail is phishing.',
      owner: 'soc_analysts',
      checklist: ['Open the reported message in the sandbox', 'Check the sender domain'],
    });
    expect(steps.purge_the_messages).toMatchObject({
      owner: 'it_administrator',
      deadlines: ['responsePurgeTheMessagesTimeout'],
    });
    expect(file.deadlines.responsePurgeTheMessagesTimeout).toMatchObject({ after: '2h' });
    expect(file.events['response.purge_the_messages.done']).toMatchObject({
      roles: ['it_administrator'],
      payload: {},
    });
    expect(checkPlaybookFile('linear.playbook.yaml', yaml).problems).toEqual([]);
  });

  it('parallel, if-condition, switch-condition, timeout, delay and playbook-action', () => {
    const doc = fixture('branching');
    const { file, unmapped, yaml } = importCacao(doc);
    expect(file).toMatchObject({
      id: 'ransomware-on-file-servers',
      title: 'Ransomware on file servers',
      severity: 'critical',
    });
    expect(yaml.split('\n')[0]).toContain('marked TLP:AMBER');
    expect(shape(file)).toEqual({
      response: {
        triage_the_alert: {
          'response.triage_the_alert.decided': [
            { to: 'respond', when: { optionIs: 'respond' }, decision: 'ransomware_confirmed' },
            {
              to: 'close_as_false_positive',
              when: { optionIs: 'close_as_false_positive' },
              decision: 'ransomware_confirmed',
            },
          ],
        },
        respond: {
          'response.respond.done': {
            to: 'review_the_response',
            when: {
              allOf: [
                { stateReached: 'containment.end_of_containment' },
                { stateReached: 'communications.end_of_communications' },
              ],
            },
          },
        },
        review_the_response: { 'response.review_the_response.done': 'closed' },
        closed: 'done',
        close_as_false_positive: { 'response.close_as_false_positive.done': 'closed' },
      },
      containment: {
        isolate_hosts: {
          'containment.isolate_hosts.decided': [
            { to: 'restore_from_backup', when: { optionIs: 'clean' }, decision: 'backups_usable' },
            { to: 'wait_before_rebuild_servers', when: { optionIs: 'partial' }, decision: 'backups_usable' },
            { to: 'forensic_investigation', when: { optionIs: 'default' }, decision: 'backups_usable' },
          ],
        },
        restore_from_backup: { 'containment.restore_from_backup.done': 'end_of_containment' },
        end_of_containment: 'done',
        wait_before_rebuild_servers: {
          endsAfter: { window: 'containmentRebuildServersDelay', to: 'rebuild_servers' },
        },
        rebuild_servers: { 'containment.rebuild_servers.done': 'end_of_containment' },
        forensic_investigation: { 'containment.forensic_investigation.done': 'end_of_containment' },
      },
      communications: {
        wait_before_notify_customers: {
          endsAfter: { window: 'communicationsNotifyCustomersDelay', to: 'notify_customers' },
        },
        notify_customers: { 'communications.notify_customers.done': 'end_of_communications' },
        end_of_communications: 'done',
      },
    });
    // Decisions: an enum option and a rationale, on the step before the condition.
    expect(file.events['response.triage_the_alert.decided']!.payload).toEqual({
      option: { type: 'enum', values: ['respond', 'close_as_false_positive'] },
      rationale: 'rationale',
    });
    expect(file.events['containment.isolate_hosts.decided']!.payload).toEqual({
      option: { type: 'enum', values: ['clean', 'partial', 'default'] },
      rationale: 'rationale',
    });
    expect(
      Object.fromEntries(
        Object.entries(file.deadlines).map(([id, d]) => [id, { after: d.after, from: d.from }]),
      ),
    ).toEqual({
      declarationDue: { after: '1h', from: 'opening' },
      responseTriageTheAlertTimeout: { after: '30m', from: undefined },
      responseRespondTimeout: { after: '3d', from: undefined },
      containmentIsolateHostsTimeout: { after: '4h', from: undefined },
      containmentRebuildServersDelay: { after: '1h', from: undefined },
      communicationsNotifyCustomersDelay: { after: '2h', from: undefined },
      communicationsNotifyCustomersTimeout: { after: '1d', from: undefined },
    });
    expect(file.tracks.containment!.steps.forensic_investigation!.description).toMatch(
      /^Run the playbook playbook--514abac0-126b-5614-ad0c-61bc1023d7d2 \(version of 2026-10-01T00:00:00\.000Z\): /,
    );
    expect(file.tracks.communications!.owner).toBe('communications');
    // The nested parallel's tracks start at the opening: said, not hidden.
    expect(unmapped).toEqual([
      { stepId: idOf(doc, 'Respond'), type: 'parallel', reason: expect.any(String) },
    ]);
    expect(checkPlaybookFile('branching.playbook.yaml', yaml).problems).toEqual([]);
  });

  it('lists what it cannot map, and turns unmappable steps into manual steps that say what they were', () => {
    const doc = fixture('unmappable');
    const { file, unmapped, yaml } = importCacao(doc);
    const block = idOf(doc, 'Block the address');
    const scan = idOf(doc, 'Scan the host');
    const loop = idOf(doc, 'While the attack goes on');
    const agents = Object.keys(doc.agent_definitions as object);
    const statement = Object.keys(doc.data_marking_definitions as object)[1]!;
    expect(unmapped.map(({ stepId, type }) => [stepId, type])).toEqual([
      [block, 'http-api command'],
      [block, 'targets'],
      [agents[0], 'http-api agent'],
      [loop, 'while-condition'],
      [scan, 'on_failure'],
      [scan, 'ssh command'],
      [agents[1], 'linux agent'],
      ['(playbook)', 'signatures'],
      [statement, 'marking-statement'],
      [idOf(doc, 'Check the traffic'), 'timeout'],
    ]);
    expect(unmapped.at(-1)!.reason).toBe('90500 ms rounded up to whole minutes: 2m');
    expect(shape(file)).toEqual({
      response: {
        block_the_address: { 'response.block_the_address.done': 'repeat_while_the_attack_goes_on' },
        repeat_while_the_attack_goes_on: {
          'response.repeat_while_the_attack_goes_on.done': 'check_the_traffic',
        },
        check_the_traffic: { 'response.check_the_traffic.done': 'scan_the_host' },
        scan_the_host: { 'response.scan_the_host.done': 'done' },
        done: 'done',
      },
    });
    const steps = file.tracks.response!.steps;
    expect(steps.block_the_address!.checklist).toEqual([
      'By hand (a CACAO http-api command): POST /api/v1/rules HTTP/1.1',
      'Targets: web01',
    ]);
    expect(steps.block_the_address!.owner).toBe('incident_commander');
    expect(steps.repeat_while_the_attack_goes_on!.description).toContain(
      'Repeat while [x-attack:active = true]',
    );
    expect(steps.scan_the_host!.checklist).toEqual(['By hand (a CACAO ssh command): clamscan -r /var/www']);
    expect(yaml.split('\n')[0]).toContain('marked TLP:GREEN');
    expect(checkPlaybookFile('unmappable.playbook.yaml', yaml).problems).toEqual([]);
  });

  it('ends on cycles: a condition leading back to the step before it, a branch leading back to its parallel step', () => {
    const doc = fixture('linear-manual');
    const purge = idOf(doc, 'Purge the messages');
    const tell = idOf(doc, 'Tell the recipients');
    const end = Object.keys(doc.workflow).find((id) => id.startsWith('end--'))!;
    const again = 'if-condition--11111111-1111-4111-8111-111111111111';
    doc.workflow[purge]!.on_completion = again;
    doc.workflow[again] = {
      type: 'if-condition',
      name: 'Still in mailboxes?',
      condition: '[x-search:found = true]',
      on_true: purge,
      on_false: end,
      on_completion: tell,
    };
    const looped = importCacao(doc);
    const steps = looped.file.tracks.response!.steps;
    // Purging again, then telling the recipients once the search comes back empty.
    expect(Object.keys(steps)).toEqual([
      'confirm_the_report',
      'purge_the_messages',
      'purge_the_messages_2',
      'tell_the_recipients',
      'cleaned_up',
    ]);
    expect((steps.purge_the_messages_2 as StepOf).on).toEqual({
      'response.purge_the_messages_2.decided': [
        {
          to: 'purge_the_messages_2',
          when: { optionIs: 'purge_the_messages' },
          decision: 'still_in_mailboxes_2',
        },
        { to: 'tell_the_recipients', when: { optionIs: 'cleaned_up' }, decision: 'still_in_mailboxes_2' },
      ],
    });
    expect(checkPlaybookFile('looped.playbook.yaml', looped.yaml).problems).toEqual([]);

    const both = 'parallel--22222222-2222-4222-8222-222222222222';
    doc.workflow[again]!.on_true = both;
    doc.workflow[both] = { type: 'parallel', name: 'Both', next_steps: [purge, tell] };
    const branched = importCacao(doc);
    expect(Object.keys(branched.file.tracks)).toEqual([
      'response',
      'purge_the_messages',
      'tell_the_recipients',
    ]);
    expect(checkPlaybookFile('branched.playbook.yaml', branched.yaml).problems).toEqual([]);
  });

  it('takes the id and version asked for, else the id from the name', () => {
    const { file } = importCacao(fixture('linear-manual'), { id: 'phishing-cleanup', version: 3 });
    expect([file.id, file.version]).toEqual(['phishing-cleanup', 3]);
    const idOfName = (name: string) => importCacao({ ...fixture('linear-manual'), name }).file.id;
    expect(idOfName('Réponse à la rançon (v3)')).toBe('reponse-a-la-rancon');
    expect(idOfName('S-Corp breach')).toBe('s-corp-breach');
    expect(idOfName('2026 phishing')).toBe('playbook-2026-phishing');
  });

  it('refuses what is not a CACAO 2.0 playbook, naming the step and the problem', () => {
    const refusal = (doc: unknown, options?: { id?: string }) => {
      try {
        importCacao(doc, options);
      } catch (error) {
        expect(error).toBeInstanceOf(CacaoImportError);
        return (error as Error).message;
      }
      throw new Error('imported');
    };
    const doc = fixture('linear-manual');
    const purge = idOf(doc, 'Purge the messages');
    expect(refusal({ ...doc, spec_version: 'cacao-1.0' })).toContain('spec_version: Invalid input');
    const noCommands = structuredClone(doc);
    delete noCommands.workflow[purge]!.commands;
    expect(refusal(noCommands)).toContain(`step ${purge} (commands)`);
    const dangling = structuredClone(doc);
    dangling.workflow[purge]!.on_completion = 'action--00000000-0000-4000-8000-000000000000';
    expect(refusal(dangling)).toBe(
      `step ${purge}: on_completion names action--00000000-0000-4000-8000-000000000000, which is not a step of the workflow`,
    );
    const unknownType = structuredClone(doc);
    unknownType.workflow[purge]!.type = 'teleport';
    expect(refusal(unknownType)).toContain(`step ${purge} (type)`);
    const noAgent = structuredClone(doc);
    noAgent.workflow[purge]!.agent = 'group--00000000-0000-4000-8000-000000000000';
    expect(refusal(noAgent)).toContain(
      `step ${purge}: agent group--00000000-0000-4000-8000-000000000000 is not in agent_definitions`,
    );
    expect(refusal(doc, { id: 'Not_Kebab' })).toContain('a kebab-case id');
    expect(refusal([])).toContain('not a CACAO 2.0 playbook');
  });
});

interface Workflow {
  workflow: Record<
    string,
    {
      type: string;
      name?: string;
      description?: string;
      timeout?: number;
      commands?: { description?: string }[];
    }
  >;
}
const actionsOf = (doc: unknown) =>
  Object.values((doc as Workflow).workflow).filter((step) => step.type === 'action');

/** A step's instructions: its commands' text but the export's notes naming events and deadlines, and "Begin:". */
const instructions = (step: ReturnType<typeof actionsOf>[number]) =>
  (step.commands ?? [])
    .flatMap((command) => (command.description ?? '').split('\n'))
    .filter((line) => !/^(Record in holdfast|Deadline):/.test(line))
    .map((line) => line.replace(/^Begin: /, ''));

/** The number of outcomes of each condition step, sorted. */
const outcomeCounts = (doc: unknown) =>
  Object.values((doc as { workflow: Record<string, { type: string; cases?: object }> }).workflow)
    .filter((step) => step.type === 'if-condition' || step.type === 'switch-condition')
    .map((step) => (step.type === 'if-condition' ? 2 : Object.keys(step.cases!).length))
    .sort();

/**
 * "Keeps every step" (docs/decisions.md): every action step of the first export is matched, one to one, with an
 * action step of the second that has its name or its description and the same instructions; a step with a
 * timeout keeps it to the minute (rounded up, never shorter).
 */
function lostSteps(first: unknown, second: unknown): string[] {
  const unused = actionsOf(second);
  const lost: string[] = [];
  for (const step of actionsOf(first)) {
    const keeps = (other: (typeof unused)[number]) =>
      (other.name === step.name || other.description?.trim() === step.description?.trim()) &&
      JSON.stringify(instructions(other)) === JSON.stringify(instructions(step)) &&
      (step.timeout === undefined ||
        (other.timeout !== undefined &&
          other.timeout >= step.timeout &&
          other.timeout < step.timeout + 60_000));
    const index = unused.findIndex(keeps);
    if (index < 0) lost.push(`${step.name}${step.timeout ? ` (timeout ${step.timeout} ms)` : ''}`);
    else unused.splice(index, 1);
  }
  return lost;
}

describe('CACAO round trip of every bundled playbook', () => {
  it.each(playbooks.map((p) => [`${p.id}@${p.version}`, p] as const))(
    'export → import → export keeps every step, and the import opens an incident: %s',
    async (_name, definition) => {
      const first = cacaoPlaybook(definition);
      const { yaml, file, unmapped } = importCacao(first);
      // The export says nothing the import cannot map, except timeouts that are not whole minutes.
      expect(unmapped.filter((u) => u.type !== 'timeout')).toEqual([]);
      const compiled = compilePlaybook(`${definition.id}.playbook.yaml`, yaml);
      if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join('\n'));
      const second = cacaoPlaybook(compiled.definition);
      expect(lostSteps(first, second)).toEqual([]);
      expect(actionsOf(second).length).toBeGreaterThanOrEqual(actionsOf(first).length);
      // Every decision too: as many conditions, with as many outcomes each.
      expect(outcomeCounts(second)).toEqual(outcomeCounts(first));

      // The imported playbook opens an incident with its example input, and takes its first step's event.
      const openedAt = Date.parse(file.example.openedAt);
      const engine = createEngine({
        store: new MemoryIncidentStore(new MemoryDatabase()),
        registry: new PlaybookRegistry([compiled.definition]),
        now: () => new Date(openedAt),
        newId: randomUUID,
        keyring: testKeyring(),
      });
      const commander = { id: 'ida', name: 'Ida', roles: ['incident_commander'] };
      const incident = await engine.startIncident(
        { playbookId: file.id, title: 'Imported', actor: commander, input: file.example.input },
        [],
      );
      const [trackKey, track] = Object.entries(file.tracks)[0]!;
      const [stepKey, step] = Object.entries(track.steps)[0]!;
      const [type] = Object.keys((step as StepOf).on!);
      const event = file.events[type!]!;
      const actor = { id: 'owner', name: 'Owner', roles: event.roles };
      const { incident: after } = await engine.advanceIncident({
        incidentId: incident.id,
        type: type!,
        payload: event.examples[0],
        actor,
      });
      expect(after.active.map((a) => a.path)).not.toContain(`${trackKey}.${stepKey}`);
      expect(after.version).toBe(incident.version + 1);
    },
  );
});
