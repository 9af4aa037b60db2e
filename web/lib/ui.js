// Shared page pieces: headings, cards, key/value lists, badges, loading and
// error states, and a cursor-paginated table.
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { problemText } from './form.js';

export function pageHead(title, subtitle, actions) {
  return h('header', { class: 'page-head' },
    h('div', null,
      h('h1', { testid: 'page-title' }, title),
      subtitle ? h('p', { class: 'muted' }, subtitle) : null),
    actions ? h('div', { class: 'page-actions' }, actions) : null);
}

export function card(title, body, { testid, cls } = {}) {
  return h('section', { class: `card ${cls || ''}`, testid, 'aria-label': typeof title === 'string' ? title : null },
    title ? h('h2', { class: 'card-title' }, title) : null,
    body);
}

/** <dl> of [label, value, testid?] rows (rows with value === undefined are skipped). */
export function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter((r) => r && r[1] !== undefined).map(([k, v, testid]) =>
    h('div', { class: 'fact' }, h('dt', null, k), h('dd', { testid }, v ?? '—'))));
}

export function badge(text, tone = '') {
  return h('span', { class: `badge ${tone ? `badge-${tone}` : ''}` }, text);
}

export function loading() {
  return h('div', { class: 'loading', role: 'status', testid: 'loading' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('common.loading'));
}

/** An error box with an optional retry button. */
export function errorBox(err, retry) {
  return h('div', { class: 'alert alert-error', role: 'alert', testid: 'page-error' },
    h('p', { class: 'alert-title' }, problemText(err)),
    retry ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: retry }, t('common.retry')) : null);
}

export function notice(text, tone = 'ok', testid = 'notice') {
  return h('div', { class: `alert alert-${tone}`, role: 'status', testid }, h('p', { class: 'alert-title' }, text));
}

/**
 * A table fed by a cursor-paginated list route.
 * fetchPage(after) → {items, next}; columns: [{label, cell(item) → node|string, cls?}];
 * rowAttrs(item) → extra attributes of the item's <tr> (e.g. {'data-id': id}).
 * Returns {el, reload()}; reload() goes back to the first page.
 */
export function pagedTable({ columns, fetchPage, empty, testid, caption, rowAttrs }) {
  const body = h('div', { class: 'table-body' });
  const status = h('p', { class: 'pager-status muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', testid: 'page-prev' }, t('pager.prev'));
  const next = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', testid: 'page-next' }, t('pager.next'));
  const pager = h('nav', { class: 'pager', 'aria-label': t('pager.label') }, status, h('div', { class: 'pager-buttons' }, prev, next));
  const el = h('div', { class: 'paged', testid }, body, pager);
  let stack = []; // cursors of the pages before the current one
  let current = null;
  let nextCursor = null;
  let seq = 0;

  async function show(after) {
    const my = ++seq;
    prev.disabled = true;
    next.disabled = true;
    el.setAttribute('aria-busy', 'true');
    if (!body.firstChild) replace(body, loading());
    try {
      const page = await fetchPage(after);
      if (my !== seq) return;
      current = after;
      nextCursor = page?.next || null;
      const items = page?.items || [];
      if (!items.length) {
        replace(body, h('p', { class: 'empty', testid: 'empty' }, empty || t('common.empty')));
      } else {
        replace(body, h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
          h('table', { class: 'table' },
            caption ? h('caption', { class: 'sr-only' }, caption) : null,
            h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.cls }, c.label)))),
            h('tbody', null, items.map((it) => h('tr', { testid: 'row', ...rowAttrs?.(it) },
              columns.map((c) => h('td', { class: c.cls, 'data-label': c.label }, c.cell(it)))))))));
      }
      status.textContent = t('pager.page', { n: stack.length + 1 });
      prev.disabled = stack.length === 0;
      next.disabled = !nextCursor;
      pager.hidden = stack.length === 0 && !nextCursor;
    } catch (err) {
      if (my !== seq) return;
      replace(body, errorBox(err, () => show(after)));
      prev.disabled = stack.length === 0;
    } finally {
      if (my === seq) el.removeAttribute('aria-busy');
    }
  }

  next.addEventListener('click', () => { if (nextCursor) { stack.push(current); show(nextCursor); } });
  prev.addEventListener('click', () => { if (stack.length) show(stack.pop()); });
  const reload = () => { stack = []; return show(null); };
  reload();
  return { el, reload };
}
