// Sign-up page: POST /orgs creates an org and its admin; we then sign the
// admin in. Enumerations (kind, industry, size, clouds) come from GET /meta.
import { h, replace } from '../lib/dom.js';
import { t, tEnum } from '../lib/i18n.js';
import { input, select, choices, formAlert, submitButton, onSubmit } from '../lib/form.js';
import { getMeta, post } from '../lib/api.js';
import { signIn } from '../lib/session.js';
import { loading, errorBox } from '../lib/ui.js';

export const title = () => t('signup.title');

// Suggestions only: any region code is accepted by the server.
const REGIONS = ['cn-north-4', 'cn-north-1', 'cn-east-3', 'cn-east-2', 'cn-south-1', 'cn-southwest-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'af-south-1', 'la-south-2'];

const opts = (kind, values) => (values || []).map((v) => ({ value: v, label: tEnum(kind, v) }));

function buildForm(meta, { navigate, flash }) {
  const kinds = meta.org_kinds?.length ? meta.org_kinds : ['enterprise', 'partner'];
  const form = h('form', { class: 'form', testid: 'signup-form', 'aria-labelledby': 'signup-h' },
    formAlert(),
    h('fieldset', { class: 'section' },
      h('legend', null, t('signup.orgSection')),
      h('div', { class: 'grid-2' },
        input('name', t('field.orgName'), { required: true, maxlength: 100, autocomplete: 'organization', autofocus: true, hint: t('hint.orgName') }),
        choices('kind', t('field.kind'), opts('kind', kinds), { type: 'radio', value: kinds[0], required: true }),
        select('industry', t('field.industry'), opts('industry', meta.industries), { required: true }),
        select('size', t('field.size'), opts('size', meta.sizes), { required: true }),
        input('region', t('field.region'), { required: true, list: 'region-list', hint: t('hint.region'), maxlength: 32 })),
      h('datalist', { id: 'region-list' }, REGIONS.map((r) => h('option', { value: r }))),
      choices('clouds', t('field.clouds'), opts('cloud', meta.clouds), { hint: t('hint.clouds') })),
    h('fieldset', { class: 'section' },
      h('legend', null, t('signup.adminSection')),
      h('div', { class: 'grid-2' },
        input('admin.name', t('field.yourName'), { required: true, maxlength: 100, autocomplete: 'name' }),
        input('admin.email', t('field.email'), { type: 'email', required: true, autocomplete: 'email', maxlength: 254 }),
        input('admin.password', t('field.password'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('hint.password') }))),
    h('div', { class: 'form-actions' }, submitButton(t('signup.submit'))));
  onSubmit(form, async (body) => {
    const org = await post('/orgs', body, { auth: false });
    const name = org?.name || body.name;
    try {
      await signIn(body.admin?.email || '', body.admin?.password || '');
    } catch {
      // Registered, but signing in failed (e.g. rate limit): do not offer the form again.
      flash(t('signup.doneSignIn', { name }), 'warn');
      navigate('/login');
      return;
    }
    flash(t('signup.done', { name }));
    navigate('/');
  });
  return form;
}

export function render(ctx) {
  const slot = h('div', null, loading());
  const load = () => {
    replace(slot, loading());
    getMeta().then((meta) => {
      replace(slot, buildForm(meta, ctx));
      const active = document.activeElement;
      if (!active || active === document.body || active.id === 'main') slot.querySelector('[data-autofocus]')?.focus();
    }).catch((err) => replace(slot, errorBox(err, load)));
  };
  load();
  return h('div', { class: 'auth auth-wide' },
    h('section', { class: 'card auth-card' },
      h('h1', { id: 'signup-h', testid: 'page-title' }, t('signup.title')),
      h('p', { class: 'muted' }, t('signup.lead')),
      slot,
      h('p', { class: 'auth-switch' }, t('signup.haveAccount'), ' ',
        h('a', { href: '#/login', testid: 'to-login' }, t('signup.toLogin')))));
}
