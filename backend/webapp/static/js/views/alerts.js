// Alerts: follow a district or a circle around a place; new reports and status changes there
// come by e-mail (at once or a daily digest, after a confirmation link) and as an Atom feed.
import { call, del, get } from '../api.js';
import { here } from '../geo.js';
import { language, t } from '../i18n.js';
import { districts, placePicker } from '../map.js';
import { errorBox, h, loading, metres, mount, section } from '../ui.js';

const RADII = [250, 500, 1000, 2000, 5000];

export async function alertsView(container, { app }) {
  const listBox = h('div', {}, loading());
  const formBox = h('div');
  mount(container, h('h1', { class: 'view-title' }, t('Alerts for an area')),
    h('p', { class: 'muted small' }, t('Follow a district or the streets around a place: new reports and status changes there reach you by e-mail, or in any feed reader.')),
    listBox, formBox);
  let map = null;

  async function drawList() {
    try {
      const alerts = await get('/me/alerts');
      mount(listBox, alerts.length ? section(t('Areas I follow'), [h('ul', { class: 'plain', id: 'alert-list' }, alerts.map((a) =>
        h('li', { class: 'alert-row', dataset: { id: a.id, status: a.status } }, [
          h('p', {}, h('strong', {}, a.area_name)),
          h('p', { class: 'small' }, a.email
            ? [a.email, ' · ', a.frequency === 'daily' ? t('daily digest') : t('at once'), ' · ',
              a.status === 'active' ? t('active') : t('waiting for you to open the confirmation link')]
            : t('no e-mail: feed only')),
          h('p', { class: 'row' }, [h('a', { class: 'button small', href: a.feed_url }, t('Atom feed')),
            h('button', { class: 'button small danger', type: 'button', onclick: async () => {
              await del(`/me/alerts/${a.id}`);
              drawList();
            } }, t('Stop'))])])))]) : null);
    } catch (error) {
      mount(listBox, error.offline ? h('p', { class: 'muted' }, t('Alerts need a connection.')) : errorBox(error));
    }
  }

  async function drawForm() {
    const list = await districts();
    const state = { kind: list.length ? 'district' : 'circle', district: list.length ? list[0].code : null, lat: null, long: null,
                    radius: 500 };
    const problems = h('div');
    const mapEl = h('div', { class: 'place-map small', id: 'alert-map' });
    const circleBox = h('div', { hidden: state.kind !== 'circle' }, [
      h('div', { class: 'row' }, [
        h('button', { class: 'button', type: 'button', id: 'alert-locate', onclick: async () => {
          try {
            const spot = await here();
            pick({ lat: +spot.lat.toFixed(6), long: +spot.long.toFixed(6) }, true);
          } catch (error) {
            mount(problems, h('p', { class: 'notice warn' }, error.message));
          }
        } }, t('Use my location')), h('span', { class: 'muted' }, t('or tap the map'))]),
      mapEl,
      h('label', { class: 'field' }, [t('Radius'), h('select', { id: 'alert-radius', onchange: (e) => {
        state.radius = Number(e.target.value);
        drawCircle();
      } }, RADII.map((r) => h('option', { value: r, selected: r === state.radius }, metres(r))))])]);
    const districtBox = h('label', { class: 'field', hidden: state.kind !== 'district' }, [t('District'),
      h('select', { id: 'alert-district', onchange: (e) => { state.district = e.target.value; } },
        list.map((d) => h('option', { value: d.code }, d.name)))]);
    const kinds = h('fieldset', { class: 'choices' }, [h('legend', {}, t('Which area?')),
      ...[['district', t('A district')], ['circle', t('Around a place')]].map(([value, label]) => h('label', { class: 'chip' }, [
        h('input', { type: 'radio', name: 'alert-kind', value, checked: state.kind === value, onchange: () => {
          state.kind = value;
          districtBox.hidden = value !== 'district';
          circleBox.hidden = value !== 'circle';
          if (value === 'circle') setTimeout(() => map && map.map.invalidateSize(), 0);
        } }), label]))]);
    const email = h('input', { id: 'alert-email', type: 'email', autocomplete: 'email', placeholder: 'name@example.org' });
    const frequency = h('fieldset', { class: 'choices' }, [h('legend', {}, t('How often?')),
      ...[['instant', t('At once')], ['daily', t('A daily digest')]].map(([value, label]) => h('label', { class: 'chip' }, [
        h('input', { type: 'radio', name: 'alert-frequency', value, checked: value === 'instant' }), label]))]);
    let circle = null;
    function drawCircle() {
      if (!map || state.lat === null) return;
      if (circle) circle.remove();
      circle = window.L.circle([state.lat, state.long], { radius: state.radius, color: '#1d4ed8', weight: 2, fillOpacity: 0.08 })
        .addTo(map.map);
      map.map.fitBounds(circle.getBounds(), { maxZoom: 16 });
    }
    function pick(spot, move) {
      state.lat = spot.lat;
      state.long = spot.long;
      if (move) map.set(spot.lat, spot.long);
      drawCircle();
    }
    const submit = h('button', { class: 'button primary wide', type: 'submit', id: 'alert-submit' }, t('Follow this area'));
    const form = h('form', { class: 'card', id: 'alert-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      if (state.kind === 'circle' && state.lat === null) {
        mount(problems, h('p', { class: 'notice warn' }, t('Tap the map to choose the place, or use your location.')));
        return;
      }
      submit.disabled = true;
      const body = { email: email.value.trim() || null, frequency: form.querySelector('input[name=alert-frequency]:checked').value,
                     language: language() };
      if (state.kind === 'district') body.district = state.district;
      else Object.assign(body, { lat: state.lat, long: state.long, radius_m: state.radius });
      try {
        const created = (await call('POST', '/alerts', { json: body })).body;
        mount(problems, h('div', { class: 'notice ok', id: 'alert-created' }, [
          h('p', {}, created.status === 'awaiting_confirmation'
            ? t('We sent a link to %(email)s. Open it to start the e-mails: nothing else is sent before.', { email: created.email })
            : t('You now follow %(area)s.', { area: created.area_name })),
          h('p', {}, [t('Feed for any reader:'), ' ', h('a', { href: created.feed_url }, created.feed_url)])]));
        email.value = '';
        drawList();
      } catch (error) {
        mount(problems, errorBox(error));
      } finally {
        submit.disabled = false;
      }
    } }, [h('h2', {}, t('Follow an area')), kinds, districtBox, circleBox,
      h('label', { class: 'field' }, [t('E-mail address (optional)'), email]),
      h('p', { class: 'muted small' }, t('Without an address you still get the feed. With one, we first send a confirmation link: nobody can sign up somebody else.')),
      frequency, problems, submit]);
    mount(formBox, form);
    map = placePicker(mapEl, app.city, null, (spot) => pick(spot, false));
  }

  await Promise.all([drawList(), drawForm()]);
  return { leave: () => { if (map) map.map.remove(); } };
}
