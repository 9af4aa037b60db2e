// The app's routes: which page each path opens and who may open it. The
// router (app.js), the top navigation and the pages' own links all ask
// canOpen, so that who may go where is written once, here.
import { session } from './session.js';

// access: 'guest' = only when signed out; otherwise a session is required.
// roles: allowed user roles; when(): extra condition (e.g. belongs to an org).
export const ROUTES = [
  { path: '/login', page: 'login', access: 'guest' },
  { path: '/signup', page: 'signup', access: 'guest' },
  { path: '/', page: 'home' },
  { path: '/members', page: 'members', when: () => !!session.org },
  { path: '/orgs', page: 'orgs', roles: ['operator'] },
  { path: '/orgs/:id', page: 'members', roles: ['operator'] },
  { path: '/users', page: 'users', roles: ['operator'] },
  { path: '/catalog', page: 'catalog' },
  { path: '/offers', page: 'offers', roles: ['enterprise', 'partner'] },
  { path: '/quote', page: 'quote', roles: ['enterprise', 'partner', 'operator'] },
  { path: '/orders', page: 'orders', roles: ['enterprise', 'partner', 'operator'] },
  { path: '/orders/:id', page: 'order', roles: ['enterprise', 'partner', 'operator'] },
  { path: '/campaigns', page: 'campaigns', roles: ['operator'] },
  { path: '/campaigns/:id', page: 'campaign', roles: ['operator'] },
  { path: '/setup', page: 'setup', roles: ['operator'] },
  { path: '/credits', page: 'credits', roles: ['enterprise'] },
  { path: '/funds', page: 'funds', roles: ['operator'] },
  { path: '/funds/:id', page: 'fund', roles: ['operator'] },
  { path: '/funds/:id/drops/:drop', page: 'drop', roles: ['operator'] },
  { path: '/password', page: 'password' },
];

/** The route of `path` ("/orgs/org_1") and its parameters ({id: "org_1"}), or null. */
export function match(path) {
  for (const r of ROUTES) {
    const names = [];
    const re = new RegExp(`^${r.path.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; })}$`);
    const m = re.exec(path);
    if (m) return { route: r, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

/** Whether the signed-in user's role (and org) let them into `route`. */
export function permits(route) {
  return (!route.roles || route.roles.includes(session.user?.role)) && (!route.when || route.when());
}

/** Whether the signed-in user may open `path` ("/quote"). */
export function canOpen(path) {
  const route = match(path)?.route;
  return !!route && !!session.user && route.access !== 'guest' && permits(route);
}
