// The audit log as people read it: a title for each event type (its code stays beside it, small, and in
// data-type for filtering), who did it named once, and times with their time zone. Newest first, 20 a page;
// a refresh puts new entries on top and keeps the pages already loaded.

import { state, api, orgPath } from './session.js';
import { $, el, setText, say, when } from './ui.js';

const AUDIT_PAGE_SIZE = 20;

/** Titles for the event types the backend writes (WorkOS events and the product's own actions). */
const TITLES = {
  'connection.activated': 'SSO connection activated',
  'connection.deactivated': 'SSO connection deactivated',
  'connection.deleted': 'SSO connection deleted',
  'connection.saml_certificate_renewal_required': 'SAML certificate needs renewing',
  'connection.saml_certificate_renewed': 'SAML certificate renewed',
  'dsync.activated': 'Directory connected',
  'dsync.deleted': 'Directory deleted',
  'dsync.user.created': 'Directory user added',
  'dsync.user.updated': 'Directory user updated',
  'dsync.user.deleted': 'Directory user removed',
  'dsync.group.created': 'Directory group added',
  'dsync.group.updated': 'Directory group updated',
  'dsync.group.deleted': 'Directory group removed',
  'dsync.group.user_added': 'User added to a group',
  'dsync.group.user_removed': 'User removed from a group',
  'organization.created': 'Organization created',
  'organization.updated': 'Organization updated',
  'organization.deleted': 'Organization deleted',
  'organization_domain.created': 'Domain added',
  'organization_domain.updated': 'Domain updated',
  'organization_domain.verified': 'Domain verified',
  'organization_domain.verification_failed': 'Domain verification failed',
  'organization_domain.deleted': 'Domain removed',
  'authentication.sso_succeeded': 'Signed in with SSO',
  'authentication.sso_failed': 'SSO sign-in failed',
  'authentication.sso_timed_out': 'SSO sign-in timed out',
  'organization_membership.created': 'Member added',
  'organization_membership.updated': 'Membership updated',
  'organization_membership.deleted': 'Member removed',
  'attention.opened': 'Attention notice',
  'attention.reminder': 'Attention reminder',
  'attention.resolved': 'Attention resolved',
  'portal_link.issued': 'Admin Portal opened',
  'portal_link.failed': 'Admin Portal could not open',
  'settings.it_contacts_updated': 'IT contacts changed',
  'settings.plan_updated': 'Plan changed',
  'settings.role_mappings_updated': 'Role mappings changed',
  'operator.onboard': 'Onboarded by an operator',
  'operator.reconcile': 'Reconciled with WorkOS by an operator',
  'operator.replay': 'Failed events replayed by an operator',
};

/** An event type the page has no title for: its last part in words ("dsync.user.suspended" -> "User suspended"). */
function eventTitle(type) {
  if (TITLES[type]) {
    return TITLES[type];
  }
  const parts = String(type).split('.');
  const words = parts.slice(-2).join(' ').replace(/_/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : String(type);
}

const OPERATOR = 'operator.';

/** The filter's choices (the select's values are type prefixes): labels, and which entries each shows. */
const AUDIT_FILTERS = {
  labels: {
    '': '',
    'connection.': 'SSO connection',
    'dsync.': 'Directory Sync',
    'organization_domain.': 'domain',
    'organization.': 'organization',
    'attention.': 'attention notice',
    'portal_link.': 'Admin Portal link',
    'settings.': 'settings',
    'operator.': 'operator',
  },
  label(filter) {
    return this.labels[filter] ?? filter;
  },
  /** "All events" leaves out operators' maintenance entries: they have their own filter. */
  shows(filter, type) {
    return filter !== '' || !String(type).startsWith(OPERATOR);
  },
};

/** The empty state says what is filtered. */
function auditEmptyText(filter) {
  if (filter === '') {
    return 'No events yet. Events appear here as you set up Single Sign-On and Directory Sync.';
  }
  if (filter === OPERATOR) {
    return 'No operator actions for this organization.';
  }
  return `No ${AUDIT_FILTERS.label(filter)} events yet. Choose "All events" to see everything.`;
}

/** Who did it, once: the actor; "via WorkOS" only when the actor's name does not already say it. */
function actor(e) {
  const who = String(e.actor || '').trim();
  if (e.source !== 'workos') {
    return [who || 'Gatekeep'];
  }
  return !who || /workos/i.test(who) ? [who || 'WorkOS'] : [who, ' ', 'via WorkOS'];
}

/** One table row. */
function row(e) {
  const [who, , via] = actor(e);
  return el('tr', { 'data-testid': 'audit-row', 'data-id': e.id, 'data-type': e.type, 'data-source': e.source },
    el('td', { class: 'when', 'data-label': 'When' },
      el('time', { datetime: e.occurredAt, title: e.occurredAt }, when(e.occurredAt))),
    el('td', { class: 'event', 'data-label': 'Event' },
      el('span', { class: 'event-title' }, eventTitle(e.type)), ' ',
      el('code', { class: 'event-code' }, e.type)),
    el('td', { class: 'summary', 'data-label': 'Details' }, e.summary || ''),
    el('td', { class: 'by', 'data-label': 'By' }, who, via ? el('span', { class: 'via' }, ` ${via}`) : ''));
}

/**
 * Loads audit entries. {@code first} and {@code filter} start the list over; {@code older} appends the next
 * page; {@code newest} (a refresh) puts entries newer than the ones shown on top and keeps every page already
 * loaded, with its cursor. Returns how many entries a refresh added on top.
 */
export async function loadAudit(mode, generation) {
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

