// The dashboard's shell: theme, sign-in, navigation and the hash router over the one registry of views.
import { views } from './views/registry.js';
import { ApiError, getJson, session } from './api.js';
import { clear, h } from './dom.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signOut = document.getElementById('signout');
const themeButton = document.getElementById('theme');

let current = null; // { controller, cleanup } of the view on screen
let signedIn = false;

// Light and dark: the system's preference until the person picks one with the toggle (remembered in localStorage).
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const dark = theme === 'dark';
  themeButton.setAttribute('aria-pressed', String(dark));
  themeButton.textContent = dark ? 'Light theme' : 'Dark theme';
}
const media = matchMedia('(prefers-color-scheme: dark)');
applyTheme(localStorage.getItem('sd.theme') ?? (media.matches ? 'dark' : 'light'));
media.addEventListener('change', e => { if (!localStorage.getItem('sd.theme')) applyTheme(e.matches ? 'dark' : 'light'); });
themeButton.addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  localStorage.setItem('sd.theme', next);
  applyTheme(next);
});

signOut.addEventListener('click', () => {
  session.clear();
  showSignIn('Signed out.');
});
// A key refused mid-session (revoked, or the service's keys changed): ask again, saying why. While signing in, the
// sign-in form reports the refusal itself.
addEventListener('sd:unauthorized', e => { if (signedIn) showSignIn(`The API refused the key: ${e.detail.describe()}`); });

/** Asks the API whether the current credentials (or none, where the service needs none) are accepted. */
async function probe() {
  try {
    await getJson('/plugin-types');
    return null;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
}

async function start() {
  const error = await probe();
  if (error === null) {
    enter();
  } else if (error.status === 401 && !session.key) {
    showSignIn('');
  } else {
    showSignIn(error.describe());
  }
}

function enter() {
  signedIn = true;
  nav.hidden = false;
  signOut.hidden = !session.key;
  who.textContent = session.tenant ? `Tenant: ${session.tenant}` : (session.key ? 'Signed in' : 'No key needed (loopback)');
  route();
}

function showSignIn(message) {
  signedIn = false;
  stopCurrent();
  nav.hidden = true;
  signOut.hidden = true;
  who.textContent = '';
  const key = h('input', { id: 'signin-key', name: 'key', type: 'password', autocomplete: 'off', required: true, spellcheck: false });
  const tenant = h('input', { id: 'signin-tenant', name: 'tenant', type: 'text', autocomplete: 'off', pattern: '[A-Za-z0-9_\\-]{1,64}', value: session.tenant });
  const status = h('p', { id: 'signin-message', class: message ? 'problem' : 'muted', role: 'alert', text: message || 'Sign in with the API key a script would use.' });
  const form = h('form', { class: 'card signin', 'aria-labelledby': 'signin-title', onsubmit: async e => {
    e.preventDefault();
    session.set(key.value.trim(), tenant.value.trim());
    status.className = 'muted';
    status.textContent = 'Checking…';
    const error = await probe();
    if (error === null) {
      enter();
    } else {
      session.clear();
      status.className = 'problem';
      status.textContent = error.status === 401 ? `That key was refused: ${error.describe()}` : error.describe();
      key.focus();
    }
  } },
  h('h1', { id: 'signin-title', text: 'Sign in' }),
  status,
  h('label', { for: 'signin-key', text: 'API key' }), key,
  h('label', { for: 'signin-tenant', text: 'Tenant (optional; a key bound to a tenant needs none)' }), tenant,
  h('button', { type: 'submit', text: 'Sign in' }));
  clear(main).append(form);
  key.focus();
}

function stopCurrent() {
  if (!current) return;
  current.controller.abort();
  if (typeof current.cleanup === 'function') current.cleanup();
  current = null;
}

/** Parses #/<view>/<segments…>?<query> into the view, its path segments and parameters. */
function parseHash() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = hash.split('?');
  const segments = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return { id: segments.shift() || 'overview', segments, params: new URLSearchParams(queryPart) };
}

function renderNav(activeId) {
  clear(nav).append(h('ul', {}, views.filter(v => v.nav !== false).map(v =>
    h('li', {}, h('a', { href: `#/${v.id}`, 'aria-current': v.id === activeId ? 'page' : false, text: v.title })))));
}

async function route() {
  if (!signedIn) return;
  stopCurrent();
  const { id, segments, params } = parseHash();
  const view = views.find(v => v.id === id);
  renderNav(view?.navId ?? id);
  clear(main);
  if (!view) {
    main.append(h('h1', { text: 'Not found' }), h('p', {}, 'There is no view here. ', h('a', { href: '#/overview', text: 'Go to the overview.' })));
    return;
  }
  document.title = `${view.title} · ServerlessDiscovery`;
  const controller = new AbortController();
  const mine = { controller, cleanup: null };
  current = mine;
  const navigate = hash => { location.hash = hash; };
  try {
    mine.cleanup = await view.render(main, { segments, params, signal: controller.signal, navigate });
  } catch (e) {
    if (e.name === 'AbortError' || current !== mine) return;
    main.append(h('p', { class: 'problem', role: 'alert', text: e instanceof ApiError ? e.describe() : `Something went wrong: ${e.message}` }));
  }
  main.querySelector('h1')?.setAttribute('tabindex', '-1');
  if (current === mine && document.activeElement === document.body) main.querySelector('h1')?.focus({ preventScroll: true });
}

addEventListener('hashchange', route);
start();
