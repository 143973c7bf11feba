import { createRoute, z } from '@hono/zod-openapi';
import { checkInstant, Refusal } from '../../engine';
import {
  clockById,
  clockDue,
  type NotificationClock,
  notificationClocks,
  timeZone,
} from '../../playbook-kit';
import type { App, AppDeps } from '../context';
import { router } from '../router';
import { ClockDueSchema, json, NotificationClockSchema, problemResponses } from '../schemas';

const listRoute = createRoute({
  method: 'get',
  path: '/v1/clocks',
  tags: ['clocks'],
  summary: 'The notification-clock library: anchor, deadline, calendar, recipient, condition, source',
  responses: {
    200: json(z.object({ items: z.array(NotificationClockSchema) }), 'Notification clocks'),
    ...problemResponses(401),
  },
});

const dueRoute = createRoute({
  method: 'get',
  path: '/v1/clocks/{id}/due',
  tags: ['clocks'],
  summary: "When a clock is due from an anchor time, counted in its regulator's calendar",
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'sec-8k-105' }),
    }),
    query: z.object({
      anchorAt: z.string().datetime({ offset: true }).openapi({
        description: 'When the anchor happened (ISO 8601 with offset), e.g. the materiality determination',
        example: '2027-01-14T10:00:00-05:00',
      }),
      timeZone: timeZone.default('UTC').openapi({
        description: "The incident's IANA time zone: used by clocks without a time zone of their own",
      }),
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code')
        .optional()
        .openapi({
          description: "The organisation's country: the holidays of clocks without a region of their own",
        }),
    }),
  },
  responses: {
    200: json(ClockDueSchema, 'The due time and the calendar it was counted in'),
    ...problemResponses(400, 401, 404),
  },
});

const wireClock = (clock: NotificationClock): z.infer<typeof NotificationClockSchema> => ({
  id: clock.id,
  regime: clock.regime,
  label: clock.label,
  jurisdictions: [...clock.jurisdictions],
  anchor: clock.anchor,
  deadline: clock.deadline,
  calendar: { ...clock.calendar, note: clock.calendarNote ?? null },
  recipient: clock.recipient,
  filing: clock.filing,
  condition: clock.condition,
  citation: clock.citation,
  source: clock.source,
  basis: clock.basis,
  cutOff: clock.cutOff ?? null,
  enabled: !clock.off,
  off: clock.off ?? null,
  policyDefault: clock.policyDefault,
  retentionMonths: clock.retentionMonths,
  verifiedOn: clock.verifiedOn,
  verification: clock.verification ?? null,
});

/** The clock library and its deadline calculator: reference data, readable by every authenticated caller. */
export function clockRoutes(deps: AppDeps): App {
  const app = router();

  app.openapi(listRoute, (c) => c.json({ items: notificationClocks.map(wireClock) }, 200));

  app.openapi(dueRoute, (c) => {
    const { id } = c.req.valid('param');
    const { anchorAt, timeZone, country } = c.req.valid('query');
    const clock = clockById(id);
    if (!clock) throw new Refusal('not_found', `no notification clock ${id}`);
    const anchorMs = checkInstant('query.anchorAt', anchorAt, deps.now());
    const due = clockDue(clock, anchorAt, { timeZone, country });
    return c.json(
      {
        clockId: clock.id,
        anchorAt: new Date(anchorMs).toISOString(),
        dueAt: due.dueAt,
        deadline: clock.deadline,
        policyDefault: clock.policyDefault,
        calendar: {
          region: due.region,
          timeZone: due.timeZone,
          holidaysSkipped: due.holidaysSkipped,
          note: clock.calendarNote ?? null,
        },
      },
      200,
    );
  });
  return app;
}
