// Formatting shared by the catalog, offer, quote and campaign pages: money
// (integer fen → "¥1,234.56" in the current language), basis points,
// bilingual names ({zh, en}), policy effects in words, reason codes and
// campaign status badges. Also the inverse: a typed "12.50" → 1250 fen.
import { h } from './dom.js';
import { t, tMaybe, getLang } from './i18n.js';

/** The text of a {zh, en} object in the current language (the other one if empty). */
export function loc(text) {
  if (text == null) return '';
  if (typeof text === 'string') return text;
  const [a, b] = getLang() === 'zh-CN' ? [text.zh, text.en] : [text.en, text.zh];
  return a || b || '';
}

// Exact decimal string of an integer of minor units: 123456 → "1234.56".
function minorToDecimal(minor, digits = 2) {
  const n = BigInt(Math.trunc(Number(minor) || 0));
  const neg = n < 0n;
  const abs = (neg ? -n : n).toString().padStart(digits + 1, '0');
  return `${neg ? '-' : ''}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** Integer fen as money in the current language: 123456 → "¥1,234.56". */
export function money(minor, currency = 'CNY') {
  if (minor == null || minor === '') return '—';
  return new Intl.NumberFormat(getLang(), {
    style: 'currency', currency: currency || 'CNY', currencyDisplay: 'narrowSymbol',
  }).format(minorToDecimal(minor));
}

/** A discount taken off a total: 215280 → "−¥2,152.80"; none → "¥0.00". */
export function discountMoney(minor, currency) {
  return minor ? `−${money(minor, currency)}` : money(0, currency);
}

/** Basis points as a percentage: 1500 → "15%", 1250 → "12.5%". */
export function percent(bp) {
  return new Intl.NumberFormat(getLang(), { style: 'percent', maximumFractionDigits: 2 })
    .format(minorToDecimal(bp, 4));
}

/** A plain number in the current language (1234 → "1,234"). */
export function num(n) {
  return new Intl.NumberFormat(getLang()).format(n);
}

/**
 * A typed amount of yuan ("1,234.5", "12") → integer fen, or null when it is
 * not a non-negative amount with at most two decimals.
 */
export function parseMoney(text) {
  const s = String(text ?? '').trim().replace(/[,\s¥]/g, '');
  const m = /^(\d{1,12})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/** Fen → the text of a money input ("12.50"). */
export function moneyInput(minor) {
  return minor == null ? '' : minorToDecimal(minor);
}

/** A typed percentage ("15", "12.5") → basis points, or null. */
export function parsePercent(text) {
  const s = String(text ?? '').trim().replace(/[%\s]/g, '');
  const m = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/** Basis points → the text of a percent input ("12.5"). */
export function percentInput(bp) {
  return bp == null ? '' : String(bp / 100);
}

/** A policy effect {kind, value} in words: "15% off", "¥100.00 off", … */
export function effectText(effect, currency) {
  if (!effect) return '—';
  const v = effect.value;
  switch (effect.kind) {
    case 'percent_off': return t('effect.percent_off', { v: percent(v) });
    case 'amount_off': return t('effect.amount_off', { v: money(v, currency) });
    case 'fixed_unit_price': return t('effect.fixed_unit_price', { v: money(v, currency) });
    case 'pack_price': return t('effect.pack_price', { v: money(v, currency) });
    case 'free_units': return t('effect.free_units', { n: num(v) });
    default: return `${effect.kind} ${v}`;
  }
}

/** Why a policy or campaign does not apply: a translated reason code (with the
 * minimum it takes, or the campaign's status, when the server names one), else
 * the server's message. */
export function reasonText(reason) {
  if (!reason) return '';
  const code = typeof reason === 'string' ? reason : reason.code || reason.reason;
  if (reason.campaign_status) {
    const status = tMaybe(`reason.${code}_${reason.campaign_status}`);
    if (status) return status;
  }
  if (reason.minimum != null) {
    const of = tMaybe(`reason.${code}_of`, { n: num(reason.minimum), v: money(reason.minimum) });
    if (of) return of;
  }
  return tMaybe(`reason.${code}`) ?? reason.message ?? t(`reason.${code}`);
}

const STATUS_TONE = { draft: '', scheduled: 'warn', live: 'ok', ended: 'muted' };

/** A badge for a campaign status (draft, scheduled, live, ended). */
export function statusBadge(status) {
  return h('span', { class: `badge badge-status ${STATUS_TONE[status] ? `badge-${STATUS_TONE[status]}` : ''}`, testid: `status-${status}` },
    t(`status.${status}`));
}

/** Fetch every page of a cursor-paginated list (at most `maxPages` pages of 100). */
export async function fetchAll(getPage, maxPages = 20) {
  const items = [];
  let after = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await getPage(after);
    items.push(...(page?.items || []));
    after = page?.next;
    if (!after) break;
  }
  return items;
}
