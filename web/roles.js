// "Roles from your directory" (owners and admins): which product role each directory group gives, the default
// role of directory users in no mapped group, and, before saving, how many directory users would change role.
//   GET  /organizations/{id}/role-mappings            the mapping, the directory groups to map, users per role
//   POST /organizations/{id}/role-mappings/preview    what a proposed mapping would change; nothing is written
//   PUT  /organizations/{id}/role-mappings            saves it; every directory user's role is derived again
// Loaded when an organization opens and after a save, never by a poll or a refresh: a choice being made
// survives live updates. "Save roles" needs a preview of the choices as they are (it says so beside it).

import { state, api, orgPath, canSetUp } from './session.js';
import { $, el, setText, say, showError, clearError, setUnavailable } from './ui.js';

const BUILT_IN = ['owner', 'admin', 'member'];
const NOT_MAPPED = '';
const PREVIEW_FIRST = 'Preview the changes first.';

/** The mapping shown, and the choices the last preview was for (its request body, as JSON). */
const roles = { view: null, previewed: null, busy: false };

/** Wires the section's controls once; {@code onSaved} re-reads health and the audit log after a save. */
export function setUpRoles({ onSaved }) {
  $('roles-form').addEventListener('change', choicesChanged);
  $('roles-form').addEventListener('submit', (e) => {
    e.preventDefault();
    preview();
  });
  $('roles-save').addEventListener('click', () => save(onSaved));
}

/** Reads the mapping for owners and admins (members never see the section: the API answers them 403). */
export async function loadRoles(generation) {
  if (!canSetUp()) {
    roles.view = null;
    $('roles').hidden = true;
    return;
  }
  const view = await api(orgPath('/role-mappings'));
  if (generation !== state.generation) {
    return;
  }
  roles.view = view;
  roles.previewed = null;
  renderRoles(view);
  showRoles();
}

/**
 * Shows the section once the mapping is read, and only while the plan includes Directory Sync (directory groups
 * are what it maps): otherwise the Directory Sync section's place holds the help centre's words and this one is
 * hidden. Called after each read of health too, so a plan the vendor changes shows without reloading the page.
 */
export function showRoles() {
  $('roles').hidden = !roles.view || state.health?.plan?.directorySync !== true;
}

/** Hides the section until the next organization's mapping is read. */
export function hideRoles() {
  roles.view = null;
  $('roles').hidden = true;
}

function renderRoles(view) {
  setText($('roles-users'), usersText(view));
  const rows = groupRows(view);
  const known = roleChoices(view);
  $('roles-empty').hidden = rows.length > 0;
  $('roles-form').hidden = rows.length === 0;
  $('roles-groups').replaceChildren(...rows.map((row, i) => {
    const id = `roles-group-${i}`;
    const select = el('select', { id, 'data-group': row.id, 'data-testid': 'roles-group-role' },
      el('option', { value: NOT_MAPPED }, 'Not mapped'), ...known.map((r) => el('option', { value: r }, r)));
    select.value = row.role ?? NOT_MAPPED;
    return el('tr', { 'data-testid': 'roles-group', 'data-group': row.id },
      el('th', { scope: 'row' }, el('label', { for: id }, el('span', { class: 'visually-hidden' }, 'Role for '), row.name), row.synced ? null : el('small', { class: 'muted' }, ' not synced yet')),
      el('td', { class: 'directory' }, row.directory ?? ''),
      el('td', {}, select));
  }));
  $('roles-more').hidden = view.groupsComplete;
  $('roles-default').replaceChildren(...known.map((r) => el('option', { value: r }, r)));
  $('roles-default').value = view.defaultRole;
  $('roles-result').hidden = true;
  $('roles-result').replaceChildren();
  renderSave();
}

/** "200 directory users: 8 admin, 192 member." from users per role, highest privilege first. */
function usersText(view) {
  const perRole = Object.entries(view.usersPerRole).filter(([, n]) => n > 0).map(([role, n]) => `${n.toLocaleString('en-US')} ${role}`);
  const users = `${view.users.toLocaleString('en-US')} directory ${view.users === 1 ? 'user' : 'users'}`;
  return perRole.length ? `${users}: ${perRole.join(', ')}.` : `${users}.`;
}

/** The directory groups to map, then mapped groups not synced yet (a mapping may come before its group). */
function groupRows(view) {
  const mapped = new Map(view.mappings.map((m) => [m.directoryGroupId, m]));
  const rows = view.groups.map((g) => ({ id: g.id, name: g.name ?? g.id, directory: g.directoryName, role: mapped.get(g.id)?.role, synced: true }));
  const listed = new Set(view.groups.map((g) => g.id));
  for (const m of view.mappings) {
    if (!listed.has(m.directoryGroupId)) {
      rows.push({ id: m.directoryGroupId, name: m.groupName ?? m.directoryGroupId, directory: null, role: m.role, synced: m.groupName !== null });
    }
  }
  return rows;
}

/** owner, admin, member, then the custom roles the organization already uses, alphabetically. */
function roleChoices(view) {
  const custom = new Set([...view.roleOrder, view.defaultRole, ...view.mappings.map((m) => m.role), ...Object.keys(view.usersPerRole)]);
  return [...BUILT_IN, ...[...custom].filter((r) => !BUILT_IN.includes(r)).sort()];
}

/** The body of the PUT (and of the preview) for the choices on screen. */
function choices() {
  const mappings = [...document.querySelectorAll('#roles-groups select')]
    .filter((s) => s.value !== NOT_MAPPED)
    .map((s) => ({ directoryGroupId: s.dataset.group, role: s.value }));
  return { mappings, defaultRole: $('roles-default').value };
}

function choicesChanged() {
  roles.previewed = null;
  $('roles-result').hidden = true;
  $('roles-result').replaceChildren();
  renderSave();
}

function renderSave() {
  const current = roles.previewed !== null && roles.previewed === JSON.stringify(choices());
  const reason = current || roles.busy ? '' : PREVIEW_FIRST;
  setText($('roles-save-reason'), reason);
  $('roles-save-reason').hidden = !reason;
  setUnavailable($('roles-save'), roles.busy || !current, reason ? 'roles-save-reason' : null);
}

async function preview() {
  if (roles.busy) {
    return;
  }
  clearError();
  const body = choices();
  roles.busy = true;
  renderSave();
  say('Counting the directory users whose role would change…');
  try {
    const p = await api(orgPath('/role-mappings/preview'), { method: 'POST', body });
    if (JSON.stringify(choices()) === JSON.stringify(body)) { // not changed again while it was counted
      roles.previewed = JSON.stringify(body);
      showPreview(p);
      say(previewText(p));
    } else {
      say('');
    }
  } catch (e) {
    say('');
    showError(e);
  } finally {
    roles.busy = false;
    renderSave();
  }
}

/** "8 directory users would change role." and one line per move, most users first. */
function previewText(p) {
  const checked = p.complete ? '' : ` (counted over the first ${p.usersChecked.toLocaleString('en-US')} directory users)`;
  if (p.usersChanging === 0) {
    return `No directory user would change role${checked}.`;
  }
  return `${p.usersChanging.toLocaleString('en-US')} directory ${p.usersChanging === 1 ? 'user' : 'users'} would change role${checked}.`;
}

function showPreview(p) {
  const moves = p.changes.map((c) => el('li', { 'data-testid': 'roles-change' },
    `${c.users.toLocaleString('en-US')} from ${c.from} to ${c.to}`));
  const after = Object.entries(p.usersPerRoleAfter).filter(([, n]) => n > 0).map(([role, n]) => `${n.toLocaleString('en-US')} ${role}`);
  const box = $('roles-result');
  box.replaceChildren(el('p', { class: 'problem', 'data-testid': 'roles-preview-text' }, previewText(p)),
    moves.length ? el('ul', {}, ...moves) : null,
    after.length ? el('p', {}, el('span', { class: 'label' }, 'After saving: '), after.join(', ')) : null);
  box.hidden = false;
}

async function save(onSaved) {
  const button = $('roles-save');
  if (button.getAttribute('aria-disabled') === 'true') {
    say(roles.busy ? 'Saving…' : PREVIEW_FIRST);
    return;
  }
  clearError();
  roles.busy = true;
  renderSave();
  say('Saving…');
  try {
    const saved = await api(orgPath('/role-mappings'), { method: 'PUT', body: choices() });
    roles.busy = false;
    await Promise.all([loadRoles(state.generation), onSaved()]);
    const r = saved.rederivation;
    const changed = `${r.usersChanged.toLocaleString('en-US')} directory ${r.usersChanged === 1 ? 'user' : 'users'}`;
    say(r.status === 'complete' ? `Roles saved. ${changed} changed role.`
      : `Roles saved. ${changed} changed role so far; the others follow in the background.`);
  } catch (e) {
    say('');
    showError(e);
  } finally {
    roles.busy = false;
    if (roles.view) {
      renderSave();
    }
    button.focus();
  }
}
