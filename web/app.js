// Identity integrations: a reference front end for the Gatekeep HTTP API (its contract: openapi.yaml at the repository root).
// One plain ES module, no dependencies, no build step. It reads only the public API:
//   GET  /organizations/{id}/identity-health       connection health, Directory Sync, checklist, next steps
//   GET  /organizations/{id}/audit-events          the audit log, newest first, paged with nextCursor
//   POST /organizations/{id}/portal-links          an Admin Portal link, opened at once in a new tab
//   PUT  /organizations/{id}/it-contacts, /plan    the two checklist items the dashboard itself keeps
// Where the signed-in person comes from is the one thing to replace in a product: see findSession().
// Every value from the API goes into the page as text (textContent), never as HTML.

const API = (document.querySelector('meta[name="gatekeep-api"]')?.content ?? '').replace(/\/+$/, '');
const RETURN_URL = document.querySelector('meta[name="gatekeep-portal-return-url"]')?.content ?? '';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const AUDIT_PAGE_SIZE = 20;
const POLL_EVERY_MS = 3000;            // after an Admin Portal tab was opened, WorkOS's webhooks change things
const POLL_FOR_MS = 10 * 60 * 1000;    // ... for about as long as an admin spends in the portal
const SETUP_ROLES = new Set(['owner', 'admin']);

const BADGES = {
  sso: { active: 'Active', validating: 'Validating', draft: 'Draft', inactive: 'Inactive', none: 'Not configured' },
  dsync: { linked: 'Linked', validating: 'Validating', invalid_credentials: 'Invalid credentials', unlinked: 'Unlinked', none: 'Not configured' },
};

// The blockers, in the words of the product documents; the API gives their codes in the order to clear them.
const BLOCKERS = {
  domain_verification_required: 'Verify your domain: the dashboard requires a verified organization domain before SSO or SCIM can be configured.',
  it_contact_required: 'Add at least one IT contact before opening the Admin Portal.',
  plan_excludes_sso: "Single Sign-On isn't included in your organization's plan.",
};

const PORTAL_FAILED = 'Unable to open the WorkOS Admin Portal.';

const $ = (id) => document.getElementById(id);

const state = {
  session: null,          // see findSession()
  role: 'admin',          // the demo sign-in's role (local run only)
  organizationId: '',
  token: null,
  claims: {},
  auditType: '',
  auditCursor: null,
  generation: 0,          // bumps on every organization or role switch: late answers for the old one are dropped
  auditRequest: 0,        // the latest audit-log request (a filter change or a refresh supersedes older ones)
  pollUntil: 0,
  pollTimer: null,
};

class ApiError extends Error {
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
 * with WorkOS-emulator dev tokens for the role picked in "Demo sign-in". A page served from anywhere else
 * never asks for dev tokens, and the runner's /_local/ endpoints do not exist in AWS.
 */
async function findSession() {
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

/** The token's claims, to show who is signed in and to hide setup buttons from members. The API decides. */
function claimsOf(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}

const canSetUp = () => SETUP_ROLES.has(String(state.claims.role || '').toLowerCase());

// ---- The API --------------------------------------------------------------------------------------------

async function api(path, { method = 'GET', body } = {}, retried = false) {
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

const orgPath = (suffix) => `/organizations/${encodeURIComponent(state.organizationId)}${suffix}`;

// ---- Page flow ------------------------------------------------------------------------------------------

async function start() {
  $('org-picker').addEventListener('change', (e) => selectOrganization(e.target.value));
  $('role-picker').addEventListener('change', (e) => {
    state.role = e.target.value;
    sessionStorage.setItem('gatekeep.demoRole', state.role);
    selectOrganization(state.organizationId);
  });
  $('refresh').addEventListener('click', () => refresh());
  $('audit-type').addEventListener('change', (e) => {
    state.auditType = e.target.value;
    loadAudit(true, state.generation).catch(showError);
  });
  $('audit-more').addEventListener('click', () => loadAudit(false, state.generation).catch(showError));
  // Back from the Admin Portal tab: show what changed there.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.token) {
      refresh();
    }
  });

  try {
    state.session = await findSession();
  } catch (e) {
    showError(e);
  }
  if (!state.session) {
    showNotice('Sign in to continue.');
    return;
  }
  const organizations = await state.session.organizations();
  const picker = $('org-picker');
  for (const o of organizations) {
    picker.append(el('option', { value: o.id }, o.name));
  }
  picker.disabled = false;
  if (state.session.demo) {
    const saved = sessionStorage.getItem('gatekeep.demoRole');
    state.role = state.session.roles.includes(saved) ? saved : 'admin';
    for (const role of state.session.roles) {
      $('role-picker').append(el('option', { value: role }, role));
    }
    $('role-picker').value = state.role;
    $('demo-sign-in').hidden = false;
  }
  const wanted = sessionStorage.getItem('gatekeep.organizationId') || state.session.currentOrganizationId?.() || '';
  await selectOrganization(organizations.some((o) => o.id === wanted) ? wanted : '');
}

async function selectOrganization(organizationId) {
  const generation = ++state.generation;
  state.organizationId = organizationId;
  state.token = null;
  state.claims = {};
  stopPolling();
  clearError();
  $('org-picker').value = organizationId;
  sessionStorage.setItem('gatekeep.organizationId', organizationId);
  $('who').textContent = '';
  $('refresh').hidden = true;
  $('dashboard').hidden = true; // until this person's view of this organization is loaded
  if (!organizationId) {
    showNotice('Select an organization before continuing.');
    return;
  }
  hideNotice();
  try {
    const token = await state.session.accessToken(organizationId);
    if (generation !== state.generation) {
      return;
    }
    state.token = token;
    state.claims = claimsOf(token);
    $('who').textContent = [state.claims.email, state.claims.role].filter(Boolean).join(' · ');
    await Promise.all([loadHealth(generation), loadAudit(true, generation)]);
    $('refresh').hidden = false;
  } catch (e) {
    if (generation === state.generation) {
      $('dashboard').hidden = true;
      showError(e);
    }
  }
}

async function refresh() {
  if (!state.token) {
    return;
  }
  const generation = state.generation;
  try {
    await Promise.all([loadHealth(generation), loadAudit(true, generation)]);
  } catch (e) {
    if (generation === state.generation) {
      showError(e);
    }
  }
}

async function loadHealth(generation) {
  const health = await api(orgPath('/identity-health'));
  if (generation !== state.generation) {
    return;
  }
  renderHealth(health);
  $('dashboard').hidden = false;
}

// ---- Connection health, Directory Sync, checklist ----------------------------------------------------------

function renderHealth(h) {
  const setUp = canSetUp();
  const blocked = h.sso.blockers.length > 0;

  // Setup checklist: verify domain, add IT contact, plan.
  const verified = h.domains.gate === 'open';
  const steps = [
    step('domain', 'Verify domain', verified,
      verified ? `Verified: ${h.domains.verified.join(', ')}`
        : h.domains.pending.length ? `Waiting for verification: ${h.domains.pending.join(', ')}` : 'No domain added yet.',
      setUp && !verified && portalButton('domain_verification', 'Verify domain', h.itContacts === 0 && 'Add an IT contact first.')),
    step('it-contact', 'Add IT contact', h.itContacts > 0,
      h.itContacts > 0 ? `${h.itContacts} IT ${h.itContacts === 1 ? 'contact' : 'contacts'} on file.` : 'Nobody in IT is on file yet.',
      setUp && h.itContacts === 0 && itContactForm()),
    step('plan', 'Plan', h.plan.sso,
      h.plan.sso ? 'Your plan includes Single Sign-On.' : "Your plan doesn't include Single Sign-On yet.",
      setUp && !h.plan.sso && button('plan-enable', 'Include SSO in the plan', () => save('/plan', { sso: true }))),
  ];
  $('steps').replaceChildren(...steps);
  $('blocker-list').replaceChildren(...h.sso.blockers.map((code) =>
    el('li', { 'data-testid': `blocker-${code}`, 'data-code': code }, BLOCKERS[code] ?? code)));
  $('blockers').hidden = !blocked;

  // Connection health.
  const sso = h.sso;
  badge('sso-badge', sso.status, sso.badge || BADGES.sso[sso.status]);
  $('sso-primary').replaceChildren(summary(sso.primaryConnection, connectionType));
  $('sso-total').textContent = sso.totalConnections;
  const cert = sso.certificate;
  $('certificate').hidden = !cert?.renewalRequired;
  if (cert?.renewalRequired) {
    $('certificate').replaceChildren(
      el('span', {}, certificateText(cert)),
      setUp ? portalButton('certificate_renewal', 'Renew certificate', blocked && 'Complete the setup checklist first.') : '');
  }
  hint('sso-next', sso.nextStep);
  const ssoLabel = { configure: 'Configure SSO', continue: 'Continue SSO setup' }[sso.setupAction];
  $('sso-actions').replaceChildren(setUp
    ? (ssoLabel ? portalButton('sso', ssoLabel, blocked && 'Complete the setup checklist first.') : '')
    : memberNote());

  // Directory Sync.
  const ds = h.directorySync;
  const dsText = BADGES.dsync[ds.syncStatus] ?? ds.syncStatus;
  badge('dsync-badge', ds.syncStatus, dsText);
  $('dsync-status').textContent = dsText;
  $('dsync-last').textContent = ds.lastSync ? when(ds.lastSync) : 'Never';
  $('dsync-primary').replaceChildren(summary(ds.primaryDirectory, (t) => t));
  $('dsync-total').textContent = ds.totalDirectories;
  $('dsync-users').textContent = Number(ds.users).toLocaleString('en-US');
  $('dsync-groups').textContent = Number(ds.groups).toLocaleString('en-US');
  hint('dsync-next', ds.nextStep);
  $('dsync-actions').replaceChildren(setUp
    ? (ds.syncStatus !== 'linked' ? portalButton('dsync', 'Set up Directory Sync', blocked && 'Complete the setup checklist first.') : '')
    : memberNote());
}

function step(key, title, done, detail, action) {
  return el('li', { class: done ? 'done' : 'todo', 'data-testid': `step-${key}`, 'data-done': String(done) },
    el('span', { class: 'mark', 'aria-hidden': 'true' }, done ? '✓' : ''),
    el('div', { class: 'step-body' },
      el('strong', {}, title),
      el('span', { class: 'detail' }, detail),
      action || ''));
}

function summary(item, typeLabel) {
  if (!item) {
    return el('span', { class: 'muted' }, 'None');
  }
  return el('span', {}, item.name || item.id, ' ', el('small', { class: 'muted' }, typeLabel(item.type || '')));
}

/** OktaSAML -> Okta SAML, GenericOIDC -> Generic OIDC. */
const connectionType = (type) => type.replace(/(SAML|OIDC|OAuth)$/, ' $1').trim();

function certificateText(cert) {
  const date = cert.expiresAt ? new Date(cert.expiresAt).toLocaleDateString('en-US', { dateStyle: 'medium' }) : null;
  if (cert.daysLeft != null && cert.daysLeft < 0) {
    return `The SAML certificate expired${date ? ` on ${date}` : ''}. Renew it to keep Single Sign-On working.`;
  }
  if (cert.daysLeft != null) {
    return `The SAML certificate expires in ${cert.daysLeft} ${cert.daysLeft === 1 ? 'day' : 'days'}${date ? ` (${date})` : ''}. Renew it before it expires.`;
  }
  return 'WorkOS says the SAML certificate must be renewed.';
}

/** "Next step": the troubleshooting guide's problem, cause and fix, with the provider's setup guide. */
function hint(id, next) {
  const box = $(id);
  box.hidden = !next;
  if (!next) {
    box.replaceChildren();
    return;
  }
  const parts = [el('strong', {}, 'Next step'), el('p', { class: 'problem' }, next.problem)];
  if (next.cause) parts.push(el('p', {}, el('span', { class: 'label' }, 'Cause: '), next.cause));
  if (next.fix) parts.push(el('p', {}, el('span', { class: 'label' }, 'Fix: '), next.fix));
  const href = next.docUrl && (/^https?:\/\//.test(next.docUrl) ? next.docUrl : `https://${next.docUrl}`);
  if (href && /^https:\/\/[^\s]+$/.test(href)) {
    parts.push(el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, 'Setup guide'));
  }
  box.replaceChildren(...parts);
}

function badge(id, status, text) {
  const b = $(id);
  b.textContent = text;
  b.className = `badge status-${status}`;
}

function memberNote() {
  return el('p', { class: 'muted', 'data-testid': 'member-note' }, 'Owners and admins of this organization set up SSO and Directory Sync.');
}

// ---- Actions --------------------------------------------------------------------------------------------

function portalButton(intent, label, disabledReason) {
  const b = button(`portal-${intent}`, label, () => openPortal(intent, b));
  b.dataset.intent = intent;
  if (disabledReason) {
    b.disabled = true;
    b.title = disabledReason;
    return el('span', { class: 'with-reason' }, b, el('small', { class: 'muted' }, disabledReason));
  }
  return b;
}

/**
 * Asks the API for an Admin Portal link and opens it in a new tab. The link is used once, right away, and
 * never stored: it starts a WorkOS session and expires 5 minutes after it is made. The tab is opened before
 * the request (a click still counts as the person's gesture then, so no popup blocker stops it).
 */
async function openPortal(intent, b) {
  clearError();
  b.disabled = true;
  const tab = window.open('about:blank', '_blank');
  if (tab) {
    tab.opener = null;
  }
  try {
    const body = { intent };
    const returnUrl = RETURN_URL === 'this-page' ? location.origin + location.pathname : RETURN_URL;
    if (returnUrl) {
      body.returnUrl = returnUrl;
    }
    const { link } = await api(orgPath('/portal-links'), { method: 'POST', body });
    if (tab && !tab.closed) {
      tab.location.replace(link);
    } else {
      window.open(link, '_blank', 'noopener');
    }
    pollForChanges();
  } catch (e) {
    tab?.close();
    showError(e, PORTAL_FAILED);
  } finally {
    b.disabled = false;
  }
}

function itContactForm() {
  const input = el('input', { type: 'email', required: '', placeholder: 'it-admin@example.com', 'aria-label': 'IT contact email', 'data-testid': 'it-contact-email' });
  const form = el('form', { class: 'inline', 'data-testid': 'it-contact-form' }, input,
    el('button', { type: 'submit', 'data-testid': 'it-contact-add' }, 'Add IT contact'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.reportValidity()) {
      save('/it-contacts', { emails: [input.value.trim()] });
    }
  });
  return form;
}

async function save(suffix, body) {
  clearError();
  try {
    await api(orgPath(suffix), { method: 'PUT', body });
    await refresh();
  } catch (e) {
    showError(e);
  }
}

function pollForChanges() {
  state.pollUntil = Date.now() + POLL_FOR_MS;
  state.pollTimer ??= setInterval(() => {
    if (Date.now() > state.pollUntil) {
      stopPolling();
    } else {
      refresh();
    }
  }, POLL_EVERY_MS);
}

function stopPolling() {
  clearInterval(state.pollTimer);
  state.pollTimer = null;
}

// ---- Audit log ------------------------------------------------------------------------------------------

async function loadAudit(fromStart, generation) {
  const query = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE) });
  if (state.auditType) query.set('type', state.auditType);
  if (!fromStart && state.auditCursor) query.set('cursor', state.auditCursor);
  const request = ++state.auditRequest;
  const page = await api(orgPath(`/audit-events?${query}`));
  if (generation !== state.generation || request !== state.auditRequest) {
    return;
  }
  const rows = page.data.map((e) => el('tr', { 'data-testid': 'audit-row', 'data-id': e.id, 'data-type': e.type },
    el('td', { class: 'when', title: e.occurredAt }, when(e.occurredAt)),
    el('td', {}, el('code', {}, e.type)),
    el('td', {}, e.summary),
    el('td', {}, e.actor || '', ' ', el('span', { class: `source source-${e.source}` }, e.source === 'workos' ? 'WorkOS' : 'Gatekeep'))));
  if (fromStart) {
    $('audit-rows').replaceChildren(...rows);
  } else {
    $('audit-rows').append(...rows);
  }
  state.auditCursor = page.nextCursor;
  $('audit-more').hidden = !page.nextCursor;
  $('audit-empty').hidden = $('audit-rows').children.length > 0;
}

// ---- Messages and small helpers -------------------------------------------------------------------------

function showNotice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}

function hideNotice() {
  $('notice').hidden = true;
}

/** Shows the API's own message; with a headline (e.g. the portal's), the message goes under it when it adds something. */
function showError(e, headline) {
  const message = e instanceof Error ? e.message : String(e);
  const box = $('error');
  box.dataset.code = e?.code ?? '';
  if (headline && message !== headline) {
    box.replaceChildren(el('strong', {}, headline), el('span', {}, ' ' + message));
  } else {
    box.replaceChildren(el('strong', {}, headline || message));
  }
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').replaceChildren();
}

function button(testId, label, onClick) {
  const b = el('button', { type: 'button', 'data-testid': testId }, label);
  b.addEventListener('click', onClick);
  return b;
}

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return node;
}

start().catch(showError);
