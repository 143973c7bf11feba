import { describe, expect, it } from 'vitest';
import { clockObligations, loadScenario, notificationObjectives } from '../../src/tabletop';

const clock = (id: string, status: string, extra: Record<string, string | null> = {}) => ({
  id,
  label: id,
  regime: 'R',
  dueAt: '2026-03-12T00:00:00.000Z',
  filedAt: null,
  status,
  finding: null,
  ...extra,
});
// The report's decay is its own affair: here two hours late scores 0.9, anything else would show.
const lateScore = (minutes: number) => (minutes === 120 ? 0.9 : -1);

describe('clocks an exercise owed, scored like expected responses', () => {
  it('counts a clock met, filed late, missed, or never started for want of its anchor; not one still running', () => {
    const scored = clockObligations(
      [
        clock('pipeda-opc', 'met'),
        clock('gdpr-art33', 'late', { filedAt: '2026-03-12T02:00:00.000Z' }),
        clock('nydfs-incident', 'missed', { finding: 'NYDFS report was not filed' }),
        clock('sec-8k-105', 'never_started', { finding: 'materiality.determined never recorded' }),
        clock('appi-confirmed', 'never_started'),
        clock('hipaa-individuals', 'running'),
        clock('visa-initial-report', 'not_required'),
      ],
      ['OBJ3'],
      lateScore,
    );
    expect(scored.map((o) => [o.id, o.status, o.score, o.critical])).toEqual([
      ['clock:pipeda-opc', 'on_time', 1, false], // a policy target, not the law's number
      ['clock:gdpr-art33', 'late', 0.9, true],
      ['clock:nydfs-incident', 'missed', 0, true],
      ['clock:sec-8k-105', 'missed', 0, true],
    ]);
    expect(scored.every((o) => o.objectives.join() === 'OBJ3')).toBe(true);
  });

  it("belong to the objectives of the scenario's filing and anchor responses", () => {
    expect(notificationObjectives(loadScenario('jj-meds'))).toEqual(['OBJ3']);
  });
});
