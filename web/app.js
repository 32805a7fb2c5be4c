// Identity integrations: a reference front end for the Gatekeep HTTP API (its contract: openapi.yaml at the repository root).
// One plain ES module, no dependencies, no build step. It reads only the public API:
//   GET  /organizations/{id}/identity-health       connection health, Directory Sync, checklist, next steps
//   GET  /organizations/{id}/audit-events          the audit log, newest first, paged with nextCursor
//   POST /organizations/{id}/portal-links          an Admin Portal link, opened at once in a new tab
//   PUT  /organizations/{id}/it-contacts, /plan    the two checklist items the dashboard itself keeps
// Where the signed-in person comes from is the one thing to replace in a product: see findSession().
// Every value from the API goes into the page as text (textContent), never as HTML.
//
// The page's controls are in index.html once and stay there: a refresh changes values, labels and
// states in place, so keyboard focus, a half-typed email and the audit pages already loaded survive it.

import { auditRow, auditEmptyText, AUDIT_FILTERS, timeZoneLabel, when } from './audit.js';

const API = (document.querySelector('meta[name="gatekeep-api"]')?.content ?? '').replace(/\/+$/, '');
const RETURN_URL = document.querySelector('meta[name="gatekeep-portal-return-url"]')?.content ?? '';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const AUDIT_PAGE_SIZE = 20;
const POLL_EVERY_MS = 3000;            // after an Admin Portal tab was opened, WorkOS's webhooks change things
const POLL_FOR_MS = 10 * 60 * 1000;    // ... for about as long as an admin spends in the portal
const QUIET_FOR_MS = 4000;             // a poll waits until the person has not typed or clicked for this long
const SETUP_ROLES = new Set(['owner', 'admin']);

const BADGES = {
  sso: { active: 'Active', validating: 'Validating', draft: 'Draft', inactive: 'Inactive', none: 'Not configured' },
  dsync: { linked: 'Linked', validating: 'Validating', invalid_credentials: 'Invalid credentials', unlinked: 'Unlinked', none: 'Not configured' },
};

// The blockers, in the words of the product documents, in the order of the checklist (the gates' order).
const BLOCKERS = {
  it_contact_required: 'Add at least one IT contact before opening the Admin Portal.',
  domain_verification_required: 'Verify your domain: the dashboard requires a verified organization domain before SSO or SCIM can be configured.',
  plan_excludes_sso: "Single Sign-On isn't included in your organization's plan.",
};
const BLOCKER_ORDER = Object.keys(BLOCKERS);

const PORTAL_FAILED = 'Unable to open the WorkOS Admin Portal.';
const NO_ORGANIZATION = 'Select an organization before continuing.';
const NEEDS_IT_CONTACT = 'Add an IT contact first.';
const NEEDS_CHECKLIST = 'Complete the setup checklist first.';
const PORTAL_LABELS = { domain_verification: 'Verify domain in WorkOS', certificate_renewal: 'Renew certificate', dsync: 'Connect provider' };
const SSO_LABELS = { configure: 'Configure SSO', continue: 'Continue SSO setup' };

const $ = (id) => document.getElementById(id);

const state = {
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
  poll: { until: 0, timer: null, paused: false, lastInteraction: 0 },
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
  onCommit($('org-picker'), (value) => selectOrganization(value, { announce: true }));
  onCommit($('role-picker'), (value) => {
    state.role = value;
    sessionStorage.setItem('gatekeep.demoRole', state.role);
    selectOrganization(state.organizationId, { announce: true });
  });
  onCommit($('audit-type'), (value) => {
    state.auditType = value;
    loadAudit('filter', state.generation).catch(showError);
  });
  $('refresh').addEventListener('click', () => refresh({ announce: true }));
  $('audit-more').addEventListener('click', () => loadAudit('older', state.generation).catch(showError));
  $('live-toggle').addEventListener('click', togglePolling);
  $('it-contact-form').addEventListener('submit', addItContact);
  $('plan-enable').addEventListener('click', () => save('/plan', { sso: true }, 'Single Sign-On is now part of your plan.', $('plan-enable')));
  for (const b of document.querySelectorAll('button[data-intent]')) {
    b.addEventListener('click', () => openPortal(b));
  }
  // While someone types, clicks or moves through the page, a poll waits (see pollTick).
  for (const type of ['keydown', 'pointerdown', 'input', 'focusin']) {
    document.addEventListener(type, () => { state.poll.lastInteraction = Date.now(); }, { capture: true, passive: true });
  }
  // Back from the Admin Portal tab: show what changed there.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.token) {
      refresh({ announce: true });
    }
  });
  $('audit-zone').textContent = timeZoneLabel();

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
  await selectOrganization(organizations.some((o) => o.id === wanted) ? wanted : '', { announce: false });
}

/**
 * Runs {@code handler} when the person commits a choice in a select, not on every arrow key: a mouse or
 * touch pick commits at once; keyboard moves (arrows, Home/End, Page keys, typing) wait for Enter or for
 * focus to leave. (Chromium and Firefox fire `change` on each arrow key of a closed select.)
 */
function onCommit(select, handler) {
  let committed = select.value;
  let keyboard = false;
  const commit = () => {
    keyboard = false;
    if (select.value !== committed) {
      committed = select.value;
      handler(select.value);
    }
  };
  select.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      commit();
    } else if (e.key !== 'Tab' && e.key !== 'Escape' && !e.altKey && !e.ctrlKey && !e.metaKey) {
      keyboard = true;
    }
  });
  select.addEventListener('change', () => {
    if (!keyboard) {
      commit();
    }
  });
  select.addEventListener('blur', commit);
  // Programmatic changes (a role switch resets the picker) set the committed value too.
  select.commitValue = (value) => {
    select.value = value;
    committed = value;
  };
}

async function selectOrganization(organizationId, { announce }) {
  const generation = ++state.generation;
  state.organizationId = organizationId;
  state.token = null;
  state.claims = {};
  state.health = null;
  stopPolling();
  clearError();
  $('org-picker').commitValue(organizationId);
  sessionStorage.setItem('gatekeep.organizationId', organizationId);
  $('who').textContent = '';
  $('refresh').hidden = true;
  $('dashboard').hidden = true; // until this person's view of this organization is loaded
  if (!organizationId) {
    showNotice(NO_ORGANIZATION);
    if (announce) say(NO_ORGANIZATION);
    return;
  }
  hideNotice();
  say('Loading…');
  try {
    const token = await state.session.accessToken(organizationId);
    if (generation !== state.generation) {
      return;
    }
    state.token = token;
    state.claims = claimsOf(token);
    $('who').textContent = [state.claims.email, state.claims.role].filter(Boolean).join(' · ');
    await Promise.all([loadHealth(generation), loadAudit('first', generation)]);
    if (generation !== state.generation) {
      return;
    }
    $('refresh').hidden = false;
    const name = $('org-picker').selectedOptions[0]?.textContent ?? '';
    say(announce ? `Showing ${name}${state.claims.role ? ` as ${state.claims.role}` : ''}.` : '');
  } catch (e) {
    if (generation === state.generation) {
      $('dashboard').hidden = true;
      say('');
      showError(e);
    }
  }
}

/** Re-reads health and the newest audit entries and changes the page in place; says what changed. */
async function refresh({ announce } = {}) {
  if (!state.token) {
    return;
  }
  const generation = state.generation;
  try {
    const before = state.health;
    const [, added] = await Promise.all([loadHealth(generation), loadAudit('newest', generation)]);
    if (generation !== state.generation) {
      return;
    }
    $('dashboard').dataset.refreshes = String(Number($('dashboard').dataset.refreshes || 0) + 1);
    const changes = describeChanges(before, state.health, added);
    if (changes.length) {
      say(changes.join(' '));
    } else if (announce) {
      say('Up to date: nothing changed.');
    }
    showLiveState();
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
  state.health = health;
  renderHealth(health);
  $('dashboard').hidden = false;
}

// ---- Connection health, Directory Sync, checklist ----------------------------------------------------------

function renderHealth(h) {
  const setUp = canSetUp();
  const blocked = h.sso.blockers.length > 0;
  const hasContact = h.itContacts > 0;
  const verified = h.domains.gate === 'open';

  // Setup checklist, in the gates' order: IT contact, domain, plan.
  renderStep('step-it-contact', hasContact,
    hasContact ? `${h.itContacts} IT ${h.itContacts === 1 ? 'contact' : 'contacts'} on file.` : 'Nobody in IT is on file yet.');
  $('it-contact-form').hidden = !setUp || hasContact;
  if (hasContact) showFieldProblem('');

  renderStep('step-domain', verified,
    verified ? `Verified: ${h.domains.verified.join(', ')}`
      : h.domains.pending.length ? `Waiting for verification: ${h.domains.pending.join(', ')}` : 'No domain added yet.');
  renderPortalButton('domain_verification', PORTAL_LABELS.domain_verification, setUp && !verified, hasContact ? '' : NEEDS_IT_CONTACT);

  renderStep('step-plan', h.plan.sso,
    h.plan.sso ? 'Your plan includes Single Sign-On.' : "Your plan doesn't include Single Sign-On yet.");
  $('plan-enable').hidden = !setUp || h.plan.sso;

  const codes = [...h.sso.blockers].sort((a, b) => rank(a) - rank(b));
  syncList($('blocker-list'), codes, (code) =>
    el('li', { 'data-testid': `blocker-${code}`, 'data-code': code }, BLOCKERS[code] ?? code));
  $('blockers').hidden = !blocked;

  // Connection health.
  const sso = h.sso;
  badge('sso-badge', sso.status, sso.badge || BADGES.sso[sso.status]);
  setSummary('sso-primary', sso.primaryConnection, connectionType);
  setText($('sso-total'), String(sso.totalConnections));
  const cert = sso.certificate;
  $('certificate').hidden = !cert?.renewalRequired;
  setText($('certificate-text'), cert?.renewalRequired ? certificateText(cert) : '');
  renderPortalButton('certificate_renewal', PORTAL_LABELS.certificate_renewal, setUp && !!cert?.renewalRequired, blocked ? NEEDS_CHECKLIST : '');
  hint('sso-next', sso.nextStep);
  const ssoLabel = SSO_LABELS[sso.setupAction];
  renderPortalButton('sso', ssoLabel ?? SSO_LABELS.configure, setUp && !!ssoLabel, blocked ? NEEDS_CHECKLIST : '');

  // Directory Sync.
  const ds = h.directorySync;
  const dsText = BADGES.dsync[ds.syncStatus] ?? ds.syncStatus;
  badge('dsync-badge', ds.syncStatus, dsText);
  setText($('dsync-status'), dsText);
  setText($('dsync-last'), ds.lastSync ? when(ds.lastSync) : 'Never');
  setSummary('dsync-primary', ds.primaryDirectory, (t) => t);
  setText($('dsync-total'), String(ds.totalDirectories));
  setText($('dsync-users'), Number(ds.users).toLocaleString('en-US'));
  setText($('dsync-groups'), Number(ds.groups).toLocaleString('en-US'));
  hint('dsync-next', ds.nextStep);
  renderPortalButton('dsync', PORTAL_LABELS.dsync, setUp && ds.syncStatus !== 'linked', blocked ? NEEDS_CHECKLIST : '');

  for (const note of document.querySelectorAll('.member-note')) {
    note.hidden = setUp;
  }
}

const rank = (code) => (BLOCKER_ORDER.includes(code) ? BLOCKER_ORDER.indexOf(code) : BLOCKER_ORDER.length);

function renderStep(id, done, detail) {
  const li = $(id);
  li.dataset.done = String(done);
  li.className = done ? 'done' : 'todo';
  setText(li.querySelector('.mark'), done ? '✓' : '');
  setText(li.querySelector('.step-state'), done ? 'Done: ' : 'To do: ');
  setText(li.querySelector('.detail'), detail);
}

/**
 * A portal button, shown or hidden, with its label. When it cannot be used yet it stays focusable
 * (aria-disabled, not disabled) and its reason is shown next to it and linked with aria-describedby.
 */
function renderPortalButton(intent, label, shown, reason) {
  const b = $(`portal-${intent}`);
  const why = $(`portal-${intent}-reason`);
  b.hidden = !shown;
  setText(b, label);
  const blocked = shown && !!reason;
  b.dataset.reason = blocked ? reason : '';
  setText(why, blocked ? reason : '');
  why.hidden = !blocked;
  setUnavailable(b, blocked || state.busy.has(intent), blocked ? why.id : null);
}

function setUnavailable(b, unavailable, describedBy) {
  if (unavailable) {
    b.setAttribute('aria-disabled', 'true');
  } else {
    b.removeAttribute('aria-disabled');
  }
  if (describedBy) {
    b.setAttribute('aria-describedby', describedBy);
  } else {
    b.removeAttribute('aria-describedby');
  }
}

function setSummary(id, item, typeLabel) {
  const box = $(id);
  const key = item ? `${item.name || item.id}|${item.type || ''}` : '';
  if (box.dataset.key === key && box.childNodes.length) {
    return;
  }
  box.dataset.key = key;
  box.replaceChildren(item
    ? el('span', {}, item.name || item.id, ' ', el('small', { class: 'muted' }, typeLabel(item.type || '')))
    : el('span', { class: 'muted' }, 'None'));
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
  const key = next ? JSON.stringify(next) : '';
  if (box.dataset.key === key) {
    return; // unchanged: keep the nodes (and a focused "Setup guide" link)
  }
  box.dataset.key = key;
  if (!next) {
    box.replaceChildren();
    return;
  }
  const parts = [el('h3', {}, 'Next step'), el('p', { class: 'problem' }, next.problem)];
  if (next.cause) parts.push(el('p', {}, el('span', { class: 'label' }, 'Cause: '), next.cause));
  if (next.fix) parts.push(el('p', {}, el('span', { class: 'label' }, 'Fix: '), next.fix));
  const href = next.docUrl && (/^https?:\/\//.test(next.docUrl) ? next.docUrl : `https://${next.docUrl}`);
  if (href && /^https:\/\/[^\s]+$/.test(href)) {
    parts.push(el('p', {}, el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, 'Setup guide',
      el('span', { class: 'visually-hidden' }, ' (opens in a new tab)'))));
  }
  box.replaceChildren(...parts);
}

function badge(id, status, text) {
  const b = $(id);
  setText(b, text);
  b.className = `badge status-${status}`;
}

/** What a refresh changed, in a few words each, for the status region. */
function describeChanges(before, after, added) {
  if (!before || !after) {
    return [];
  }
  const out = [];
  if (before.sso.status !== after.sso.status) {
    out.push(`Single Sign-On is now ${after.sso.badge || BADGES.sso[after.sso.status]}.`);
  }
  if (before.directorySync.syncStatus !== after.directorySync.syncStatus) {
    out.push(`Directory Sync is now ${BADGES.dsync[after.directorySync.syncStatus] ?? after.directorySync.syncStatus}.`);
  }
  if (before.domains.gate !== after.domains.gate && after.domains.gate === 'open') {
    out.push('Your domain is verified.');
  }
  if (!before.itContacts && after.itContacts) {
    out.push('IT contact added.');
  }
  if (!before.plan.sso && after.plan.sso) {
    out.push('Single Sign-On is now part of your plan.');
  }
  if (!!before.sso.certificate?.renewalRequired !== !!after.sso.certificate?.renewalRequired) {
    out.push(after.sso.certificate?.renewalRequired ? 'The SAML certificate needs renewing.' : 'The SAML certificate no longer needs renewing.');
  }
  if (before.sso.blockers.length && !after.sso.blockers.length) {
    out.push('The setup checklist is complete.');
  }
  if (added > 0) {
    out.push(`${added} new ${added === 1 ? 'event' : 'events'} in the audit log.`);
  }
  return out;
}

// ---- Actions --------------------------------------------------------------------------------------------

/**
 * Asks the API for an Admin Portal link and opens it in a new tab. The link is used once, right away, and
 * never stored: it starts a WorkOS session and expires 5 minutes after it is made. The tab is opened before
 * the request (a click still counts as the person's gesture then, so no popup blocker stops it). Focus stays
 * on the button, which stays focusable while the request runs.
 */
async function openPortal(b) {
  const intent = b.dataset.intent;
  if (b.getAttribute('aria-disabled') === 'true') {
    say(b.dataset.reason || (state.busy.has(intent) ? 'Opening the WorkOS Admin Portal…' : ''));
    return;
  }
  clearError();
  state.busy.add(intent);
  setUnavailable(b, true, b.getAttribute('aria-describedby'));
  const tab = window.open('about:blank', '_blank');
  if (tab) {
    tab.opener = null;
  }
  say('Opening the WorkOS Admin Portal…');
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
    say('The WorkOS Admin Portal opened in a new tab. This page shows the changes as you make them there.');
    pollForChanges();
  } catch (e) {
    tab?.close();
    say('');
    showError(e, PORTAL_FAILED);
  } finally {
    state.busy.delete(intent);
    if (state.health) {
      renderHealth(state.health);
    }
  }
}

async function addItContact(e) {
  e.preventDefault();
  const input = $('it-contact-email');
  const email = input.value.trim();
  if (!email || !input.checkValidity()) {
    showFieldProblem(email ? 'Enter an email address, like it-admin@example.com.' : 'Enter the email address of your IT contact.');
    input.focus();
    return;
  }
  showFieldProblem('');
  const ok = await save('/it-contacts', { emails: [email] }, 'IT contact added.', input);
  if (ok) {
    input.value = '';
  }
}

function showFieldProblem(text) {
  const input = $('it-contact-email');
  const problem = $('it-contact-problem');
  setText(problem, text);
  problem.hidden = !text;
  if (text) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', problem.id);
  } else {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
}

/**
 * Saves a checklist item, then re-reads health. On success focus moves to the next thing to do (the next
 * step's control, else the next setup button); on failure it returns to {@code origin} and the error shows.
 */
async function save(suffix, body, done, origin) {
  clearError();
  say('Saving…');
  try {
    await api(orgPath(suffix), { method: 'PUT', body });
    const before = state.health;
    await loadHealth(state.generation);
    const changes = describeChanges(before, state.health, 0).filter((c) => c !== done);
    say([done, ...changes].join(' '));
    focusNextStep();
    return true;
  } catch (e) {
    say('');
    showError(e);
    origin?.focus();
    return false;
  }
}

/** The first control of an unfinished step, else the first usable setup button, else the checklist title. */
function focusNextStep() {
  const candidates = ['it-contact-email', 'portal-domain_verification', 'plan-enable', 'portal-sso', 'portal-dsync']
    .map($).filter((c) => c && isShown(c));
  const usable = candidates.find((c) => c.getAttribute('aria-disabled') !== 'true');
  (usable ?? candidates[0] ?? $('checklist-title')).focus();
}

const isShown = (node) => node.getClientRects().length > 0;

// ---- Live updates ---------------------------------------------------------------------------------------

function pollForChanges() {
  state.poll.until = Date.now() + POLL_FOR_MS;
  state.poll.paused = false;
  if (!state.poll.timer) {
    state.poll.timer = setTimeout(pollTick, POLL_EVERY_MS);
  }
  showLiveState();
}

/** One poll: skipped while paused, and put off while the person is typing, clicking or moving focus. */
async function pollTick() {
  state.poll.timer = null;
  if (Date.now() > state.poll.until) {
    stopPolling();
    return;
  }
  const quiet = Date.now() - state.poll.lastInteraction >= QUIET_FOR_MS;
  const typing = document.activeElement === $('it-contact-email') && $('it-contact-email').value !== '';
  if (!state.poll.paused && quiet && !typing && document.visibilityState === 'visible') {
    await refresh();
  }
  if (state.poll.until && !state.poll.timer) {
    state.poll.timer = setTimeout(pollTick, POLL_EVERY_MS);
  }
  showLiveState();
}

function togglePolling() {
  state.poll.paused = !state.poll.paused;
  say(state.poll.paused ? 'Live updates paused.' : 'Live updates resumed.');
  showLiveState();
}

function stopPolling() {
  clearTimeout(state.poll.timer);
  state.poll.timer = null;
  state.poll.until = 0;
  state.poll.paused = false;
  showLiveState();
}

function showLiveState() {
  const on = state.poll.until > Date.now();
  const live = $('live');
  if (!on) {
    // Keep the toggle in the page while it has focus; hiding it would drop focus to <body>.
    live.hidden = document.activeElement !== $('live-toggle');
    setText($('live-text'), 'Live updates stopped.');
    return;
  }
  live.hidden = false;
  const checked = $('dashboard').dataset.refreshes ? ` Last checked ${new Date().toLocaleTimeString('en-US', { timeStyle: 'medium' })}.` : '';
  setText($('live-text'), state.poll.paused
    ? 'Live updates paused.'
    : `Checking for changes every ${POLL_EVERY_MS / 1000} seconds while you work in the Admin Portal.${checked}`);
  setText($('live-toggle'), state.poll.paused ? 'Resume live updates' : 'Pause live updates');
}

// ---- Audit log ------------------------------------------------------------------------------------------

/**
 * Loads audit entries. {@code first} and {@code filter} start the list over; {@code older} appends the next
 * page; {@code newest} (a refresh) puts entries newer than the ones shown on top and keeps every page already
 * loaded, with its cursor. Returns how many entries a refresh added on top.
 */
async function loadAudit(mode, generation) {
  if (mode === 'newest' && state.auditIds.size === 0) {
    mode = 'first';
  }
  const request = ++state.auditRequest;
  const newest = mode === 'newest';
  const wanted = (e) => AUDIT_FILTERS.shows(state.auditType, e.type);
  const entries = [];
  let cursor = mode === 'older' ? state.auditCursor : null;
  let met = false;
  // A refresh reads pages until it meets an entry already shown; the others read on only while a page had
  // nothing to show ("All events" leaves operator entries out). At most 5 requests either way.
  for (let i = 0; i < 5; i++) {
    const query = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE) });
    if (state.auditType) query.set('type', state.auditType);
    if (cursor) query.set('cursor', cursor);
    const page = await api(orgPath(`/audit-events?${query}`));
    if (generation !== state.generation || request !== state.auditRequest) {
      return 0;
    }
    entries.push(...page.data);
    cursor = page.nextCursor;
    met = newest && page.data.some((e) => state.auditIds.has(e.id));
    if (!cursor || met || (!newest && entries.some(wanted))) {
      break;
    }
  }
  const body = $('audit-rows');
  if (newest) {
    if (!met && cursor) {
      return loadAudit('first', generation); // more happened than 5 pages: start over rather than leave a gap
    }
    const fresh = entries.filter((e) => !state.auditIds.has(e.id) && wanted(e));
    body.prepend(...fresh.map(row));
    for (const e of fresh) state.auditIds.add(e.id);
    showAuditState();
    return fresh.length;
  }
  const shown = entries.filter(wanted);
  const rows = shown.map(row);
  if (mode === 'older') {
    body.append(...rows);
  } else {
    state.auditIds.clear();
    body.replaceChildren(...rows);
  }
  for (const e of shown) state.auditIds.add(e.id);
  state.auditCursor = cursor;
  if (mode === 'older') {
    afterOlderPage(rows); // before the button hides: focus must not fall to <body>
  } else if (mode === 'filter') {
    say(auditCountText());
  }
  showAuditState();
  return 0;
}

function showAuditState() {
  const empty = $('audit-rows').children.length === 0;
  $('audit-empty').hidden = !empty;
  setText($('audit-empty'), empty ? auditEmptyText(state.auditType) : '');
  $('audit-more').hidden = !state.auditCursor;
}

function row(e) {
  return auditRow(e, el);
}

/** After "Show older events": focus stays on the button, or moves to the first new row on the last page. */
function afterOlderPage(rows) {
  if (!state.auditCursor) {
    const target = rows[0] ?? $('audit-title');
    target.setAttribute('tabindex', '-1');
    target.focus();
    say(`${rows.length} older ${rows.length === 1 ? 'event' : 'events'} loaded. That is the whole audit log: ${auditCountText()}`);
  } else {
    say(`${rows.length} older ${rows.length === 1 ? 'event' : 'events'} loaded.`);
  }
}

function auditCountText() {
  const n = $('audit-rows').children.length;
  const what = AUDIT_FILTERS.label(state.auditType);
  if (n === 0) {
    return auditEmptyText(state.auditType);
  }
  return `Showing ${n}${state.auditCursor ? ' most recent' : ''} ${what} ${n === 1 ? 'event' : 'events'}.`;
}

// ---- Messages and small helpers -------------------------------------------------------------------------

/** The one polite live region: results of actions and what a refresh changed. */
function say(text) {
  setText($('status'), text);
}

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

/** Sets text only when it differs, so that an unchanged value is not re-announced or re-laid out. */
function setText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

/** Makes a list show {@code keys} in order, keeping the items that stay. */
function syncList(list, keys, make) {
  const existing = new Map([...list.children].map((li) => [li.dataset.code, li]));
  const items = keys.map((k) => existing.get(k) ?? make(k));
  if (items.length !== list.children.length || items.some((li, i) => list.children[i] !== li)) {
    list.replaceChildren(...items);
  }
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
