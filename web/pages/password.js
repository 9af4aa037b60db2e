// Change my password: PUT /me/password. The server then revokes every
// session of the user, so we sign in again.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { put } from '../lib/api.js';
import { session, clearSession } from '../lib/session.js';
import { input, formAlert, submitButton, onSubmit, clearErrors, setFieldError } from '../lib/form.js';
import { pageHead, card } from '../lib/ui.js';

export const title = () => t('password.title');

export function render({ navigate, flash }) {
  const form = h('form', { class: 'form', testid: 'password-form' },
    formAlert(),
    h('input', { type: 'text', name: '', autocomplete: 'username', value: session.user.email, hidden: true, 'aria-hidden': 'true', tabindex: '-1' }),
    input('current_password', t('field.currentPassword'), { type: 'password', required: true, autocomplete: 'current-password', autofocus: true }),
    input('new_password', t('field.newPassword'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('hint.password') }),
    input('confirm', t('field.confirmPassword'), { type: 'password', required: true, autocomplete: 'new-password' }),
    h('div', { class: 'form-actions' }, submitButton(t('password.submit'))));
  onSubmit(form, async ({ current_password: cur = '', new_password: next = '', confirm = '' }) => {
    if (next !== confirm) {
      clearErrors(form);
      setFieldError(form, 'confirm', t('password.mismatch'), false);
      form.querySelector('[name="confirm"]').focus();
      return;
    }
    // auth: false — a 401 here means a wrong current password; show it on the form.
    await put('/me/password', { current_password: cur, new_password: next }, { auth: false });
    clearSession();
    flash(t('password.done'));
    navigate('/login');
  });
  return h('div', { class: 'page page-narrow' },
    pageHead(t('password.title'), t('password.lead')),
    card(null, form));
}
