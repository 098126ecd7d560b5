// The account, as it is today: a token kept on this phone, a name, export and delete.
// Securing it with a phone or e-mail code, signing in on a new phone and linking Telegram come later.
import { citizen, forgetDevice, get, hasToken, patch, call } from '../api.js';
import { t } from '../i18n.js';
import * as store from '../store.js';
import { errorBox, h, loading, mount, section } from '../ui.js';

export async function accountView(container) {
  mount(container, h('h1', { class: 'view-title' }, t('Account')), loading());
  let me = citizen();
  if (hasToken()) {
    try { me = await get('/me'); } catch (_e) { /* offline: what the phone remembers */ }
  }
  const problems = h('div');
  const name = h('input', { id: 'display-name', maxlength: 80, value: me ? me.display_name : '' });
  mount(container, h('h1', { class: 'view-title' }, t('Account')),
    section(t('What exists today'), [
      h('p', {}, t('You need no account to report: this phone keeps a device token, created the first time you used the app. Everything you report, support or follow belongs to it.')),
      h('p', { class: 'notice warn' }, t('The token lives only on this phone. If you clear the browser data or lose the phone, this account cannot be recovered yet.')),
      h('p', { class: 'muted small' }, t('Coming later: securing the account with a phone number or e-mail code, signing in again on a new phone, and linking your Telegram account.')),
    ]),
    section(t('Your name on leaderboards'), [
      h('div', { class: 'row' }, [name, h('button', { class: 'button', type: 'button', onclick: async () => {
        try {
          me = await patch('/me', { display_name: name.value });
          localStorage.setItem('crowdgov.citizen', JSON.stringify(me));
          mount(problems, h('p', { class: 'notice ok' }, t('Saved.')));
        } catch (error) {
          mount(problems, errorBox(error));
        }
      } }, t('Save'))]), problems]),
    section(t('Your data'), [
      h('p', {}, t('Download everything the city holds about you, or delete it. Deleting keeps your reports, without your name.')),
      h('div', { class: 'row' }, [
        h('button', { class: 'button', type: 'button', id: 'export', onclick: async () => {
          try {
            const answer = await call('GET', '/me/export');
            const blob = new Blob([JSON.stringify(answer.body, null, 2)], { type: 'application/json' });
            const link = h('a', { href: URL.createObjectURL(blob), download: 'crowdgov-export.json' });
            document.body.append(link);
            link.click();
            link.remove();
          } catch (error) {
            mount(problems, errorBox(error));
          }
        } }, t('Export my data')),
        h('button', { class: 'button danger', type: 'button', id: 'delete-me', onclick: async () => {
          if (!window.confirm(t('Delete your data? This cannot be undone.'))) return;
          try {
            await call('DELETE', '/me');
            forgetDevice();
            await store.clear('outbox');
            await store.clear('draft');
            mount(container, h('h1', { class: 'view-title' }, t('Account')), h('p', { class: 'notice ok' }, t('Your data was deleted.')));
          } catch (error) {
            mount(problems, errorBox(error));
          }
        } }, t('Delete my data'))])]));
  return null;
}
