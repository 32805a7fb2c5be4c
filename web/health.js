// Connection health, Directory Sync and the setup checklist: values, labels and button states changed in place
// (the elements are in index.html once), and what a refresh changed, in words for the status region.

import { state, canSetUp } from './session.js';
import { $, el, setText, setUnavailable, showStep, syncList, when } from './ui.js';
import { renderAttention, describeAttentionChanges } from './attention.js';

const BADGES = {
  sso: { active: 'Active', validating: 'Validating', draft: 'Draft', inactive: 'Inactive', none: 'Not configured' },
  dsync: { linked: 'Linked', validating: 'Validating', invalid_credentials: 'Invalid credentials', unlinked: 'Unlinked', none: 'Not configured' },
};

// The blockers, in the words of the product documents, in the order of the checklist (the gates' order).
const BLOCKERS = {
  it_contact_required: 'Add at least one IT contact before opening the Admin Portal.',
  domain_verification_required: 'Verify your domain: the dashboard requires a verified organization domain before SSO or SCIM can be configured.',
  plan_excludes_sso: "SSO isn't enabled for your organisation's plan yet. Contact your Smart Core Connect account manager or support.",
  plan_excludes_directory_sync: "Directory Sync isn't enabled for your organisation's plan yet. Contact your Smart Core Connect account manager or support.",
};
const BLOCKER_ORDER = Object.keys(BLOCKERS);

// What stands in place of a section the plan excludes: the help centre's words ("Configure single sign-on",
// "I don't see a Single Sign-On section at all."). The plan is the vendor's to change, never this page's.
const NOT_IN_PLAN = {
  sso: BLOCKERS.plan_excludes_sso,
  directorySync: BLOCKERS.plan_excludes_directory_sync,
};

const NEEDS_IT_CONTACT = 'Add an IT contact first.';
const NEEDS_CHECKLIST = 'Complete the setup checklist first.';
const PORTAL_LABELS = { domain_verification: 'Verify domain in WorkOS', certificate_renewal: 'Renew certificate', dsync: 'Connect provider' };
const SSO_LABELS = { configure: 'Configure SSO', continue: 'Continue SSO setup' };
// Once SSO is set up (setupAction "manage") the section has no setup button; a fix made in the Admin Portal
// (a failed sign-in's, an attention item's) opens its SSO screen with this one.
const MANAGE_SSO = 'Manage SSO';

/** Shows one identity-health answer: what needs attention, the checklist, Connection health and Directory Sync, in place. */
export function renderHealth(h) {
  renderAttention(h.attention ?? [], (intent) => portalFor(h, intent));
  showCheckedAt(h.checkedAt);

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
  renderPortalButton('domain_verification', PORTAL_LABELS.domain_verification, setUp && !verified, portalReason(h, 'domain_verification'));

  renderStep('step-plan', h.plan.sso, planText(h.plan));
  setText($('plan-contact'), h.plan.sso ? '' : NOT_IN_PLAN.sso);
  $('plan-contact').hidden = h.plan.sso;

  // A section the plan excludes is hidden; the help centre's words take its place.
  showIfInPlan('sso', h.plan.sso, NOT_IN_PLAN.sso);
  showIfInPlan('dsync', h.plan.directorySync, NOT_IN_PLAN.directorySync);

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
  renderPortalButton('certificate_renewal', PORTAL_LABELS.certificate_renewal, setUp && !!cert?.renewalRequired, portalReason(h, 'certificate_renewal'));
  hint('sso-next', sso.nextStep);
  const ssoLabel = SSO_LABELS[sso.setupAction];
  renderPortalButton('sso', ssoLabel ?? SSO_LABELS.configure, setUp && !!ssoLabel, portalReason(h, 'sso'));

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
  renderPortalButton('dsync', PORTAL_LABELS.dsync, setUp && ds.syncStatus !== 'linked', portalReason(h, 'dsync'));

  for (const note of document.querySelectorAll('.member-note')) {
    note.hidden = setUp;
  }
}

/** The plan as the vendor set it, in words. */
function planText(plan) {
  const has = (included, name) => `${name} ${included ? 'included' : 'not included'}`;
  return `Your plan: ${has(plan.sso, 'Single Sign-On')}, ${has(plan.directorySync, 'Directory Sync')}.`;
}

/** "Last checked with WorkOS" and when, under the title; hidden while WorkOS was never read for the organization. */
function showCheckedAt(checkedAt) {
  $('checked').hidden = !checkedAt;
  const time = $('last-checked');
  if (checkedAt && time.getAttribute('datetime') !== checkedAt) {
    time.setAttribute('datetime', checkedAt);
    setText(time, when(checkedAt));
  }
}

/** A section shown when the plan includes its product; otherwise hidden, with the account-manager words instead. */
function showIfInPlan(id, included, words) {
  $(id).hidden = !included;
  const instead = $(`${id}-not-in-plan`);
  setText(instead, included ? '' : words);
  instead.hidden = included;
}

/**
 * Why an Admin Portal button cannot be used yet ('' when it can): the portal opens only with an IT contact, SSO
 * and its certificate wait for the whole checklist, Directory Sync for its own (its plan included).
 */
function portalReason(h, intent) {
  if (intent === 'domain_verification') {
    return h.itContacts > 0 ? '' : NEEDS_IT_CONTACT;
  }
  const blockers = intent === 'dsync' ? h.directorySync.blockers ?? h.sso.blockers : h.sso.blockers;
  return blockers.length > 0 ? NEEDS_CHECKLIST : '';
}

/**
 * The page's button for an intent, as an attention item or a failed sign-in's fix offers it: null for members
 * and for an intent it has none for.
 */
export function portalFor(h, intent) {
  const label = intent === 'sso' ? SSO_LABELS[h.sso.setupAction] ?? (h.sso.setupAction === 'manage' ? MANAGE_SSO : SSO_LABELS.continue)
    : PORTAL_LABELS[intent];
  if (!canSetUp() || !label) {
    return null;
  }
  return { label, reason: portalReason(h, intent), busy: state.busy.has(intent) };
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

/** The IT contact field's problem, shown under it and linked to it (aria-invalid, aria-describedby); '' clears it. */
export function showFieldProblem(text) {
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
  showStep($(id), next, (n) => [el('h3', {}, 'Next step'), el('p', { class: 'problem' }, n.problem)]);
}

function badge(id, status, text) {
  const b = $(id);
  setText(b, text);
  b.className = `badge status-${status}`;
}

/** What a refresh changed, in a few words each, for the status region. */
export function describeChanges(before, after, added) {
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
  if (before.plan.sso !== after.plan.sso) {
    out.push(after.plan.sso ? 'Single Sign-On is now part of your plan.' : 'Single Sign-On is no longer part of your plan.');
  }
  if (before.plan.directorySync !== after.plan.directorySync) {
    out.push(after.plan.directorySync ? 'Directory Sync is now part of your plan.' : 'Directory Sync is no longer part of your plan.');
  }
  if (!!before.sso.certificate?.renewalRequired !== !!after.sso.certificate?.renewalRequired) {
    out.push(after.sso.certificate?.renewalRequired ? 'The SAML certificate needs renewing.' : 'The SAML certificate no longer needs renewing.');
  }
  if (before.sso.blockers.length && !after.sso.blockers.length) {
    out.push('The setup checklist is complete.');
  }
  out.push(...describeAttentionChanges(before.attention, after.attention));
  if (added > 0) {
    out.push(`${added} new ${added === 1 ? 'event' : 'events'} in the audit log.`);
  }
  return out;
}
