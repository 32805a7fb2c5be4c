// The audit log as people read it: a title for each event type (its code stays beside it, small, and in
// data-type for filtering), who did it named once, and times with their time zone.

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
export function eventTitle(type) {
  if (TITLES[type]) {
    return TITLES[type];
  }
  const parts = String(type).split('.');
  const words = parts.slice(-2).join(' ').replace(/_/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : String(type);
}

const OPERATOR = 'operator.';

/** The filter's choices (the select's values are type prefixes): labels, and which entries each shows. */
export const AUDIT_FILTERS = {
  labels: {
    '': '',
    'connection.': 'SSO connection',
    'dsync.': 'Directory Sync',
    'organization_domain.': 'domain',
    'organization.': 'organization',
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
export function auditEmptyText(filter) {
  if (filter === '') {
    return 'No events yet. Events appear here as you set up Single Sign-On and Directory Sync.';
  }
  if (filter === OPERATOR) {
    return 'No operator actions for this organization.';
  }
  return `No ${AUDIT_FILTERS.label(filter)} events yet. Choose "All events" to see everything.`;
}

const ZONE_FORMAT = { timeZoneName: 'short' };

/** The time zone the page shows times in, e.g. "UTC" or "Central European Standard Time (GMT+1)". */
export function timeZoneLabel() {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const short = new Intl.DateTimeFormat('en-US', ZONE_FORMAT).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value;
  return zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : `${zone.replace(/_/g, ' ')}${short ? ` (${short})` : ''}`;
}

/** "Dec 4, 2026, 5:28 PM UTC": the date, the time and the time zone. */
export function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso)
    : d.toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
}

/** Who did it, once: the actor; "via WorkOS" only when the actor's name does not already say it. */
function actor(e) {
  const who = String(e.actor || '').trim();
  if (e.source !== 'workos') {
    return [who || 'Gatekeep'];
  }
  return !who || /workos/i.test(who) ? [who || 'WorkOS'] : [who, ' ', 'via WorkOS'];
}

/** One table row; {@code el} makes elements (the page's helper). */
export function auditRow(e, el) {
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
