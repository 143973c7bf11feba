import type { AfterActionReport, ClockResult, ObjectiveResult, ResponseResult } from './report';

/**
 * The executive summary an after-action report opens with: the objectives and their ratings, what was missed and
 * why, and the three improvements that matter most. Pure: computed from the scored report.
 */
export interface ExecutiveSummary {
  objectives: { id: string; text: string; rating: ObjectiveResult['rating'] }[];
  missed: { ref: string; what: string; why: string; critical: boolean; kind: 'response' | 'clock' }[];
  topImprovements: AfterActionReport['improvements'];
}

/**
 * How much a finding matters, lowest first: a critical response missed, then a notification clock missed or
 * never started (a legal exposure), a critical response late, another response missed, another late.
 */
function urgency(ref: string, responses: ResponseResult[], clocks: ClockResult[]): [number, number] {
  const response = responses.find((r) => r.id === ref);
  if (response) {
    const lateBy = response.lateByMinutes ?? 0;
    if (response.status === 'missed')
      return response.critical ? [0, -response.weight] : [3, -response.weight];
    return response.critical ? [2, -lateBy] : [4, -lateBy];
  }
  return clocks.some((c) => c.id === ref) ? [1, 0] : [5, 0];
}

export function executiveSummary(
  objectives: ObjectiveResult[],
  responses: ResponseResult[],
  clocks: ClockResult[],
  improvements: AfterActionReport['improvements'],
): ExecutiveSummary {
  const missedResponses = responses
    .filter((r) => r.status === 'missed')
    .map((r) => ({
      ref: r.id,
      what: r.description,
      why: r.why,
      critical: r.critical,
      kind: 'response' as const,
    }));
  const missedClocks = clocks
    .filter((c) => c.status === 'missed' || (c.status === 'never_started' && c.finding))
    .map((c) => ({ ref: c.id, what: c.label, why: c.finding ?? '', critical: true, kind: 'clock' as const }));
  const ranked = improvements
    .map((item, index) => ({ item, index, rank: urgency(item.ref, responses, clocks) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.index - b.index);
  return {
    objectives: objectives.map(({ id, text, rating }) => ({ id, text, rating })),
    missed: [...missedResponses, ...missedClocks].sort((a, b) => Number(b.critical) - Number(a.critical)),
    topImprovements: ranked.slice(0, 3).map(({ item }) => item),
  };
}
