// Unknown route.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { pageHead } from '../lib/ui.js';

export const title = () => t('notfound.title');

export function render() {
  return h('div', { class: 'page page-narrow', testid: 'not-found' },
    pageHead(t('notfound.title'), t('notfound.lead')),
    h('p', null, h('a', { href: '#/', class: 'btn btn-primary' }, t('notfound.home'))));
}
