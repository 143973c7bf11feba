import { createRoute, z } from '@hono/zod-openapi';
import { Refusal } from '../../engine';
import { incidentReport, incidentReportHtml, incidentReportMarkdown } from '../../tabletop';
import type { App, AppDeps } from '../context';
import { sendReport } from '../report-response';
import { router } from '../router';
import { IdParam, isUuid, problemResponses } from '../schemas';

const row = z.object({}).catchall(z.unknown());

const IncidentReportSchema = z
  .object({
    generatedAt: z.string(),
    report: z.object({
      overview: row,
      now: row.openapi({ description: 'The steps active now and what is overdue' }),
      timeline: z.array(row),
      decisions: z
        .array(row)
        .openapi({ description: 'Events that carried a rationale, with the choice made' }),
      evidence: z.array(row).openapi({ description: 'Evidence items recorded, with their SHA-256' }),
      clocks: z.array(row).openapi({ description: 'Notification clocks: started, due, filed' }),
      filings: z.array(row).openapi({ description: 'Reports and notices sent outside' }),
      escalations: z.array(row).openapi({ description: 'Deadlines that passed with their step not done' }),
      told: z.array(row).openapi({
        description:
          'What reached people through responder-facing webhook endpoints, and when (or that it failed)',
      }),
    }),
  })
  .openapi('IncidentReport');

const reportRoute = createRoute({
  method: 'get',
  path: '/v1/incidents/{id}/report',
  tags: ['incidents'],
  summary: 'Incident report for the regulator, the insurer and the board: JSON, or Markdown / HTML by Accept',
  description:
    'Timeline, decisions with their rationale, evidence, notification clocks and filings, escalations. ' +
    'Visible to whoever may see the incident.',
  request: { params: IdParam },
  responses: {
    200: {
      description: 'The report',
      content: {
        'application/json': { schema: IncidentReportSchema },
        'text/markdown': { schema: z.string() },
        'text/html': { schema: z.string() },
      },
    },
    ...problemResponses(401, 404),
  },
});

export function reportRoutes(deps: AppDeps): App {
  const app = router();
  app.openapi(reportRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!isUuid(id)) throw new Refusal('not_found', `no incident ${id}`);
    const report = await incidentReport(
      deps.engine,
      (incident) => deps.registry.get(incident.playbookId, incident.playbookVersion),
      id,
      c.var.actor,
      (incidentId) => deps.webhooks.incidentNotifications(incidentId),
    );
    return sendReport(c, report, { markdown: incidentReportMarkdown, html: incidentReportHtml });
  });
  return app;
}
