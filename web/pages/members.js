// Members of an org: GET /orgs/{id}/users, and POST /orgs/{id}/users for org
// admins and operators. Serves #/members (my org) and #/orgs/:id (operators).
import { h, replace } from '../lib/dom.js';
import { t, tEnum, fmtDate } from '../lib/i18n.js';
import { get, post, qs } from '../lib/api.js';
import { session, isOperator } from '../lib/session.js';
import { input, checkbox, formAlert, submitButton, onSubmit } from '../lib/form.js';
import { pageHead, card, facts, badge, pagedTable, loading, errorBox, notice } from '../lib/ui.js';

const PAGE = 20;

export const title = (ctx) => (ctx.params.id ? t('org.title') : t('members.title'));

function membersTable(orgId) {
  return pagedTable({
    testid: 'members-table',
    caption: t('members.list'),
    empty: t('members.empty'),
    fetchPage: (after) => get(`/orgs/${encodeURIComponent(orgId)}/users${qs({ limit: PAGE, after })}`),
    columns: [
      { label: t('field.name'), cell: (u) => h('span', { class: 'strong' }, u.name, u.id === session.user.id ? h('span', { class: 'muted' }, ` (${t('members.you')})`) : null) },
      { label: t('field.email'), cell: (u) => u.email },
      { label: t('field.role'), cls: 'nowrap', cell: (u) => h('span', { class: 'badges' }, badge(tEnum('role', u.role)), u.admin ? badge(t('user.admin'), 'ok') : null) },
      { label: t('members.joined'), cls: 'nowrap', cell: (u) => fmtDate(u.created_at) },
    ],
  });
}

function addForm(orgId, onAdded) {
  const done = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', testid: 'add-member-form' },
    formAlert(),
    input('name', t('field.name'), { required: true, maxlength: 100 }),
    input('email', t('field.email'), { type: 'email', required: true, maxlength: 254 }),
    input('password', t('field.initialPassword'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('hint.initialPassword') }),
    checkbox('admin', t('members.makeAdmin'), { hint: t('hint.admin') }),
    h('div', { class: 'form-actions' }, submitButton(t('members.add'), 'add-member-submit')));
  onSubmit(form, async (body) => {
    replace(done);
    const user = await post(`/orgs/${encodeURIComponent(orgId)}/users`, body);
    form.reset();
    replace(done, notice(t('members.added', { name: user?.name || body.name, email: user?.email || body.email })));
    onAdded();
  });
  return card(t('members.addTitle'), [done, form], { testid: 'add-member' });
}

function orgFacts(org) {
  return card(t('home.org'), facts([
    [t('field.orgName'), org.name, 'org-name'],
    [t('field.kind'), tEnum('kind', org.kind)],
    [t('field.industry'), tEnum('industry', org.industry)],
    [t('field.size'), tEnum('size', org.size)],
    [t('field.region'), h('code', null, org.region)],
    [t('field.clouds'), org.clouds?.length ? org.clouds.map((c) => tEnum('cloud', c)).join(', ') : t('common.none')],
    [t('home.orgId'), h('code', null, org.id)],
    [t('home.created'), fmtDate(org.created_at)],
  ]), { testid: 'org-card' });
}

function body(org, operatorView) {
  const canAdd = isOperator() || (session.user.admin && session.user.org_id === org.id);
  const table = membersTable(org.id);
  return h('div', { class: 'page' },
    pageHead(operatorView ? org.name : t('members.title'),
      operatorView ? t('org.lead') : t('members.lead', { org: org.name }),
      operatorView ? h('a', { href: '#/orgs', class: 'btn btn-secondary btn-sm' }, `← ${t('org.back')}`) : null),
    h('div', { class: canAdd || operatorView ? 'grid-main' : '' },
      card(t('members.list'), table.el, { testid: 'members' }),
      h('div', { class: 'stack' },
        operatorView ? orgFacts(org) : null,
        canAdd ? addForm(org.id, table.reload) : null)));
}

export function render({ params }) {
  if (!params.id) return body(session.org, false);
  const slot = h('div', null, loading());
  const load = () => get(`/orgs/${encodeURIComponent(params.id)}`)
    .then((org) => replace(slot, body(org, true)))
    .catch((err) => replace(slot, errorBox(err, err.status === 404 ? null : load)));
  load();
  return slot;
}
