import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerRequestMetrics } from '../../src/http/request-stats';

/** The samples of one scrape whose names start with `prefix`, in the order the registry renders them. */
const samples = async (registry: Registry, prefix: string) =>
  (await registry.metrics()).split('\n').filter((line) => line.startsWith(prefix));

describe('request metrics counted outside prom-client', () => {
  it("render exactly what prom-client's own counter and histogram render for the same requests", async () => {
    const requests: [string, string, number, number][] = [
      ['GET', '/v1/incidents/:id', 304, 0.0004],
      ['GET', '/v1/incidents/:id', 304, 0.005], // on a bucket's bound: counted in that bucket
      ['GET', '/v1/incidents/:id', 200, 0.0300001],
      ['GET', '/v1/incidents', 200, 0.7],
      ['POST', '/v1/incidents/:id/events', 409, 0.012],
      ['POST', '/v1/incidents/:id/events', 200, 12], // beyond the largest bound: only in +Inf
      ['GET', 'unmatched', 404, 0],
    ];

    const ours = new Registry();
    const record = registerRequestMetrics(ours);
    for (const request of requests) record(...request);

    const reference = new Registry();
    const counter = new Counter({
      name: 'holdfast_http_requests_total',
      help: 'HTTP requests by method, matched route pattern and response status.',
      labelNames: ['method', 'route', 'status'],
      registers: [reference],
    });
    const histogram = new Histogram({
      name: 'holdfast_http_request_duration_seconds',
      help: 'Time to produce the response (for streams: until the stream starts), by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [reference],
    });
    for (const [method, route, status, seconds] of requests) {
      counter.inc({ method, route, status: String(status) });
      histogram.observe({ method, route }, seconds);
    }

    // The same samples; label order inside the braces is free in the text format (prom-client puts `le` first).
    const sorted = async (registry: Registry, prefix: string) =>
      (await samples(registry, prefix))
        .map((line) =>
          line.replace(/\{(.*)\}/, (_, labels: string) => `{${labels.split(',').sort().join(',')}}`),
        )
        .sort();
    expect(await sorted(ours, 'holdfast_http_requests_total')).toEqual(
      await sorted(reference, 'holdfast_http_requests_total'),
    );
    expect(await sorted(ours, 'holdfast_http_request_duration_seconds')).toEqual(
      await sorted(reference, 'holdfast_http_request_duration_seconds'),
    );
    expect(await samples(ours, '# TYPE holdfast_http_request_duration_seconds')).toEqual([
      '# TYPE holdfast_http_request_duration_seconds histogram',
    ]);
    // 4 method and route series × (11 bounds, +Inf, sum, count): nothing more, nothing less
    expect(await samples(ours, 'holdfast_http_request_duration_seconds_')).toHaveLength(4 * 14);
  });

  it('keep counting across scrapes, and show a new route at the next scrape', async () => {
    const registry = new Registry();
    const record = registerRequestMetrics(registry);
    record('GET', '/healthz', 200, 0.001);
    expect(await samples(registry, 'holdfast_http_requests_total{')).toEqual([
      'holdfast_http_requests_total{method="GET",route="/healthz",status="200"} 1',
    ]);
    record('GET', '/healthz', 200, 0.001);
    record('GET', '/readyz', 503, 0.2);
    expect(await samples(registry, 'holdfast_http_requests_total{')).toEqual([
      'holdfast_http_requests_total{method="GET",route="/healthz",status="200"} 2',
      'holdfast_http_requests_total{method="GET",route="/readyz",status="503"} 1',
    ]);
    expect(await samples(registry, 'holdfast_http_request_duration_seconds_count')).toEqual([
      'holdfast_http_request_duration_seconds_count{method="GET",route="/healthz"} 2',
      'holdfast_http_request_duration_seconds_count{method="GET",route="/readyz"} 1',
    ]);
  });
});
