import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender, parseWebhookAllow } from '../../src/webhook-sender';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

/** Where the sender may post: the address a name resolves to is checked, not only the name. */

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const post = (allow: string, url: string) =>
  createWebhookSender({ allow, timeoutMs: 2000 })({ url, messageId: 'msg_1', body: '{}', secrets: [secret] });

describe('the webhook sender', () => {
  it('refuses loopback and private addresses unless HOLDFAST_WEBHOOK_ALLOW names them', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      'http://10.1.2.3/',
      'http://169.254.169.254/latest/meta-data',
      'http://0.0.0.0/',
    ]) {
      const result = await post('', url);
      expect(result, url).toMatchObject({
        status: null,
        error: expect.stringContaining('private or loopback'),
      });
    }
    expect(receiver.received).toHaveLength(0);
    receiver.trust(secret);
    // `localhost` is a name: what it resolves to is what is checked.
    expect(await post('127.0.0.1,::1', `http://localhost:${port}/`)).toMatchObject({ status: 204 });
    expect(await post('127.0.0.0/8', `http://127.0.0.1:${port}/`)).toMatchObject({ status: 204 });
    expect(receiver.received.map((r) => r.verifiedWith)).toEqual([[secret], [secret]]);
  });

  it('refuses other schemes and a malformed allow list', async () => {
    expect(await post('', 'ftp://example.com/')).toMatchObject({
      status: null,
      error: 'ftp: is not http(s)',
    });
    expect(() => parseWebhookAllow('127.0.0.1,example.com')).toThrow('"example.com" is not an address');
  });

  it('gives up on an endpoint that does not answer in time', async () => {
    receiver.answer(() => ({ status: 200 }));
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const result = await createWebhookSender({ allow: '127.0.0.1', timeoutMs: 200 })({
      url: `http://127.0.0.1:${port}/`,
      messageId: 'msg_2',
      body: '{}',
      secrets: [secret],
    });
    expect(result).toMatchObject({ status: null, error: 'no answer within 200 ms' });
    silent.close();
  });
});
