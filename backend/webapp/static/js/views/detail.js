// One report in the app: its public view, "get updates" (follow), "me too" (support).
// Citizen updates (part 2 of the app) will be shown and added here.
import { del, get, post } from '../api.js';
import { t } from '../i18n.js';
import { baseMap, pin } from '../map.js';
import { errorBox, h, loading, mount, statusPill, when } from '../ui.js';

const OPEN = ['submitted', 'open', 'acknowledged', 'in_progress'];

export async function detailView(container, { app, match }) {
  const id = Number(match[1]);
  mount(container, loading());
  let report;
  try {
    report = await get(`/reports/${id}`, null, { auth: false });
  } catch (error) {
    mount(container, h('h1', { class: 'view-title' }, t('Report')), errorBox(error));
    return null;
  }
  const followBox = h('div', { class: 'row', id: 'follow-box' });
  const supportBox = h('div');
  const mapEl = h('div', { class: 'small-map', id: 'report-map' });
  const colour = (app.city.statuses.find((s) => s.code === report.status) || {}).colour || '#1d4ed8';
  mount(container,
    h('p', { class: 'muted' }, [h('a', { href: '#/mine' }, '← ' + t('My reports'))]),
    h('h1', { class: 'view-title' }, `${report.reference} · ${report.category_name}`),
    h('p', {}, [statusPill(report.status), report.verified ? h('span', { class: 'badge ok' }, t('Verified by citizens')) : null,
      h('span', { class: 'badge' }, t('%(n)s supporters', { n: report.supporters }))]),
    followBox,
    h('div', { class: 'card' }, [
      report.description ? h('p', { class: 'description' }, report.description) : null,
      h('dl', { class: 'facts' }, [
        report.department_name ? [h('dt', {}, t('Department')), h('dd', {}, report.department_name)] : null,
        report.address ? [h('dt', {}, t('Address')), h('dd', {}, report.address)] : null,
        [h('dt', {}, t('Reported on')), h('dd', {}, when(report.created_at))],
      ].flat().filter(Boolean)),
      report.photos.length ? h('div', { class: 'thumbs' }, report.photos.map((p, i) => h('a', { href: p.url, target: '_blank', rel: 'noopener' },
        h('img', { src: p.thumbnail_url, alt: t('Photo %(n)s', { n: i + 1 }) })))) : null,
      mapEl]),
    supportBox,
    h('div', { class: 'card' }, [h('h2', {}, t('History')),
      h('ol', { class: 'timeline' }, report.history.map((e) => h('li', {}, [
        h('time', {}, when(e.at)), h('strong', {}, e.status ? statusPill(e.status) : t('Note')), e.note ? h('p', {}, e.note) : null])))]),
    h('p', { class: 'row' }, [h('a', { class: 'button', href: report.public_url, target: '_blank', rel: 'noopener' }, t('Public page')),
      h('a', { class: 'button', href: `/feeds/reports/${report.id}.atom` }, t('Atom feed'))]));

  const map = baseMap(mapEl, app.city, { scrollWheelZoom: false });
  window.L.marker([report.lat, report.long], { icon: pin(colour), keyboard: false }).addTo(map);
  map.setView([report.lat, report.long], 16);

  async function drawFollow(state) {
    const button = h('button', { id: 'follow', class: `button ${state.following ? '' : 'primary'}`, type: 'button',
      'aria-pressed': state.following ? 'true' : 'false', onclick: async () => {
        button.disabled = true;
        try {
          drawFollow(state.following ? await del(`/reports/${id}/follow`) : await post(`/reports/${id}/follow`));
        } catch (error) {
          followBox.append(errorBox(error));
        }
      } }, state.following ? t('Following: stop updates') : t('Get updates'));
    mount(followBox, button, h('span', { class: 'muted small' }, state.following
      ? t('You are told of every change under Updates.') : t('Be told of every change, like the people who reported it.')));
  }
  get(`/reports/${id}/follow`).then(drawFollow).catch((error) => mount(followBox, error.offline ? null : errorBox(error)));

  if (OPEN.includes(report.status)) {
    mount(supportBox, h('div', { class: 'card' }, [h('h2', {}, t('Seen it too?')),
      h('button', { class: 'button', id: 'support', type: 'button', onclick: async (e) => {
        e.target.disabled = true;
        try {
          const answer = await post(`/reports/${id}/support`);
          mount(supportBox, h('p', { class: 'notice ok' }, answer.already_supporting ? t('You already support it.')
            : t('Thank you: it now has %(n)s supporters.', { n: answer.supporters })));
        } catch (error) {
          supportBox.append(errorBox(error));
        }
      } }, t('Me too: add my support'))]));
  }
  return { leave: () => map.remove() };
}
