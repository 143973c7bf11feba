import type { Context } from 'hono';
import { reportContentSecurityPolicy } from '../tabletop';

/**
 * A report as the caller asked for it by `Accept`: Markdown, an HTML page (under the report CSP), else JSON
 * (`{ generatedAt, report }`). Report text is anyone's (scenario text, payloads, notes): no browser may take it
 * for another type than the one sent.
 */
export function sendReport<R>(
  c: Context,
  report: R,
  render: {
    markdown: (report: R, generatedAt: string) => string;
    html: (report: R, generatedAt: string) => string;
  },
) {
  const generatedAt = new Date().toISOString();
  const accept = c.req.header('accept') ?? '';
  c.header('X-Content-Type-Options', 'nosniff');
  if (accept.includes('text/markdown')) {
    return c.body(render.markdown(report, generatedAt), 200, {
      'content-type': 'text/markdown; charset=utf-8',
    });
  }
  if (accept.includes('text/html')) {
    c.header('Content-Security-Policy', reportContentSecurityPolicy);
    return c.html(render.html(report, generatedAt), 200);
  }
  return c.json({ generatedAt, report }, 200);
}
