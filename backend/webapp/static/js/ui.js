// Small DOM helpers. Text always goes in as text (never as HTML), so nothing a citizen or a
// department wrote can become markup.
import { language, t } from './i18n.js';

export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'style' && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) el.style.setProperty(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), v);
    }
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function mount(container, ...nodes) {
  container.replaceChildren(...nodes.filter(Boolean));
}

let toastTimer = null;
export function toast(text, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = 'toast'; }, 5000);
}

let statuses = {};
export function setStatuses(list) {
  statuses = Object.fromEntries((list || []).map((s) => [s.code, s]));
}

export function statusPill(code) {
  const status = statuses[code] || { label: code, colour: '#6b7280' };
  return h('span', { class: 'pill', style: { '--c': status.colour } }, status.label);
}

export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toLocaleString(language() === 'zh_Hans' ? 'zh-CN' : 'en-GB',
    { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function metres(value) {
  if (value === null || value === undefined) return '';
  return value < 1000 ? t('%(n)s m', { n: Math.round(value) }) : t('%(n)s km', { n: (value / 1000).toFixed(1) });
}

export function errorBox(error) {
  const fields = error && error.fields ? Object.values(error.fields) : [];
  return h('div', { class: 'notice error', role: 'alert' }, [
    h('strong', {}, error && error.message ? error.message : t('Something went wrong.')),
    fields.length ? h('ul', {}, fields.map((f) => h('li', {}, f))) : null,
  ]);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('Loading…'));
}

export function section(title, children, attrs = {}) {
  return h('section', { class: 'card', ...attrs }, [title ? h('h2', {}, title) : null, ...children]);
}

// Small drawn icons (emoji need fonts a phone may not have).
const ICONS = {
  check: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z',
  clock: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z',
};
export function icon(name, cls = 'big-icon') {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}
