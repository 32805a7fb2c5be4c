// Who is signed in, and the API: the session (the one piece a product replaces, see findSession), the page's
// state, and calls to the Gatekeep HTTP API with the session's access token.

const API = (document.querySelector('meta[name="gatekeep-api"]')?.content ?? '').replace(/\/+$/, '');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const SETUP_ROLES = new Set(['owner', 'admin']);

/** What the page knows now; one object, shared by the page's modules. */
export const state = {
  session: null,          // see findSession()
  role: 'admin',          // the demo sign-in's role (local run only)
  organizationId: '',
  token: null,
  claims: {},
  health: null,           // the last health shown: what a refresh compares with to say what changed
  auditType: '',
  auditCursor: null,      // where "Show older events" goes on; a refresh never moves it
  auditIds: new Set(),    // the entries shown, so that a refresh adds only new ones on top
  generation: 0,          // bumps on every organization or role switch: late answers for the old one are dropped
  auditRequest: 0,        // the latest audit-log request (a filter change supersedes older ones)
  busy: new Set(),        // portal intents whose link is being requested
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// ---- Who is signed in -------------------------------------------------------------------------------

/**
 * The session: the organizations the signed-in person may pick and an access token for one of them.
 *
 * Production: define window.GatekeepSession before this module runs, backed by your AuthKit session:
 *   window.GatekeepSession = {
 *     organizations: async () => [{ id, name }],        // the user's organization memberships
 *     currentOrganizationId: () => 'org_...' | null,     // the organization the session is on (optional)
 *     accessToken: async (organizationId) => '<jwt>',   // AuthKit: switch to that organization, then
 *   };                                                   //   getAccessToken() (claims sub, org_id, role, email)
 *
 * Local run only: on a loopback address, the local runner answers GET /_local/demo, and the page signs in
 * with WorkOS-emulator dev tokens for the role picked in "Demo sign-in" (or asked for by ?org=&role=, see
 * openOnAskedOrganizationAndRole). A page served from anywhere else
 * never asks for dev tokens, and the runner's /_local/ endpoints do not exist in AWS.
 */
export async function findSession() {
  if (window.GatekeepSession) {
    return window.GatekeepSession;
  }
  if (!LOOPBACK.has(location.hostname)) {
    return null;
  }
  const res = await fetch('/_local/demo', { cache: 'no-store' }).catch(() => null);
  if (!res || !res.ok) {
    return null;
  }
  const demo = await res.json();
  openOnAskedOrganizationAndRole(demo);
  return {
    demo: true,
    roles: demo.roles,
    organizations: async () => demo.organizations,
    accessToken: async (organizationId) => {
      const r = await fetch('/_local/dev-token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ organizationId, role: state.role }),
      });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) {
        throw new ApiError(r.status, body.error, body.message || 'The demo sign-in failed.');
      }
      return body.token;
    },
  };
}

/**
 * Local run only: ?org=<name or id>&role=<role> (/?org=Globex&role=member) opens the page on that demo
 * organization and role, as if picked in the page's pickers (which keep their choice in sessionStorage):
 * a link or a screenshot of one state needs no clicks. Anything else in the address is ignored.
 */
function openOnAskedOrganizationAndRole(demo) {
  const asked = new URLSearchParams(location.search);
  const org = (asked.get('org') ?? '').toLowerCase();
  const chosen = demo.organizations.find((o) => o.id.toLowerCase() === org || o.name.toLowerCase() === org);
  if (chosen) {
    sessionStorage.setItem('gatekeep.organizationId', chosen.id);
  }
  if (demo.roles.includes(asked.get('role'))) {
    sessionStorage.setItem('gatekeep.demoRole', asked.get('role'));
  }
}

/** The token's claims, to show who is signed in and to hide setup buttons from members. The API decides. */
export function claimsOf(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}

export const canSetUp = () => SETUP_ROLES.has(String(state.claims.role || '').toLowerCase());

// ---- The API --------------------------------------------------------------------------------------------

export async function api(path, { method = 'GET', body } = {}, retried = false) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network_error', 'The dashboard could not reach the server. Check your connection and try again.');
  }
  if (res.status === 401 && !retried) {
    // The access token may just have expired: get a fresh one from the session and try once more.
    state.token = await state.session.accessToken(state.organizationId);
    state.claims = claimsOf(state.token);
    return api(path, { method, body }, true);
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(res.status, data?.error ?? `http_${res.status}`, data?.message ?? `The server answered ${res.status}.`);
  }
  return data;
}

export const orgPath = (suffix) => `/organizations/${encodeURIComponent(state.organizationId)}${suffix}`;
