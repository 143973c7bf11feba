// @ts-check
// holdfast dashboard: plain ES modules, no build step. The router: the board of open incidents (#/) and an
// incident page (#/incidents/<id>). Live updates over SSE (live.js), ETag polling as the fallback.

import { setUnauthorizedHandler, signInOffered, token, whoAmI } from './api.js';
import { boardPage } from './board.js';
import { tickCountdowns } from './dom.js';
import { incidentPage } from './incident-page.js';
import { showLogin } from './login.js';
import { currentMode, session, setMode, setRouter, signOut } from './session.js';

const main = /** @type {HTMLElement} */ (document.getElementById('view'));
const header = /** @type {HTMLElement} */ (document.getElementById('app-header'));
const modeSelect = /** @type {HTMLSelectElement} */ (document.getElementById('mode'));

/** @type {{ stop: () => void } | null} */
let current = null;

function route() {
  current?.stop();
  current = null;
  const me = session.me;
  if (!me) {
    header.hidden = true;
    showLogin(main);
    return;
  }
  header.hidden = false;
  const whoami = /** @type {HTMLElement} */ (document.getElementById('whoami'));
  whoami.textContent = me.name;
  whoami.title = `${me.id}\nroles: ${me.roles.join(', ') || 'none'}\nsigned in by ${me.authenticatedBy}`;
  modeSelect.value = currentMode();
  const match = location.hash.match(/^#\/incidents\/([^/?#]+)/);
  current = match?.[1] ? incidentPage(main, decodeURIComponent(match[1])) : boardPage(main);
}
setRouter(route);

setUnauthorizedHandler((detail) => {
  if (session.me || token.get()) signOut(`Signed out: ${detail}.`);
});
document.getElementById('sign-out')?.addEventListener('click', () => signOut('Signed out.'));

modeSelect.value = currentMode();
modeSelect.addEventListener('change', () => {
  setMode(modeSelect.value === 'exercise' ? 'exercise' : 'live');
  if (location.hash === '' || location.hash === '#/') route();
  else location.hash = '#/';
});

setInterval(tickCountdowns, 1000);
window.addEventListener('hashchange', route);
// A token in this tab, or the sign-in's session cookie: whoever /v1/me says we are.
[session.offerSignIn, session.me] = await Promise.all([signInOffered(), whoAmI()]);
route();
