// HTTP client for /api/v1. Auth rides on the HttpOnly session cookie the
// server sets on POST /session, so every call is credentials: 'same-origin'.
// Errors become ApiError carrying the RFC 9457 problem document.

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.retryAfter = retryAfter;
  }
  /** Type suffix: "validation", "conflict", ... ("network" when no answer came). */
  get kind() {
    if (this.status === 0) return 'network';
    const type = this.problem.type || '';
    const i = type.lastIndexOf(':');
    return i >= 0 ? type.slice(i + 1) : `http-${this.status}`;
  }
  /** [{field, message}] from a validation or conflict answer. */
  get fieldErrors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

let onUnauthenticated = null;
/** Called when a signed-in call answers 401 (session expired or revoked). */
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

/**
 * request('POST', '/orgs', body, {auth: false}) → parsed JSON (null for 204).
 * `auth: false` marks calls whose 401 is an ordinary answer (login, /me);
 * `headers` adds request headers (e.g. {'Idempotency-Key': key}).
 */
export async function request(method, path, body, { auth = true, headers } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', ...headers },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, {});
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text().catch(() => '');
    if (text && /json/.test(res.headers.get('Content-Type') || '')) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
  }
  if (!res.ok) {
    const ra = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    const err = new ApiError(res.status, data && typeof data === 'object' ? data : { status: res.status },
      Number.isFinite(ra) ? ra : undefined);
    if (res.status === 401 && auth && onUnauthenticated) onUnauthenticated(err);
    throw err;
  }
  return data;
}

export const get = (path, opts) => request('GET', path, undefined, opts);
export const post = (path, body, opts) => request('POST', path, body, opts);
export const put = (path, body, opts) => request('PUT', path, body, opts);
export const del = (path, opts) => request('DELETE', path, undefined, opts);

/**
 * A fresh Idempotency-Key (a random UUID) for one POST that moves money; send
 * the same key again when retrying that same request.
 */
export function idempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Query string from an object, skipping empty values: qs({limit: 20}) → "?limit=20". */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v != null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
}

let metaPromise = null;
/** GET /meta once (enumerations for forms); retried on the next call after a failure. */
export function getMeta() {
  if (!metaPromise) {
    metaPromise = get('/meta', { auth: false }).catch((e) => { metaPromise = null; throw e; });
  }
  return metaPromise;
}
