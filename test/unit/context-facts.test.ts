import { describe, expect, it } from 'vitest';
import { ransomDemandV3 } from '../../playbooks/ransom-demand';
import { contextFacts, type TrackedClock } from '../../src/playbook-kit';
import { PlaybookDriver } from '../support/playbook-driver';

const clock = (id: string, state: TrackedClock['state']) => ({ id, state }) as TrackedClock;

describe('context facts: what holdfast reads from a playbook context, declared once', () => {
  it("reads the kit's convention, and nothing from a context that does not follow it", () => {
    expect(
      contextFacts(
        {},
        {
          openedAt: '2026-01-01T00:00:00.000Z',
          clocks: { a: clock('a', 'overdue') },
          anchors: { aware: { at: '2026-01-01T01:00:00.000Z', by: 'breach.aware', implied: false } },
          jurisdictions: ['US', 7],
          timeZone: 'America/Toronto',
        },
      ),
    ).toEqual({
      openedAt: '2026-01-01T00:00:00.000Z',
      clocks: [clock('a', 'overdue')],
      anchors: { aware: { at: '2026-01-01T01:00:00.000Z', by: 'breach.aware', implied: false } },
      jurisdictions: ['US'],
      timeZone: 'America/Toronto',
      input: {},
      recorded: {},
      decisions: [],
      evidence: [],
    });
    for (const junk of [
      null,
      'text',
      42,
      [],
      { openedAt: 5, clocks: 'x', jurisdictions: 'US', timeZone: 3 },
    ]) {
      expect(contextFacts({}, junk)).toEqual({
        openedAt: null,
        clocks: [],
        anchors: {},
        jurisdictions: null,
        timeZone: null,
        input: {},
        recorded: {},
        decisions: [],
        evidence: [],
      });
    }
  });

  it("uses the playbook's own projection when it declares one", () => {
    const declared = {
      contextFacts: (context: unknown) => ({
        openedAt: (context as { began: string }).began,
        clocks: (context as { duties: TrackedClock[] }).duties,
        anchors: {},
        jurisdictions: ['JP'],
        timeZone: 'Asia/Tokyo',
      }),
    };
    const context = {
      began: '2026-02-02T00:00:00.000Z',
      duties: [clock('d', 'running')],
      clocks: { x: clock('x', 'overdue') },
    };
    expect(contextFacts(declared, context)).toEqual({
      openedAt: '2026-02-02T00:00:00.000Z',
      clocks: [clock('d', 'running')],
      anchors: {},
      jurisdictions: ['JP'],
      timeZone: 'Asia/Tokyo',
    });
  });

  it('is what a catalogue playbook opens with: its received time and jurisdictions', () => {
    const driver = new PlaybookDriver(
      ransomDemandV3,
      ransomDemandV3.example!.input,
      ransomDemandV3.example!.openedAt,
    );
    const facts = contextFacts(ransomDemandV3, driver.context);
    expect(facts.openedAt).toBe(new Date(ransomDemandV3.example!.openedAt).toISOString());
    expect(facts.jurisdictions?.length).toBeGreaterThan(0);
    expect(facts.clocks).toEqual([]);
    expect(facts.timeZone).toBe((ransomDemandV3.example!.input as { timeZone: string }).timeZone);
  });
});
