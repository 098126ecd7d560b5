// The app's start: language, the city, the outbox, the router (#/report, #/mine, #/r/<id>,
// #/updates, #/tasks, #/alerts, #/account).
import { get } from './api.js';
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { districts } from './map.js';
import * as outbox from './outbox.js';
import { h, mount, setStatuses, toast } from './ui.js';
import { accountView } from './views/account.js';
import { alertsView } from './views/alerts.js';
import { detailView } from './views/detail.js';
import { mineView } from './views/mine.js';
import { loadCategories, reportView } from './views/report.js';
import { tasksView } from './views/tasks.js';
import { updatesView } from './views/updates.js';

const ROUTES = [
  [/^\/report$/, reportView],
  [/^\/mine$/, mineView],
  [/^\/r\/(\d+)$/, detailView],
  [/^\/updates$/, updatesView],
  [/^\/tasks$/, tasksView],
  [/^\/alerts$/, alertsView],
  [/^\/account$/, accountView],
];

const app = { city: null, view: null };

async function loadCity() {
  try {
    app.city = await get('/city', null, { auth: false });
    localStorage.setItem('crowdgov.city', JSON.stringify(app.city));
  } catch (_e) {
    app.city = JSON.parse(localStorage.getItem('crowdgov.city') || 'null') ||
      { name: '', bounds: null, tile_url: '', statuses: [] };
  }
  setStatuses(app.city.statuses);
}

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/report';
  const [path, query] = raw.split('?');
  return { path, params: new URLSearchParams(query || '') };
}

async function route() {
  const { path, params } = parseHash();
  const container = document.getElementById('view');
  if (app.view && app.view.leave) app.view.leave();
  app.view = null;
  for (const [pattern, view] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      document.querySelectorAll('.tabbar a').forEach((a) => {
        a.toggleAttribute('aria-current', a.getAttribute('href') === `#${path}`);
      });
      app.view = await view(container, { app, params, match });
      container.focus({ preventScroll: true });
      window.scrollTo(0, 0);
      return;
    }
  }
  window.location.hash = '#/report';
}

async function updateBadge() {
  const count = (await outbox.waiting()).length;
  const badge = document.getElementById('sync-count');
  badge.hidden = count === 0;
  badge.textContent = count ? t('%(n)s waiting', { n: count }) : '';
  document.body.dataset.waiting = String(count);
}

function updateOnline() {
  document.getElementById('offline').hidden = navigator.onLine;
}

async function start() {
  await i18n.load(i18n.chosenLanguage());
  await loadCity();
  const switcher = document.getElementById('lang-switch');
  const label = () => { switcher.textContent = i18n.otherLanguage() === 'en' ? 'English' : '中文'; };
  label();
  switcher.addEventListener('click', async () => {
    await i18n.switchTo(i18n.otherLanguage());
    label();
    await loadCity();
    updateBadge();
    route();
  });
  window.addEventListener('hashchange', route);
  window.addEventListener('online', updateOnline);
  window.addEventListener('offline', updateOnline);
  window.addEventListener('outbox:changed', updateBadge);
  window.addEventListener('outbox:sent', (e) => {
    // Sent while the citizen watched: the confirmation says it. Sent later by itself: say so.
    if (!e.detail.background) return;
    toast(t('Your report %(ref)s was sent.', { ref: e.detail.answer.reference }), 'ok');
  });
  updateOnline();
  updateBadge();
  outbox.start();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
  }
  await route();
  // What writing a report needs, kept on the phone for the times without a connection.
  await Promise.all([loadCategories(), districts()]);
  document.body.dataset.ready = 'true';
}

window.addEventListener('error', (e) => {
  const box = document.getElementById('view');
  if (box && !box.childElementCount) mount(box, h('p', { class: 'notice error' }, String(e.message)));
});

start();
