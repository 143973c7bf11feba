import { describe, expect, it } from 'vitest';
import { checkPlaybookFile, scaffold } from '../../src/playbook-format';
import {
  type AfterActionReport,
  buildReport,
  bundledScenarios,
  loadScenario,
  parseScenarioYaml,
  reportHtml,
  reportMarkdown,
  runScripted,
  ScenarioError,
  TabletopError,
} from '../../src/tabletop';
import { useTestApp } from '../support/http';

const ctx = useTestApp();

async function play(id: string, script?: string): Promise<AfterActionReport> {
  const scenario = loadScenario(id);
  const run = await runScripted(ctx.services.engine, scenario, { script });
  return buildReport(run, ctx.services.registry.get(run.incident.playbookId, run.incident.playbookVersion));
}

const runs = bundledScenarios().flatMap(({ id, scenario }) =>
  [undefined, ...Object.keys(scenario.alternativeScripts)].map(
    (script) => [`${id} (${script ?? 'main'})`, id, script] as const,
  ),
);

describe('bundled scenarios', () => {
  it('cover every registered playbook', () => {
    const covered = new Set(bundledScenarios().map((s) => s.scenario.metadata.playbook));
    const registered = ctx.services.registry
      .latest()
      .map((p) => p.id)
      .filter((id) => id !== 'drill');
    expect(registered.filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(runs)(
    '%s runs scripted to its end and scores every expected response',
    async (_name, id, script) => {
      const report = await play(id, script);
      const expected = loadScenario(id).injects.flatMap((i) => i.expected.map((e) => e.id));
      expect(report.responses.map((r) => r.id)).toEqual(expected);
      expect(reportMarkdown(report, 'now')).toContain(`# After-action report: ${report.overview.title}`);
      const shortfalls = report.responses.filter((r) => r.status === 'missed' || r.status === 'late');
      if (script === undefined) {
        // The main script plays the case as it should have gone: every objective performed.
        expect(report.objectives.map((o) => o.rating).filter((r) => r !== 'P' && r !== 'S')).toEqual([]);
        expect(shortfalls.filter((r) => r.critical)).toEqual([]);
      } else {
        // An alternative repeats the case's mistake: the report names what was missed or late, and why.
        expect(shortfalls.length).toBeGreaterThan(0);
        for (const r of shortfalls)
          expect(r.why).toMatch(/no .* was recorded|came before|after the due time/);
        expect(report.improvements.length).toBeGreaterThan(0);
      }
    },
  );
});

describe('a playbook rewritten as a playbook file', () => {
  // Each version 2 is its version 1 (TypeScript) written as a file: every script of its scenario reports the same.
  const rewritten = [
    ['ipa-exam-csv', 'cross-customer-exposure'],
    ['docomo-online-shop', 'credential-stuffing'],
  ].flatMap(([scenarioId, playbookId]) =>
    [undefined, ...Object.keys(loadScenario(scenarioId!).alternativeScripts)].map(
      (script) => [`${scenarioId} (${script ?? 'main'})`, playbookId!, scenarioId!, script] as const,
    ),
  );

  it.each(rewritten)(
    '%s reports the same on %s v1 (TypeScript) and v2 (the file)',
    async (_name, playbookId, scenarioId, script) => {
      const on = async (playbookVersion: number) => {
        const base = loadScenario(scenarioId);
        const scenario = { ...base, metadata: { ...base.metadata, playbookVersion } };
        const run = await runScripted(ctx.services.engine, scenario, { script });
        expect(run.incident.playbookVersion).toBe(playbookVersion);
        const report = buildReport(run, ctx.services.registry.get(playbookId, playbookVersion));
        return {
          responses: report.responses.map((r) => [r.id, r.status, r.why]),
          objectives: report.objectives.map((o) => [o.id, o.rating]),
          improvements: report.improvements,
        };
      };
      const [v1, v2] = [await on(1), await on(2)];
      expect(v1.responses.length).toBeGreaterThan(0);
      expect(v2).toEqual(v1);
    },
  );
});

describe('holdfast playbooks new', () => {
  it('scaffolds a playbook that passes the check and a scenario that plays it to closure', async () => {
    const { playbook, scenario } = scaffold('scaffolded-outage', '2026-12-06');
    const checked = checkPlaybookFile('scaffolded-outage.playbook.yaml', playbook);
    expect(checked.problems).toEqual([]);
    ctx.services.registry.add(checked.definition!);
    const run = await runScripted(
      ctx.services.engine,
      parseScenarioYaml(scenario, 'scaffolded.scenario.yaml'),
    );
    expect(run.incident.playbookId).toBe('scaffolded-outage');
    const report = buildReport(run, checked.definition!);
    expect(report.responses.map((r) => [r.id, r.status])).toEqual([['E1.1', 'on_time']]);
    expect(report.objectives.map((o) => o.rating)).toEqual(['P']);
  });
});

describe('the JJ Meds exercise', () => {
  it('as C2 went: the deletion caught by the evidence gate, PIPEDA met, but no member told directly', async () => {
    const report = await play('jj-meds');
    // Notification is not performed while no individual notice went out (PIPEDA s.10.1(3)).
    expect(report.objectives.map((o) => o.rating)).toEqual(['P', 'P', 'S', 'P']);
    expect(report.objectives.find((o) => o.id === 'OBJ3')?.basis).toContain('clock:pipeda-opc on_time');
    expect(report.responses.filter((r) => r.status !== 'on_time')).toEqual([
      expect.objectContaining({ id: 'E7.2', status: 'missed' }),
    ]);
    expect(report.improvements.map((i) => i.issue)).toEqual([
      expect.stringMatching(/^E7\.2 missed: Affected members/),
    ]);
    expect(report.refusedMoves).toEqual([
      expect.objectContaining({ as: 'Web administrator', event: 'credentials.revoked', offset: 'T+01:35' }),
    ]);
    expect(report.injects.find((i) => i.id === 'I7')).toMatchObject({ fired: true, offset: 'T+2d 00:00' });
    // The report to the Commissioner meets only its own clock: no member was told directly and no organisation
    // was notified, so those PIPEDA clocks are still open when the exercise ends (their policy target not reached).
    expect(report.clocks.map((c) => [c.id, c.status])).toEqual([
      ['pipeda-opc', 'met'],
      ['pipeda-individuals', 'running'],
      ['pipeda-organisations', 'running'],
    ]);
    expect(report.metrics.find((m) => m.id === 'time_to_declare')?.minutes).toBe(15);
    expect(report.decisions.map((d) => `${d.event}=${d.option}`)).toEqual([
      'payment.decided=refuse',
      'actor_contact.decided=no_response',
    ]);
    const lanes = new Set(report.timeline.map((row) => row.lane));
    for (const lane of ['injects', 'containment', 'communications', 'legal', 'payment', 'recovery'])
      expect(lanes).toContain(lane);
  });

  it('with a quiet cell: a run of missed escalations lowers the objectives its steps serve, and is a plan item', async () => {
    const scenario = loadScenario('jj-meds');
    const quiet = { ...scenario, script: scenario.script.slice(0, 1) }; // declared, then nothing
    const run = await runScripted(ctx.services.engine, quiet, {});
    const report = buildReport(
      run,
      ctx.services.registry.get(run.incident.playbookId, run.incident.playbookVersion),
    );
    const plan = report.improvements.find((i) => i.issue.includes('deadlines escalated in a row'));
    expect(plan?.issue).toMatch(/^\d+ deadlines escalated in a row with no move between them \(T\+01:00 to /);
    expect(plan?.issue).toContain('Offline decision due');
    const obj1 = report.objectives.find((o) => o.id === 'OBJ1')!;
    expect(obj1.basis).toContain('escalations:containmentDecisionOverdue missed');
    // Below what its expected responses alone score.
    const mine = report.responses.filter(
      (r) => r.objectives.includes('OBJ1') && r.status !== 'not_applicable',
    );
    const responsesOnly =
      mine.reduce((sum, r) => sum + r.weight * (r.score ?? 0), 0) /
      mine.reduce((sum, r) => sum + r.weight, 0);
    expect(obj1.score!).toBeLessThan(responsesOnly);
  });

  it('with evidence skipped: the revocation expectation is missed, and the report says why', async () => {
    const report = await play('jj-meds', 'evidence-skipped');
    const e21 = report.responses.find((r) => r.id === 'E2.1')!;
    expect(e21.status).toBe('missed');
    expect(e21.why).toContain(
      'event credentials.revoked (T+00:50) came before evidence "system_image" (T+05:00)',
    );
    expect(report.objectives.find((o) => o.id === 'OBJ1')).toMatchObject({ rating: 'U' });
    expect(report.objectives.find((o) => o.id === 'OBJ1')?.basis).toContain('a critical response was missed');
    // Refused at T+20 h, so the leak sample comes at T+48 h; nobody determines the breach this time.
    expect(report.injects.find((i) => i.id === 'I7')).toMatchObject({ fired: true });
    expect(report.responses.find((r) => r.id === 'E7.1')).toMatchObject({ status: 'missed' });
    expect(report.clocks.find((c) => c.regime === 'PIPEDA')).toMatchObject({
      status: 'never_started',
      finding: expect.stringMatching(
        /^PIPEDA applied to the incident but this clock never started: its anchor \(Breach determined: .*\) was never recorded$/,
      ),
    });
    expect(report.improvements.map((i) => i.issue).join('\n')).toContain('E2.1 missed');
    // The PIPEDA clock that never started counts against notification, beside the missed determination.
    expect(report.objectives.find((o) => o.id === 'OBJ3')?.basis).toContain('clock:pipeda-opc missed');
    expect(reportMarkdown(report, 'now')).toContain('came before evidence "system_image"');
  });

  it('opens with an executive summary: ratings, what was missed and why (critical first, marked), the three improvements first to make', async () => {
    const report = await play('jj-meds', 'evidence-skipped');
    const { summary } = report;
    expect(summary.objectives.find((o) => o.id === 'OBJ1')).toMatchObject({ rating: 'U' });
    expect(summary.missed.map((m) => `${m.ref}:${m.critical}`)).toEqual(
      expect.arrayContaining(['E2.1:true', 'E8.1:true', 'pipeda-opc:true', 'E7.1:false']),
    );
    const firstNotCritical = summary.missed.findIndex((m) => !m.critical);
    if (firstNotCritical >= 0)
      expect(summary.missed.slice(firstNotCritical).every((m) => !m.critical)).toBe(true);
    expect(summary.topImprovements).toHaveLength(3);
    // Critical responses missed come first, then the notification clock that never started.
    expect(summary.topImprovements.map((i) => i.ref)).toEqual(['E2.1', 'E8.1', 'pipeda-opc']);
    const markdown = reportMarkdown(report, 'now');
    expect(markdown.indexOf('## Executive summary')).toBeLessThan(
      markdown.indexOf('## 1. Exercise overview'),
    );
    expect(markdown).toContain('- **MISSED (critical)** E2.1: ');
    expect(markdown).toMatch(/\| E2\.1 \(critical\) \| .* \| \*\*MISSED \(critical\)\*\* \|/);
    expect(markdown).toMatch(/^1\. Walk the team through .*\(owner: /m);
    expect(reportHtml(report, 'now')).toContain('<strong>MISSED (critical)</strong> E2.1');
  });

  it('played by the book, the summary says nothing was missed', async () => {
    // The iCloud support-staff case's main script files every clock and meets every expected response.
    const report = await play('icloud-support-staff');
    expect(report.summary.missed).toEqual([]);
    expect(report.summary.topImprovements).toEqual([]);
    expect(reportMarkdown(report, 'now')).toContain('Nothing expected was missed.');
  });

  it('gives identical reports for the same scenario and script', async () => {
    const first = await play('jj-meds', 'evidence-skipped');
    const second = await play('jj-meds', 'evidence-skipped');
    expect(second).toEqual(first);
    expect(reportMarkdown(second, 'T')).toBe(reportMarkdown(first, 'T'));
    expect(reportHtml(second, 'T')).toBe(reportHtml(first, 'T'));
  });

  it('stops at a script move the playbook refuses, naming the move and the inject before it', async () => {
    const scenario = loadScenario('jj-meds');
    const broken = {
      ...scenario,
      script: [
        {
          at: 'PT2H',
          as: 'comms',
          event: 'service.restored',
          payload: { rationale: 'too soon' },
          expect: 'accepted' as const,
        },
      ],
    };
    await expect(runScripted(ctx.services.engine, broken)).rejects.toThrow(TabletopError);
    await expect(runScripted(ctx.services.engine, broken)).rejects.toThrow(
      /jj-meds: script move 1 \(T\+PT2H, comms sends service\.restored, after inject I3\) was refused: forbidden/,
    );
  });
});

describe('scenario files', () => {
  it('name the file, the path and what is wrong', () => {
    const source = `apiVersion: tabletop/v1
kind: Scenario
metadata: { id: x, title: X, playbook: ransom-demand }
clock: { start: "2026-01-01T00:00:00Z", end: PT1H }
incident: { title: T, input: {} }
roles: [{ id: ic, playbookRole: incident_commander }]
objectives: [{ id: O1, text: Do it }]
injects:
  - { id: I1, channel: email, from: a, to: [nobody], content: hi, expected: [{ id: E1, description: d, match: { event: x.y }, due: 2h, objectives: [O9] }] }
script:
  - { at: PT30M, as: ic, event: a.b }
  - { at: PT10M, as: ghost, event: a.b }
`;
    try {
      parseScenarioYaml(source, 'bad.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      const message = (error as Error).message;
      expect(message).toMatch(/^bad\.yaml:/);
      for (const problem of [
        'injects[0]: an inject needs `at` or `when`',
        'injects[0].expected[0].due: an ISO 8601 duration',
        'injects[0].to[0]: no role "nobody"',
        'injects[0].expected[0].objectives[0]: no objective "O9"',
        'script[1].as: no role "ghost"',
        'script[1].at: script moves must be in time order',
      ])
        expect(message).toContain(problem);
    }
  });

  it('report YAML syntax errors with their line', () => {
    expect(() => parseScenarioYaml('apiVersion: tabletop/v1\nkind: [unclosed\n', 'broken.yaml')).toThrow(
      /broken\.yaml:\n {2}- line \d+:/,
    );
  });
});
