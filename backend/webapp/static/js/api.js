// The app's only way to the platform: /api/v1, with the device's bearer token.
import { language, t } from './i18n.js';

const TOKEN = 'crowdgov.token';
const CITIZEN = 'crowdgov.citizen';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.code) || 'error';
    this.fields = (body && body.fields) || {};
  }
}

// No answer at all: no network, or the server could not be reached.
export class Offline extends Error {
  constructor() { super(t('No connection.')); this.offline = true; }
}

export function hasToken() { return Boolean(localStorage.getItem(TOKEN)); }

export function citizen() {
  try { return JSON.parse(localStorage.getItem(CITIZEN) || 'null'); } catch (_e) { return null; }
}

export function forgetDevice() {
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(CITIZEN);
}

let registering = null;

// Starting needs no account: the first call that needs one registers this device (POST /citizens)
// and keeps the token on it.
export function ensureToken() {
  const token = localStorage.getItem(TOKEN);
  if (token) return Promise.resolve(token);
  if (!registering) {
    const name = t('Neighbour %(n)s', { n: Math.floor(1000 + Math.random() * 9000) });
    registering = call('POST', '/citizens', { json: { display_name: name, language: language() }, auth: false })
      .then((answer) => {
        localStorage.setItem(TOKEN, answer.body.token);
        localStorage.setItem(CITIZEN, JSON.stringify(answer.body.citizen));
        return answer.body.token;
      })
      .finally(() => { registering = null; });
  }
  return registering;
}

// One request; answers {status, body, headers}. Throws Offline without an answer, ApiError for 4xx/5xx.
export async function call(method, path, { json, form, auth = true, headers = {}, query } = {}) {
  const sent = { Accept: 'application/json', 'Accept-Language': language().replace('_', '-'), ...headers };
  if (auth) sent.Authorization = `Bearer ${await ensureToken()}`;
  let body;
  if (json !== undefined) { sent['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (form !== undefined) body = form;
  const url = `/api/v1${path}${query ? `?${new URLSearchParams(query)}` : ''}`;
  let response;
  try {
    response = await fetch(url, { method, headers: sent, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (_e) {
    throw new Offline();
  }
  const text = await response.text().catch(() => '');
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_e) { data = null; }
  if (!response.ok) {
    if (response.status === 401 && auth && data && data.code === 'unauthorized') {
      // The token is gone (data deleted on another device, revoked): start afresh next time.
      forgetDevice();
    }
    throw new ApiError(response.status, data);
  }
  return { status: response.status, body: data, headers: response.headers };
}

export const get = async (path, query, options = {}) => (await call('GET', path, { query, ...options })).body;
export const post = async (path, json) => (await call('POST', path, { json: json || {} })).body;
export const patch = async (path, json) => (await call('PATCH', path, { json })).body;
export const del = async (path) => (await call('DELETE', path)).body;

// Submit a report as multipart (photos included) with its Idempotency-Key: a retry with the same
// key gets the first answer back, so a report is never created twice.
export async function submitReport(item) {
  const form = new FormData();
  const f = item.fields;
  form.set('category', f.category);
  form.set('lat', String(f.lat));
  form.set('long', String(f.long));
  form.set('description', f.description || '');
  form.set('attributes', JSON.stringify(f.attributes || {}));
  if (f.address) form.set('address', f.address);
  (item.photos || []).forEach((blob, i) => form.append('photos', new File([blob], `photo-${i + 1}.jpg`, { type: 'image/jpeg' })));
  const answer = await call('POST', '/reports', { form, headers: { 'Idempotency-Key': item.key } });
  return { ...answer.body, replayed: answer.headers.get('Idempotent-Replayed') === 'true' };
}
