import { createRoute, z } from '@hono/zod-openapi';
import { Refusal, requireFacilitator } from '../../engine';
import { bundledScenarios, isoDuration, reportHtml, reportMarkdown, scriptNames } from '../../tabletop';
import type { App, AppDeps } from '../context';
import { assertStorableJson } from '../json-guard';
import { sendReport } from '../report-response';
import { router } from '../router';
import { IdParam, isUuid, json, problemResponses } from '../schemas';

const tags = ['tabletop'];

const ExerciseSchema = z
  .object({
    id: z.string(),
    scenarioId: z.string(),
    title: z.string(),
    playbookId: z.string(),
    status: z.enum(['running', 'finished']),
    incidentId: z.string(),
    start: z.string().openapi({ description: 'The scenario start (T+00:00), virtual time' }),
    clock: z.string().openapi({ description: "The exercise incident's virtual clock" }),
    end: z.string(),
    injects: z.array(
      z.object({
        id: z.string(),
        module: z.string().nullable(),
        at: z.string(),
        offset: z.string().openapi({ example: 'T+01:45' }),
        channel: z.string(),
        from: z.string(),
        to: z.array(z.string()),
        content: z.string(),
      }),
    ),
  })
  .openapi('Exercise');

const ScenarioSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    playbook: z.string(),
    basedOn: z.array(z.string()),
    scripts: z.array(z.string()).openapi({ description: 'main, then the alternative scripts' }),
  })
  .openapi('ScenarioSummary');

const row = z.object({}).catchall(z.unknown());
const ReportSchema = z
  .object({
    generatedAt: z.string(),
    report: z
      .object({
        overview: z
          .object({ scenario: z.string(), title: z.string(), playbook: z.string() })
          .catchall(z.unknown()),
        summary: row.openapi({
          description:
            'Executive summary: objectives and ratings, what was missed and why, the three most important improvements',
        }),
        objectives: z.array(row).openapi({ description: 'Each objective rated P/S/M/U with its basis' }),
        responses: z.array(row).openapi({ description: 'Each expected response: on time, late, missed' }),
        clocks: z.array(row),
        metrics: z.array(row),
        decisions: z.array(row),
        refusedMoves: z.array(row),
        injects: z.array(row),
        timeline: z.array(row),
        improvements: z.array(row),
        modules: z.array(row),
        outcome: row,
      })
      .catchall(z.unknown()),
  })
  .openapi('AfterActionReport');

const listScenariosRoute = createRoute({
  method: 'get',
  path: '/v1/scenarios',
  tags,
  summary: 'Bundled tabletop scenarios',
  responses: {
    200: json(z.object({ items: z.array(ScenarioSummarySchema) }), 'Scenarios'),
    ...problemResponses(401),
  },
});

const startRoute = createRoute({
  method: 'post',
  path: '/v1/exercises',
  tags,
  summary:
    'Start a facilitated exercise (facilitator or admin): opens its incident in exercise mode at the scenario start',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.union([
            z.strictObject({ scenarioId: z.string().min(1).max(100) }),
            z.strictObject({ scenario: z.record(z.string(), z.unknown()) }),
          ]),
        },
      },
      required: true,
    },
  },
  responses: { 201: json(ExerciseSchema, 'The exercise'), ...problemResponses(400, 401, 403, 404, 413) },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/exercises',
  tags,
  summary: 'Exercises, running and finished, latest start first',
  request: {
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }),
  },
  responses: {
    200: json(z.object({ items: z.array(ExerciseSchema) }), 'Exercises'),
    ...problemResponses(400, 401),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/exercises/{id}',
  tags,
  summary: 'An exercise: its virtual clock and the injects delivered so far',
  request: { params: IdParam },
  responses: { 200: json(ExerciseSchema, 'The exercise'), ...problemResponses(401, 403, 404) },
});

const clockRoute = createRoute({
  method: 'post',
  path: '/v1/exercises/{id}/clock',
  tags,
  summary: 'Move the virtual clock (facilitator or admin): delivers injects and fires timers due, in order',
  request: {
    params: IdParam,
    body: {
      content: {
        'application/json': {
          schema: z.union([
            z.strictObject({
              advance: isoDuration.describe('ISO 8601 duration, e.g. PT2H; at most 10 years'),
            }),
            z.strictObject({
              to: z.iso
                .datetime({ offset: true })
                .describe("Not before 1970, not more than 10 years after the server's now"),
            }),
          ]),
        },
      },
      required: true,
    },
  },
  responses: { 200: json(ExerciseSchema, 'The exercise'), ...problemResponses(400, 401, 403, 404) },
});

const reportRoute = createRoute({
  method: 'get',
  path: '/v1/exercises/{id}/report',
  tags,
  summary: 'After-action report: JSON, or Markdown / HTML by Accept',
  request: { params: IdParam },
  responses: {
    200: {
      description: 'The report',
      content: {
        'application/json': { schema: ReportSchema },
        'text/markdown': { schema: z.string() },
        'text/html': { schema: z.string() },
      },
    },
    ...problemResponses(401, 403, 404),
  },
});

export function exerciseRoutes(deps: AppDeps): App {
  const app = router();
  const { exercises } = deps;
  const assertUuid = (id: string) => {
    if (!isUuid(id)) throw new Refusal('not_found', `no exercise ${id}`);
  };

  app.openapi(listScenariosRoute, (c) =>
    c.json(
      {
        items: bundledScenarios().map(({ id, scenario }) => ({
          id,
          title: scenario.metadata.title,
          playbook: scenario.metadata.playbook,
          basedOn: scenario.metadata.basedOn,
          scripts: scriptNames(scenario),
        })),
      },
      200,
    ),
  );

  app.openapi(startRoute, async (c) => {
    requireFacilitator(c.var.actor);
    const body = c.req.valid('json');
    assertStorableJson(body);
    const exercise = await exercises.start(body, c.var.actor);
    c.header('Location', `/v1/exercises/${exercise.id}`);
    return c.json(exercise, 201);
  });

  app.openapi(listRoute, async (c) => {
    const { limit } = c.req.valid('query');
    return c.json({ items: await exercises.list(limit ?? 50) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    assertUuid(id);
    return c.json(await exercises.get(id, c.var.actor), 200);
  });

  app.openapi(clockRoute, async (c) => {
    requireFacilitator(c.var.actor);
    const { id } = c.req.valid('param');
    assertUuid(id);
    return c.json(await exercises.moveClock(id, c.req.valid('json'), c.var.actor), 200);
  });

  app.openapi(reportRoute, async (c) => {
    const { id } = c.req.valid('param');
    assertUuid(id);
    const report = await exercises.report(id, c.var.actor);
    return sendReport(c, report, { markdown: reportMarkdown, html: reportHtml });
  });
  return app;
}
