// Updates: the notification feed (/api/v1/me/notifications).
import { get } from '../api.js';
import { t } from '../i18n.js';
import { errorBox, h, loading, mount, when } from '../ui.js';

export async function updatesView(container) {
  mount(container, h('h1', { class: 'view-title' }, t('Updates')), loading());
  try {
    const page = await get('/me/notifications', { page_size: 50 });
    mount(container, h('h1', { class: 'view-title' }, t('Updates')), page.items.length
      ? h('ul', { class: 'plain feed', id: 'feed' }, page.items.map((n) => h('li', { class: 'card' }, [
        h('time', { class: 'muted small' }, when(n.created_at)),
        h('p', { class: 'feed-text' }, n.text),
        n.report_id ? h('a', { href: `#/r/${n.report_id}` }, t('Open the report')) : null])))
      : h('p', { class: 'muted' }, t('Nothing yet. What happens to your reports, and to reports you support or follow, appears here.')));
  } catch (error) {
    mount(container, h('h1', { class: 'view-title' }, t('Updates')),
      error.offline ? h('p', { class: 'muted' }, t('Offline: updates show again when the connection returns.')) : errorBox(error));
  }
  return null;
}
