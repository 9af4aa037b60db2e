// An editable list of form rows (quote lines, product prices, pack items).
// Row i's inputs are named "<prefix>[i].<key>", so a server error on
// "lines[1].months" lands beside the right input; an error on the list itself
// ("lines") shows under the rows. Rows are plain objects of input values.
import { h, replace } from './dom.js';
import { t } from './i18n.js';

/**
 * rowsEditor({prefix, label, testid, rows, blank(), fields(i, row, {update}), addLabel, max})
 * fields() returns the row's field nodes; call update() when a change alters
 * the other fields of the row (the row is rebuilt from its current values).
 * Returns {el, values() → [row], set(rows)}.
 */
export function rowsEditor({ prefix, label, testid, rows = [], blank = () => ({}), fields, addLabel, max = 50 }) {
  let data = rows.map((r) => ({ ...r }));
  const list = h('div', { class: 'rows' });
  const add = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', testid: `${testid}-add` }, `+ ${addLabel}`);
  const listError = h('div', { class: 'field', 'data-field': prefix, 'data-label': label },
    h('p', { class: 'field-error', testid: `error-${prefix}`, hidden: true }));

  function read(row, i) {
    const out = { ...data[i] };
    const head = `${prefix}[${i}].`;
    for (const el of row.querySelectorAll('[name]')) {
      if (!el.name.startsWith(head)) continue;
      out[el.name.slice(head.length)] = el.type === 'checkbox' ? el.checked : el.value;
    }
    return out;
  }
  function collect() { data = [...list.children].map((row, i) => read(row, i)); }

  function fill(row, i) {
    const remove = h('button', {
      type: 'button', class: 'btn btn-ghost btn-sm row-remove', testid: `${testid}-remove`,
      'aria-label': t('rows.removeN', { n: i + 1 }), title: t('rows.remove'),
    }, '×');
    remove.addEventListener('click', () => {
      collect();
      data.splice(i, 1);
      render();
      (list.children[Math.min(i, data.length - 1)]?.querySelector('select, input') || add).focus();
    });
    replace(row,
      h('span', { class: 'row-num', 'aria-hidden': 'true' }, String(i + 1)),
      h('div', { class: 'row-fields' }, fields(i, data[i], { update: () => update(i) })),
      remove,
      h('div', { class: 'field row-error', 'data-field': `${prefix}[${i}]`, 'data-label': `${label} ${i + 1}` },
        h('p', { class: 'field-error', testid: `error-${prefix}[${i}]`, hidden: true })));
  }

  function update(i) {
    const row = list.children[i];
    if (!row) return;
    data[i] = read(row, i);
    const focused = document.activeElement?.name;
    fill(row, i);
    if (focused) [...row.querySelectorAll('[name]')].find((el) => el.name === focused)?.focus();
  }

  function render() {
    replace(list, data.map((_, i) => {
      const row = h('div', { class: 'row-edit', testid: `${testid}-row`, role: 'group', 'aria-label': `${label} ${i + 1}` });
      fill(row, i);
      return row;
    }));
    add.disabled = data.length >= max;
  }

  add.addEventListener('click', () => {
    collect();
    data.push(blank());
    render();
    list.lastElementChild?.querySelector('select, input')?.focus();
  });
  render();
  return {
    el: h('div', { class: 'rows-editor', testid }, list, listError, h('div', null, add)),
    values: () => { collect(); return data.map((r) => ({ ...r })); },
    set: (next) => { data = next.map((r) => ({ ...r })); render(); },
  };
}
