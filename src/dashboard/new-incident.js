// @ts-check
// Opening an incident (#/new): pick a playbook, fill in its input (a form from its input schema), title and
// severity; the new incident's page opens.

import { ApiError, errorText, request } from './api.js';
import { h, replace } from './dom.js';
import { playbook, playbookList } from './playbooks.js';
import { schemaForm } from './schema-form.js';
import { currentMode } from './session.js';
import { describeError, newView } from './view.js';

/** @param {HTMLElement} main */
export function newIncidentPage(main) {
  const view = newView();
  document.title = 'holdfast: open an incident';
  const picker = h('select', { id: 'new-playbook', name: 'playbook', required: true });
  const host = h('div', { id: 'new-incident-form' });
  const status = h('div', { class: 'form-status', role: 'alert', id: 'new-incident-status' });
  replace(
    main,
    h('p', { class: 'back' }, h('a', { href: '#/' }, '← Board')),
    h('h1', {}, 'Open an incident'),
    currentMode() === 'exercise'
      ? h(
          'p',
          { class: 'muted' },
          'Exercises are started from a scenario: see Exercises. This opens a live incident.',
        )
      : null,
    h('div', { class: 'field' }, h('label', { for: 'new-playbook' }, 'Playbook'), picker),
    host,
    status,
  );

  void playbookList().then((list) => {
    if (!view.alive) return;
    replace(
      picker,
      h('option', { value: '' }, 'Choose a playbook…'),
      list.map((p) => h('option', { value: p.id, title: p.summary }, p.title)),
    );
    picker.addEventListener('change', () => void showForm(picker.value));
  });

  /** @param {string} id */
  async function showForm(id) {
    status.textContent = '';
    if (!id) {
      host.replaceChildren();
      return;
    }
    let definition;
    try {
      definition = await playbook(id);
    } catch (error) {
      replace(status, h('span', { class: 'error' }, describeError(error)));
      return;
    }
    if (!view.alive || picker.value !== id) return;
    const input = schemaForm(definition.inputSchema ?? { type: 'object' });
    const title = h('input', { id: 'new-title', name: 'title', required: true, maxlength: 200 });
    const severity = h(
      'select',
      { id: 'new-severity', name: 'severity' },
      h('option', { value: '' }, 'the playbook decides'),
      ['critical', 'high', 'medium', 'low'].map((s) => h('option', { value: s }, s)),
    );
    const send = h('button', { type: 'submit', class: 'primary' }, 'Open the incident');
    const form = h(
      'form',
      { class: 'event-form', id: 'open-incident', dataset: { playbook: id } },
      definition.summary ? h('p', { class: 'description' }, definition.summary) : null,
      h('div', { class: 'field' }, h('label', { for: 'new-title' }, 'Title'), title),
      h('div', { class: 'field' }, h('label', { for: 'new-severity' }, 'Severity'), severity),
      h('h3', {}, 'What you know so far'),
      input.el,
      h('div', { class: 'form-buttons' }, send),
    );
    form.addEventListener('submit', async (submitted) => {
      submitted.preventDefault();
      input.clearErrors();
      status.textContent = '';
      if (!form.reportValidity()) return;
      const { payload, problems } = input.read();
      if (problems.length > 0) {
        input.showErrors(problems.map((p) => ({ path: `payload.${p.path}`, message: p.message })));
        status.textContent = 'Check the highlighted fields.';
        return;
      }
      send.disabled = true;
      try {
        const response = await request('/v1/incidents', {
          method: 'POST',
          body: {
            playbookId: id,
            title: title.value.trim(),
            input: payload ?? {},
            ...(severity.value ? { severity: severity.value } : {}),
          },
        });
        const created = await response.json();
        location.hash = `#/incidents/${encodeURIComponent(created.id)}`;
      } catch (error) {
        send.disabled = false;
        if (error instanceof ApiError && error.code === 'invalid_request') {
          // The input's errors name paths like "input.demand.amount".
          input.showErrors(
            (error.problem.errors ?? []).map((e) => ({
              ...e,
              path: String(e.path).replace(/^(json\.)?input\.?/, 'payload.'),
            })),
          );
        }
        replace(
          status,
          h(
            'span',
            { class: 'error' },
            `Not opened: ${error instanceof ApiError ? describeError(error) : errorText(error)}`,
          ),
        );
      }
    });
    replace(host, form);
  }
  return view;
}
