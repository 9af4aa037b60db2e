// The two dictionaries of the UI say the same things: every key of one is in
// the other, and each text names the same {placeholders}. (A key missing in
// Chinese would show English to a Chinese reader; a placeholder missing would
// show "{n}".) Chinese alone words the server's problem types and field
// messages, which English shows as the server sends them. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import en from '../../web/i18n/en.js';
import zh from '../../web/i18n/zh-CN.js';

function flatten(dict, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(dict)) {
    if (v && typeof v === 'object') flatten(v, `${prefix}${k}.`, out);
    else out.set(`${prefix}${k}`, String(v));
  }
  return out;
}

const ZH_ONLY = /^(problem\.[a-z-]+$|serverMessages\.)/;
// Beside its input, a Chinese field message does not repeat the label.
const OWN_WORDING = new Set(['form.fieldError']);
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English and Chinese have the same keys, and each pair the same placeholders', () => {
  const a = flatten(en), b = flatten(zh);
  assert.deepEqual([...a.keys()].filter((k) => !b.has(k)), [], 'keys only in English');
  assert.deepEqual([...b.keys()].filter((k) => !a.has(k) && !ZH_ONLY.test(k)), [], 'keys only in Chinese');
  const differ = [...a.keys()].filter((k) => b.has(k) && !OWN_WORDING.has(k)
    && placeholders(a.get(k)).join() !== placeholders(b.get(k)).join());
  assert.deepEqual(differ, [], 'keys whose placeholders differ');
});
