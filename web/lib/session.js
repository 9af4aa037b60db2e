// Who is signed in. `session.user`/`session.org` come from GET /me; pages
// read them and call these functions to change them.
import { get, post, del, ApiError } from './api.js';

export const session = { user: null, org: null };

/** Load GET /me. Resolves true when signed in, false on 401; other errors throw. */
export async function loadSession() {
  try {
    const me = await get('/me', { auth: false });
    session.user = me?.user || null;
    session.org = me?.org || null;
    return !!session.user;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { clearSession(); return false; }
    throw e;
  }
}

/** POST /session then GET /me; throws ApiError on wrong credentials. */
export async function signIn(email, password) {
  await post('/session', { email, password }, { auth: false });
  const ok = await loadSession();
  if (!ok) throw new ApiError(401, {});
}

/** DELETE /session; the local state is cleared even if the server is unreachable. */
export async function signOut() {
  try { await del('/session', { auth: false }); } finally { clearSession(); }
}

export function clearSession() {
  session.user = null;
  session.org = null;
}

export const isOperator = () => session.user?.role === 'operator';
export const isOrgAdmin = () => !!(session.user?.admin && session.user?.org_id);
