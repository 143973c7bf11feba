import { createHash } from 'node:crypto';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Report pages: Markdown tables, and a Markdown document as a standalone HTML page whose text (scenario text,
 * payloads, notes: anyone's) never becomes markup. The after-action report and the incident report use them.
 */

/** Table cells: no pipes or line breaks inside. */
const cell = (value: unknown): string =>
  value === null || value === undefined || value === ''
    ? '–'
    : String(value)
        .replace(/\|/g, '\\|')
        .replace(/\s*\n\s*/g, ' ');

export const table = (headers: string[], rows: unknown[][]): string =>
  rows.length === 0
    ? '_None._\n'
    : `${[
        `| ${headers.join(' | ')} |`,
        `|${headers.map(() => '---').join('|')}|`,
        ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
      ].join('\n')}\n`;

const escapeHtml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Markdown to HTML with raw HTML shown as text: scenario text never becomes markup. */
const markdownParser = new Marked({ renderer: { html: ({ text }) => escapeHtml(text) } });

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

/** `markdown` as a standalone HTML page titled `title`, sanitized, under the report CSP. */
export function markdownPage(title: string, markdown: string): string {
  const body = sanitize(markdownParser.parse(markdown, { async: false }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy.join('; ')}">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
