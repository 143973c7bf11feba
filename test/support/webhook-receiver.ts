import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got: its headers, its body, and whether its signature verified with `secrets`. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  json: unknown;
  /** The secrets (of those the test gave) whose signature verified. */
  verifiedWith: string[];
}

/**
 * A real HTTP receiver in the test process: it verifies every request's signature with the `standardwebhooks`
 * library against the secrets the test gives it and answers what `respond` says (default 204).
 */
export async function startReceiver() {
  const received: Received[] = [];
  const secrets: string[] = [];
  /** `hold`: never answer (a sender that dies with the request in flight). */
  let respond: (request: Received) => {
    status: number;
    headers?: Record<string, string>;
    body?: string;
    hold?: boolean;
  } = () => ({ status: 204 });
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([key, value]) => [key, String(value)]),
      );
      const verifiedWith = secrets.filter((secret) => {
        try {
          new Webhook(secret).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {}
      const got = { path: request.url ?? '/', headers, body, json, verifiedWith };
      received.push(got);
      const answer = respond(got);
      if (answer.hold) return;
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Secrets whose signatures the receiver checks. */
    trust: (secret: string) => void secrets.push(secret),
    answer: (next: typeof respond) => {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
