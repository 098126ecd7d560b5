// Report a problem: where (geolocation or a tap, the address shown back), what (the categories
// handled at that place and their questions), photos and a description, "is it one of these?",
// then a clear confirmation. The report being written is kept on the device at every change.
import { ApiError, get, post } from '../api.js';
import { here } from '../geo.js';
import { t } from '../i18n.js';
import * as outbox from '../outbox.js';
import { MAX_PHOTOS, shrink } from '../photos.js';
import { placePicker } from '../map.js';
import * as store from '../store.js';
import { errorBox, h, icon, loading, metres, mount, statusPill } from '../ui.js';
import { attributeQuestions, attributeValues, missingRequired } from './questions.js';

const DRAFT = 'current';
const STEPS = ['place', 'category', 'details'];

function emptyDraft() {
  return { id: DRAFT, step: 'place', lat: null, long: null, where: null, category: null, attributes: {},
           description: '', photos: [], startedAt: new Date().toISOString() };
}

// Fetched when the app starts (main.js), so a report can be written without a connection.
export async function loadCategories() {
  try {
    const list = await get('/categories', null, { auth: false });
    localStorage.setItem('crowdgov.categories', JSON.stringify(list));
    return list;
  } catch (_e) {
    return JSON.parse(localStorage.getItem('crowdgov.categories') || '[]');
  }
}

export async function reportView(container, { app, params }) {
  let draft = (await store.get('draft', DRAFT)) || emptyDraft();
  const lat = parseFloat(params.get('lat')), long = parseFloat(params.get('long'));
  if (Number.isFinite(lat) && Number.isFinite(long)) {
    // "Report a problem here" from a public page: start at that place.
    draft = { ...draft, lat, long, where: null, step: 'place' };
  }
  let saveTimer = null;
  const save = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => store.put('draft', draft), 250);
  };
  const saveNow = () => { clearTimeout(saveTimer); return store.put('draft', draft); };

  const steps = h('ol', { class: 'steps', 'aria-label': t('Steps') });
  const body = h('div', { class: 'step-body' });
  mount(container, h('h1', { class: 'view-title' }, t('Report a problem')), steps, body);

  function drawSteps() {
    const labels = { place: t('Place'), category: t('Category'), details: t('Details') };
    mount(steps, ...STEPS.map((s, i) => h('li', { class: s === draft.step ? 'current' : STEPS.indexOf(draft.step) > i ? 'done' : '' },
      [h('span', { class: 'num' }, String(i + 1)), labels[s]])));
  }

  function go(step) {
    draft.step = step;
    saveNow();
    render();
  }

  // --- 1. where --------------------------------------------------------------------------
  async function describePlace(label) {
    if (draft.lat === null) return;
    label.textContent = t('Looking up the address…');
    try {
      draft.where = await get('/places/reverse', { lat: draft.lat, long: draft.long }, { auth: false });
    } catch (error) {
      draft.where = error.offline ? { offline: true, label: `${draft.lat.toFixed(5)}, ${draft.long.toFixed(5)}` } : null;
    }
    save();
    showPlace(label);
  }

  function showPlace(label) {
    const next = document.getElementById('next');
    if (draft.lat === null) {
      label.textContent = t('Tap the map where the problem is, or use your location.');
      if (next) next.disabled = true;
      return;
    }
    const w = draft.where;
    label.replaceChildren(h('strong', {}, w ? w.label : `${draft.lat.toFixed(5)}, ${draft.long.toFixed(5)}`));
    if (w && w.offline) label.append(h('span', { class: 'muted' }, ' · ' + t('offline: the address is looked up when the report is sent')));
    const outside = w && w.inside_service_area === false;
    if (outside) label.append(h('p', { class: 'notice warn' }, t('This place is outside the area the city serves. Choose a place inside the city.')));
    if (next) next.disabled = outside;
  }

  function renderPlace() {
    const mapEl = h('div', { id: 'place-map', class: 'place-map', 'aria-label': t('Map: tap where the problem is') });
    const label = h('div', { id: 'place-label', class: 'place-label', 'aria-live': 'polite' });
    const status = h('p', { class: 'muted small', id: 'locate-status' });
    const locate = h('button', { id: 'use-location', class: 'button primary', type: 'button', onclick: async () => {
      status.textContent = t('Finding where you are…');
      try {
        const spot = await here();
        draft.lat = +spot.lat.toFixed(6);
        draft.long = +spot.long.toFixed(6);
        picker.set(draft.lat, draft.long, 16);
        status.textContent = spot.accuracy ? t('Located within about %(n)s m.', { n: Math.round(spot.accuracy) }) : '';
        describePlace(label);
      } catch (error) {
        status.textContent = error.message;
      }
    } }, t('Use my location'));
    const next = h('button', { id: 'next', class: 'button primary wide', type: 'button', onclick: () => go('category') },
      t('Next: what is it?'));
    mount(body, h('div', { class: 'card' }, [
      h('h2', {}, t('Where is the problem?')),
      h('div', { class: 'row' }, [locate, h('span', { class: 'muted' }, t('or tap the map'))]), status, mapEl, label]), next);
    const picker = placePicker(mapEl, app.city, draft.lat !== null ? { lat: draft.lat, long: draft.long } : null, (spot) => {
      draft.lat = spot.lat;
      draft.long = spot.long;
      describePlace(label);
    });
    showPlace(label);
    if (draft.lat !== null && !draft.where) describePlace(label);
  }

  // --- 2. what ---------------------------------------------------------------------------
  async function renderCategory() {
    mount(body, loading());
    const [categories, where] = await Promise.all([
      loadCategories(),
      get('/where', { lat: draft.lat, long: draft.long }, { auth: false }).catch(() => null),
    ]);
    const handled = where ? Object.fromEntries(where.responsibilities.map((r) => [r.category, r.department_name])) : null;
    const offered = handled ? categories.filter((c) => handled[c.code]) : categories;
    const questions = h('div', { id: 'questions' });
    const problems = h('div');
    // The questions of the chosen category appear right under it.
    const showQuestions = () => {
      const category = offered.find((c) => c.code === draft.category);
      mount(questions, category ? attributeQuestions(category, draft.attributes, (values) => {
        draft.attributes = values;
        save();
      }) : null);
      const chosen = body.querySelector('.option.chosen');
      if (chosen) {
        chosen.after(questions);
        if (category && category.attributes.length) questions.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      }
    };
    const options = offered.map((c) => h('label', { class: `option${draft.category === c.code ? ' chosen' : ''}` }, [
      h('input', { type: 'radio', name: 'category', value: c.code, checked: draft.category === c.code, onchange: (e) => {
        draft.category = c.code;
        draft.categoryName = c.name;
        draft.attributes = {};
        draft.department = handled ? handled[c.code] : null;
        save();
        body.querySelectorAll('.option').forEach((o) => o.classList.toggle('chosen', o.contains(e.target)));
        showQuestions();
      } }),
      h('span', { class: 'option-text' }, [h('strong', {}, c.name), c.description ? h('span', { class: 'muted' }, c.description) : null,
        handled ? h('span', { class: 'small dept' }, t('Handled by %(department)s', { department: handled[c.code] })) : null]),
    ]));
    const next = h('button', { id: 'next', class: 'button primary wide', type: 'button', onclick: () => {
      const category = offered.find((c) => c.code === draft.category);
      if (!category) {
        mount(problems, h('p', { class: 'notice warn' }, t('Choose what kind of problem it is.')));
        return;
      }
      draft.attributes = attributeValues(questions, category);
      const missing = missingRequired(category, draft.attributes);
      if (missing.length) {
        mount(problems, h('p', { class: 'notice warn' }, t('Please answer: %(questions)s', { questions: missing.join(' · ') })));
        return;
      }
      go('details');
    } }, t('Next: photos and description'));
    mount(body,
      h('div', { class: 'card' }, [
        h('h2', {}, t('What is the problem?')),
        handled ? h('p', { class: 'muted small' }, t('Only what the city handles at this place is listed.'))
          : h('p', { class: 'notice warn' }, t('Offline: every category is listed; the city checks the place when the report is sent.')),
        offered.length ? h('div', { class: 'options' }, options) : h('p', {}, t('Nothing can be reported at this place.')),
      ]),
      problems,
      h('div', { class: 'row nav' }, [h('button', { class: 'button', type: 'button', onclick: () => go('place') }, t('Back')), next]));
    showQuestions();
  }

  // --- 3. photos and words -------------------------------------------------------------------
  function renderDetails() {
    const thumbs = h('div', { class: 'thumbs', id: 'photo-thumbs' });
    const problems = h('div');
    const input = h('input', { id: 'photo-input', type: 'file', accept: 'image/*', multiple: true, class: 'visually-hidden',
      onchange: async () => {
        const files = Array.from(input.files || []).slice(0, MAX_PHOTOS - draft.photos.length);
        input.value = '';
        for (const file of files) {
          try {
            draft.photos = [...draft.photos, await shrink(file)];
          } catch (_e) {
            mount(problems, h('p', { class: 'notice warn' }, t('This file is not a photo we can use.')));
          }
        }
        await saveNow();
        drawThumbs();
      } });
    const addButton = h('label', { for: 'photo-input', class: 'button', id: 'add-photo' }, t('Add a photo'));
    function drawThumbs() {
      mount(thumbs, ...draft.photos.map((blob, i) => {
        const url = URL.createObjectURL(blob);
        return h('figure', { class: 'thumb' }, [
          h('img', { src: url, alt: t('Photo %(n)s', { n: i + 1 }), onload: () => URL.revokeObjectURL(url) }),
          h('button', { type: 'button', class: 'remove', 'aria-label': t('Remove photo %(n)s', { n: i + 1 }), onclick: async () => {
            draft.photos = draft.photos.filter((_p, k) => k !== i);
            await saveNow();
            drawThumbs();
          } }, '×')]);
      }));
      addButton.hidden = draft.photos.length >= MAX_PHOTOS;
    }
    const description = h('textarea', { id: 'description', rows: 5, maxlength: 4000,
      placeholder: t('What is wrong, and exactly where? (e.g. in front of number 12, near the bus stop)'),
      oninput: () => { draft.description = description.value; save(); } });
    description.value = draft.description || '';
    const send = h('button', { id: 'send', class: 'button primary wide', type: 'button', onclick: () => checkDuplicates(problems, send) },
      t('Send the report'));
    mount(body,
      h('div', { class: 'card' }, [h('h2', {}, t('Photos (up to 3)')), thumbs, addButton, input,
        h('p', { class: 'muted small' }, t('Photos are made smaller on your phone before they are sent.'))]),
      h('div', { class: 'card' }, [h('h2', {}, h('label', { for: 'description' }, t('Description'))), description]),
      problems,
      h('div', { class: 'row nav' }, [h('button', { class: 'button', type: 'button', onclick: () => go('category') }, t('Back')), send]));
    drawThumbs();
  }

  // --- "is it one of these?" -------------------------------------------------------------------
  async function checkDuplicates(problems, button) {
    button.disabled = true;
    let nearby = [];
    try {
      nearby = await get('/reports/nearby', { lat: draft.lat, long: draft.long, category: draft.category }, { auth: false });
    } catch (_e) {
      nearby = [];  // offline: the report is kept and sent later; the question cannot be asked now
    }
    if (!nearby.length) {
      await submit(problems, button);
      return;
    }
    mount(body, h('div', { class: 'card', id: 'duplicates' }, [
      h('h2', {}, t('Is it one of these?')),
      h('p', { class: 'muted' }, t('These open reports of the same kind are very close. If yours is one of them, add your support: it counts, and you are told of its progress.')),
      ...nearby.map((r) => h('article', { class: 'duplicate', dataset: { id: r.id } }, [
        r.thumbnail_url ? h('img', { src: r.thumbnail_url, alt: '' }) : null,
        h('div', {}, [h('p', {}, [h('strong', {}, `${r.reference} · ${r.category_name}`), ' ', statusPill(r.status)]),
          h('p', {}, r.description || t('(no description)')),
          h('p', { class: 'muted small' }, t('%(distance)s away · %(n)s supporters', { distance: metres(r.distance_m), n: r.supporters })),
          h('button', { class: 'button primary', type: 'button', id: `support-${r.id}`, onclick: (e) => supportInstead(r, e.target) },
            t('Yes, this is it: add my support'))]),
      ])),
      h('button', { id: 'send-anyway', class: 'button wide', type: 'button', onclick: (e) => submit(problems, e.target) },
        t('No, mine is different: send my report')),
    ]), problems);
  }

  async function supportInstead(report, button) {
    button.disabled = true;
    try {
      const answer = await post(`/reports/${report.id}/support`);
      await store.remove('draft', DRAFT);
      draft = emptyDraft();
      mount(body, h('div', { class: 'card confirmation', id: 'confirmation' }, [
        h('h2', {}, t('Thank you: you support %(ref)s', { ref: report.reference })),
        h('p', {}, t('It now has %(n)s supporters. You will be told of each step under Updates.', { n: answer.supporters })),
        h('p', {}, h('a', { class: 'button primary', href: `#/r/${report.id}` }, t('See this report'))),
        h('p', {}, h('a', { href: '#/report', onclick: () => setTimeout(render, 0) }, t('Report another problem'))),
      ]));
    } catch (error) {
      button.disabled = false;
      body.prepend(errorBox(error));
    }
  }

  async function submit(problems, button) {
    button.disabled = true;
    const fields = { category: draft.category, lat: draft.lat, long: draft.long, description: draft.description || '',
                     attributes: draft.attributes || {} };
    const department = draft.department;
    const item = await outbox.add(fields, draft.photos || [], { categoryName: draft.categoryName || draft.category });
    try {
      const answer = await outbox.send(item);
      await store.remove('draft', DRAFT);
      draft = emptyDraft();
      confirmation(answer, department);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500 && ![408, 409, 429].includes(error.status)) {
        await outbox.discard(item.key);  // the draft stays: fix and send again
        button.disabled = false;
        mount(problems, errorBox(error));
        return;
      }
      await store.remove('draft', DRAFT);
      draft = emptyDraft();
      queued();
    }
  }

  function confirmation(answer, department) {
    drawStepsDone();
    mount(body, h('div', { class: 'card confirmation', id: 'confirmation' }, [
      h('p', { class: 'big-check' }, icon('check')),
      h('h2', {}, t('Report received')),
      h('p', { class: 'reference' }, answer.reference),
      h('h3', {}, t('What happens next')),
      h('ol', { class: 'next-steps' }, [
        h('li', {}, department ? t('It goes to %(department)s, who handles this here.', { department })
          : t('It goes to the department that handles this here.')),
        h('li', {}, t('Neighbours may be asked to check it; the department acknowledges it, works on it and says when it is fixed.')),
        h('li', {}, t('Each step appears under Updates. When it is marked fixed, you may be asked whether it really is.')),
      ]),
      h('p', { class: 'row' }, [h('a', { class: 'button primary', href: `#/r/${answer.id}` }, t('See my report')),
        h('a', { class: 'button', href: answer.public_url, target: '_blank', rel: 'noopener' }, t('Public page'))]),
      h('p', {}, h('a', { href: '#/report', id: 'report-another', onclick: () => setTimeout(render, 0) }, t('Report another problem'))),
    ]));
  }

  function queued() {
    drawStepsDone();
    mount(body, h('div', { class: 'card confirmation queued', id: 'queued' }, [
      h('p', { class: 'big-check waiting-icon' }, icon('clock')),
      h('h2', {}, t('Saved on this phone')),
      h('p', {}, t('There is no connection right now. Your report is kept on this phone and sent by itself as soon as the connection returns; it will never be sent twice.')),
      h('p', {}, t('You can close the app: it is sent the next time you open it with a connection.')),
      h('p', {}, h('a', { class: 'button', href: '#/mine' }, t('See what is waiting'))),
      h('p', {}, h('a', { href: '#/report', onclick: () => setTimeout(render, 0) }, t('Report another problem'))),
    ]));
  }

  function drawStepsDone() {
    mount(steps, ...STEPS.map((s, i) => h('li', { class: 'done' }, [h('span', { class: 'num' }, String(i + 1)),
      { place: t('Place'), category: t('Category'), details: t('Details') }[s]])));
  }

  async function render() {
    if (!STEPS.includes(draft.step)) draft.step = 'place';
    if (draft.step !== 'place' && draft.lat === null) draft.step = 'place';
    if (draft.step === 'details' && !draft.category) draft.step = 'category';
    drawSteps();
    if (draft.step === 'place') renderPlace();
    else if (draft.step === 'category') await renderCategory();
    else renderDetails();
  }

  await render();
  return { leave: () => { clearTimeout(saveTimer); store.put('draft', draft); } };
}
