// A category's attribute questions (Open311 attributes from /api/v1/categories) as form fields.
import { t } from '../i18n.js';
import { h } from '../ui.js';

function localDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function withOffset(local) {
  // datetime-local has no zone; the API wants one: this phone's.
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return '';
  const minutes = -d.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
}

export function attributeQuestions(category, values, onChange) {
  if (!category.attributes.length) return null;
  const box = h('div', { class: 'card questions' }, [h('h2', {}, t('A few questions'))]);
  const changed = () => onChange(attributeValues(box, category));
  for (const a of category.attributes) {
    const id = `attr-${a.code}`;
    const label = `${a.description}${a.required ? ' *' : ''}`;
    const current = values[a.code];
    let field;
    if (a.datatype === 'singlevaluelist') {
      field = h('fieldset', { class: 'choices', dataset: { code: a.code } }, [h('legend', {}, label),
        ...a.values.map((v) => h('label', { class: 'chip' }, [
          h('input', { type: 'radio', name: id, value: v.key, checked: current === v.key, onchange: changed }), v.name]))]);
    } else if (a.datatype === 'multivaluelist') {
      const chosen = new Set([].concat(current || []));
      field = h('fieldset', { class: 'choices', dataset: { code: a.code } }, [h('legend', {}, label),
        ...a.values.map((v) => h('label', { class: 'chip' }, [
          h('input', { type: 'checkbox', name: id, value: v.key, checked: chosen.has(v.key), onchange: changed }), v.name]))]);
    } else {
      const input = a.datatype === 'text'
        ? h('textarea', { id, rows: 3, maxlength: 4000, oninput: changed })
        : h('input', { id, type: a.datatype === 'number' ? 'number' : a.datatype === 'datetime' ? 'datetime-local' : 'text',
                       inputmode: a.datatype === 'number' ? 'decimal' : null, step: a.datatype === 'number' ? 'any' : null,
                       maxlength: a.datatype === 'string' ? 500 : null, oninput: changed });
      input.value = a.datatype === 'datetime' ? localDateTime(current) : (current ?? '');
      field = h('div', { class: 'field', dataset: { code: a.code } }, [h('label', { for: id }, label), input]);
    }
    box.append(field);
  }
  return box;
}

export function attributeValues(root, category) {
  const values = {};
  for (const a of category.attributes) {
    const id = `attr-${a.code}`;
    if (a.datatype === 'singlevaluelist') {
      const checked = root.querySelector(`input[name="${id}"]:checked`);
      if (checked) values[a.code] = checked.value;
    } else if (a.datatype === 'multivaluelist') {
      const checked = Array.from(root.querySelectorAll(`input[name="${id}"]:checked`)).map((i) => i.value);
      if (checked.length) values[a.code] = checked;
    } else {
      const input = root.querySelector(`#${CSS.escape(id)}`);
      const raw = input ? input.value.trim() : '';
      if (!raw) continue;
      if (a.datatype === 'number') values[a.code] = Number(raw);
      else if (a.datatype === 'datetime') values[a.code] = withOffset(raw);
      else values[a.code] = raw;
    }
  }
  return values;
}

export function missingRequired(category, values) {
  return category.attributes.filter((a) => a.required && (values[a.code] === undefined || values[a.code] === '' ||
    (Array.isArray(values[a.code]) && !values[a.code].length))).map((a) => a.description);
}
