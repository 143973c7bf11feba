import fc from 'fast-check';

/**
 * Generators for the fuzz suite (test/fuzz): hostile ids, strings, JSON texts and header values, and
 * instances of a JSON Schema (the OpenAPI document's and the playbooks' payload schemas) with one field
 * made wrong. Written by hand: zod-fast-check does not support zod 4.
 */

/** Fixed unless FUZZ_SEED says otherwise, so a run is reproducible; fast-check prints it on failure. */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20_260_309;

/** fast-check parameters: the fixed seed and `runs` cases, or FUZZ_RUNS cases when set (to dig deeper locally). */
export function fuzzParams(runs: number): fc.Parameters<unknown> {
  const override = Number(process.env.FUZZ_RUNS);
  return { seed: FUZZ_SEED, numRuns: override > 0 ? override : runs, endOnFailure: true };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema documents are untyped JSON.
export type JsonSchema = Record<string, any>;

/** Strings that break naive code: NUL, lone surrogates, bidi overrides, emoji, combining marks, huge ones. */
export const edgeStrings: readonly string[] = [
  '',
  ' ',
  '   \t ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\udc00y',
  '\u202eevil\u202c',
  '\u200f\u200e',
  'مرحبا بالعالم',
  'שלום',
  '😀🔥💥',
  '👩‍👩‍👧‍👦',
  'e\u0301'.repeat(200),
  '\ufeff{}',
  '\u200b\u200c\u200d',
  '\u2028\u2029',
  '\t\n\r\v\f',
  '\u007f\u001b[31m',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  'NaN',
  'Infinity',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose.
  '${7*7}{{7*7}}',
  '%00',
  '%ff%fe',
  '../../etc/passwd',
  'Ω'.repeat(5_000),
  'x'.repeat(70_000),
];

/** Any string, weighted towards the edge cases above. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...edgeStrings) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 30 }) },
);

/** Values of every JSON type that a field of another type should refuse. */
export const wrongValues: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  2 ** 31,
  '',
  '\u0000',
  '\ud800',
  'x'.repeat(10_000),
  [],
  [null],
  [[[[[]]]]],
  {},
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
];

/** Arbitrary JSON, with hostile strings as keys and values. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...wrongValues),
    hostileString,
    fc.double(),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A wrong value for a field: another type, a hostile string, or random JSON. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...wrongValues),
  hostileString,
  anyJson,
);

/** `depth` nested arrays / objects as JSON text: valid JSON that no sane parser should recurse through. */
export const deepArrayJson = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
export const deepObjectJson = (depth: number, leaf = '1'): string =>
  '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

/** A JSON value nested `depth` levels (built iteratively). */
export function deepValue(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** Texts that are not JSON, or JSON a body parser should not take at face value. */
export const malformedJsonTexts: readonly string[] = [
  '',
  ' ',
  '{',
  '}',
  '[',
  '{"a":',
  '{"a" 1}',
  '{"a":1,}',
  '[1,2,,3]',
  "{'a':1}",
  '{a:1}',
  'nul',
  'undefined',
  'NaN',
  '-Infinity',
  '1e999999',
  '-0',
  '"just a string"',
  '42',
  'true',
  'null',
  '[]',
  '[{}]',
  '"\\ud800"',
  '"\\u0000"',
  '{"\\u0000":1}',
  '\u0000',
  '\ufeff{}',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":"\\x41"}',
  '{"a":"\n"}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":+1}',
  '{"a":1e+}',
  '{"a":"\\u12"}',
  '{"a":tru}',
  '\\',
  '<xml/>',
  '%7B%7D',
  deepArrayJson(10_000),
  deepObjectJson(10_000),
  '['.repeat(10_000),
  '{"a":'.repeat(10_000),
];

/** A valid JSON text broken at one place: cut short, a character dropped, inserted or replaced. */
export function corruptedJson(valid: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: Math.max(0, valid.length) });
  const junk = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', '\ud800', 'x', ' ', '\n');
  return fc.oneof(
    at.map((i) => valid.slice(0, i)),
    at.map((i) => valid.slice(0, i) + valid.slice(i + 1)),
    fc.tuple(at, junk).map(([i, c]) => valid.slice(0, i) + c + valid.slice(i)),
    fc.tuple(at, junk).map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1)),
  );
}

/** Ids a path segment should never match: not uuids, almost uuids, uuids of nothing, traversal, encodings. */
export const badIdTexts: readonly string[] = [
  '0',
  '-1',
  '1',
  '99999999999999999999999',
  'null',
  'undefined',
  'true',
  '__proto__',
  'constructor',
  'toString',
  '..',
  '...',
  '%2e%2e',
  '%2E%2E%2F%2E%2E',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'a%00b',
  '%ff',
  '%',
  '%zz',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  '123e4567-e89b-12d3-a456-42661417400',
  '123e4567-e89b-12d3-a456-4266141740000',
  '123e4567e89b12d3a456426614174000',
  '{123e4567-e89b-12d3-a456-426614174000}',
  '123e4567-e89b-12d3-a456-42661417400g',
  ' 123e4567-e89b-12d3-a456-426614174000',
  "1' OR '1'='1",
  'x'.repeat(10_000),
  '%E2%80%AE',
  '%F0%9F%91%A9%E2%80%8D%F0%9F%91%A9',
];

/** Percent-encodes a string for a path segment, including lone surrogates (as raw CESU-8 bytes). */
export function encodeSegment(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

/** A hostile path segment: raw from the list above (already URL text), or any string percent-encoded. */
export const badIdSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...badIdTexts),
  fc.uuid().map((id) => id),
  hostileString.filter((s) => s.length > 0).map(encodeSegment),
);

/** Whether fetch would accept `value` as a header value (a ByteString without NUL, CR or LF). */
export function sendableHeader(value: string): boolean {
  try {
    new Headers({ x: value });
    return true;
  } catch {
    return false;
  }
}

/** Header values that are wrong for any header: empty, control characters, Latin-1, huge. */
export const headerJunk: readonly string[] = [
  '',
  ' ',
  '\t',
  '\u0001\u0002\u0003',
  '\u007f',
  'é',
  '\u00ff\u00fe',
  'a b',
  '"',
  '""',
  ',',
  'x'.repeat(10_000),
  '*, *',
  'null',
];

/** Bad values of the headers the API reads, by header name (all sendable), each list with the junk above. */
export const badHeaderTexts: Record<string, readonly string[]> = {
  'if-match': [
    'W/"1"',
    '"abc"',
    '*',
    '"*"',
    '"-1"',
    '-1',
    '"0"',
    '"1.5"',
    '"1e3"',
    '"99999999999999999999"',
    '"2147483648"',
    '"999999999"',
    '1, 2',
    '"1", "2"',
    'W/',
    'W/""',
    '"1',
    '1"',
  ],
  'idempotency-key': ['k'.repeat(201), 'k'.repeat(10_000), 'a\tb', 'a\u0001', 'a b', 'é'],
  'last-event-id': [
    '-1',
    '1.5',
    '1e3',
    'abc',
    '0.0.0',
    '1.2.3',
    '.1',
    '1.',
    '999999999999999999999.1',
    '1.999999999999999999999',
    '9999999999',
    '0x10',
    '99999999999999.99999999999999',
    '0',
    '999999999',
  ],
  authorization: [
    'Bearer',
    'Bearer ',
    'bearer x',
    'Basic dXNlcjpwYXNz',
    'Bearer a b',
    'Bearer hf_not-a-real-token',
    `Bearer ${'a'.repeat(513)}`,
    `Bearer ${'a'.repeat(10_000)}`,
    'Bearer \u00ff',
    'Token abc',
    'Bearer\ttest-admin-token-0123456789x',
  ],
};

/** The bad values of one header, for a systematic pass. */
export const badHeaderList = (name: string): string[] =>
  [...(badHeaderTexts[name] ?? []), ...headerJunk].filter(sendableHeader);

const badHeaderValue = (name: string, ...extra: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...badHeaderList(name), ...extra.filter(sendableHeader)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 60 }).filter(sendableHeader) },
  );

export const badIfMatch = badHeaderValue('if-match');
export const badIdempotencyKey = badHeaderValue('idempotency-key');
export const badLastEventId = badHeaderValue('last-event-id');
export const badAuthorization = badHeaderValue('authorization');
export const badAccept = badHeaderValue('accept', 'text/markdown', 'text/html', '*/*', 'application/xml');
export const badContentType = badHeaderValue(
  'content-type',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/jsonx',
);

/** Values a query parameter of this schema should refuse or survive: type boundaries, NUL, surrogates, huge. */
export function queryBoundaries(schema: JsonSchema = {}): string[] {
  const common = ['', ' ', '\u0000', 'a\u0000', '\ud800', 'x'.repeat(5_000), '%', '[]', 'null', '__proto__'];
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (type === 'integer' || type === 'number') {
    const numbers = [
      '-1',
      '0',
      '1.5',
      '1e3',
      '2147483647',
      '2147483648',
      '9007199254740991',
      '9007199254740993',
    ];
    return [...common, ...numbers, '1e300', 'NaN', 'Infinity', '0x10', ' 1', '１'];
  }
  if (Array.isArray(schema.enum)) {
    return [...common, ...schema.enum.flatMap((v: unknown) => [String(v).toUpperCase(), ` ${String(v)}`])];
  }
  return [...common, '..', 'constructor', "'; drop table incidents; --", 'é', '😀', '\u202e'];
}

/** `key=value&…` with every character percent-encoded as encodeSegment does (lone surrogates as raw bytes). */
export const queryString = (entries: readonly (readonly [string, string])[]): string =>
  entries.map(([key, value]) => `${encodeSegment(key)}=${encodeSegment(value)}`).join('&');

/** Keys of `components.schemas` that `$ref`s point at. */
export type SchemaResolver = (schema: JsonSchema) => JsonSchema;

export function resolverFor(doc: { components?: { schemas?: Record<string, JsonSchema> } }): SchemaResolver {
  return (schema) => {
    let current = schema;
    for (let hops = 0; current?.$ref && hops < 20; hops++) {
      const name = String(current.$ref).replace(/^#\/components\/schemas\//, '');
      current = doc.components?.schemas?.[name] ?? {};
    }
    return current ?? {};
  };
}

const identity: SchemaResolver = (schema) => schema;

/**
 * A type-correct instance of a JSON Schema (not necessarily valid: formats, patterns and cross-field rules
 * are not honoured), small enough to mutate. `hints` supplies values for string fields by name.
 */
export function instanceOf(
  schema: JsonSchema,
  resolve: SchemaResolver = identity,
  hints: Record<string, readonly unknown[]> = {},
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema ?? {});
  if (depth > 6) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...s.enum);
  const variants = s.anyOf ?? s.oneOf;
  if (Array.isArray(variants) && variants.length > 0) {
    return fc.oneof(...variants.map((v: JsonSchema) => instanceOf(v, resolve, hints, depth + 1)));
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return instanceOf(s.allOf[0], resolve, hints, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const properties: Record<string, JsonSchema> = s.properties ?? {};
      const required = new Set<string>(s.required ?? []);
      const fields = Object.entries(properties).map(([key, sub]) => {
        const hinted = hints[key];
        const arb = hinted?.length ? fc.constantFrom(...hinted) : instanceOf(sub, resolve, hints, depth + 1);
        return [key, required.has(key) ? arb : fc.option(arb, { nil: undefined })] as const;
      });
      return fc.tuple(...fields.map(([, arb]) => arb)).map((values) => {
        const out: Record<string, unknown> = {};
        fields.forEach(([key], i) => {
          if (values[i] !== undefined) out[key] = values[i];
        });
        return out;
      });
    }
    case 'array': {
      const min = s.minItems ?? 0;
      const max = Math.min(s.maxItems ?? min + 2, min + 2);
      return fc.array(instanceOf(s.items ?? {}, resolve, hints, depth + 1), {
        minLength: min,
        maxLength: max,
      });
    }
    case 'string': {
      if (s.format === 'date-time') return fc.constant('2026-03-09T09:00:00Z');
      if (s.format === 'date') return fc.constant('2026-03-09');
      if (s.format === 'uuid') return fc.uuid();
      const min = s.minLength ?? 0;
      const max = Math.max(min, Math.min(s.maxLength ?? 20, 20));
      return fc.string({ minLength: min, maxLength: max });
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? s.exclusiveMinimum ?? 0, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? 0, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null));
  }
}

/** One deterministic, plausibly valid instance of a schema: its example, a hint, or the simplest value. */
export function exampleOf(
  schema: JsonSchema,
  resolve: SchemaResolver = identity,
  hints: Record<string, readonly unknown[]> = {},
  depth = 0,
): unknown {
  const s = resolve(schema ?? {});
  if (depth > 6) return null;
  if ('example' in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const variants = s.anyOf ?? s.oneOf ?? s.allOf;
  if (Array.isArray(variants) && variants.length > 0)
    return exampleOf(variants[0], resolve, hints, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const required = new Set<string>(s.required ?? []);
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries<JsonSchema>(s.properties ?? {})) {
        if (!required.has(key) && !('example' in resolve(sub))) continue;
        out[key] = hints[key]?.length ? hints[key][0] : exampleOf(sub, resolve, hints, depth + 1);
      }
      return out;
    }
    case 'array':
      return (s.minItems ?? 0) > 0 ? [exampleOf(s.items ?? {}, resolve, hints, depth + 1)] : [];
    case 'string':
      return s.format === 'date-time' ? '2026-03-09T09:00:00Z' : 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum === undefined ? 1 : s.exclusiveMinimum + 1);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

type Path = (string | number)[];

/** Every path into a JSON value, the root (`[]`) first. */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, child] of value.entries()) pathsOf(child, [...prefix, i], out);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) pathsOf(child, [...prefix, key], out);
  }
  return out;
}

/** A copy of `value` with the thing at `path` replaced (or removed, with `remove`). */
export function setAt(value: unknown, path: Path, replacement: unknown, remove = false): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

/** `value` with one place made wrong: a field of another type, a field removed, an unknown field added. */
export function mutated(value: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(value);
  const objectPaths = paths.filter((path) => {
    const at = path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], value);
    return at !== null && typeof at === 'object' && !Array.isArray(at);
  });
  const pick = fc.constantFrom(...paths);
  const ops: fc.Arbitrary<unknown>[] = [
    fc.tuple(pick, wrongValue).map(([path, wrong]) => setAt(value, path, wrong)),
    fc.tuple(pick, wrongValue).map(([path, wrong]) => setAt(value, path, wrong)),
    pick.filter((path) => path.length > 0).map((path) => setAt(value, path, undefined, true)),
  ];
  if (paths.length === 1) ops.splice(2, 1);
  if (objectPaths.length > 0) {
    ops.push(
      fc.tuple(fc.constantFrom(...objectPaths), hostileString, wrongValue).map(([path, key, extra]) => {
        const target = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
        return setAt(value, path, { ...(target as object), [key]: extra });
      }),
    );
  }
  return fc.oneof(...ops);
}

/** Every field of `value` set, one at a time, to each of a few values of the wrong type. */
export function everyFieldWrong(value: unknown): unknown[] {
  const replacements = [null, 0, -1, 1e308, true, '', [], {}, '\u0000', 'x'.repeat(5_000)];
  return pathsOf(value)
    .filter((path) => path.length > 0)
    .flatMap((path) => replacements.map((replacement) => setAt(value, path, replacement)));
}

/** Strings that probe a rule beyond a field's shape: blank, padded, digit runs (card numbers), short, plain. */
const probeString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 12 }),
  fc.constantFrom('', ' ', '  \t ', '\n', ' x ', ' ab ', 'ab', 'abc', 'APPI', ' gdpr ', 'Visa WTDIC'),
  fc.constantFrom('4111 1111 1111 1111', '4111-1111-1111-1111', '1234567890123', 'ref 12345678'),
);

/**
 * Candidates for instances of a JSON Schema that are often valid: types, properties, bounds, enums, formats
 * and patterns are honoured; rules in `allOf`, `contains`, `if`/`then` and `not` are left to chance (and to a
 * validator that filters the candidates). Strings are ASCII, so lengths mean the same in JSON Schema and JS.
 */
export function validInstanceOf(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const s = schema ?? {};
  if (depth > 6) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...s.enum);
  const variants = s.anyOf ?? s.oneOf;
  if (Array.isArray(variants) && variants.length > 0 && !s.type) {
    return fc.oneof(...variants.map((v: JsonSchema) => validInstanceOf(v, depth + 1)));
  }
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const required = new Set<string>(s.required ?? []);
      const fields = Object.entries<JsonSchema>(s.properties ?? {}).map(([key, sub]) => {
        const arb = validInstanceOf(sub, depth + 1);
        return [key, required.has(key) ? arb : fc.option(arb, { nil: undefined })] as const;
      });
      return fc.tuple(...fields.map(([, arb]) => arb)).map((values) => {
        const out: Record<string, unknown> = {};
        fields.forEach(([key], i) => {
          if (values[i] !== undefined) out[key] = values[i];
        });
        return out;
      });
    }
    case 'array': {
      const min = s.minItems ?? 0;
      return fc.array(validInstanceOf(s.items ?? {}, depth + 1), {
        minLength: min,
        maxLength: Math.min(s.maxItems ?? min + 4, min + 4),
      });
    }
    case 'string': {
      if (s.format === 'date') return fc.constantFrom('2026-03-09', '2024-02-29', '2026-12-31');
      if (s.format === 'date-time')
        return fc.constantFrom('2026-03-09T09:00:00Z', '2026-03-09T09:00:00.5+09:00', '2024-02-29T23:59:59Z');
      const min = s.minLength ?? 0;
      const max = s.maxLength ?? Number.POSITIVE_INFINITY;
      const candidates = s.pattern
        ? fc.oneof(fc.stringMatching(new RegExp(s.pattern)), probeString)
        : fc.oneof(probeString, fc.string({ unit: 'binary-ascii', minLength: min, maxLength: min + 8 }));
      return candidates.filter((text) => text.length >= min && text.length <= max);
    }
    case 'integer': {
      const low = Math.max(
        s.minimum ?? -1000,
        s.exclusiveMinimum === undefined ? -1e15 : s.exclusiveMinimum + 1,
      );
      const high = Math.min(s.maximum ?? low + 2000, Number.MAX_SAFE_INTEGER);
      return fc.oneof(fc.integer({ min: low, max: Math.min(high, low + 2000) }), fc.constantFrom(low, high));
    }
    case 'number': {
      const low = s.exclusiveMinimum ?? s.minimum ?? -1000;
      return fc.double({
        min: low,
        max: s.maximum ?? low + 2000,
        minExcluded: s.exclusiveMinimum !== undefined,
        noNaN: true,
        noDefaultInfinity: true,
      });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.oneof(probeString, fc.integer(), fc.boolean(), fc.constant(null));
  }
}

/**
 * Candidates near a valid `value` of `schema`: some fields kept, some regenerated, optional ones dropped or
 * added, array items replaced, dropped or added. Rules between fields are most often broken (and kept) here.
 */
export function nearInstanceOf(value: unknown, schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const s = schema ?? {};
  const fresh = validInstanceOf(s, depth);
  if (depth > 6) return fc.constant(value);
  if (Array.isArray(value)) {
    const itemSchema: JsonSchema = s.items ?? {};
    const items = fc.tuple(...value.map((item) => nearInstanceOf(item, itemSchema, depth + 1)));
    const edited = fc
      .tuple(items, fc.nat(), validInstanceOf(itemSchema, depth + 1), fc.constantFrom('keep', 'drop', 'add'))
      .map(([list, at, extra, edit]) => {
        const copy = [...list];
        if (edit === 'drop' && copy.length > 0) copy.splice(at % copy.length, 1);
        if (edit === 'add') copy.splice(at % (copy.length + 1), 0, extra);
        return copy;
      });
    return fc.oneof({ weight: 1, arbitrary: fresh }, { weight: 4, arbitrary: edited });
  }
  if (value !== null && typeof value === 'object' && s.properties) {
    const current = value as Record<string, unknown>;
    const required = new Set<string>(s.required ?? []);
    const fields = Object.entries<JsonSchema>(s.properties).map(([key, sub]) => {
      const options: fc.Arbitrary<unknown>[] = [validInstanceOf(sub, depth + 1)];
      if (key in current)
        options.push(fc.constant(current[key]), nearInstanceOf(current[key], sub, depth + 1));
      if (!required.has(key)) options.push(fc.constant(undefined));
      return [key, fc.oneof(...options)] as const;
    });
    const edited = fc.tuple(...fields.map(([, arb]) => arb)).map((values) => {
      const out: Record<string, unknown> = {};
      fields.forEach(([key], i) => {
        if (values[i] !== undefined) out[key] = values[i];
      });
      return out;
    });
    return fc.oneof({ weight: 1, arbitrary: fresh }, { weight: 4, arbitrary: edited });
  }
  return fc.oneof(fc.constant(value), fresh);
}
