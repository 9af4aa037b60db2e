// Sign-in page: POST /session (sets the HttpOnly cookie), then GET /me.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { input, formAlert, submitButton, onSubmit } from '../lib/form.js';
import { signIn } from '../lib/session.js';

export const title = () => t('login.title');

export function render({ query, navigate }) {
  const form = h('form', { class: 'form', testid: 'login-form', 'aria-labelledby': 'login-h' },
    formAlert(),
    input('email', t('field.email'), { type: 'email', autocomplete: 'username', required: true, autofocus: true }),
    input('password', t('field.password'), { type: 'password', autocomplete: 'current-password', required: true }),
    h('div', { class: 'form-actions' }, submitButton(t('login.submit'))));
  onSubmit(form, async (body) => {
    await signIn(body.email || '', body.password || '');
    const next = query.get('next');
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
  });
  return h('div', { class: 'auth' },
    h('section', { class: 'card auth-card' },
      h('h1', { id: 'login-h', testid: 'page-title' }, t('login.title')),
      h('p', { class: 'muted' }, t('login.lead')),
      form,
      h('p', { class: 'auth-switch' }, t('login.noAccount'), ' ',
        h('a', { href: '#/signup', testid: 'to-signup' }, t('login.toSignup')))),
    h('aside', { class: 'auth-aside', 'aria-label': t('app.about') },
      h('h2', null, t('about.title')),
      h('p', null, t('about.lead')),
      h('ul', { class: 'ticks' }, ['campaigns', 'credits', 'experts', 'cocreation'].map((k) => h('li', null, t(`about.${k}`))))));
}
