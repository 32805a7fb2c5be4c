// "Is SSO proven?": per active connection, who has signed in through it since it became active, as an owner
// or admin and as a member; its last failed sign-in with the troubleshooting guide's fix; the checklist item
// "Test sign-in as an admin and as a member" and health's warning when only one role was tested (a warning,
// never a gate). From identity-health's sso.signIns, sso.signInTest and sso.warnings; changed in place.
// A fix made in the Admin Portal gets the page's button beside it ("Manage SSO", app.js opens it); a fix made
// in the identity provider alone (its clock, its NameID mapping) has no portal intent and so no button.

import { $, el, when, setUnavailable } from './ui.js';

/**
 * Shows the sign-in proof of one identity-health answer; hidden while no connection is active.
 * {@code portalFor(intent)} is the page's button for an intent (label, reason, busy), null for members.
 */
export function renderSignIns(h, portalFor) {
  const sso = h.sso;
  const proofs = sso.signIns ?? [];
  const box = $('sso-proof');
  box.hidden = proofs.length === 0;
  // The buttons' label and reason are part of what is shown; their busy state is not (app.js sets it in place).
  const buttons = proofs.map((p) => p.lastFailure?.nextStep?.portalIntent).filter(Boolean)
    .map((intent) => portalFor(intent)).map((b) => b && [b.label, b.reason]);
  const key = JSON.stringify([proofs, sso.signInTest, sso.warnings, buttons]);
  if (box.dataset.key === key) {
    return; // unchanged: keep the nodes (and a focused "Setup guide" link)
  }
  box.dataset.key = key;
  if (!proofs.length) {
    box.replaceChildren();
    return;
  }
  const test = sso.signInTest;
  const parts = [el('h3', {}, 'Sign-in tests')];
  if (test) {
    parts.push(el('p', { class: test.done ? 'check done' : 'check todo', 'data-testid': 'sign-in-test', 'data-done': String(test.done) },
      el('span', { class: 'mark', 'aria-hidden': 'true' }, test.done ? '✓' : ''),
      el('span', { class: 'visually-hidden' }, test.done ? 'Done: ' : 'To do: '), test.label));
  }
  for (const w of sso.warnings ?? []) {
    parts.push(el('p', { class: 'warning', 'data-testid': 'sign-in-warning', 'data-code': w.code }, w.message));
  }
  for (const p of proofs) {
    parts.push(connectionProof(p, portalFor));
  }
  box.replaceChildren(...parts);
}

function connectionProof(p, portalFor) {
  const rows = [
    el('dt', {}, 'Tested as admin'), el('dd', { 'data-testid': 'tested-admin' }, signIn(p.testedByRole?.admin)),
    el('dt', {}, 'Tested as member'), el('dd', { 'data-testid': 'tested-member' }, signIn(p.testedByRole?.member)),
  ];
  const f = p.lastFailure;
  if (f) {
    rows.push(el('dt', {}, 'Last failed sign-in'),
      el('dd', { 'data-testid': 'last-failure' }, `${f.email ? `${f.email}, ` : ''}${when(f.at)}: ${f.message || f.code || 'no reason given'}`));
  }
  const parts = [
    el('h4', {}, p.name || p.connectionId, ' ', el('small', { class: 'muted' }, p.proven ? 'proven for both roles' : 'not proven yet')),
    el('dl', { class: 'facts' }, ...rows),
  ];
  if (f?.nextStep) {
    const n = f.nextStep;
    const fix = [el('p', { class: 'problem' }, n.problem)];
    if (n.cause) fix.push(el('p', {}, el('span', { class: 'label' }, 'Cause: '), n.cause));
    if (n.fix) fix.push(el('p', {}, el('span', { class: 'label' }, 'Fix: '), n.fix));
    parts.push(el('div', { class: 'hint', 'data-testid': 'failure-fix' }, ...fix));
    const portal = n.portalIntent ? portalFor(n.portalIntent) : null;
    if (portal) {
      parts.push(portalButton(`failure-portal-${p.connectionId}`, n.portalIntent, portal));
    }
  }
  return el('div', { class: 'proof', 'data-testid': 'sign-in-proof', 'data-connection': p.connectionId, 'data-proven': String(p.proven) }, ...parts);
}

/** The fix's Admin Portal button, unavailable (with its reason beside it) while the checklist is not done. */
function portalButton(id, intent, portal) {
  const button = el('button', { type: 'button', id, 'data-intent': intent, 'data-testid': 'failure-portal', 'data-reason': portal.reason },
    portal.label);
  const why = el('p', { class: 'reason', id: `${id}-reason` }, portal.reason);
  why.hidden = !portal.reason;
  setUnavailable(button, !!portal.reason || portal.busy, portal.reason ? why.id : null);
  return el('div', { class: 'action' }, button, why);
}

/** "ada@acme.com (admin), Dec 4, 2026, 5:28 PM UTC", or "Not yet". */
function signIn(s) {
  return s ? `${s.email || s.userId || 'someone'}${s.role ? ` (${s.role})` : ''}, ${when(s.at)}` : 'Not yet';
}

/** What a refresh changed in the proof, for the status region. */
export function describeSignInChanges(before, after) {
  if (!before || !after) {
    return [];
  }
  const out = [];
  const was = new Map((before.sso.signIns ?? []).map((p) => [p.connectionId, p]));
  for (const p of after.sso.signIns ?? []) {
    const old = was.get(p.connectionId);
    if (p.proven && !old?.proven) {
      out.push(`Single Sign-On through ${p.name} is proven for admins and members.`);
    }
    if (p.lastFailure && p.lastFailure.at !== old?.lastFailure?.at) {
      out.push(`A sign-in through ${p.name} failed.`);
    }
  }
  return out;
}
