// Operators: every user (GET /users?role=), and adding experts and
// operators (POST /users).
import { h, replace } from '../lib/dom.js';
import { t, tEnum, fmtDate } from '../lib/i18n.js';
import { get, post, qs, getMeta } from '../lib/api.js';
import { input, select, formAlert, submitButton, onSubmit } from '../lib/form.js';
import { pageHead, card, pagedTable, badge, notice } from '../lib/ui.js';

const PAGE = 20;
const STAFF = ['expert', 'operator'];
const ROLES = ['operator', 'expert', 'enterprise', 'partner'];

export const title = () => t('users.title');

function table(role) {
  return pagedTable({
    testid: 'users-table',
    caption: t('users.list'),
    empty: t('users.empty'),
    fetchPage: (after) => get(`/users${qs({ role, limit: PAGE, after })}`),
    columns: [
      { label: t('field.name'), cell: (u) => h('span', { class: 'strong' }, u.name) },
      { label: t('field.email'), cell: (u) => u.email },
      { label: t('field.role'), cls: 'nowrap', cell: (u) => h('span', { class: 'badges' }, badge(tEnum('role', u.role), u.role === 'operator' || u.role === 'expert' ? 'accent' : ''), u.admin ? badge(t('user.admin'), 'ok') : null) },
      { label: t('users.org'), cell: (u) => (u.org_id ? h('a', { href: `#/orgs/${encodeURIComponent(u.org_id)}`, class: 'id-link', title: u.org_id }, u.org_id) : '—') },
      { label: t('members.joined'), cls: 'nowrap', cell: (u) => fmtDate(u.created_at) },
    ],
  });
}

export function render() {
  const listSlot = h('div');
  let current = table('');
  replace(listSlot, current.el);
  const filterId = 'role-filter';
  const filter = h('select', { id: filterId, testid: 'role-filter', onchange: (e) => { current = table(e.target.value); replace(listSlot, current.el); } },
    h('option', { value: '' }, t('users.allRoles')),
    ROLES.map((r) => h('option', { value: r }, tEnum('role', r))));
  getMeta().then((m) => {
    if (!m?.roles?.length) return;
    replace(filter, h('option', { value: '' }, t('users.allRoles')), m.roles.map((r) => h('option', { value: r }, tEnum('role', r))));
  }).catch(() => {});

  const done = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', testid: 'add-user-form' },
    formAlert(),
    select('role', t('field.role'), STAFF.map((r) => ({ value: r, label: tEnum('role', r) })), { required: true, value: 'expert' }),
    input('name', t('field.name'), { required: true, maxlength: 100 }),
    input('email', t('field.email'), { type: 'email', required: true, maxlength: 254 }),
    input('password', t('field.initialPassword'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('hint.initialPassword') }),
    h('div', { class: 'form-actions' }, submitButton(t('users.add'), 'add-user-submit')));
  onSubmit(form, async (body) => {
    replace(done);
    const user = await post('/users', body);
    form.reset();
    replace(done, notice(t('users.added', { name: user?.name || body.name, role: tEnum('role', user?.role || body.role) })));
    current.reload();
  });

  return h('div', { class: 'page' },
    pageHead(t('users.title'), t('users.lead')),
    h('div', { class: 'grid-main' },
      card(t('users.list'), [
        h('div', { class: 'toolbar' }, h('label', { for: filterId }, t('users.filter')), filter),
        listSlot,
      ], { testid: 'users' }),
      card(t('users.addTitle'), [done, form], { testid: 'add-user' })));
}
