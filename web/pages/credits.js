// Enterprises: cloud credits (上云津贴). The org's wallet (GET /wallet), the
// credit drops (GET /drops, with `mine`: may we claim, and why not) with a
// Claim button (POST /drops/{id}/claims, one Idempotency-Key per click,
// reused when that click's request is retried), and the org's grants
// (GET /grants) and ledger (GET /ledger).
import { h, replace } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { get, post, qs, idempotencyKey } from '../lib/api.js';
import { session } from '../lib/session.js';
import { pageHead, card, facts, badge, loading, errorBox, notice, pagedTable } from '../lib/ui.js';
import { loc, money } from '../lib/format.js';
import {
  dropStatusBadge, placesMeter, windowText, audienceText, whyText, creditProblemText, transient, sendKeyed,
  ledgerColumns, namesLoader,
} from '../lib/credit.js';

const PAGE = 20;

export const title = () => t('credit.title');

function walletView(w) {
  const balances = w?.balances?.length ? w.balances : [{ currency: 'CNY', available: 0, expired: 0, granted: 0 }];
  return balances.map((b) => h('div', { class: 'wallet', testid: `wallet-${b.currency}` },
    h('div', { class: 'wallet-main' },
      h('p', { class: 'muted small' }, t('credit.available')),
      h('p', { class: 'balance', testid: 'wallet-available' }, money(b.available, b.currency))),
    facts([
      [t('credit.granted'), money(b.granted, b.currency), 'wallet-granted'],
      [t('credit.expired'), money(b.expired, b.currency), 'wallet-expired'],
    ])));
}

export function render() {
  const walletAccount = `wallet:${session.org?.id}`;
  const walletSlot = h('div', null, loading());
  const done = h('div', { 'aria-live': 'polite' });

  // Names of funds and drops (and of drops by their claim id) for the grants and the ledger.
  const names = new Map([[session.org?.id, session.org?.name]]);
  const loadNames = namesLoader(names);

  const loadWallet = () => get('/wallet')
    .then((w) => replace(walletSlot, walletView(w)))
    .catch((err) => replace(walletSlot, errorBox(err, loadWallet)));

  // --- drops: each row's status, places and action are redrawn in place after a claim.
  const rows = new Map(); // drop id → [{el, build}]
  const pendingKeys = new Map(); // drop id → the key of a claim that got no answer yet
  const part = (build) => (d) => {
    const el = h('div', { class: 'cell' }, build(d));
    if (!rows.has(d.id)) rows.set(d.id, []);
    rows.get(d.id).push({ el, build });
    return el;
  };
  const redraw = (d) => { for (const { el, build } of rows.get(d.id) || []) replace(el, build(d)); };
  // Fresh from the server; `fallback` (what we know) when that fails.
  const refreshDrop = (fallback) => get(`/drops/${encodeURIComponent(fallback.id)}`).then(redraw).catch(() => redraw(fallback));

  let grants;
  let ledger;

  async function claim(d, button) {
    const key = pendingKeys.get(d.id) || idempotencyKey();
    pendingKeys.set(d.id, key);
    button.disabled = true;
    button.classList.add('pending');
    replace(done);
    try {
      const r = await sendKeyed((k) => post(`/drops/${encodeURIComponent(d.id)}/claims`, undefined, { headers: { 'Idempotency-Key': k } }), key);
      pendingKeys.delete(d.id);
      names.set(r.claim.id, loc(d.name));
      replace(done, notice(t('credit.claimedN', {
        amount: money(r.grant.amount, r.grant.currency), name: loc(d.name), date: fmtDate(r.grant.expires_at),
      }), 'ok', 'claim-result'));
      await refreshDrop({ ...d, mine: { claim: r.claim.id, eligible: false, reason: null } });
      loadWallet();
      grants.reload();
      ledger.reload();
    } catch (err) {
      if (!transient(err)) pendingKeys.delete(d.id);
      replace(done, notice(creditProblemText(err), transient(err) ? 'warn' : 'error', 'claim-result'));
      if (transient(err)) redraw(d); // offers "Try again" with the same key
      else await refreshDrop(d);
    }
    // The button is gone or redrawn: keep the keyboard near the answer.
    const answer = done.firstElementChild;
    if (answer && (!document.activeElement || document.activeElement === document.body)) {
      answer.tabIndex = -1;
      answer.focus();
    }
  }

  const action = (d) => {
    if (d.mine?.claim) return h('span', { class: 'badges', testid: 'claimed' }, badge(t('credit.claimed'), 'ok'));
    if (d.mine?.eligible) {
      const retry = pendingKeys.has(d.id);
      const b = h('button', {
        type: 'button', class: 'btn btn-primary btn-sm', testid: 'claim',
        'aria-label': t(retry ? 'credit.retryAria' : 'credit.claimAria', { amount: money(d.amount, d.currency), name: loc(d.name) }),
      }, h('span', { class: 'btn-label' }, t(retry ? 'credit.retry' : 'credit.claim')));
      b.addEventListener('click', () => claim(d, b));
      return b;
    }
    if (d.mine?.reason) return h('span', { class: 'reason small', testid: 'drop-reason' }, whyText(d.mine.reason, d.mine.reason_code));
    return h('span', { class: 'muted' }, '—');
  };

  const drops = pagedTable({
    testid: 'drops-table',
    caption: t('credit.drops'),
    empty: t('credit.dropsEmpty'),
    fetchPage: (after) => { rows.clear(); return get(`/drops${qs({ limit: PAGE, after })}`); },
    rowAttrs: (d) => ({ 'data-id': d.id }),
    columns: [
      {
        label: t('credit.drop'),
        cell: (d) => h('div', null, h('span', { class: 'strong', testid: 'drop-name' }, loc(d.name)), h('p', { class: 'muted small' }, audienceText(d))),
      },
      { label: t('credit.status'), cls: 'nowrap', cell: part((d) => dropStatusBadge(d.status)) },
      { label: t('credit.perClaim'), cls: 'num nowrap', cell: (d) => h('span', { class: 'strong', testid: 'drop-amount' }, money(d.amount, d.currency)) },
      { label: t('credit.places'), cls: 'places-cell', cell: part(placesMeter) },
      { label: t('credit.window'), cls: 'small', cell: windowText },
      { label: t('credit.action'), cls: 'nowrap', cell: part(action) },
    ],
  });

  grants = pagedTable({
    testid: 'grants-table',
    caption: t('credit.grants'),
    empty: t('credit.grantsEmpty'),
    fetchPage: async (after) => {
      const [page] = await Promise.all([get(`/grants${qs({ limit: PAGE, after })}`), loadNames()]);
      return page;
    },
    rowAttrs: (g) => ({ 'data-id': g.id }),
    columns: [
      { label: t('grant.date'), cls: 'nowrap', cell: (g) => fmtDate(g.created_at, true) },
      {
        label: t('grant.source'),
        cell: (g) => h('span', { testid: 'grant-source' }, g.drop_id && names.has(g.drop_id)
          ? t('grant.fromDrop', { name: names.get(g.drop_id) })
          : `${t(`grant.sources.${g.source}`)} ${g.source_id}`),
      },
      { label: t('grant.fund'), cell: (g) => names.get(g.fund_id) || g.fund_id },
      { label: t('grant.amount'), cls: 'num nowrap', cell: (g) => h('span', { testid: 'grant-amount' }, money(g.amount, g.currency)) },
      { label: t('grant.remaining'), cls: 'num nowrap', cell: (g) => h('span', { class: 'strong', testid: 'grant-remaining' }, money(g.remaining, g.currency)) },
      {
        label: t('grant.expires'), cls: 'nowrap',
        cell: (g) => (g.expired ? h('span', { class: 'badges' }, badge(t('grant.expired'), 'warn')) : fmtDate(g.expires_at)),
      },
    ],
  });

  ledger = pagedTable({
    testid: 'ledger-table',
    caption: t('credit.ledger'),
    empty: t('credit.ledgerEmpty'),
    fetchPage: async (after) => {
      const [page] = await Promise.all([get(`/ledger${qs({ limit: PAGE, after })}`), loadNames()]);
      return page;
    },
    rowAttrs: (x) => ({ 'data-id': x.id }),
    columns: ledgerColumns({ names, wallet: walletAccount }),
  });

  loadWallet();
  return h('div', { class: 'page', testid: 'credits' },
    pageHead(t('credit.title'), t('credit.lead')),
    card(t('credit.wallet'), walletSlot, { testid: 'wallet' }),
    card(t('credit.drops'), [h('p', { class: 'muted small card-lead' }, t('credit.dropsLead')), done, drops.el], { testid: 'drops' }),
    card(t('credit.grants'), grants.el, { testid: 'grants' }),
    card(t('credit.ledger'), ledger.el, { testid: 'ledger' }));
}
