import type { IncomingMessage, ServerResponse } from 'node:http';

const hasBody = (incoming: IncomingMessage) =>
  incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? 0) > 0;

/**
 * Makes a response that goes out before its request's body was read (a 413 on the declared length, a 401,
 * a 404 to a POST) say `Connection: close`, so Node closes the connection after it. Kept alive, the unread
 * rest of the body stands before the client's next request on that connection, and @hono/node-server
 * drops such a connection once it has drained 64 MB or for 500 ms: under a client told it could reuse it.
 */
export function closeIfBodyUnread(incoming: IncomingMessage, outgoing: ServerResponse): void {
  if (!hasBody(incoming)) return;
  const writeHead = outgoing.writeHead;
  outgoing.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    // Headers given to writeHead are merged with these.
    if (!incoming.readableEnded) this.setHeader('connection', 'close');
    return writeHead.apply(this, args as Parameters<typeof writeHead>);
  } as typeof writeHead;
}
