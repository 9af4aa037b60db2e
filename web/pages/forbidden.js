// A route the signed-in user's role may not open.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { pageHead } from '../lib/ui.js';

export const title = () => t('forbidden.title');

export function render() {
  return h('div', { class: 'page page-narrow', testid: 'forbidden' },
    pageHead(t('forbidden.title'), t('forbidden.lead')),
    h('p', null, h('a', { href: '#/', class: 'btn btn-primary' }, t('notfound.home'))));
}
