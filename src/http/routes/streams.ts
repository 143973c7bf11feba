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
import { streamSlots } from '../token-limits';

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
    200: eventStream(
      '`id` is the cursor; `data` is the change as JSON; `: heartbeat` comments keep it open. A replay longer ' +
        'than the limit ends the stream after a `: replay limit` comment: reconnect with the last id',
    ),
    ...problemResponses(400, 401, 403, 429),
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
    200: eventStream(
      '`id` is the event seq; `data` is the change as JSON. A replay longer than the limit ends the stream ' +
        'after a `: replay limit` comment: reconnect with the last id',
    ),
    ...problemResponses(400, 401, 403, 404, 429),
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

/** Changes read from the log per query of a replay. */
const PAGE = 500;
/** Events per query of an incident's replay: the log's rows come with their payloads, which the stream leaves out. */
const INCIDENT_PAGE = 100;

/** Ends a replay that reached the limit: the client reconnects with `Last-Event-ID` and gets the rest. */
async function endReplay(stream: SSEStreamingApi, limit: number, lastId: string): Promise<void> {
  await stream.write(
    `: replay limit (${limit} messages) reached; reconnect with Last-Event-ID: ${lastId}\n\n`,
  );
}

export function streamRoutes(deps: AppDeps): App {
  const app = router();
  const { engine, changes, sessions } = deps;
  const heartbeatMs = deps.streamHeartbeatMs ?? 15_000;
  const replayMax = deps.tokenLimits.streamReplayMax;
  const claimStream = streamSlots(deps.tokenLimits.streamsPerToken);

  /** The live part of a stream, ended with its credential; `close` unregisters it. */
  const sessionLoop = (c: Context<AppEnv>, stream: SSEStreamingApi) => {
    const credential = credentialOf(c);
    const live = liveLoop(stream, heartbeatMs, () => sessions.stillValid(credential));
    return { live, close: sessions.open(credential, live.end) };
  };

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
    const release = claimStream(c.var.actor);
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
        for (let replayed = 0; ; ) {
          const page = Math.min(PAGE, replayMax - replayed);
          const replay = await changes.read(last, { mode }, page);
          for (const change of replay.changes) await send(change);
          replayed += replay.changes.length;
          if (replay.changes.length < page) break;
          if (replayed >= replayMax)
            return await endReplay(stream, replayMax, changes.cursors.format(last, mode));
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
        release();
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
    const release = claimStream(c.var.actor);
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
      /** Sends the events after `lastSeq`, at most `max` of them; true when it sent them all. */
      const catchUp = async (max = Number.POSITIVE_INFINITY): Promise<boolean> => {
        for (let sent = 0; ; ) {
          const page = Math.min(INCIDENT_PAGE, max - sent);
          const events = await engine.listEvents(id, lastSeq, page);
          for (const event of events) {
            await stream.writeSSE({
              id: String(event.seq),
              event: 'change',
              data: JSON.stringify(fromEvent(row, event)),
            });
            lastSeq = event.seq;
          }
          sent += events.length;
          if (events.length < page) return true;
          if (sent >= max) return false;
        }
      };
      try {
        await stream.write(': connected\n\n');
        if (!(await catchUp(replayMax))) return await endReplay(stream, replayMax, String(lastSeq));
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
        release();
      }
    }) as never;
  });
  return app;
}
