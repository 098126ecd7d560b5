// Tasks nearby: check a report, or confirm a fix. The answer carries where the phone is at that
// moment: an answer from far away counts less (the trust rules of backend/tasks).
import { ApiError, call, get, post } from '../api.js';
import { here } from '../geo.js';
import { t } from '../i18n.js';
import { errorBox, h, loading, metres, mount, statusPill } from '../ui.js';

function taskCard(task, actions) {
  const report = task.report;
  return h('article', { class: 'card task', dataset: { id: task.id, kind: task.kind } }, [
    h('p', { class: 'muted small' }, [task.kind === 'confirm_fix' ? t('Confirm a fix') : task.kind === 'verify_report'
      ? t('Check a report') : t('Campaign task'), task.distance_m !== null ? ` · ${metres(task.distance_m)}` : '',
      ' · ' + t('%(n)s points', { n: task.reward })]),
    h('h2', {}, task.question),
    report ? h('p', {}, [h('strong', {}, `${report.reference} · ${report.category_name}`), ' ', statusPill(report.status)]) : null,
    report && report.description ? h('p', { class: 'small' }, report.description) : null,
    report && report.photos && report.photos.length ? h('img', { class: 'task-photo', src: report.photos[0].thumbnail_url, alt: '' }) : null,
    task.campaign ? h('p', { class: 'small' }, task.campaign.instructions) : null,
    actions,
  ]);
}

export async function tasksView(container) {
  const status = h('p', { class: 'muted', id: 'tasks-status' }, t('Finding where you are…'));
  const list = h('div', { id: 'tasks' });
  mount(container, h('h1', { class: 'view-title' }, t('Tasks nearby')),
    h('p', { class: 'muted small' }, t('Help the city: check what neighbours reported, and say whether a fix really happened.')),
    status, list);

  async function answerPanel(task) {
    const note = h('textarea', { id: 'task-note', rows: 2, maxlength: 1000, placeholder: t('A note (optional)') });
    const problems = h('div');
    const answer = async (verdict, button) => {
      button.disabled = true;
      let spot = null;
      try { spot = await here({ timeout: 10000 }); } catch (_e) { spot = null; }
      try {
        const result = (await call('POST', `/tasks/${task.id}/answer`, { json: { verdict, note: note.value,
          lat: spot ? spot.lat : null, long: spot ? spot.long : null } })).body;
        mount(list, h('div', { class: 'card confirmation', id: 'task-done' }, [
          h('h2', {}, t('Thank you for your answer')),
          result.low_weight_reason === 'far_from_target'
            ? h('p', { class: 'notice warn' }, t('You were %(d)s from the place, so your answer counts less.', { d: metres(result.distance_m) }))
            : h('p', {}, spot ? t('Your location was sent with the answer.') : t('Your answer was sent without a location.')),
          h('button', { class: 'button', type: 'button', onclick: draw }, t('More tasks'))]));
      } catch (error) {
        button.disabled = false;
        mount(problems, errorBox(error));
      }
    };
    const buttons = h('div', { class: 'row answers' }, [
      h('button', { class: 'button primary', type: 'button', id: 'answer-yes', onclick: (e) => answer('yes', e.target) }, t('Yes')),
      h('button', { class: 'button', type: 'button', id: 'answer-no', onclick: (e) => answer('no', e.target) }, t('No')),
      h('button', { class: 'button', type: 'button', id: 'answer-cant-tell', onclick: (e) => answer('cant_tell', e.target) }, t('Cannot tell'))]);
    const release = h('button', { class: 'button small', type: 'button', onclick: async () => {
      await post(`/tasks/${task.id}/release`).catch(() => null);
      draw();
    } }, t('Give it back'));
    mount(list, taskCard(task, h('div', {}, [h('p', { class: 'small' }, t('Go and look, then answer. Your location is sent with the answer.')),
      buttons, note, problems, release])));
  }

  async function draw() {
    mount(list, loading());
    try {
      const claim = await get('/tasks/claimed').catch((error) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      });
      if (claim && claim.state === 'active') {
        status.textContent = t('You hold this task.');
        await answerPanel(claim.task);
        return;
      }
      const spot = await here();
      status.textContent = t('Tasks around you:');
      const tasks = await get('/tasks/nearby', { lat: spot.lat, long: spot.long });
      if (!tasks.length) {
        mount(list, h('p', { class: 'muted' }, t('No tasks near you right now.')));
        return;
      }
      mount(list, ...tasks.map((task) => taskCard(task, h('button', { class: 'button primary', type: 'button',
        id: `claim-${task.id}`, onclick: async (e) => {
          e.target.disabled = true;
          try {
            const held = await post(`/tasks/${task.id}/claim`);
            await answerPanel(held.task);
          } catch (error) {
            e.target.disabled = false;
            e.target.after(errorBox(error));
          }
        } }, t('Take this task')))));
    } catch (error) {
      status.textContent = '';
      mount(list, error.offline ? h('p', { class: 'muted' }, t('Tasks need a connection.')) : errorBox(error));
    }
  }
  await draw();
  return null;
}
