import { createHash } from 'node:crypto';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { AfterActionReport } from './report';

/** Table cells: no pipes or line breaks inside. */
const cell = (value: unknown): string =>
  value === null || value === undefined || value === ''
    ? '–'
    : String(value)
        .replace(/\|/g, '\\|')
        .replace(/\s*\n\s*/g, ' ');

const table = (headers: string[], rows: unknown[][]): string =>
  rows.length === 0
    ? '_None._\n'
    : `${[
        `| ${headers.join(' | ')} |`,
        `|${headers.map(() => '---').join('|')}|`,
        ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
      ].join('\n')}\n`;

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
      report.decisions.map((d) => [d.offset, d.event, d.option, d.rationale, d.by]),
    ),
    '## 7. Moves the playbook refused',
    '',
    table(
      ['at', 'who', 'event', 'reason'],
      report.refusedMoves.map((m) => [m.offset, m.as, m.event, m.reason]),
    ),
    '## 8. Timeline by track',
    '',
    ...lanes.flatMap((lane) => [
      `### ${lane}`,
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

const escapeHtml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Markdown to HTML with raw HTML shown as text: scenario text never becomes markup. */
const markdown = new Marked({ renderer: { html: ({ text }) => escapeHtml(text) } });

/**
 * What Markdown itself may still make of scenario text, cut down to what a report needs: its own headings,
 * lists and tables, and links to web pages or mail addresses only. No images (a remote one tells its host who
 * read the report), no `javascript:` or relative links, no attributes but a link's target.
 */
const sanitize = (html: string): string =>
  sanitizeHtml(html, {
    allowedTags: [
      'h1',
      'h2',
      'h3',
      'p',
      'ul',
      'ol',
      'li',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'a',
      'code',
      'pre',
      'em',
      'strong',
      'del',
      'blockquote',
      'br',
      'hr',
    ],
    allowedAttributes: { a: ['href', 'rel'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    transformTags: {
      // A relative link would point into the API itself.
      a: (tagName, { href = '' }): sanitizeHtml.Tag => ({
        tagName,
        attribs: /^(https?:\/\/|mailto:)/i.test(href) ? { href, rel: 'noreferrer' } : {},
      }),
    },
  });

const style = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
h1 { border-bottom: 3px solid #333; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
`;

const policy = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
];

/**
 * The Content-Security-Policy to serve a report page with: its own stylesheet (by hash) and nothing else, no
 * script, image, font or connection, in no frame. The page repeats it in a `<meta>` for the copies written to
 * disk, where `frame-ancestors` does not apply.
 */
export const reportContentSecurityPolicy = [...policy, "frame-ancestors 'none'"].join('; ');

/** The same report as a standalone HTML page. */
export function reportHtml(report: AfterActionReport, generatedAt: string): string {
  const body = sanitize(markdown.parse(reportMarkdown(report, generatedAt), { async: false }));
  const title = escapeHtml(report.overview.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy.join('; ')}">
<title>After-action report: ${title}</title>
<style>${style}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
