// Language state and translation. Dictionaries live in ../i18n/<lang>.js;
// every user-facing string of the UI is a key there.
import en from '../i18n/en.js';
import zh from '../i18n/zh-CN.js';

const DICTS = { 'zh-CN': zh, en };
const KEY = 'cocloud.lang';
export const LANGS = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
];

let lang = initialLang();
const listeners = new Set();

function initialLang() {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && DICTS[saved]) return saved;
  } catch { /* storage disabled: fall through */ }
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  for (const l of prefs) {
    if (/^zh\b/i.test(l)) return 'zh-CN';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'en';
}

export function getLang() { return lang; }

export function setLang(code) {
  if (!DICTS[code] || code === lang) return;
  lang = code;
  try { localStorage.setItem(KEY, code); } catch { /* not remembered */ }
  document.documentElement.lang = code;
  for (const fn of listeners) fn(code);
}

export function onLangChange(fn) { listeners.add(fn); }

function lookup(dict, key) {
  let v = dict;
  for (const part of key.split('.')) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[part];
  }
  return typeof v === 'string' ? v : undefined;
}

function fill(s, params) {
  return params ? s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m)) : s;
}

/** Translate `key` with {param} substitution; falls back to English, then the key. */
export function t(key, params) {
  const s = lookup(DICTS[lang], key) ?? lookup(en, key) ?? key;
  return fill(s, params);
}

/** Translation in the current language only, or undefined. */
export function tMaybe(key, params) {
  const s = lookup(DICTS[lang], key);
  return s === undefined ? undefined : fill(s, params);
}

/** Label of an enumeration value (industry, size, kind, role, cloud); raw value if unknown. */
export function tEnum(kind, value) {
  if (value == null || value === '') return '—';
  return lookup(DICTS[lang], `enum.${kind}.${value}`) ?? lookup(en, `enum.${kind}.${value}`) ?? String(value);
}

/**
 * A server field message ("must be at least 8 characters") shown beside the
 * input labelled `label`. Dictionaries may translate known messages through
 * `serverMessages` (pairs of [RegExp, template with $1... and {label}]).
 */
export function fieldMessage(message, label) {
  const dict = DICTS[lang];
  let msg = message || '';
  for (const [re, tpl] of dict.serverMessages || []) {
    const m = re.exec(msg);
    if (m) { msg = fill(tpl.replace(/\$(\d)/g, (_, i) => m[Number(i)] ?? ''), { label: label || '' }); break; }
  }
  return fill(lookup(dict, 'form.fieldError') ?? '{message}', { label: label || '', message: msg }).trim();
}

/** Localized date (and time) of an RFC 3339 string, in `timeZone` (an IANA
 * name) when given and known, else in the browser's. */
export function fmtDate(iso, withTime = false, timeZone = undefined) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const opts = withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  try {
    return new Intl.DateTimeFormat(lang, { ...opts, timeZone }).format(d);
  } catch { // a zone this browser does not know
    return new Intl.DateTimeFormat(lang, opts).format(d);
  }
}

/** "from – to" of a campaign's window, read in the campaign's time zone, as
 * its operator set it; the zone is named when it is not the browser's. */
export function fmtWindow(from, to, timeZone, withTime = false) {
  const text = `${fmtDate(from, withTime, timeZone)} – ${fmtDate(to, withTime, timeZone)}`;
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return timeZone && timeZone !== here ? `${text} (${timeZone})` : text;
}

document.documentElement.lang = lang;
