// The app's words: one gettext catalogue per language (backend/webapp/translations), served as
// /app/i18n/<lang>.json. Strings are English msgids with Python-style %(name)s placeholders, so
// the same tools (scripts/i18n.py) extract and check them.
const LANGUAGES = ['zh_Hans', 'en'];
let messages = {};
let current = 'zh_Hans';

function cookieLanguage() {
  const match = document.cookie.match(/(?:^|;\s*)lang=([^;]+)/);
  return match && LANGUAGES.includes(match[1]) ? match[1] : null;
}

export function chosenLanguage() {
  return cookieLanguage() || document.documentElement.dataset.lang || 'zh_Hans';
}

export function language() { return current; }

export function t(msgid, params) {
  let text = messages[msgid] || msgid;
  if (params) {
    text = text.replace(/%\((\w+)\)[sd]/g, (_m, name) => (params[name] === undefined ? '' : String(params[name])));
  }
  return text;
}

// Elements written by the server with data-t="msgid" follow a language switch too.
export function translateDom(root = document) {
  root.querySelectorAll('[data-t]').forEach((el) => { el.textContent = t(el.dataset.t); });
  root.querySelectorAll('[data-t-label]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.tLabel)); });
}

export async function load(code) {
  const chosen = LANGUAGES.includes(code) ? code : 'zh_Hans';
  try {
    const response = await fetch(`/app/i18n/${chosen}.json`);
    messages = (await response.json()).messages || {};
  } catch (_e) {
    messages = {};  // offline and not cached yet: the English msgids still read well
  }
  current = chosen;
  document.documentElement.lang = chosen === 'zh_Hans' ? 'zh-Hans' : 'en';
  document.documentElement.dataset.lang = chosen;
  translateDom();
}

export async function switchTo(code) {
  // The same cookie the public site sets, so its pages and the API answer in this language too.
  document.cookie = `lang=${code}; path=/; max-age=${365 * 86400}; samesite=lax`;
  await load(code);
}

export function otherLanguage() { return current === 'zh_Hans' ? 'en' : 'zh_Hans'; }
