// @ts-check
// A form generated from an event's payload JSON Schema (as GET /v1/playbooks/:id gives it):
// string → text / textarea, enum → select, boolean → checkbox, number / integer → number,
// array of enums → checkboxes, array of strings → one per line, object → fieldset,
// anything else → a JSON textarea. A `rationale` field is always required.

import { h, humanise } from './dom.js';

let counter = 0;
const nextId = () => `f${++counter}`;

const LONG_TEXT = /rationale|message|summary|note|description|reason|text|scope|justification|statement/i;

/** Folds nullable unions and single-member combinators into one schema; null when it cannot. */
function normalise(schema) {
  if (!schema || typeof schema !== 'object') return {};
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    const options = union.filter((option) => option?.type !== 'null');
    if (options.length === 1)
      return normalise({ ...schema, anyOf: undefined, oneOf: undefined, ...options[0] });
    if (options.every((o) => 'const' in o || Array.isArray(o.enum))) {
      return {
        ...schema,
        anyOf: undefined,
        oneOf: undefined,
        enum: options.flatMap((o) => o.enum ?? [o.const]),
      };
    }
    return { ...schema, kind: 'json' };
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    return normalise({ ...schema, allOf: undefined, ...schema.allOf[0] });
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== 'null');
    return types.length === 1 ? { ...schema, type: types[0] } : { ...schema, kind: 'json' };
  }
  if ('const' in schema) return { ...schema, enum: [schema.const] };
  return schema;
}

function kindOf(schema) {
  if (schema.kind) return schema.kind;
  if (Array.isArray(schema.enum)) return 'enum';
  if (schema.type === 'string') return 'string';
  if (schema.type === 'number' || schema.type === 'integer') return 'number';
  if (schema.type === 'boolean') return 'boolean';
  if (schema.type === 'array') {
    const items = normalise(schema.items);
    if (Array.isArray(items.enum)) return 'enum-array';
    if (items.type === 'string') return 'string-array';
    return 'json';
  }
  if (schema.type === 'object' && schema.properties && Object.keys(schema.properties).length > 0)
    return 'object';
  return 'json';
}

/**
 * One field; returns { el, read, set, errorFor }. `read()` → the value, or undefined when left empty;
 * it pushes {path, message} onto `problems` for what the browser cannot check itself.
 */
function field(name, rawSchema, { required, path, registry }) {
  const schema = normalise(rawSchema);
  const kind = kindOf(schema);
  const id = nextId();
  const error = h('div', { class: 'field-error', role: 'alert', dataset: { path: path.join('.') } });
  registry.set(path.join('.'), error);
  const hint = schema.description ? h('div', { class: 'hint' }, schema.description) : null;
  const label = (forId) =>
    h(
      'label',
      { for: forId },
      schema.title ?? humanise(name),
      required ? h('span', { class: 'required', title: 'required' }, ' *') : null,
    );
  const wrap = (input, forId = id) =>
    h('div', { class: `field field-${kind}` }, label(forId), hint, input, error);

  if (kind === 'object') {
    const requiredKeys = new Set(schema.required ?? []);
    const children = Object.entries(schema.properties).map(([key, sub]) =>
      field(key, sub, {
        required: requiredKeys.has(key) || key === 'rationale',
        path: [...path, key],
        registry,
      }),
    );
    const el = h(
      'fieldset',
      { class: 'field field-object' },
      h(
        'legend',
        {},
        schema.title ?? humanise(name),
        required ? h('span', { class: 'required' }, ' *') : null,
      ),
      hint,
      children.map((child) => child.el),
      error,
    );
    return {
      el,
      read(problems) {
        const value = {};
        for (const [i, key] of Object.keys(schema.properties).entries()) {
          const v = children[i].read(problems);
          if (v !== undefined) value[key] = v;
        }
        if (!required && Object.keys(value).length === 0) return undefined;
        return value;
      },
      set(value) {
        for (const [i, key] of Object.keys(schema.properties).entries()) children[i].set(value?.[key]);
      },
    };
  }

  if (kind === 'enum') {
    const options = schema.enum;
    const select = h(
      'select',
      { id, name: path.join('.'), required },
      required && options.length === 1 ? null : h('option', { value: '' }, required ? 'Choose…' : '—'),
      options.map((option, i) => h('option', { value: String(i) }, String(option))),
    );
    return {
      el: wrap(select),
      read: () => (select.value === '' ? undefined : options[Number(select.value)]),
      set(value) {
        const i = options.indexOf(value);
        select.value = i === -1 ? '' : String(i);
      },
    };
  }

  if (kind === 'string') {
    const long = (schema.maxLength ?? 10_000) > 200 && LONG_TEXT.test(name);
    const attrs = {
      id,
      name: path.join('.'),
      required,
      minlength: schema.minLength,
      maxlength: schema.maxLength,
      placeholder:
        schema.format === 'date-time'
          ? `ISO 8601, e.g. ${new Date().toISOString().slice(0, 19)}Z`
          : schema.format === 'email'
            ? 'name@example.org'
            : null,
    };
    const input = long ? h('textarea', { ...attrs, rows: 3 }) : h('input', { ...attrs, type: 'text' });
    return {
      el: wrap(input),
      read: () => (input.value.trim() === '' ? undefined : input.value),
      set(value) {
        input.value = value ?? '';
      },
    };
  }

  if (kind === 'number') {
    const input = h('input', {
      id,
      name: path.join('.'),
      type: 'number',
      required,
      step: schema.type === 'integer' ? '1' : 'any',
      min: schema.minimum ?? schema.exclusiveMinimum,
      max: schema.maximum ?? schema.exclusiveMaximum,
    });
    return {
      el: wrap(input),
      read: () => (input.value === '' ? undefined : Number(input.value)),
      set(value) {
        input.value = value === undefined || value === null ? '' : String(value);
      },
    };
  }

  if (kind === 'boolean') {
    if (required) {
      const input = h('input', { id, name: path.join('.'), type: 'checkbox' });
      return {
        el: wrap(input),
        read: () => input.checked,
        set(value) {
          input.checked = value === true;
        },
      };
    }
    // Optional: "not said" must stay possible, so a three-way choice.
    const select = h(
      'select',
      { id, name: path.join('.') },
      h('option', { value: '' }, '—'),
      h('option', { value: 'true' }, 'yes'),
      h('option', { value: 'false' }, 'no'),
    );
    return {
      el: wrap(select),
      read: () => (select.value === '' ? undefined : select.value === 'true'),
      set(value) {
        select.value = value === true ? 'true' : value === false ? 'false' : '';
      },
    };
  }

  if (kind === 'enum-array') {
    const options = normalise(schema.items).enum;
    const boxes = options.map((option) =>
      h('input', { type: 'checkbox', name: path.join('.'), value: String(option) }),
    );
    const group = h(
      'div',
      { class: 'checkboxes', id, role: 'group' },
      options.map((option, i) => h('label', { class: 'checkbox' }, boxes[i], ` ${String(option)}`)),
    );
    return {
      el: wrap(group, undefined),
      read(problems) {
        const value = options.filter((_, i) => boxes[i].checked);
        const min = schema.minItems ?? 0;
        if (value.length < min) problems.push({ path: path.join('.'), message: `choose at least ${min}` });
        if (value.length === 0 && !required) return undefined;
        return value;
      },
      set(value) {
        for (const [i, option] of options.entries())
          boxes[i].checked = Array.isArray(value) && value.includes(option);
      },
    };
  }

  if (kind === 'string-array') {
    const input = h('textarea', { id, name: path.join('.'), rows: 3, required, placeholder: 'one per line' });
    return {
      el: wrap(input),
      read: () => {
        const lines = input.value
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean);
        return lines.length === 0 && !required ? undefined : lines;
      },
      set(value) {
        input.value = Array.isArray(value) ? value.join('\n') : '';
      },
    };
  }

  // Anything else: JSON.
  const input = h('textarea', {
    id,
    name: path.join('.'),
    rows: 5,
    required,
    class: 'json',
    spellcheck: 'false',
    placeholder: 'JSON',
  });
  return {
    el: wrap(input),
    read(problems) {
      if (input.value.trim() === '') return undefined;
      try {
        return JSON.parse(input.value);
      } catch (e) {
        problems.push({
          path: path.join('.'),
          message: `not valid JSON: ${e instanceof Error ? e.message : e}`,
        });
        return undefined;
      }
    },
    set(value) {
      input.value = value === undefined ? '' : JSON.stringify(value, null, 2);
    },
  };
}

/**
 * The payload part of an event form. Returns { el, read, set, showErrors, clearErrors }:
 * `read()` → { payload, problems }; `showErrors(errors)` takes the API's `errors` [{path, message}]
 * (paths like "payload.scope") and puts each message under its field.
 */
export function schemaForm(schema) {
  const registry = new Map();
  const root = normalise(schema ?? {});
  const top = kindOf(root) === 'object' ? root : null;
  const requiredKeys = new Set(top?.required ?? []);
  const fields = top
    ? Object.entries(top.properties).map(([key, sub]) => ({
        key,
        ...field(key, sub, { required: requiredKeys.has(key) || key === 'rationale', path: [key], registry }),
      }))
    : [];
  const general = h('div', { class: 'field-error', role: 'alert', dataset: { path: '' } });
  registry.set('', general);
  const whole =
    top || (root.type === 'object' && !root.properties)
      ? null
      : field('payload', root, { required: false, path: ['payload'], registry });
  const el = h(
    'div',
    { class: 'schema-form' },
    fields.map((f) => f.el),
    whole?.el,
    general,
  );
  return {
    el,
    read() {
      const problems = [];
      let payload;
      if (top) {
        payload = {};
        for (const f of fields) {
          const v = f.read(problems);
          if (v !== undefined) payload[f.key] = v;
        }
      } else if (whole) {
        payload = whole.read(problems);
      }
      return { payload, problems };
    },
    set(example) {
      if (top) for (const f of fields) f.set(example?.[f.key]);
      else whole?.set(example);
    },
    clearErrors() {
      for (const slot of registry.values()) slot.textContent = '';
    },
    showErrors(errors) {
      const unplaced = [];
      for (const { path, message } of errors ?? []) {
        const key = String(path ?? '')
          .replace(/^(json\.)?payload\.?/, '')
          .replace(/^json\./, '');
        let slot = registry.get(key);
        // A deeper path (items.0.sha256) goes under the nearest field that exists (items).
        for (let parts = key.split('.'); !slot && parts.length > 0; parts = parts.slice(0, -1)) {
          slot = registry.get(parts.join('.'));
        }
        if (slot && slot !== general)
          slot.textContent = [slot.textContent, `${key}: ${message}`].filter(Boolean).join('; ');
        else unplaced.push(`${key || 'payload'}: ${message}`);
      }
      general.textContent = unplaced.join('; ');
    },
  };
}
