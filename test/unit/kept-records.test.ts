import { describe, expect, it } from 'vitest';
import { privilegedAccessAbuseV1 } from '../../playbooks/privileged-access-abuse';
import { ransomDemandV2 } from '../../playbooks/ransom-demand';
import { appendKept, KEPT_RECORDS } from '../../src/playbook-kit';
import { jjMedsInput } from '../fixtures/jj-meds';
import { PlaybookDriver } from '../support/playbook-driver';

const numbers = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('appendKept', () => {
  it('appends while the list is short, and counts nothing', () => {
    expect(appendKept('xs', [1, 2], [3], undefined)).toEqual({ list: [1, 2, 3], omitted: undefined });
  });

  it('keeps the newest records, and counts the ones that left by list', () => {
    const { list, omitted } = appendKept('xs', numbers(0, KEPT_RECORDS), [KEPT_RECORDS, 51], { ys: 4 });
    expect(list).toEqual(numbers(2, KEPT_RECORDS + 2));
    expect(omitted).toEqual({ ys: 4, xs: 2 });
    expect(appendKept('xs', list, [99], omitted).omitted).toEqual({ ys: 4, xs: 3 });
  });

  it('keeps the newest record of each key, however old', () => {
    const records = numbers(0, KEPT_RECORDS).map((n) => ({ kind: n === 0 ? 'rare' : 'common', n }));
    const { list, omitted } = appendKept(
      'xs',
      records,
      [{ kind: 'common', n: 50 }],
      undefined,
      (r) => r.kind,
    );
    expect(list).toHaveLength(KEPT_RECORDS);
    expect(list[0]).toEqual({ kind: 'rare', n: 0 });
    expect(list.map((r) => r.n)).not.toContain(1);
    expect(omitted).toEqual({ xs: 1 });
  });
});

describe('context lists of repeated events', () => {
  it('keep the newest evidence of every kind, so a guard asking for a kind answers as before (kit)', () => {
    const { openedAt, input } = privilegedAccessAbuseV1.example;
    const d = new PlaybookDriver(privilegedAccessAbuseV1, input, openedAt);
    const capture = (kind: string) =>
      d.send('evidence.captured', { kind, sha256: 'c'.repeat(64), location: `evidence://locker/${kind}` });
    d.send('staff.identified');
    capture('support_tool_log');
    d.send('access.suspended');
    capture('telephony_log');
    capture('crm_notes');
    for (let n = 0; n < KEPT_RECORDS + 10; n++) capture('screenshot');
    const evidence = d.context.evidence as { kind: string }[];
    expect(evidence).toHaveLength(KEPT_RECORDS);
    expect(evidence.slice(0, 3).map((item) => item.kind)).toEqual([
      'support_tool_log',
      'telephony_log',
      'crm_notes',
    ]);
    expect(d.context.omitted).toEqual({ evidence: 13 });
    // hasEvidence(support_tool_log, telephony_log, crm_notes): all three are older than the newest 50.
    d.send('records.preserved');
    expect(d.in('containment.interview')).toBe(true);
  });

  it('keep the newest situation reports of PB-1, counting the older ones', () => {
    const d = new PlaybookDriver(ransomDemandV2, jjMedsInput('2018-03-08T10:00:00Z'), '2018-03-08T10:05:00Z');
    d.send('incident.declared');
    for (let n = 0; n < KEPT_RECORDS + 10; n++) d.send('sitrep.published', { summary: `report ${n}` });
    const { sitreps } = (d.context as unknown as { command: { sitreps: { summary: string }[] } }).command;
    expect(sitreps).toHaveLength(KEPT_RECORDS);
    expect(sitreps[0]!.summary).toBe('report 10');
    expect(sitreps.at(-1)!.summary).toBe(`report ${KEPT_RECORDS + 9}`);
    expect(d.context.omitted).toEqual({ 'command.sitreps': 10 });
  });
});
