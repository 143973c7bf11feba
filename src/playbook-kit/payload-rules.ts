import { z } from 'zod';

/** JSON Schema keywords (draft 2020-12) as a plain object. */
export type JsonSchemaFragment = Record<string, unknown>;

/**
 * The JSON Schema the API publishes for a playbook's `input` or an event's payload: what a client may send
 * (`io: 'input'`, so defaulted fields are optional), with the rules `withRules` attached.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchemaFragment {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

/** How a published description introduces a rule that its JSON Schema does not check. */
export const unexpressedRule = 'Rule not expressed in this schema';

/** A rule a value must meet beyond its shape. */
export interface PayloadRule<T> {
  check: (value: T) => boolean;
  /** The rule in words: the 400's message, and a sentence of the published `description`. */
  message: string;
  /** Where the 400 points, below the schema: the field a rule over several fields is about. */
  path?: PropertyKey[];
  /** The rule in JSON Schema keywords, when JSON Schema can say it. */
  jsonSchema?: JsonSchemaFragment;
}

/**
 * `schema` with rules beyond its shape. zod checks each rule and refuses with its `message`; the published
 * JSON Schema says the rule with its `jsonSchema` (added to `allOf`) when JSON Schema can, and its
 * `description` names the rule either way: "Rule: …" when the schema checks it too, "Rule not expressed in
 * this schema: …" when it cannot (two fields compared or added). A client that checks a payload against the
 * published schema is then refused only for a rule the description names. Attach rules to the narrowest
 * schema they read (an array's `contains` on the array), so the 400 points at that field.
 */
export function withRules<S extends z.ZodType>(schema: S, ...rules: PayloadRule<z.output<S>>[]): S {
  let result = schema;
  for (const rule of rules) {
    const meta = result.meta() ?? {};
    const allOf = Array.isArray(meta.allOf) ? meta.allOf : [];
    result = result.refine(rule.check, { message: rule.message, path: rule.path }).meta({
      description: [meta.description, `${rule.jsonSchema ? 'Rule' : unexpressedRule}: ${rule.message}.`]
        .filter(Boolean)
        .join(' '),
      ...(rule.jsonSchema ? { allOf: [...allOf, rule.jsonSchema] } : {}),
    });
  }
  return result;
}

/**
 * A `pattern` saying what `.trim().min(min)` checks: at least `min` characters from the first non-blank one
 * to the last. JSON Schema's `minLength` counts before the trim, so "   " would pass it.
 */
export const trimmedAtLeast = (min: number): string => (min <= 1 ? '\\S' : `\\S[\\s\\S]{${min - 2},}\\S`);

/** JSON Schema's `if`/`then`: a value that meets `condition` must meet `consequence`. */
export const ifThen = (
  condition: JsonSchemaFragment,
  consequence: JsonSchemaFragment,
): JsonSchemaFragment => ({
  if: condition,
  // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword, in plain data that is never awaited.
  then: consequence,
});

/**
 * A rule over several payload fields: the sum of `fields` is at most `limit` (held and shipped orders within the
 * fraudulent ones). A field left out of the payload holds: an optional limit not given limits nothing.
 */
export const sumAtMost = (
  fields: readonly string[],
  limit: string,
  message: string,
): PayloadRule<Record<string, unknown>> => ({
  check: (payload) => {
    const values = [...fields, limit].map((field) => payload[field]);
    if (!values.every((value) => typeof value === 'number')) return true;
    const numbers = values as number[];
    return numbers.slice(0, -1).reduce((sum, n) => sum + n, 0) <= numbers.at(-1)!;
  },
  message,
});

/** A list rule: the list includes `value` (breached-password screening among the controls). */
export const includes = (value: string, message: string): PayloadRule<unknown[]> => ({
  check: (list) => list.includes(value),
  message,
  jsonSchema: { contains: { const: value } },
});
