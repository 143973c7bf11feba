// @ts-check
// The sign-in page: an API token pasted into the form, or the organisation's OpenID Connect sign-in.

import { ApiError, errorText, request, token, whoAmI } from './api.js';
import { h, replace } from './dom.js';
import { route, session } from './session.js';

/** @param {HTMLElement} main */
export function showLogin(main) {
  document.title = 'holdfast: sign in';
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      id: 'token-input',
      name: 'token',
      type: 'password',
      autocomplete: 'off',
      required: true,
      spellcheck: 'false',
    })
  );
  const status = h('p', { class: 'error', role: 'alert', id: 'login-message' }, session.loginMessage);
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit' }, 'Sign in'));
  const form = h(
    'form',
    { class: 'login', id: 'login' },
    h('h1', {}, 'holdfast'),
    h(
      'p',
      {},
      'Paste your API token. It stays in this browser tab only (sessionStorage) and is sent with every API call.',
    ),
    h('label', { for: 'token-input' }, 'Token'),
    input,
    button,
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const secret = input.value.trim();
    if (!secret) return;
    button.disabled = true;
    status.textContent = '';
    token.set(secret);
    try {
      await request('/v1/playbooks');
      session.me = await whoAmI();
      session.loginMessage = '';
      route();
    } catch (error) {
      token.clear();
      status.textContent =
        error instanceof ApiError && error.status === 401
          ? 'This token is unknown or revoked.'
          : `Cannot sign in: ${errorText(error)}`;
    } finally {
      button.disabled = false;
    }
  });
  if (session.offerSignIn) {
    const single = h(
      'p',
      { class: 'sign-in' },
      h('a', { id: 'sso-sign-in', class: 'button', href: '/auth/login' }, 'Sign in'),
      ' with your organisation’s account, or paste an API token below.',
    );
    form.insertBefore(single, form.children[1] ?? null);
  }
  replace(main, form);
  if (!session.offerSignIn) input.focus();
}
