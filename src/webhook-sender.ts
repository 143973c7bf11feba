import { lookup } from 'node:dns/promises';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { OutboundRequest, OutboundResult, Send } from './engine';

/** How much of an answer's body is kept: enough to see what went wrong, never a whole page. */
export const EXCERPT_BYTES = 512;

/** Addresses a webhook may not reach unless HOLDFAST_WEBHOOK_ALLOW names them: loopback, private, link-local… */
const refused = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  refused.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  refused.addSubnet(net, prefix, 'ipv6');

/** `127.0.0.1,10.1.0.0/16,::1`: addresses and networks a webhook may reach although private. */
export function parseWebhookAllow(list: string): BlockList {
  const allowed = new BlockList();
  for (const entry of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0) throw new Error(`HOLDFAST_WEBHOOK_ALLOW: "${entry}" is not an address or a network`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) allowed.addAddress(address!, type);
    else allowed.addSubnet(address!, Number(prefix), type);
  }
  return allowed;
}

/** The address a request may go to: every address the name resolves to must be public, or allowed. */
async function checkedAddress(
  hostname: string,
  allowed: BlockList,
): Promise<{ address: string; family: number }> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true });
  for (const { address, family } of addresses) {
    const type: 'ipv4' | 'ipv6' = family === 4 ? 'ipv4' : 'ipv6';
    const mapped = address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4;
    const [checked, checkedType]: [string, 'ipv4' | 'ipv6'] = mapped
      ? [address.slice(7), 'ipv4']
      : [address, type];
    if (refused.check(checked, checkedType) && !allowed.check(checked, checkedType)) {
      throw new Error(
        `${hostname} resolves to ${address}, a private or loopback address (HOLDFAST_WEBHOOK_ALLOW)`,
      );
    }
  }
  const first = addresses[0];
  if (!first) throw new Error(`${hostname} resolves to no address`);
  return first;
}

/** Retry-After in ms: delta-seconds, or an HTTP date counted from `now`. */
function retryAfterMs(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/**
 * Signed POSTs by the Standard Webhooks spec: `webhook-id`, `webhook-timestamp` and one `webhook-signature` per
 * secret. The connection goes to the address that was checked (a second lookup could answer otherwise);
 * redirects are not followed; the body is read no further than its excerpt.
 */
export function createWebhookSender(options: {
  allow: string;
  timeoutMs: number;
  /** The time signed into `webhook-timestamp`: the real time of sending. */
  now?: () => Date;
}): Send {
  const allowed = parseWebhookAllow(options.allow);
  const now = options.now ?? (() => new Date());
  return async (outbound: OutboundRequest): Promise<OutboundResult> => {
    const failed = (error: unknown): OutboundResult => ({
      status: null,
      error: error instanceof Error ? error.message : String(error),
      excerpt: null,
      retryAfterMs: null,
    });
    let url: URL;
    let target: { address: string; family: number };
    try {
      url = new URL(outbound.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`${url.protocol} is not http(s)`);
      target = await checkedAddress(url.hostname, allowed);
    } catch (error) {
      return failed(error);
    }
    const signedAt = now();
    const signature = outbound.secrets
      .map((secret) => new Webhook(secret).sign(outbound.messageId, signedAt, outbound.body))
      .join(' ');
    const pinned: LookupFunction = (_host, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
      } else callback(null, target.address, target.family);
    };
    return new Promise<OutboundResult>((resolve) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      let request: ClientRequest;
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      const done = (result: OutboundResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      request = send(
        url,
        {
          method: 'POST',
          lookup: pinned,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'holdfast-webhooks',
            'webhook-id': outbound.messageId,
            'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
            'webhook-signature': signature,
          },
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          const finish = () => {
            done({
              status: response.statusCode ?? null,
              error: null,
              excerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_BYTES) || null,
              retryAfterMs: retryAfterMs(response.headers['retry-after'], signedAt),
            });
            response.destroy();
          };
          response.on('data', (chunk: Buffer) => {
            if (kept < EXCERPT_BYTES) chunks.push(chunk.subarray(0, EXCERPT_BYTES - kept));
            kept += chunk.length;
            if (kept >= EXCERPT_BYTES) finish();
          });
          response.on('end', finish);
          response.on('error', finish);
        },
      );
      request.on('error', (error) => done(failed(error)));
      request.end(outbound.body);
    });
  };
}
