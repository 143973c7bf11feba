/** One Server-Sent Events message. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Reads a `text/event-stream` response body as it arrives: `next(n)` resolves with the next n messages
 * (comments such as heartbeats are counted in `comments`), or rejects after `timeoutMs`.
 */
export function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  let buffer = '';
  let done = false;
  let pending: ReturnType<typeof reader.read> | null = null;

  const parse = () => {
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: SseMessage = { data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else if (line.startsWith('id:')) message.id = line.slice(3).trim();
        else if (line.startsWith('event:')) message.event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) messages.push({ ...message, data: data.join('\n') });
    }
  };

  const pump = async (until: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!until()) {
      if (done) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out: ${messages.length} messages so far`);
      let timer: NodeJS.Timeout | undefined;
      // A read that outlives a timeout is kept for the next call, so no chunk is dropped.
      pending ??= reader.read();
      const chunk = await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out: ${messages.length} messages so far`)), left);
        }),
      ]).finally(() => clearTimeout(timer));
      pending = null;
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
      parse();
    }
  };

  let taken = 0;
  return {
    comments,
    /** The next `count` messages. */
    async next(count: number, timeoutMs = 10_000): Promise<SseMessage[]> {
      await pump(() => messages.length >= taken + count, timeoutMs);
      const batch = messages.slice(taken, taken + count);
      taken += count;
      return batch;
    },
    /** Waits until a comment matching `text` arrived. */
    async comment(text: string, timeoutMs = 10_000): Promise<void> {
      await pump(() => comments.includes(text), timeoutMs);
    },
    /** Waits until `count` more comments `text` arrived than had so far (heartbeats: the stream went on). */
    async moreComments(text: string, count = 1, timeoutMs = 10_000): Promise<void> {
      const seen = () => comments.filter((comment) => comment === text).length;
      const enough = seen() + count;
      await pump(() => seen() >= enough, timeoutMs);
    },
    /** Waits until the server ends the stream, and returns the messages not taken yet. */
    async ended(timeoutMs = 10_000): Promise<SseMessage[]> {
      await pump(() => done, timeoutMs);
      const batch = messages.slice(taken);
      taken = messages.length;
      return batch;
    },
    /** Messages that arrived but were not taken yet (after waiting `ms` for more). */
    async rest(ms: number): Promise<SseMessage[]> {
      await pump(() => false, ms).catch(() => {});
      const batch = messages.slice(taken);
      taken = messages.length;
      return batch;
    },
    close: () => reader.cancel(),
  };
}
