import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type EventRecord, type IncidentMode, type IncidentRow, requireLiveReader } from '../engine';
import type { App } from './context';
import { registerRequestMetrics } from './request-stats';
import { router } from './router';

/** What `holdfast_open_incidents` is read from at scrape time (the engine's `openIncidentCounts`). */
export type OpenIncidentCounts = () => Promise<{ playbookId: string; mode: IncidentMode; count: number }[]>;

export interface Metrics {
  /** Every holdfast metric plus the process's default metrics; `registry.metrics()` is the scrape. */
  registry: Registry;
  /** Counts a request by method, route pattern and status; times it by method and route pattern. */
  observeRequest: (method: string, route: string, status: number, seconds: number) => void;
  /** The engine's `onCommitted` hook: counts appended events, observes how late timers fired. */
  observeCommitted: (incident: IncidentRow, events: EventRecord[]) => void;
}

/** Process metrics (CPU, memory, event loop, GC) exist once per process, whatever number of apps it builds. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(options: { openIncidentCounts: OpenIncidentCounts }): Metrics {
  const own = new Registry();

  const recordRequest = registerRequestMetrics(own);
  const advances = new Counter({
    name: 'holdfast_advances_total',
    help: 'Events committed to incident histories by this instance, by playbook, event type and source.',
    labelNames: ['playbook', 'event', 'source'] as const,
    registers: [own],
  });
  const timerLag = new Histogram({
    name: 'holdfast_timer_lag_seconds',
    help: 'How late a due timer fired: recorded_at minus occurred_at (its due time) of timer events.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
    registers: [own],
  });
  new Gauge({
    name: 'holdfast_open_incidents',
    help: 'Open incidents by playbook and mode (live | exercise), read from the database at scrape time.',
    labelNames: ['playbook', 'mode'] as const,
    registers: [own],
    async collect() {
      this.reset(); // a playbook with no open incident left drops out instead of keeping its last count
      try {
        for (const row of await options.openIncidentCounts()) {
          this.set({ playbook: row.playbookId, mode: row.mode }, row.count);
        }
      } catch {
        // The database is down: the scrape still answers (process and request metrics), without this gauge.
      }
    },
  });

  const observeCommitted = (incident: IncidentRow, events: EventRecord[]) => {
    for (const event of events) {
      advances.inc({ playbook: incident.playbookId, event: event.type, source: event.source });
      if (event.source === 'timer') {
        const lag = (Date.parse(event.recordedAt) - Date.parse(event.occurredAt)) / 1000;
        if (Number.isFinite(lag)) timerLag.observe(Math.max(0, lag));
      }
    }
  };

  return {
    registry: Registry.merge([processMetrics(), own]),
    observeRequest: recordRequest,
    observeCommitted,
  };
}

/**
 * `GET /metrics`, Prometheus text format, for a bearer token that may see live incidents (the app
 * authenticates it): the counts describe live work, which a facilitator-only token must not learn.
 */
export function metricsRoutes(metrics: Metrics): App {
  const app = router();
  app.get('/metrics', async (c) => {
    requireLiveReader(c.var.actor);
    return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });
  return app;
}
