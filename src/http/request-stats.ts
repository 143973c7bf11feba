import { Counter, type Metric, type Registry } from 'prom-client';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What one method and route pattern has seen since the process started. */
interface Series {
  method: string;
  route: string;
  statuses: Map<number, number>;
  /** Observations per bucket of DURATION_BUCKETS (not cumulative); the last slot is beyond the largest. */
  buckets: number[];
  sum: number;
  count: number;
}

/** Records one request: its method, route pattern, status and duration in seconds. */
export type RecordRequest = (method: string, route: string, status: number, seconds: number) => void;

/**
 * `holdfast_http_requests_total` and `holdfast_http_request_duration_seconds`, counted in plain maps and
 * arrays on the request path and handed to prom-client only at scrape time. prom-client validates and
 * hashes the labels of every observation and allocates for it; on a dashboard's 304 poll that cost as much
 * as the rest of holdfast's own work for the request.
 */
export function registerRequestMetrics(registry: Registry): RecordRequest {
  const byRoute = new Map<string, Map<string, Series>>();
  const allSeries = function* () {
    for (const byMethod of byRoute.values()) yield* byMethod.values();
  };

  new Counter({
    name: 'holdfast_http_requests_total',
    help: 'HTTP requests by method, matched route pattern and response status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { method, route, statuses } of allSeries()) {
        for (const [status, n] of statuses) this.inc({ method, route, status: String(status) }, n);
      }
    },
  });
  const durations = precountedHistogram({
    name: 'holdfast_http_request_duration_seconds',
    help: 'Time to produce the response (for streams: until the stream starts), by method and route pattern.',
    series: allSeries,
  });
  registry.registerMetric(durations as unknown as Metric);

  return (method, route, status, seconds) => {
    let byMethod = byRoute.get(route);
    if (!byMethod) {
      byMethod = new Map();
      byRoute.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (!series) {
      series = {
        method,
        route,
        statuses: new Map(),
        buckets: DURATION_BUCKETS.map(() => 0),
        sum: 0,
        count: 0,
      };
      series.buckets.push(0);
      byMethod.set(method, series);
    }
    series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
    series.buckets[bucket]!++;
    series.sum += seconds;
    series.count++;
  };
}

type Sample = { labels: Record<string, string | number>; value: number; metricName: string };

/**
 * A histogram whose observations were bucketed elsewhere, in the shape prom-client's registry renders
 * (`name`, `help`, `type` and `get()`); prom-client's own Histogram has no way to take counts made
 * outside it.
 */
function precountedHistogram(options: { name: string; help: string; series: () => Iterable<Series> }) {
  const { name, help, series } = options;
  const get = async () => {
    const values: Sample[] = [];
    for (const { method, route, buckets, sum, count } of series()) {
      let cumulative = 0;
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += buckets[i]!;
        values.push({ labels: { method, route, le }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push(
        { labels: { method, route, le: '+Inf' }, value: count, metricName: `${name}_bucket` },
        { labels: { method, route }, value: sum, metricName: `${name}_sum` },
        { labels: { method, route }, value: count, metricName: `${name}_count` },
      );
    }
    return { name, help, type: 'histogram', aggregator: 'sum', values };
  };
  return { name, help, type: 'histogram', aggregator: 'sum', get, reset: () => {} };
}
