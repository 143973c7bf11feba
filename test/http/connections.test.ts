import { Agent, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpServer, createLogger } from '../../src/main';
import { ADMIN_TOKEN, useTestApp } from '../support/http';

const LIMIT = 4096;
const app = useTestApp({ HOLDFAST_BODY_LIMIT_BYTES: LIMIT });

/** `holdfast serve`'s HTTP server on 127.0.0.1, and a client keeping one connection alive between requests. */
let server: Server;
let port: number;
let agent: Agent;

beforeEach(async () => {
  server = createHttpServer(app.services, createLogger('silent'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
});

afterEach(async () => {
  agent.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Whether the request went on a connection an earlier request had used. */
  reusedSocket: boolean;
}

function send(
  method: string,
  path: string,
  options: { body?: Buffer[]; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { body = [], chunked = false } = options;
    const headers: Record<string, string> = {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': 'application/json',
      ...options.headers,
    };
    if (!chunked && body.length > 0) headers['content-length'] = String(Buffer.concat(body).length);
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, reusedSocket: req.reusedSocket }),
      );
    });
    req.on('error', reject);
    for (const chunk of body) req.write(chunk);
    req.end();
  });
}

const bytes = (size: number) => Buffer.alloc(size, 'x');

/** A second request on the same agent: it must be answered, whatever happened to the first's connection. */
async function expectNextRequestServed(): Promise<Answer> {
  const next = await send('GET', '/healthz');
  expect(next.status).toBe(200);
  return next;
}

describe('connections after a refused body', () => {
  it('answers a body over the declared limit with 413 and Connection: close, then serves the next request', async () => {
    const refused = await send('POST', '/v1/incidents', { body: [bytes(2 * 1024 * 1024)] });
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    expect((await expectNextRequestServed()).reusedSocket).toBe(false);
  });

  it('answers a chunked body that grows over the limit with 413 and Connection: close', async () => {
    const refused = await send('POST', '/v1/incidents', {
      body: Array.from({ length: 64 }, () => bytes(LIMIT)),
      chunked: true,
    });
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    await expectNextRequestServed();
  });

  it('closes after refusals decided before the body is read (401, 404)', async () => {
    const unauthenticated = await send('POST', '/v1/incidents', {
      body: [bytes(LIMIT)],
      headers: { authorization: '' },
    });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.connection).toBe('close');
    await expectNextRequestServed();

    const unrouted = await send('POST', '/v1/nowhere', { body: [bytes(LIMIT)] });
    expect(unrouted.status).toBe(404);
    expect(unrouted.headers.connection).toBe('close');
    await expectNextRequestServed();
  });

  it('keeps the connection alive when the body was read, even if it is then refused', async () => {
    const refused = await send('POST', '/v1/incidents', { body: [Buffer.from('{}')] });
    expect(refused.status).toBe(400);
    expect(refused.headers.connection).toBe('keep-alive');
    expect((await expectNextRequestServed()).reusedSocket).toBe(true);
  });

  it('ends the connection after the 413 when the client has not finished sending the body', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    const ended = new Promise((resolve) => socket.once('end', resolve));
    socket.write(
      'POST /v1/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Authorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${10 * LIMIT}\r\n\r\n{"title":"`,
    );
    await ended;
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toMatch(/\r\nconnection: close\r\n/i);
  });
});
