// @ts-check
// holdfast dashboard: plain ES modules, no build step. The router: the board (#/), an incident page
// (#/incidents/<id>), opening an incident (#/new), exercises (#/exercises, #/exercises/<id>), playbooks
// (#/playbooks, #/playbooks/<id>, #/playbooks/<id>/<version>). Live updates over SSE (live.js), ETag polling
// as the fallback.

import { setUnauthorizedHandler, signInOffered, token, whoAmI } from './api.js';
import { boardPage } from './board.js';
import { exercisePage, exercisesPage } from './exercises.js';
import { incidentPage } from './incident-page.js';
import { showLogin } from './login.js';
import { newIncidentPage } from './new-incident.js';
import { playbookPage, playbooksPage } from './playbook-page.js';
import { currentMode, session, setConnection, setMode, setRouter, signOut } from './session.js';
import { tickCountdowns } from './time.js';

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
  // A facilitator-only token sees exercises only: it starts on them.
  const facilitatorOnly = me.roles.length > 0 && me.roles.every((role) => role === 'facilitator');
  if (facilitatorOnly) setMode('exercise');
  modeSelect.value = currentMode();
  modeSelect.disabled = facilitatorOnly;
  // A page that follows changes says so as it connects; one that does not must not look as if it were trying.
  setConnection('static', 'this page shows what it read when it opened; reload it for changes');
  current = page(location.hash, facilitatorOnly);
}

/**
 * @param {string} hash
 * @param {boolean} facilitatorOnly
 */
function page(hash, facilitatorOnly) {
  const [, kind, id, version] =
    hash.match(/^#\/(incidents|exercises|new|board|playbooks)(?:\/([^/?#]+))?(?:\/([^/?#]+))?/) ?? [];
  if (kind === 'incidents' && id) return incidentPage(main, decodeURIComponent(id));
  if (kind === 'playbooks' && id)
    return playbookPage(main, decodeURIComponent(id), version && decodeURIComponent(version));
  if (kind === 'playbooks') return playbooksPage(main);
  if (kind === 'exercises' && id) return exercisePage(main, decodeURIComponent(id));
  if (kind === 'exercises' || (facilitatorOnly && !kind)) return exercisesPage(main);
  if (kind === 'new') return newIncidentPage(main);
  return boardPage(main);
}
setRouter(route);

setUnauthorizedHandler((detail) => {
  if (session.me || token.get()) signOut(`Signed out: ${detail}.`);
});
document.getElementById('sign-out')?.addEventListener('click', () => signOut('Signed out.'));

modeSelect.value = currentMode();
modeSelect.addEventListener('change', () => {
  setMode(modeSelect.value === 'exercise' ? 'exercise' : 'live');
  const target = modeSelect.value === 'exercise' ? '#/exercises' : '#/';
  if (location.hash === target || (target === '#/' && location.hash === '')) route();
  else location.hash = target;
});

setInterval(tickCountdowns, 1000);
window.addEventListener('hashchange', route);
// A token in this tab, or the sign-in's session cookie: whoever /v1/me says we are.
[session.offerSignIn, session.me] = await Promise.all([signInOffered(), whoAmI()]);
route();
