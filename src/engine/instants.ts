import { type JsonSchemaFragment, jsonSchemaOf } from '../playbook-kit';
import { Refusal } from './errors';

/**
 * The times holdfast accepts from outside (playbook inputs and payloads, scenario clocks, clock moves): none
 * before 1970, none more than ten years after the clock's now. The past is otherwise open, because case files
 * and scenarios replay incidents years old; the ceiling keeps every deadline counted from an accepted time far
 * from the end of what JavaScript dates and Postgres timestamps hold. `now` is always the server's clock as
 * injected, never the wall clock read here.
 */
export const EARLIEST_INSTANT = '1970-01-01T00:00:00.000Z';
export const YEARS_AHEAD = 10;

/** The longest span accepted as a duration (an exercise's length, an inject's offset, a clock move): 3650 days. */
export const LONGEST_SPAN_MS = YEARS_AHEAD * 365 * 86_400_000;

/** The latest time accepted: the same day and hour, ten years after `now`. */
export function latestInstant(now: Date): Date {
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + YEARS_AHEAD);
  return latest;
}

/**
 * `value` (ISO 8601 text, or milliseconds since 1970) in milliseconds, if it lies in the window around `now`;
 * else a 400 naming `field` and the bound it crosses.
 */
export function checkInstant(field: string, value: string | number, now: Date): number {
  const latest = latestInstant(now);
  const refuse = (message: string) =>
    new Refusal('invalid_request', `${field}: ${message}`, {
      errors: [{ path: field, message }],
      earliest: EARLIEST_INSTANT,
      latest: latest.toISOString(),
    });
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) throw refuse(`"${value}" is not a time`);
  // A computed time can lie past what a Date holds (8.64e15 ms); then it has no ISO 8601 text to show.
  const shown =
    typeof value === 'string' ? value : Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
  if (ms < Date.parse(EARLIEST_INSTANT)) {
    throw refuse(`${shown} is before ${EARLIEST_INSTANT}, the earliest time accepted`);
  }
  if (ms > latest.getTime()) {
    throw refuse(
      `${shown} is more than ${YEARS_AHEAD} years after now (${now.toISOString()}); the latest time accepted is ${latest.toISOString()}`,
    );
  }
  return ms;
}

type ZodSchema = Parameters<typeof jsonSchemaOf>[0];
const publishedSchemas = new WeakMap<ZodSchema, JsonSchemaFragment>();

/**
 * Checks every time in a value a playbook schema accepted (an incident's input, an event's payload): each
 * string where the schema's published JSON Schema says `format: date-time` or `date` must lie in the window.
 * `what` names the value in the 400 (`input`, `payload`).
 */
export function checkInstantsIn(schema: ZodSchema, value: unknown, what: string, now: Date): void {
  let published = publishedSchemas.get(schema);
  if (!published) {
    published = jsonSchemaOf(schema);
    publishedSchemas.set(schema, published);
  }
  visit(published, value, what);

  function visit(node: unknown, item: unknown, path: string): void {
    if (!node || typeof node !== 'object') return;
    const schemaNode = node as JsonSchemaFragment;
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      for (const branch of (schemaNode[key] as unknown[] | undefined) ?? []) visit(branch, item, path);
    }
    if (typeof item === 'string') {
      if (schemaNode.format === 'date-time' || schemaNode.format === 'date') checkInstant(path, item, now);
    } else if (Array.isArray(item)) {
      const prefix = schemaNode.prefixItems as unknown[] | undefined;
      for (const [i, element] of item.entries())
        visit(prefix?.[i] ?? schemaNode.items, element, `${path}.${i}`);
    } else if (item && typeof item === 'object') {
      const properties = schemaNode.properties as Record<string, unknown> | undefined;
      for (const [key, element] of Object.entries(item)) {
        visit(properties?.[key] ?? schemaNode.additionalProperties, element, `${path}.${key}`);
      }
    }
  }
}
