// Nothing typed is lost: a report is written to the device before it is sent, and stays there
// until the API has answered. Without a connection it waits, and goes when the connection
// returns (the 'online' event, the app's next start, or a periodic try), always with the
// Idempotency-Key it was given when it was written.
import { ApiError, submitReport } from './api.js';
import * as store from './store.js';

const SENT = 'crowdgov.sent';
let flushing = null;

function emit(name, detail) { window.dispatchEvent(new CustomEvent(name, { detail })); }

export async function waiting() {
  const items = await store.all('outbox');
  return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

// `label` is for the phone's own lists (the category's name); only `fields` and `photos` are sent.
export async function add(fields, photos, label = {}) {
  const item = { key: crypto.randomUUID(), fields, photos, label, createdAt: new Date().toISOString(), state: 'waiting',
                 error: null, attempts: 0 };
  await store.put('outbox', item);
  emit('outbox:changed');
  return item;
}

export async function discard(key) {
  await store.remove('outbox', key);
  emit('outbox:changed');
}

export function recentlySent() {
  try { return JSON.parse(localStorage.getItem(SENT) || '[]'); } catch (_e) { return []; }
}

function remember(item, answer) {
  const list = [{ key: item.key, id: answer.id, reference: answer.reference, at: new Date().toISOString() },
                ...recentlySent().filter((s) => s.key !== item.key)].slice(0, 20);
  localStorage.setItem(SENT, JSON.stringify(list));
}

// Send one stored item. Resolves to the API's answer; rejects with Offline (kept, sent later)
// or ApiError (kept, marked with the reason, for the citizen to fix or discard).
export async function send(item, { background = false } = {}) {
  try {
    const answer = await submitReport(item);
    remember(item, answer);
    await store.remove('outbox', item.key);
    emit('outbox:sent', { item, answer, background });
    emit('outbox:changed');
    return answer;
  } catch (error) {
    if (error instanceof ApiError && error.status < 500 && ![408, 409, 429].includes(error.status)) {
      await store.put('outbox', { ...item, state: 'refused', error: { message: error.message, fields: error.fields },
                                  attempts: (item.attempts || 0) + 1 });
      emit('outbox:changed');
    } else {
      await store.put('outbox', { ...item, attempts: (item.attempts || 0) + 1 });
    }
    throw error;
  }
}

// Try everything that waits, one at a time, oldest first; stop at the first missing connection.
export function flush() {
  if (!flushing) {
    flushing = (async () => {
      let sent = 0;
      for (const item of await waiting()) {
        if (item.state !== 'waiting') continue;
        try {
          await send(item, { background: true });
          sent += 1;
        } catch (error) {
          if (error.offline) break;
        }
      }
      return sent;
    })().finally(() => { flushing = null; });
  }
  return flushing;
}

export async function retry(key) {
  const item = await store.get('outbox', key);
  if (!item) return null;
  const again = { ...item, state: 'waiting', error: null };
  await store.put('outbox', again);
  emit('outbox:changed');
  return send(again);
}

export function start() {
  window.addEventListener('online', () => { flush(); });
  setInterval(() => { if (navigator.onLine) flush(); }, 30000);
  flush();
}
