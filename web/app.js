// Identity integrations: a reference front end for the Gatekeep HTTP API (its contract: openapi.yaml at the repository root).
// Plain ES modules, no dependencies, no build step. It reads only the public API:
//   GET  /organizations/{id}/identity-health       connection health, sign-in tests, Directory Sync, checklist, next steps
//   GET  /organizations/{id}/audit-events          the audit log, newest first, paged with nextCursor
//   POST /organizations/{id}/portal-links          an Admin Portal link, opened at once in a new tab
//   PUT  /organizations/{id}/it-contacts           the checklist item the dashboard itself keeps
//   GET, PUT /organizations/{id}/role-mappings, POST .../preview   "Roles from your directory" (roles.js)
// The plan (health's plan.sso, plan.directorySync) is the vendor's: the page only shows it.
// Where the signed-in person comes from is the one thing to replace in a product: see findSession() in session.js.
// Every value from the API goes into the page as text (textContent), never as HTML.
//
// The page's controls are in index.html once and stay there: a refresh changes values, labels and
// states in place, so keyboard focus, a half-typed email and the audit pages already loaded survive it.
// This module is the page's flow and its actions; health.js, attention.js, signins.js, roles.js, audit.js and live.js
// draw and refresh the parts.

import { state, findSession, claimsOf, api, orgPath } from './session.js';
import { renderHealth, describeChanges, showFieldProblem, portalFor } from './health.js';
import { attentionSummary } from './attention.js';
import { loadAudit } from './audit.js';
import { renderSignIns, describeSignInChanges } from './signins.js';
import { setUpRoles, loadRoles, hideRoles, showRoles } from './roles.js';
import { watchInteraction, startLiveUpdates, stopLiveUpdates, toggleLiveUpdates, showLiveState } from './live.js';
import { $, el, setText, say, showNotice, hideNotice, showError, clearError, setUnavailable, timeZoneLabel, when } from './ui.js';

const RETURN_URL = document.querySelector('meta[name="gatekeep-portal-return-url"]')?.content ?? '';
const PORTAL_FAILED = 'Unable to open the WorkOS Admin Portal.';
const NO_ORGANIZATION = 'Select an organization before continuing.';

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
  $('live-toggle').addEventListener('click', toggleLiveUpdates);
  $('it-contact-form').addEventListener('submit', addItContact);
  // After "Save roles": health (users per role) and the audit entry of the change; roles.js says what was saved.
  setUpRoles({ onSaved: () => Promise.all([loadHealth(state.generation), loadAudit('newest', state.generation)]) });
  for (const b of document.querySelectorAll('button[data-intent]')) {
    b.addEventListener('click', () => openPortal(b));
  }
  // The attention items' buttons come and go with the items: one listener for all of them.
  $('attention-list').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-intent]');
    if (b) openPortal(b);
  });
  // A failed sign-in's fix ("Manage SSO"): its buttons are made with the proof, so the click is delegated too.
  $('sso-proof').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-intent]');
    if (b) openPortal(b);
  });
  watchInteraction(); // while someone types, clicks or moves through the page, a poll waits
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
  stopLiveUpdates();
  clearError();
  $('org-picker').commitValue(organizationId);
  sessionStorage.setItem('gatekeep.organizationId', organizationId);
  $('who').textContent = '';
  $('refresh').hidden = true;
  $('dashboard').hidden = true; // until this person's view of this organization is loaded
  $('checked').hidden = true;    // ... and when WorkOS was last read for it
  hideRoles();
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
    await Promise.all([loadHealth(generation), loadAudit('first', generation), loadRoles(generation)]);
    if (generation !== state.generation) {
      return;
    }
    $('refresh').hidden = false;
    const name = $('org-picker').selectedOptions[0]?.textContent ?? '';
    say(announce ? [`Showing ${name}${state.claims.role ? ` as ${state.claims.role}` : ''}.`, attentionSummary(state.health?.attention)]
      .filter(Boolean).join(' ') : '');
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
  // Back to the tab or "Refresh": first have the backend read WorkOS for what it sends no event for
  // (a draft connection, a directory whose credentials failed); once per organization per 30 s,
  // whoever asks ("recent" then: nothing to tell). A failure leaves the stored health, shown below as
  // usual, and the status region says that it is the health as last checked.
  const answer = announce ? await api(orgPath('/identity-health/refresh'), { method: 'POST' }).catch(() => null) : undefined;
  try {
    const before = state.health;
    const [, added] = await Promise.all([loadHealth(generation), loadAudit('newest', generation)]);
    if (generation !== state.generation) {
      return;
    }
    $('dashboard').dataset.refreshes = String(Number($('dashboard').dataset.refreshes || 0) + 1);
    const changes = [...describeChanges(before, state.health, added), ...describeSignInChanges(before, state.health)];
    const stale = answer === undefined ? '' : staleHealth(answer, state.health?.checkedAt);
    if (stale || changes.length) {
      say([stale, ...changes].filter(Boolean).join(' '));
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

const NOT_READ = {
  workos_unavailable: 'Could not reach WorkOS just now',
  timeout: 'WorkOS did not answer in time just now',
  rate_limited: 'WorkOS is busy just now',
};

/**
 * When the refresh could not read WorkOS ({@code answer} null: the request itself failed), the words that say
 * the page shows the health as last checked, with when; empty when WorkOS was read or was read in the last 30 s.
 */
function staleHealth(answer, checkedAt) {
  if (answer && !NOT_READ[answer.refresh]) {
    return ''; // refreshed, or recent: someone read WorkOS for this organization less than 30 seconds ago
  }
  const why = answer ? NOT_READ[answer.refresh] : 'Could not check WorkOS just now';
  return checkedAt ? `${why}. Showing the health as last checked with WorkOS, ${when(checkedAt)}.`
    : `${why}. Showing the health as Gatekeep last stored it.`;
}

async function loadHealth(generation) {
  const health = await api(orgPath('/identity-health'));
  if (generation !== state.generation) {
    return;
  }
  state.health = health;
  renderHealth(health);
  renderSignIns(health, (intent) => portalFor(health, intent));
  showRoles();
  $('dashboard').hidden = false;
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
    startLiveUpdates(refresh);
  } catch (e) {
    tab?.close();
    say('');
    showError(e, PORTAL_FAILED);
  } finally {
    state.busy.delete(intent);
    // The button is usable again unless it has a reason not to be; renderHealth then re-derives the buttons it
    // draws (a sign-in fix's button it leaves alone, so this is what frees that one).
    setUnavailable(b, !!b.dataset.reason, b.getAttribute('aria-describedby'));
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
  const candidates = ['it-contact-email', 'portal-domain_verification', 'portal-sso', 'portal-dsync']
    .map($).filter((c) => c && isShown(c));
  const usable = candidates.find((c) => c.getAttribute('aria-disabled') !== 'true');
  (usable ?? candidates[0] ?? $('checklist-title')).focus();
}

const isShown = (node) => node.getClientRects().length > 0;

start().catch(showError);
