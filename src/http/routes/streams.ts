import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import {
  type ChangeCursor,
  type ChangeRecord,
  canSeeMode,
  cursorAfter,
  defaultModeFor,
  type EventRecord,
  type IncidentRow,
  Refusal,
} from '../../engine';
import { credentialOf } from '../auth';
import type { App, AppDeps, AppEnv } from '../context';
import { router } from '../router';
import { IdParam, isUuid, ModeQuery, problemResponses } from '../schemas';

const tags = ['streams'];

const eventStream = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: z.string() } },
});

const lastEventIdHeader = (description: string) =>
  z.object({ 'last-event-id': z.string().max(40).optional().openapi({ description }) });

const streamRoute = createRoute({
  method: 'get',
  path: '/v1/stream',
  tags,
  summary: 'Server-Sent Events: one `change` message per committed event of any incident the caller may see',
  request: {
    query: z.object({
      mode: ModeQuery,
    }),
    headers: lastEventIdHeader('Resume after this message id (a cursor): missed changes are replayed'),
  },
  responses: {
    200: eventStream('`id` is the cursor; `data` is the change as JSON; `: heartbeat` comments keep it open'),
    ...problemResponses(400, 401, 403),
  },
});

const incidentStreamRoute = createRoute({
  method: 'get',
  path: '/v1/incidents/{id}/stream',
  tags,
  summary:
    "Server-Sent Events: one `change` message per committed event of one incident, from the log's order",
  request: {
    params: IdParam,
    headers: lastEventIdHeader('Resume after this event seq: the events after it are replayed'),
  },
  responses: {
    200: eventStream('`id` is the event seq; `data` is the change as JSON'),
    ...problemResponses(400, 401, 403, 404),
  },
});

const changeWire = (change: ChangeRecord, cursor: string) => ({
  cursor,
  incidentId: change.incidentId,
  playbookId: change.playbookId,
  title: change.title,
  mode: change.mode,
  version: change.version,
  event: change.event,
  state: change.state,
});

const fromEvent = (row: Pick<IncidentRow, 'id' | 'playbookId' | 'title' | 'mode'>, event: EventRecord) =>
  changeWire(
    {
      cursor: { xid: 0, seq: event.seq },
      incidentId: row.id,
      playbookId: row.playbookId,
      title: row.title,
      mode: row.mode,
      version: event.seq,
      event: {
        seq: event.seq,
        type: event.type,
        actor: event.actor,
        source: event.source,
        occurredAt: event.occurredAt,
      },
      state: event.stateAfter,
    },
    String(event.seq),
  );

/**
 * The live part of a stream: waits for `wake` or the heartbeat interval, whichever comes first, until the
 * client goes away or `end` is called (its credential is no longer valid). `wake` is handed to the change
 * subscription. Before each heartbeat the credential is checked again, in case a revocation notice was missed.
 */
function liveLoop(stream: SSEStreamingApi, heartbeatMs: number, stillValid: () => Promise<boolean>) {
  let wakeUp: (() => void) | null = null;
  let closed = false;
  const end = () => {
    closed = true;
    wakeUp?.();
  };
  stream.onAbort(end);
  return {
    wake: () => wakeUp?.(),
    end,
    get closed() {
      return closed || stream.aborted || stream.closed;
    },
    /** Resolves true when woken, false after the heartbeat interval (a heartbeat was sent). */
    async wait(): Promise<boolean> {
      let timer: NodeJS.Timeout | undefined;
      const woken = await new Promise<boolean>((resolve) => {
        wakeUp = () => resolve(true);
        timer = setTimeout(() => resolve(false), heartbeatMs);
      });
      clearTimeout(timer);
      wakeUp = null;
      if (woken || this.closed) return woken;
      if (await stillValid()) await stream.write(': heartbeat\n\n');
      else end();
      return false;
    },
  };
}

export function streamRoutes(deps: AppDeps): App {
  const app = router();
  const { engine, changes, sessions } = deps;

  /** The live part of a stream, ended with its credential; `close` unregisters it. */
  const sessionLoop = (c: Context<AppEnv>, stream: SSEStreamingApi) => {
    const credential = credentialOf(c);
    const live = liveLoop(stream, heartbeatMs, () => sessions.stillValid(credential));
    return { live, close: sessions.open(credential, live.end) };
  };
  const heartbeatMs = deps.streamHeartbeatMs ?? 15_000;

  app.openapi(streamRoute, async (c) => {
    const mode = c.req.valid('query').mode ?? defaultModeFor(c.var.actor);
    if (!canSeeMode(c.var.actor, mode)) {
      throw new Refusal('forbidden', 'facilitator tokens reach exercise incidents only; use mode=exercise');
    }
    const resumeFrom = c.req.valid('header')['last-event-id'];
    let last: ChangeCursor =
      resumeFrom !== undefined
        ? changes.cursors.parse(resumeFrom, mode, 'Last-Event-ID')
        : await changes.startingPoint(mode);
    return streamSSE(c, async (stream) => {
      const { live, close } = sessionLoop(c, stream);
      const queued: ChangeRecord[] = [];
      // Subscribed before the replay: nothing committed in between can fall through.
      const unsubscribe = changes.subscribe((batch) => {
        queued.push(...batch.filter((change) => change.mode === mode));
        live.wake();
      });
      const send = async (change: ChangeRecord) => {
        const id = changes.cursors.format(change.cursor, mode);
        await stream.writeSSE({ id, event: 'change', data: JSON.stringify(changeWire(change, id)) });
        last = change.cursor;
      };
      try {
        await stream.write(': connected\n\n');
        for (;;) {
          const replay = await changes.read(last, { mode }, 500);
          for (const change of replay.changes) await send(change);
          if (replay.changes.length < 500) break;
        }
        while (!live.closed) {
          for (let change = queued.shift(); change; change = queued.shift()) {
            if (cursorAfter(change.cursor, last)) await send(change);
          }
          await live.wait();
        }
      } finally {
        close();
        unsubscribe();
      }
    }) as never;
  });

  app.openapi(incidentStreamRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!isUuid(id)) throw new Refusal('not_found', `no incident ${id}`);
    const row = await engine.loadIncident(id, c.var.actor);
    const resumeFrom = c.req.valid('header')['last-event-id'];
    if (resumeFrom !== undefined && !/^\d{1,9}$/.test(resumeFrom.trim())) {
      throw new Refusal(
        'invalid_request',
        'Last-Event-ID must be an event seq from this stream, such as "12"',
      );
    }
    let lastSeq = resumeFrom !== undefined ? Number(resumeFrom) : row.version;
    return streamSSE(c, async (stream) => {
      const { live, close } = sessionLoop(c, stream);
      let changed = false;
      const unsubscribe = changes.subscribe((batch) => {
        if (batch.some((change) => change.incidentId === id)) {
          changed = true;
          live.wake();
        }
      });
      // The incident's own log is gap-free by seq: read it after every change the hub reports.
      const catchUp = async () => {
        for (;;) {
          const events = await engine.listEvents(id, lastSeq, 500);
          for (const event of events) {
            await stream.writeSSE({
              id: String(event.seq),
              event: 'change',
              data: JSON.stringify(fromEvent(row, event)),
            });
            lastSeq = event.seq;
          }
          if (events.length < 500) return;
        }
      };
      try {
        await stream.write(': connected\n\n');
        await catchUp();
        while (!live.closed) {
          if (changed) {
            changed = false;
            await catchUp();
          }
          await live.wait();
        }
      } finally {
        close();
        unsubscribe();
      }
    }) as never;
  });
  return app;
}
