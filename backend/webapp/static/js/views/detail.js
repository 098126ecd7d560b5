// One report in the app: its public view, "get updates" (follow), "me too" (support), and the
// follower's own update (text, one photo), shown in the history once the API says it is public.
import { call, del, get, post } from '../api.js';
import { t } from '../i18n.js';
import { baseMap, pin } from '../map.js';
import { shrink } from '../photos.js';
import { errorBox, h, loading, mount, statusPill, when } from '../ui.js';

const OPEN = ['submitted', 'open', 'acknowledged', 'in_progress'];

function entry(e) {
  const citizen = e.kind === 'citizen_update';
  return h('li', { class: citizen ? 'citizen-update' : null }, [
    h('time', {}, when(e.at)), h('strong', {}, e.status ? statusPill(e.status) : citizen ? t('Update from a citizen') : t('Note')),
    e.note ? h('p', {}, e.note) : null,
    e.photo ? h('a', { href: e.photo.url, target: '_blank', rel: 'noopener', class: 'thumbs' },
      h('img', { src: e.photo.thumbnail_url, alt: t('Photo %(n)s', { n: 1 }) })) : null]);
}

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
  const updateBox = h('div', { id: 'update-box' });
  const timeline = h('ol', { class: 'timeline', id: 'history' }, report.history.map(entry));
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
    h('div', { class: 'card' }, [h('h2', {}, t('History')), timeline]),
    updateBox,
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
    drawUpdate(state.following);
    mount(followBox, button, h('span', { class: 'muted small' }, state.following
      ? t('You are told of every change under Updates.') : t('Be told of every change, like the people who reported it.')));
  }
  get(`/reports/${id}/follow`).then(drawFollow).catch((error) => mount(followBox, error.offline ? null : errorBox(error)));

  // The text and photo stay in the form until the API has answered; a retry (offline, lost answer)
  // reuses the Idempotency-Key, so the update is stored once.
  function drawUpdate(following) {
    if (!following) { mount(updateBox); return; }
    if (updateBox.firstChild) return;
    let key = crypto.randomUUID();
    let photo = null;
    const text = h('textarea', { id: 'update-text', rows: 3, maxlength: 2000 });
    const thumbs = h('div', { class: 'thumbs' });
    const status = h('div', { 'aria-live': 'polite' });
    const input = h('input', { id: 'update-photo', type: 'file', accept: 'image/*', class: 'visually-hidden',
      onchange: async () => {
        const file = (input.files || [])[0];
        input.value = '';
        if (!file) return;
        try {
          photo = await shrink(file);
          const url = URL.createObjectURL(photo);
          mount(thumbs, h('figure', { class: 'thumb' }, [
            h('img', { src: url, alt: t('Photo %(n)s', { n: 1 }), onload: () => URL.revokeObjectURL(url) }),
            h('button', { type: 'button', class: 'remove', 'aria-label': t('Remove photo %(n)s', { n: 1 }),
              onclick: () => { photo = null; mount(thumbs); } }, '×')]));
        } catch (_e) {
          mount(status, h('p', { class: 'notice warn' }, t('This file is not a photo we can use.')));
        }
      } });
    const send = h('button', { class: 'button primary', type: 'submit', id: 'send-update' }, t('Send update'));
    const form = h('form', { class: 'card', id: 'update-form', onsubmit: async (event) => {
      event.preventDefault();
      send.disabled = true;
      const body = new FormData();
      body.set('text', text.value);
      if (photo) body.set('photo', new File([photo], 'update.jpg', { type: 'image/jpeg' }));
      try {
        const answer = (await call('POST', `/reports/${id}/updates`, { form: body, headers: { 'Idempotency-Key': key } })).body;
        key = crypto.randomUUID();
        text.value = '';
        photo = null;
        mount(thumbs);
        if (answer.state === 'shown') {
          timeline.append(entry({ at: answer.created_at, kind: 'citizen_update', note: answer.text, photo: answer.photo }));
        }
        mount(status, h('p', { class: 'notice ok' }, answer.state === 'shown' ? t('Thank you: your update is in the history.')
          : t('Thank you: your update is shown once it has been reviewed.')));
      } catch (error) {
        mount(status, errorBox(error), error.offline
          ? h('p', { class: 'muted small' }, t('Your update stays here: send it again when you are online.')) : null);
      } finally {
        send.disabled = false;
      }
    } }, [h('h2', {}, t('Add an update')),
      h('p', { class: 'muted small' }, t('Shown on the public page after the same checks as reports.')),
      h('label', { class: 'field', for: 'update-text' }, [t('What is new?'), text]),
      h('div', { class: 'row' }, [h('label', { for: 'update-photo', class: 'button', id: 'update-add-photo' }, t('Add a photo')), input]),
      thumbs, status, h('div', { class: 'row' }, [send])]);
    mount(updateBox, form);
  }

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
