import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkPlaybookFile,
  formatProblem,
  playbookDiff,
  playbookJsonSchema,
} from '../../src/playbook-format';

const root = resolve(import.meta.dirname, '../..');
const small = readFileSync(resolve(root, 'test/fixtures/playbook-files/small.playbook.yaml'), 'utf8');

/** The small playbook with one change; each change must be in the file exactly once. */
const changed = (from: string, to: string) => {
  expect(small.split(from)).toHaveLength(2);
  return small.replace(from, to);
};
const problemsOf = (text: string) => checkPlaybookFile('small.playbook.yaml', text).problems;

describe('playbook files', () => {
  it('compile and pass the check when sound', () => {
    const checked = checkPlaybookFile('small.playbook.yaml', small);
    expect(checked.problems).toEqual([]);
    expect(checked.definition).toMatchObject({ id: 'small-outage', version: 1 });
  });

  it.each([
    [
      'bad YAML',
      ['title: Small outage', 'title: "Small outage'],
      { line: 5, column: 21, message: /closing "quote/, hint: /YAML syntax/ },
    ],
    [
      'an unknown guard',
      ['{ optionIs: skip }', '{ optionWas: skip }'],
      { line: 53, column: 31, message: /unknown guard "optionWas"/, hint: /optionIs, payloadIs/ },
    ],
    [
      'an unknown event in a gate',
      [
        '{ to: restored, when: { optionIs: notify }, decision: customer_notice }',
        '{ to: restored, when: { allOf: [{ optionIs: notify }, { factRecorded: service.restord }] } }',
      ],
      { line: 52, column: 85, message: /factRecorded names the event "service\.restord"/, hint: /events:/ },
    ],
    [
      'an unknown event a step waits for',
      ['on: { service.restored: decide }', 'on: { service.restord: decide }'],
      { line: 46, column: 15, message: /waits for "service\.restord"/, hint: /declare it/ },
    ],
    [
      'an unreachable step',
      ['on: { service.restored: decide }', 'on: { service.restored: restored }'],
      { line: 47, column: 7, message: /step "recovery\.decide" is unreachable/, hint: /moves to it/ },
    ],
    [
      'a deadline on a step that cannot be done',
      ['        on: { service.restored: decide }\n', ''],
      { line: 45, column: 20, message: /deadline but no event moves it on/, hint: /drop the deadline/ },
    ],
    [
      'a decision option never handled',
      ['            - { to: restored, when: { optionIs: skip }, decision: customer_notice }\n', ''],
      {
        line: 51,
        column: 11,
        message: /option "skip" of notice\.decided is never handled/,
        hint: /optionIs/,
      },
    ],
    [
      'a role nobody holds',
      [
        '    roles: [technical_lead]\n    payload: { how',
        '    roles: [site_reliability]\n    payload: { how',
      ],
      { line: 26, column: 13, message: /role "site_reliability" .* nobody holds it/, hint: /roles:/ },
    ],
    [
      'a duplicate id',
      ['\n  notice.decided:\n', '\n  service.restored:\n'],
      { line: 29, column: 3, message: /keys must be unique/, hint: /appears once/ },
    ],
    [
      'an unknown key',
      ['severity: low', 'severity: low\nseverty: high'],
      { line: 11, column: 1, message: /unknown key "severty"/, hint: /spelling/ },
    ],
    [
      'a target that is not a step of the track',
      ['{ service.restored: decide }', '{ service.restored: decid }'],
      { line: 46, column: 33, message: /"decid" is not a step of track "recovery"/, hint: /restore, decide/ },
    ],
    [
      'a window that ends in a step the track does not have',
      [
        '        deadlines: [restoreDue]\n',
        '        deadlines: [restoreDue]\n        endsAfter: { window: restoreDue, to: nowhere }\n',
      ],
      { line: 46, column: 46, message: /"nowhere" is not a step of track "recovery"/, hint: /./ },
    ],
    [
      'a payload rule over a field the payload does not have',
      [
        '    examples: [{ how: Rolled back the release. }]\n',
        '    rules: [{ sum: [attempts], atMost: how, message: too many attempts }]\n    examples: [{ how: Rolled back the release. }]\n',
      ],
      {
        line: 28,
        column: 13,
        message: /rule of service\.restored names "attempts"/,
        hint: /payload fields: how/,
      },
    ],
    [
      'a step that moves on by itself to a step the track does not have',
      [
        '        owner: incident_commander\n        on:\n',
        '        owner: incident_commander\n        always: { to: nowhere, when: { factRecorded: service.restored } }\n        on:\n',
      ],
      {
        line: 50,
        column: 23,
        message: /"nowhere" is not a step of track "recovery"/,
        hint: /restore, decide/,
      },
    ],
  ] as const)('locate %s at its line and column, with a hint', (_name, [from, to], expected) => {
    const problems = problemsOf(changed(from, to));
    const found = problems.find((p) => expected.message.test(p.message));
    expect(found, problems.map(formatProblem).join('\n')).toMatchObject({
      file: 'small.playbook.yaml',
      line: expected.line,
      column: expected.column,
    });
    expect(found!.hint).toMatch(expected.hint);
  });

  it('take an option as handled behind a gate that does not test options, or by the step the option led to', () => {
    const decide = `          notice.decided:
            - { to: restored, when: { optionIs: notify }, decision: customer_notice }
            - { to: restored, when: { optionIs: skip }, decision: customer_notice }
`;
    const gated = changed(
      decide,
      '          notice.decided: { to: restored, when: { factRecorded: service.restored }, decision: customer_notice }\n',
    );
    expect(problemsOf(gated)).toEqual([]);
    const decideAgain = (option: string) =>
      changed(
        decide,
        `          notice.decided:
            - { to: reconsider, when: { optionIs: notify }, decision: customer_notice }
            - { to: restored, when: { optionIs: skip }, decision: customer_notice }
      reconsider:
        description: Decide again once the service is back.
        owner: incident_commander
        on:
          notice.decided: { to: restored, when: { optionIs: ${option} }, decision: customer_notice }
`,
      );
    // Choosing notify again in the step notify led to is refused, as meant; skip there must be handled.
    expect(problemsOf(decideAgain('skip'))).toEqual([]);
    expect(problemsOf(decideAgain('notify')).map((p) => p.message)).toEqual([
      'option "skip" of notice.decided is never handled: the event would be refused',
    ]);
  });

  it('locate what the kit finds (an example that fails its schema) at the event', () => {
    const [problem] = problemsOf(
      changed('examples: [{ how: Rolled back the release. }]', 'examples: [{ how: 3 }]'),
    );
    expect(problem).toMatchObject({ line: 23, column: 3 });
    expect(problem!.message).toContain('event "service.restored" example 0 fails its schema');
  });

  it('refuse an alias bomb instead of expanding it', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
      { length: 12 },
      (_, i) =>
        `b${i}: &b${i} [${Array(10)
          .fill(i === 0 ? '*a' : `*b${i - 1}`)
          .join(', ')}]`,
    ).join('\n')}\n`;
    const problems = problemsOf(bomb);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/alias/i);
  });

  it('have a JSON Schema that accepts the bundled files and refuses a misspelt key', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(playbookJsonSchema());
    for (const file of [
      'playbooks/cross-customer-exposure/v2.playbook.yaml',
      'playbooks/credential-stuffing/v2.playbook.yaml',
      'playbooks/ddos-extortion/v1.playbook.yaml',
    ]) {
      const bundled = parse(readFileSync(resolve(root, file), 'utf8'), { maxAliasCount: 100 });
      expect(validate(bundled), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate(parse(changed('severity: low', 'severty: low')))).toBe(false);
  });

  it('diff shows what a new version changes', () => {
    const v1 = checkPlaybookFile('v1', small).definition!;
    const v2 = checkPlaybookFile(
      'v2',
      changed('version: 1', 'version: 2').replace(
        'roles: [incident_commander]\n    payload:\n      option',
        'roles: [incident_commander, technical_lead]\n    payload:\n      option',
      ),
    ).definition!;
    const lines = playbookDiff(v1, v2);
    expect(lines).toContain('~ version: 1 → 2');
    expect(lines).toContain(
      '~ events[notice.decided].roles: ["incident_commander"] → ["incident_commander","technical_lead"]',
    );
    expect(lines).toHaveLength(2);
    expect(playbookDiff(v1, v1)).toEqual([]);
  });
});
