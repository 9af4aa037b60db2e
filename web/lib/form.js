// Form building blocks: labelled fields with hint and error slots, reading a
// form into a JSON body (names with dots nest: "admin.email"), showing a
// problem+json answer (detail on top, errors[] beside their inputs) and
// disabling submit while a request is pending.
import { h, newId } from './dom.js';
import { t, tMaybe, fieldMessage } from './i18n.js';
import { ApiError } from './api.js';

function frame(name, label, control, { hint, required, id, testid }) {
  const hintId = hint ? `${id}-hint` : null;
  const errId = `${id}-err`;
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  return h('div', { class: 'field', 'data-field': name, 'data-label': label, testid },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errId, testid: `error-${name}`, hidden: true }));
}

/** <input> with label, optional hint and an error slot. */
export function input(name, label, opts = {}) {
  const id = opts.id || newId('f');
  const el = h('input', {
    id, name, type: opts.type || 'text', autocomplete: opts.autocomplete || 'off',
    required: opts.required, minlength: opts.minlength, maxlength: opts.maxlength,
    list: opts.list, inputmode: opts.inputmode, placeholder: opts.placeholder,
    spellcheck: opts.type === 'email' || opts.type === 'password' ? 'false' : null,
    value: opts.value, 'data-autofocus': opts.autofocus, testid: `input-${name}`, onchange: opts.onchange,
  });
  return frame(name, label, el, { ...opts, id });
}

/** <textarea> with label, optional hint and an error slot. */
export function textarea(name, label, opts = {}) {
  const id = opts.id || newId('f');
  const el = h('textarea', {
    id, name, rows: opts.rows || 3, required: opts.required, maxlength: opts.maxlength,
    value: opts.value, testid: `input-${name}`,
  });
  return frame(name, label, el, { ...opts, id });
}

/** <select> over [{value, label}], with an empty "choose" option unless `value` is set. */
export function select(name, label, options, opts = {}) {
  const id = opts.id || newId('f');
  const el = h('select', { id, name, required: opts.required, testid: `input-${name}`, onchange: opts.onchange },
    opts.value == null ? h('option', { value: '' }, opts.placeholder || t('form.choose')) : null,
    options.map((o) => h('option', { value: o.value, selected: o.value === opts.value }, o.label)));
  return frame(name, label, el, { ...opts, id });
}

/** A group of checkboxes (multi: true → array) or radios sharing `name`. */
export function choices(name, label, options, { type = 'checkbox', value, required, hint, testid } = {}) {
  const id = newId('g');
  const errId = `${id}-err`;
  const hintId = hint ? `${id}-hint` : null;
  const chosen = new Set([].concat(value ?? []));
  return h('fieldset', { class: 'field', 'data-field': name, 'data-label': label, testid,
    'aria-describedby': [hintId, errId].filter(Boolean).join(' ') },
  h('legend', null, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
  h('div', { class: `choices choices-${type}` },
    options.map((o) => h('label', { class: 'choice' },
      h('input', { type, name, value: o.value, checked: chosen.has(o.value), 'data-multi': type === 'checkbox' ? '' : null,
        testid: `choice-${name}-${o.value}` }),
      h('span', null, o.label)))),
  hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  h('p', { class: 'field-error', id: errId, testid: `error-${name}`, hidden: true }));
}

/** A single boolean checkbox. */
export function checkbox(name, label, { hint, checked } = {}) {
  const id = newId('f');
  const hintId = hint ? `${id}-hint` : null;
  return h('div', { class: 'field field-check', 'data-field': name, 'data-label': label },
    h('label', { class: 'choice', for: id },
      h('input', { id, type: 'checkbox', name, checked, 'aria-describedby': hintId, testid: `input-${name}` }),
      h('span', null, label)),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: `${id}-err`, testid: `error-${name}`, hidden: true }));
}

/** The alert slot placed at the top of a form. */
export function formAlert() {
  return h('div', { class: 'alert alert-error form-alert', role: 'alert', testid: 'form-error', hidden: true });
}

export function submitButton(label, testid = 'submit') {
  return h('button', { type: 'submit', class: 'btn btn-primary', testid }, h('span', { class: 'btn-label' }, label));
}

function setPath(obj, path, value) {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {});
  o[parts.at(-1)] = value;
}

function getPath(obj, path) {
  return path.split('.').reduce((o, p) => (o == null ? undefined : o[p]), obj);
}

/**
 * The form as a JSON body. Text is trimmed (passwords are not), empty text and
 * empty checkbox groups are left out so the server reports them as required.
 */
export function readForm(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox' && el.hasAttribute('data-multi')) {
      if (!el.checked) continue;
      const arr = getPath(out, el.name) || [];
      arr.push(el.value);
      setPath(out, el.name, arr);
    } else if (el.type === 'checkbox') {
      setPath(out, el.name, el.checked);
    } else if (el.type === 'radio') {
      if (el.checked) setPath(out, el.name, el.value);
    } else {
      const v = el.type === 'password' ? el.value : el.value.trim();
      if (v !== '') setPath(out, el.name, v);
    }
  }
  return out;
}

/** Remove every error mark from the form. */
export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const f of form.querySelectorAll('.field.invalid')) f.classList.remove('invalid');
  const alert = form.querySelector('.form-alert');
  if (alert) { alert.hidden = true; alert.replaceChildren(); }
}

/** A span of time, in seconds below 90 s and in minutes from there. */
export function durationText(seconds) {
  if (seconds < 90) return t('time.seconds', { n: seconds });
  return t('time.minutes', { n: Math.ceil(seconds / 60) });
}

/** One line describing an error for the top of a form or page. */
export function problemText(err) {
  if (!(err instanceof ApiError)) return t('problem.unexpected');
  if (err.kind === 'network') return t('problem.network');
  const p = err.problem;
  // A dictionary may word a problem type itself (zh-CN does); else the server's detail.
  const local = tMaybe(`problem.${err.kind}`, { count: err.fieldErrors.length });
  if (local === undefined) return p.detail || p.title || t('problem.generic', { status: err.status });
  return err.retryAfter ? `${local}${t('problem.retryAfter', { wait: durationText(err.retryAfter) })}` : local;
}

/** Mark one field of the form with `message`; false if the form has no such field. */
export function setFieldError(form, field, message, raw = true) {
  // "lines[1]" marks row 1 when it has a slot of its own, else the list ("clouds[1]" → "clouds").
  const boxes = [...form.querySelectorAll('.field')];
  const base = field.replace(/\[\d+\]$/, '');
  const box = boxes.find((f) => f.dataset.field === field) || boxes.find((f) => f.dataset.field === base);
  if (!box) return false;
  const p = box.querySelector('.field-error');
  const text = raw ? fieldMessage(message, box.dataset.label) : message;
  p.textContent = p.hidden ? text : `${p.textContent} ${text}`;
  p.hidden = false;
  box.classList.add('invalid');
  for (const el of box.querySelectorAll('input, select, textarea')) el.setAttribute('aria-invalid', 'true');
  return true;
}

/** Show an error: problem text on top, each errors[] entry beside its input; focus the first. */
export function showError(form, err) {
  clearErrors(form);
  const alert = form.querySelector('.form-alert');
  const loose = [];
  if (err instanceof ApiError) {
    for (const fe of err.fieldErrors) {
      if (!fe || typeof fe.field !== 'string' || !setFieldError(form, fe.field, fe.message)) loose.push(fe);
    }
  } else {
    console.error(err); // eslint-disable-line no-console
  }
  if (alert) {
    alert.append(h('p', { class: 'alert-title', testid: 'form-error-detail' }, problemText(err)));
    if (loose.length) {
      alert.append(h('ul', null, loose.map((fe) => h('li', null,
        fe?.field ? h('code', null, fe.field) : null, fe?.field ? ' ' : null, fieldMessage(fe?.message, '')))));
    }
    alert.hidden = false;
  }
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
  else if (alert) { alert.tabIndex = -1; alert.focus(); }
}

// Values typed into forms, kept across a re-render (language switch) and
// restored once into the next form with the same data-testid.
let drafts = new Map();

/** Remember the values of every form under `root` (called before a re-render). */
export function saveDrafts(root) {
  drafts = new Map();
  for (const form of root.querySelectorAll('form[data-testid]')) {
    const values = [];
    for (const el of form.elements) {
      if (!el.name) continue;
      values.push([el.name, el.value, el.type === 'checkbox' || el.type === 'radio' ? el.checked : null]);
    }
    drafts.set(form.dataset.testid, values);
  }
}

function restoreDraft(form) {
  const values = drafts.get(form.dataset.testid);
  if (!values) return;
  drafts.delete(form.dataset.testid);
  for (const [name, value, checked] of values) {
    for (const el of form.elements) {
      if (el.name !== name) continue;
      if (checked === null) el.value = value;
      else if (el.value === value) el.checked = checked;
    }
  }
}

/**
 * Wire `form` to `action(body)`: prevent native submit, clear old errors,
 * disable the submit button while pending, show errors when it throws.
 */
export function onSubmit(form, action) {
  form.noValidate = true; // the server is the single source of validation messages
  restoreDraft(form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    clearErrors(form);
    const buttons = [...form.querySelectorAll('button[type="submit"]')];
    form.setAttribute('aria-busy', 'true');
    for (const b of buttons) { b.disabled = true; b.classList.add('pending'); }
    try {
      await action(readForm(form));
    } catch (err) {
      if (form.isConnected) showError(form, err);
    } finally {
      form.removeAttribute('aria-busy');
      for (const b of buttons) { b.disabled = false; b.classList.remove('pending'); }
    }
  });
  return form;
}
