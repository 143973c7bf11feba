import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { parseOrThrow, Refusal } from '../../src/engine';
import { jsonSchemaOf, unexpressedRule } from '../../src/playbook-kit';
import { fuzzParams, type JsonSchema, nearInstanceOf, validInstanceOf } from '../support/fuzz-arbitraries';

/**
 * The payload schemas GET /v1/playbooks/:id publishes are as strict as the server: a payload valid against
 * an event's published JSON Schema passes the validation of POST …/events, or is refused only for a rule the
 * published description names as one the schema cannot express, and the 400 names that rule. Payloads are
 * drawn near the event's examples and from the schema itself, and kept when the published schema accepts
 * them.
 */

// Formats are annotations here: zod publishes a `pattern` beside each, and the pattern asserts. Strict, but
// an `if: { required: [...] }` may name a property declared beside it (ajv's default).
const ajv = new Ajv2020({
  strict: true,
  strictRequired: false,
  allErrors: true,
  formats: { date: true, 'date-time': true },
});

const events = playbooks.flatMap((playbook) =>
  playbook.events.map((event) => ({
    name: `${playbook.id}@${playbook.version} ${event.type}`,
    event,
    published: jsonSchemaOf(event.payload) as JsonSchema,
  })),
);

/** Every `description` in a JSON Schema, nested ones too. */
function descriptions(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(descriptions);
  if (schema === null || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([key, value]) =>
    key === 'description' && typeof value === 'string' ? [value] : descriptions(value),
  );
}

/** The messages of the 400 that POST …/events would answer for `payload`; none when it passes. */
function refusals(payload: unknown, schema: (typeof events)[number]['event']['payload']): string[] {
  try {
    parseOrThrow(schema, payload, 'payload');
    return [];
  } catch (error) {
    if (!(error instanceof Refusal) || error.code !== 'invalid_request') throw error;
    return (error.details.errors as { message: string }[]).map((issue) => issue.message);
  }
}

describe('published payload schemas', () => {
  it.each(events)(
    '$name: the server refuses nothing the published schema accepts',
    ({ event, published }) => {
      const valid = ajv.compile(published);
      for (const example of event.examples) expect(valid(example), ajv.errorsText(valid.errors)).toBe(true);

      const described = descriptions(published);
      const candidates = fc.oneof(
        validInstanceOf(published),
        ...event.examples.map((example) => nearInstanceOf(example, published)),
      );
      fc.assert(
        fc.property(
          candidates.filter((payload) => valid(payload)),
          (payload) => {
            const unsaid = refusals(payload, event.payload).filter(
              (message) => !described.some((text) => text.includes(`${unexpressedRule}: ${message}.`)),
            );
            if (unsaid.length > 0) throw new Error(`refused: ${unsaid.join('; ')}`);
          },
        ),
        fuzzParams(150),
      );
    },
  );

  it('leaves to the description only the rules that compare or add fields', () => {
    const unsaid = events
      .filter(({ published }) => descriptions(published).some((text) => text.includes(unexpressedRule)))
      .map(({ name }) => name);
    expect(unsaid).toEqual([
      'credential-stuffing@1 scope.quantified',
      'credential-stuffing@1 shipments.held',
      'credential-stuffing@2 scope.quantified',
      'credential-stuffing@2 shipments.held',
      'staff-account-compromise@1 accounts.classified',
    ]);
  });

  it('says a rule in JSON Schema where it can: contains, if/then, enum per regime, not', () => {
    const schemaOf = (name: string) => events.find((e) => e.name === name)!.published;
    const valid = (name: string, payload: unknown) => ajv.validate(schemaOf(name), payload);
    const hash = 'a'.repeat(64);
    const item = (kind: string) => ({ kind, sha256: hash, location: 'vault://x' });
    expect(valid('ransom-demand@2 evidence.baseline_captured', { items: [item('account_export')] })).toBe(
      false,
    );
    expect(
      valid('ransom-demand@2 evidence.baseline_captured', {
        items: [item('system_image'), item('account_export')],
      }),
    ).toBe(true);
    const reported = 'card-data-exposure@1 regulator.reported';
    expect(valid(reported, { regime: 'APPI', clockIds: ['gdpr-art33'], reference: 'R-1' })).toBe(false);
    expect(
      valid(reported, {
        regime: ' appi ',
        clockIds: ['appi-preliminary', 'appi-confirmed'],
        reference: 'R-1',
      }),
    ).toBe(true);
    expect(valid(reported, { regime: 'APPI', reference: 'R-1' })).toBe(false); // which clocks it meets
    expect(valid(reported, { regime: 'APPI', clockIds: ['appi-preliminary'] })).toBe(false); // its reference
    const civil = 'insider-data-theft@1 civil_action.decided';
    expect(valid(civil, { option: 'file', rationale: 'Damages.' })).toBe(false);
    expect(valid(civil, { option: 'file', defendants: ['individual'], rationale: 'Damages.' })).toBe(true);
    expect(valid(civil, { option: 'do_not_file', rationale: 'Not worth it.' })).toBe(true);
    const partners = 'staff-account-compromise@1 partners.notified';
    expect(valid(partners, { partners: [], funders: [] })).toBe(false);
    expect(valid(partners, { partners: [], licensors: ['Publisher A'] })).toBe(true);
    const isolated = { method: 'network_detached', poweredOff: false, actionLogEntry: 'Detached at 09:00' };
    expect(
      valid('card-data-exposure@1 system.isolated', { ...isolated, system: '4111 1111 1111 1111' }),
    ).toBe(false);
    expect(valid('card-data-exposure@1 system.isolated', { ...isolated, system: 'POS server 7' })).toBe(true);
    expect(valid('ransom-demand@2 incident.closed', { rationale: '  a  ' })).toBe(false);
    expect(valid('ransom-demand@2 incident.closed', { rationale: ' a b ' })).toBe(true);
  });
});
