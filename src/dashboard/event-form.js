// @ts-check
// The form that records one event: fields from the event's payload schema, a note, and what to do when
// the incident changed under it. A change elsewhere does not make the form stale: it is refused only when the
// change touches what it is about — its event is no longer open to the caller, or a track the event belongs
// to moved (its active step changed). Otherwise it is sent with the incident's current version as If-Match
// (docs/decisions.md, "Forms that do not go stale for nothing").

import { ApiError, errorText, getJson, sendEvent } from './api.js';
import { h, humanise, replace } from './dom.js';
import { schemaForm } from './schema-form.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').AllowedEvent} AllowedEvent */
/** @typedef {import('./types.js').EventDef} EventDef */
/** @typedef {{ incident: Incident, event: { seq: number } }} Sent */

/**
 * Where the tracks an event belongs to stand: their active step paths. An event of the whole incident
 * (no tracks) depends on no track.
 * @param {Incident} incident
 * @param {string[]} tracks
 */
const trackState = (incident, tracks) =>
  incident.active
    .map((state) => state.path)
    .filter((path) => tracks.includes(path.split('.')[0] ?? ''))
    .sort()
    .join(',');

/**
 * What in `latest` makes a form opened on `opened` stale, in words; null when nothing it is about changed.
 * @param {AllowedEvent} allowed
 * @param {Incident} opened
 * @param {Incident} latest
 */
export function staleReason(allowed, opened, latest) {
  if (latest.status !== 'open') return 'the incident is closed';
  if (!latest.allowedEvents.some((e) => e.type === allowed.type && e.permitted)) {
    return `"${allowed.title}" is no longer open in the incident's current state`;
  }
  const moved = (allowed.tracks ?? []).filter((t) => trackState(opened, [t]) !== trackState(latest, [t]));
  if (moved.length > 0) return `the ${moved.join(', ')} track moved since you opened this form`;
  return null;
}

/** How many times a send is retried when unrelated changes keep landing between the check and the send. */
const RESENDS = 3;

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dash-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * @param {object} options
 * @param {AllowedEvent} options.allowed
 * @param {EventDef | undefined} options.def
 * @param {() => Incident} options.incident the incident as the page shows it now
 * @param {() => Promise<void>} options.reload loads the incident again
 * @param {(sent: Sent) => void} options.onSent
 * @param {() => void} options.onClose
 */
export function eventForm({ allowed, def, incident, reload, onSent, onClose }) {
  const form = schemaForm(def?.payloadSchema ?? { type: 'object' });
  // Not "note": payloads may have a field of that name.
  const note = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { id: 'event-note', name: 'event-note', rows: 2, maxlength: 4000 })
  );
  const status = h('div', { class: 'form-status', role: 'alert', id: 'form-status' });
  const stale = h('div', { class: 'stale', role: 'status', id: 'form-stale' });
  const send = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'primary' }, 'Send'));
  const idempotencyKey = randomKey();
  const incidentId = incident().id;
  /** The incident as the user saw it when the form opened (or when they last adopted a change). */
  let seen = incident();
  let version = seen.version;

  const el = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'event-form', id: 'event-form', dataset: { eventType: allowed.type } },
      h('h3', {}, allowed.title),
      h(
        'p',
        {},
        h('code', {}, allowed.type),
        ' ',
        h('span', { class: 'muted' }, `roles: ${allowed.roles.map(humanise).join(', ')}`),
      ),
      def?.description ? h('p', { class: 'description' }, def.description) : null,
      def?.examples?.length
        ? h(
            'p',
            { class: 'examples' },
            'Start from an example: ',
            def.examples.map((example, i) =>
              h(
                'button',
                { type: 'button', class: 'link', onclick: () => form.set(example) },
                `example ${i + 1}`,
              ),
            ),
          )
        : null,
      form.el,
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'event-note' }, 'Note for the timeline (optional)'),
        note,
      ),
      stale,
      status,
      h(
        'div',
        { class: 'form-buttons' },
        send,
        h('button', { type: 'button', onclick: () => close() }, 'Cancel'),
      ),
    )
  );

  const close = () => {
    el.remove();
    onClose();
  };

  const reloadButton = (label = 'Reload the incident') =>
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          await reload();
          adopt();
        },
      },
      label,
    );

  /** The user has seen the incident as it is now: the form now targets that version. */
  const adopt = () => {
    const latest = incident();
    seen = latest;
    version = latest.version;
    delete el.dataset.stale;
    stale.replaceChildren();
    const still = latest.allowedEvents.some((e) => e.type === allowed.type && e.permitted);
    status.textContent = still
      ? `Reloaded: the incident is at version ${version}. Check what changed, then send again.`
      : `"${allowed.title}" is no longer open in the incident's current state.`;
    send.disabled = !still;
  };

  /** @param {Incident} latest */
  function incidentChanged(latest) {
    if (latest.version === version) return;
    const reason = staleReason(allowed, seen, latest);
    if (reason === null) {
      // Something else moved (a timer fired, another track went on): this form is about none of it.
      version = latest.version;
      el.dataset.version = String(version);
      replace(
        stale,
        h(
          'span',
          { class: 'muted' },
          `The incident moved on elsewhere (now version ${version}); this form is still current.`,
        ),
      );
      return;
    }
    el.dataset.stale = 'true';
    replace(
      stale,
      h(
        'span',
        {},
        `The incident changed while this form was open: ${reason}. Sending now will be refused; review the changes, then use the latest version. `,
      ),
      h('button', { type: 'button', onclick: adopt }, 'Use the latest version'),
    );
  }

  /**
   * Sends with the version the form targets; when an unrelated change landed meanwhile (412), reads the
   * incident again and, if the change does not touch this form, sends with the new version.
   * @param {{ type: string, payload?: unknown, note?: string }} body
   */
  async function sendCurrent(body) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await sendEvent(incidentId, version, body, idempotencyKey);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'version_mismatch' || attempt >= RESENDS)
          throw error;
        const { data: latest } = await getJson(`/v1/incidents/${encodeURIComponent(incidentId)}`);
        if (staleReason(allowed, seen, latest) !== null) {
          incidentChanged(latest);
          throw error;
        }
        version = latest.version;
      }
    }
  }

  el.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    form.clearErrors();
    status.textContent = '';
    if (!el.reportValidity()) return;
    const { payload, problems } = form.read();
    if (problems.length > 0) {
      form.showErrors(problems.map((p) => ({ path: `payload.${p.path}`, message: p.message })));
      status.textContent = 'Check the highlighted fields.';
      return;
    }
    /** @type {{ type: string, payload?: unknown, note?: string }} */
    const body = { type: allowed.type };
    if (payload !== undefined) body.payload = payload;
    if (note.value.trim()) body.note = note.value.trim();
    send.disabled = true;
    status.textContent = 'Sending…';
    try {
      const reason = el.dataset.stale === 'true' ? staleReason(allowed, seen, incident()) : null;
      if (reason !== null)
        throw new ApiError(412, { code: 'version_mismatch', title: 'Precondition Failed', detail: reason });
      const result = await sendCurrent(body);
      close();
      onSent(result);
    } catch (error) {
      send.disabled = false;
      showProblem(error);
    }
  });

  /** @param {unknown} error */
  function showProblem(error) {
    if (!(error instanceof ApiError)) {
      status.textContent = `Not sent: ${errorText(error)}`;
      return;
    }
    const p = error.problem;
    el.dataset.problem = error.code;
    /** @param {...(string | Node | null)} parts */
    const say = (...parts) =>
      replace(status, h('strong', {}, `${error.status} ${p.title ?? ''}`.trim()), ' ', ...parts);
    switch (error.code) {
      case 'version_mismatch':
        say(
          `Not sent: what this form is about changed after you opened it (${error.message}). Nothing was recorded. ` +
            'Reload, check what changed, then decide again. ',
          reloadButton(),
        );
        break;
      case 'event_not_allowed': {
        const open = (p.allowedEvents ?? []).map((e) => e.title ?? e.type);
        say(
          `Not sent: "${allowed.title}" is not accepted in the incident's current state, or its conditions ` +
            '(sign-offs, gates, who may decide) are not met with these values. Nothing was recorded. ',
          reloadButton(),
          h(
            'details',
            { class: 'why' },
            h('summary', {}, 'Why, in the playbook’s words'),
            h('p', {}, error.message),
            open.length ? h('p', {}, `Open now: ${open.join(', ')}.`) : null,
          ),
        );
        break;
      }
      case 'incident_closed':
        say('Not sent: the incident is closed and accepts no more events. ', reloadButton());
        break;
      case 'invalid_request':
        form.showErrors(p.errors ?? []);
        say(`Not sent: ${error.message}`);
        break;
      case 'forbidden':
        say(`Not sent: your token's roles may not do this. ${error.message}`);
        break;
      case 'idempotency_conflict':
        say(
          'This form was already sent with different values; it was recorded once. Reload to see it. ',
          reloadButton(),
        );
        break;
      case 'network':
        say(
          `${error.message}. It is safe to press Send again: the retry carries the same Idempotency-Key, so it is recorded at most once.`,
        );
        break;
      default:
        say(`Not sent: ${error.message}`);
    }
  }

  return { el, close, incidentChanged };
}
