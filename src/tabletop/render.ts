import { markdownPage, table } from './page';
import type { AfterActionReport } from './report';
import { keyAsWords } from './words';

const minutes = (m: number | null) =>
  m === null ? 'not reached' : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;

/** How a critical item that was missed is marked, in the summary and in the response log. */
const CRITICAL_MISSED = '**MISSED (critical)**';

/** The executive summary: what a reader who reads nothing else must see. */
function summaryMarkdown(report: AfterActionReport): string[] {
  const { summary } = report;
  return [
    '## Executive summary',
    '',
    '**Objectives and ratings**',
    '',
    table(
      ['objective', 'rating'],
      summary.objectives.map((x) => [`${x.id}: ${x.text}`, `${x.rating} (${ratingWords[x.rating]})`]),
    ),
    '**What was missed, and why**',
    '',
    ...(summary.missed.length === 0
      ? ['Nothing expected was missed.', '']
      : [
          ...summary.missed.map(
            (m) => `- ${m.critical ? `${CRITICAL_MISSED} ` : ''}${m.ref}: ${m.what}. Why: ${m.why}`,
          ),
          '',
        ]),
    '**The three most important improvements**',
    '',
    ...(summary.topImprovements.length === 0
      ? ['None: every expected response and clock was met on time.', '']
      : [
          ...summary.topImprovements.map(
            (item, i) =>
              `${i + 1}. ${item.correctiveAction} (owner: ${item.owner}; ${item.element}). For: ${item.issue}`,
          ),
          '',
        ]),
  ];
}

const ratingWords: Record<AfterActionReport['summary']['objectives'][number]['rating'], string> = {
  P: 'performed without challenges',
  S: 'some challenges',
  M: 'major challenges',
  U: 'unable to be performed',
  'N/A': 'not exercised',
};

/** The after-action report as Markdown (HSEEP AAR/IP order, §4.5). `generatedAt` is the only varying line. */
export function reportMarkdown(report: AfterActionReport, generatedAt: string): string {
  const o = report.overview;
  const lanes = [...new Set(report.timeline.map((row) => row.lane))];
  return [
    `# After-action report: ${o.title}`,
    '',
    `Scenario \`${o.scenario}\` · playbook \`${o.playbook}\` v${o.playbookVersion} · TLP:${o.tlp} · generated ${generatedAt}`,
    '',
    ...summaryMarkdown(report),
    '## 1. Exercise overview',
    '',
    table(
      ['field', 'value'],
      [
        ['Based on', o.basedOn.join(', ')],
        ['Threat / hazard', o.threatHazard],
        ['Mission areas', o.missionAreas.join(', ')],
        ['Virtual start', `${o.start} (${o.timeZone})`],
        ['Virtual end', o.end],
        ['Incident status at end', report.outcome.status],
        ['Assumptions', o.assumptions.join('; ')],
      ],
    ),
    '## 2. Objectives and ratings',
    '',
    'Ratings use the HSEEP labels P (performed without challenges), S (some challenges), M (major challenges), U (unable to be performed). The numeric basis is an engine convention.',
    '',
    table(
      ['objective', 'core capabilities', 'rating', 'basis'],
      report.objectives.map((x) => [`${x.id}: ${x.text}`, x.coreCapabilities.join(', '), x.rating, x.basis]),
    ),
    '## 3. Inject and response log',
    '',
    table(
      ['inject', 'at', 'channel', 'from', 'content'],
      report.injects.map((i) => [i.id, i.offset ?? 'not fired', i.channel, i.from, i.content]),
    ),
    table(
      ['response', 'inject', 'expected', 'status', 'due', 'met', 'why'],
      report.responses.map((r) => [
        `${r.id}${r.critical ? ' (critical)' : ''}`,
        r.inject,
        r.description,
        r.status === 'late'
          ? `late by ${minutes(r.lateByMinutes)}`
          : r.critical && r.status === 'missed'
            ? CRITICAL_MISSED
            : r.status,
        r.due,
        r.met,
        r.why,
      ]),
    ),
    '## 4. Notification clocks',
    '',
    table(
      ['clock', 'anchor', 'due', 'filed', 'status', 'finding', 'source'],
      report.clocks.map((c) => [c.label, c.anchorAt, c.dueAt, c.filedAt, c.status, c.finding, c.source]),
    ),
    '## 5. Metrics',
    '',
    table(
      ['metric', 'from T0'],
      report.metrics.map((m) => [m.title, minutes(m.minutes)]),
    ),
    '## 6. Decision log',
    '',
    table(
      ['at', 'decision', 'option', 'rationale', 'by'],
      report.decisions.map((d) => [d.offset, d.what, d.option, d.rationale, d.by]),
    ),
    '## 7. Moves the playbook refused',
    '',
    table(
      ['at', 'who', 'event', 'reason'],
      report.refusedMoves.map((m) => [m.offset, m.as, m.what, m.reason]),
    ),
    '## 8. Timeline by track',
    '',
    ...lanes.flatMap((lane) => [
      `### ${keyAsWords(lane)}`,
      '',
      table(
        ['at', 'what', 'source'],
        report.timeline.filter((row) => row.lane === lane).map((row) => [row.offset, row.what, row.source]),
      ),
    ]),
    '## 9. Improvement plan',
    '',
    table(
      ['issue', 'corrective action', 'element (POETE)', 'owner'],
      report.improvements.map((i) => [i.issue, i.correctiveAction, i.element, i.owner]),
    ),
    '## 10. Discussion questions',
    '',
    ...report.modules.flatMap((m) => [
      `### ${m.id}: ${m.title}`,
      '',
      ...m.discussionQuestions.map((q) => `- ${q}`),
      '',
    ]),
  ].join('\n');
}

/** The same report as a standalone HTML page. */
export function reportHtml(report: AfterActionReport, generatedAt: string): string {
  return markdownPage(`After-action report: ${report.overview.title}`, reportMarkdown(report, generatedAt));
}
