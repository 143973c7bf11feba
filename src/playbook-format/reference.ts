import { stringify } from 'yaml';
import { deadlineAnchors, deadlineInstants, inputAnchor, namedGuards } from '../playbook-kit';

/** The field types a payload or input field may have, and what each becomes. */
export const fieldTypes: Readonly<Record<string, string>> = {
  text: 'Trimmed text, at least one character; `max` (default 2000).',
  rationale: 'The reasoning of a decision: trimmed text of at least 3 characters (at most 4000).',
  boolean: 'true or false.',
  integer: 'A whole number; `min`, `max`, `above` (more than).',
  number: 'A number; `min`, `max`, `above` (more than: `above: 0` is positive).',
  enum: 'One of `values`. A decision event names its choice `option`.',
  list: 'A list of `of` (a field type); `min`, `max` items; `contains: { value, message }` a value it must include.',
  object: 'A mapping of `fields` (field types), no other keys.',
  sha256: 'A lower-case hex SHA-256 digest.',
  instant: 'An ISO 8601 instant with an offset.',
};

/** The shared tracks a file may list under `shared:`. */
export const sharedTrackKeys: Readonly<Record<string, string>> = {
  command: 'Declaration (its deadline under `deadlines:`), situation reports, closing. Required.',
  intake: 'SM-INTAKE: an outside report acknowledged and triaged (skipped when the incident has no report).',
  vendor: 'SM-VENDOR: an outside response firm requested, authorised, onboarded and released.',
  review: 'SM-REVIEW: the after-action review once `startWhen` holds, then improvement items.',
  messages: 'SM-COMMS: messages drafted with the facts they cite, approved by another person, sent.',
  clocks: "SM-CLOCKS: the notification clocks of the incident's jurisdictions.",
};

const yamlOf = (value: unknown) => stringify(value, { flow: true }).trim();

/**
 * The vocabulary reference of docs/writing-a-playbook.md, generated from the kit's tables so the document
 * cannot drift from what the compiler accepts (a test compares the two).
 */
export function vocabularyReference(): string {
  const guards = Object.entries(namedGuards).map(
    ([name, guard]) => `| \`${name}\` | ${guard.summary} | \`${name}: ${yamlOf(guard.example)}\` |`,
  );
  const table = (rows: Readonly<Record<string, string>>) =>
    Object.entries(rows).map(([key, text]) => `| \`${key}\` | ${text} |`);
  return [
    '### Guards (`when:`, `startWhen:`)',
    '',
    '| guard | holds when | example |',
    '|---|---|---|',
    ...guards,
    '',
    '### Deadline anchors (`from:`)',
    '',
    '| anchor | counts from |',
    '|---|---|',
    ...table(deadlineAnchors),
    '| `{ fact: <event> }` | The time that event was recorded. |',
    `| \`{ input: <field> }\` | ${inputAnchor} |`,
    '',
    '### Deadline instants (`at:`)',
    '',
    '| instant | due |',
    '|---|---|',
    ...table(deadlineInstants),
    '',
    '### Field types (`payload:`, `input:`)',
    '',
    '| type | value |',
    '|---|---|',
    ...table(fieldTypes),
    '',
    '### Shared tracks (`shared:`)',
    '',
    '| track | what it runs |',
    '|---|---|',
    ...table(sharedTrackKeys),
    '',
  ].join('\n');
}
