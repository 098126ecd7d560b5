// My reports: what waits on this phone to be sent, what I reported, what I follow.
import { get } from '../api.js';
import { t } from '../i18n.js';
import * as outbox from '../outbox.js';
import { errorBox, h, loading, mount, section, statusPill, when } from '../ui.js';

export function reportRow(r) {
  return h('li', {}, h('a', { class: 'report-row', href: `#/r/${r.id}` }, [
    r.photos && r.photos.length ? h('img', { src: r.photos[0].thumbnail_url, alt: '' }) : h('span', { class: 'no-photo' }),
    h('span', { class: 'report-row-text' }, [h('strong', {}, `${r.reference} · ${r.category_name}`),
      h('span', { class: 'muted small' }, when(r.created_at))]),
    statusPill(r.status)]));
}

function waitingRow(item, redraw) {
  const f = item.fields;
  const actions = [];
  if (item.state === 'refused') {
    actions.push(h('button', { class: 'button small', type: 'button', onclick: async () => {
      try { await outbox.retry(item.key); } catch (_e) { /* shown by the redraw */ }
      redraw();
    } }, t('Try again')));
  }
  actions.push(h('button', { class: 'button small danger', type: 'button', onclick: async () => {
    if (window.confirm(t('Delete this report from the phone? It has not been sent.'))) {
      await outbox.discard(item.key);
      redraw();
    }
  } }, t('Delete')));
  return h('li', { class: `waiting ${item.state}`, dataset: { key: item.key } }, [
    h('p', {}, [h('strong', {}, (item.label && item.label.categoryName) || f.category), ' · ', when(item.createdAt)]),
    f.description ? h('p', { class: 'small' }, f.description.slice(0, 140)) : null,
    item.state === 'refused'
      ? errorBox(item.error)
      : h('p', { class: 'muted small' }, t('Waiting for a connection: it is sent by itself.')),
    h('div', { class: 'row' }, actions),
  ]);
}

export async function mineView(container) {
  const waitingBox = h('div');
  const mineBox = h('div', {}, loading());
  const followBox = h('div', {}, loading());
  mount(container, h('h1', { class: 'view-title' }, t('My reports')), waitingBox, mineBox, followBox);

  async function drawWaiting() {
    const items = await outbox.waiting();
    mount(waitingBox, items.length ? section(t('Waiting to be sent'), [
      h('p', { class: 'muted small' }, t('These are kept on this phone until they are sent. Each is sent once.')),
      h('ul', { class: 'plain', id: 'waiting-list' }, items.map((i) => waitingRow(i, drawWaiting)))]) : null);
  }
  const onChange = () => { drawWaiting(); drawMine(); };

  async function drawMine() {
    try {
      const page = await get('/me/reports', { page_size: 50 });
      mount(mineBox, section(t('Reported by me'), page.items.length
        ? [h('ul', { class: 'plain', id: 'my-reports' }, page.items.map(reportRow))]
        : [h('p', { class: 'muted' }, t('Nothing yet.')), h('a', { class: 'button primary', href: '#/report' }, t('Report a problem'))]));
    } catch (error) {
      mount(mineBox, error.offline ? h('p', { class: 'muted' }, t('Offline: your reports show again when the connection returns.')) : errorBox(error));
    }
  }

  async function drawFollowing() {
    try {
      const page = await get('/me/following', { page_size: 50 });
      mount(followBox, section(t('Reports I follow'), page.items.length
        ? [h('ul', { class: 'plain', id: 'following-list' }, page.items.map(reportRow))]
        : [h('p', { class: 'muted' }, t('Open any report and choose "Get updates" to follow it.'))]));
    } catch (error) {
      mount(followBox, error.offline ? null : errorBox(error));
    }
  }

  window.addEventListener('outbox:changed', onChange);
  await Promise.all([drawWaiting(), drawMine(), drawFollowing()]);
  return { leave: () => window.removeEventListener('outbox:changed', onChange) };
}
