import { clip, Refusal } from './errors';

/** How big one incident may grow: what a payload (or an incident's input) may hold, and what its state may weigh. */
export interface IncidentLimits {
  /** Items in any one array of an event payload or incident input. */
  maxItems: number;
  /** Characters in any one string of them. */
  maxStringLength: number;
  /** Bytes of an incident's persisted state (its machine snapshot, context included), as JSON. */
  maxStateBytes: number;
}

export const defaultIncidentLimits: IncidentLimits = {
  maxItems: 200,
  maxStringLength: 10_000,
  maxStateBytes: 1_048_576,
};

/**
 * Refuses (413 `payload_too_large`) a payload or input with an array longer than `maxItems` or a string longer
 * than `maxStringLength`, naming the first such field. Checked before the schema, so a huge array costs one
 * walk, not a validation issue per item.
 */
export function checkPayloadSize(value: unknown, what: string, limits: IncidentLimits): void {
  const stack: { value: unknown; path: string }[] = [{ value, path: what }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string' && current.length > limits.maxStringLength) {
      throw new Refusal(
        'payload_too_large',
        `${clip(path, 100)} has ${current.length} characters; a string in an event payload or incident input may have at most ${limits.maxStringLength}`,
        { limit: 'string_length', max: limits.maxStringLength, path: clip(path, 100) },
      );
    }
    if (Array.isArray(current) && current.length > limits.maxItems) {
      throw new Refusal(
        'payload_too_large',
        `${clip(path, 100)} has ${current.length} items; an array in an event payload or incident input may have at most ${limits.maxItems}`,
        { limit: 'array_items', max: limits.maxItems, path: clip(path, 100) },
      );
    }
    if (current && typeof current === 'object') {
      for (const [key, child] of Object.entries(current))
        stack.push({ value: child, path: `${path}.${key}` });
    }
  }
}

/**
 * Refuses (422 `incident_too_large`) a write that would leave an incident's state above `maxStateBytes`: the
 * event is not applied, and the incident stays as it was.
 */
export function checkStateSize(snapshot: unknown, limits: IncidentLimits): void {
  const bytes = Buffer.byteLength(JSON.stringify(snapshot));
  if (bytes > limits.maxStateBytes) {
    throw new Refusal(
      'incident_too_large',
      `this event would grow the incident's state to ${bytes} bytes; an incident may hold at most ${limits.maxStateBytes}. ` +
        'Nothing was written: send less (the event log keeps every detail), or ask an operator to raise the limit',
      { limit: 'state_bytes', max: limits.maxStateBytes, bytes },
    );
  }
}
