// Tiny DOM helpers: build elements without a framework, never via innerHTML
// (all text goes through text nodes, so server data cannot inject markup).

/**
 * h('button', {class: 'btn', onclick: fn, testid: 'x'}, 'text', child, [more])
 * Attributes: `class`, `testid` (→ data-testid), `on*` functions (listeners),
 * `value`/`checked` (set as properties), `true` (boolean attribute);
 * null/undefined/false are skipped. Children may be strings, nodes, arrays.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'testid') el.setAttribute('data-testid', v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value' || k === 'checked') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/** Append strings, nodes and (nested) arrays; skip null/false. */
export function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Replace every child of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
/** A document-unique id for label/aria wiring. */
export function newId(prefix = 'id') {
  uid += 1;
  return `${prefix}-${uid}`;
}
