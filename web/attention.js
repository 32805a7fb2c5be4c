// "Needs attention": health's open attention items (an expiring certificate, a broken directory, a stalled setup,
// a failed domain verification, failing sign-ins) at the top of the page. Each shows its title, since when, the
// troubleshooting guide's next step in this page's words, and the button its fix names when this page has one.
// Items are kept by kind and subject and changed in place, so a refresh keeps focus on an item's button.

import { $, el, setText, setUnavailable, showStep, when } from './ui.js';

/**
 * Shows the open items, oldest first (as health lists them). {@code portalFor(intent)} is the page's button for
 * an Admin Portal intent: null when the person cannot set up or the page has none, else { label, reason }.
 */
export function renderAttention(items, portalFor) {
  const section = $('attention');
  const list = $('attention-list');
  const wanted = items.map(itemKey);
  const existing = new Map([...list.children].map((li) => [li.dataset.key, li]));
  const focusLeaves = [...existing.entries()].some(([key, li]) => !wanted.includes(key) && li.contains(document.activeElement));
  const rows = items.map((item) => {
    const li = existing.get(itemKey(item)) ?? makeItem(item);
    fillItem(li, item, portalFor);
    return li;
  });
  if (rows.length !== list.children.length || rows.some((li, i) => list.children[i] !== li)) {
    list.replaceChildren(...rows);
  }
  setText($('attention-count'), items.length ? ` (${items.length})` : '');
  section.hidden = items.length === 0;
  if (focusLeaves) {
    // The item with focus was resolved: keep focus in the page, where the person was.
    (section.hidden ? $('checklist-title') : $('attention-title')).focus();
  }
}

/** What a refresh changed in the open items, in a sentence each, for the status region. */
export function describeAttentionChanges(before, after) {
  const was = new Map((before ?? []).map((i) => [itemKey(i), i]));
  const now = new Map((after ?? []).map((i) => [itemKey(i), i]));
  const out = [];
  for (const [key, item] of now) {
    const old = was.get(key);
    if (!old) {
      out.push(`Needs attention: ${item.title}.`);
    } else if (old.title !== item.title) {
      out.push(`Updated: ${item.title}.`);
    }
  }
  for (const [key, item] of was) {
    if (!now.has(key)) {
      out.push(`Resolved: ${item.title}.`);
    }
  }
  return out;
}

/** "2 items need attention." for the status region when an organization is shown; '' when none do. */
export function attentionSummary(items) {
  const n = items?.length ?? 0;
  return n === 0 ? '' : `${n} ${n === 1 ? 'item needs' : 'items need'} attention.`;
}

const itemKey = (item) => `${item.kind}#${item.subject?.id ?? ''}`;

let made = 0;

function makeItem(item) {
  const id = `attention-${++made}`;
  const button = el('button', { type: 'button', id: `${id}-portal`, 'data-testid': 'attention-portal', hidden: '' });
  const reason = el('p', { class: 'reason', id: `${id}-portal-reason`, hidden: '' });
  return el('li', { class: 'attention-item', 'data-testid': 'attention-item', 'data-key': itemKey(item), 'data-kind': item.kind },
    el('h3', { class: 'attention-title', id: `${id}-title`, 'data-testid': 'attention-title' }),
    el('p', { class: 'since', 'data-testid': 'attention-since' }, 'Since ', el('time', {})),
    el('div', { class: 'attention-step', 'data-testid': 'attention-step' }),
    el('div', { class: 'action' }, button, reason));
}

function fillItem(li, item, portalFor) {
  setText(li.querySelector('.attention-title'), item.title);
  const time = li.querySelector('.since time');
  time.setAttribute('datetime', item.openedAt);
  setText(time, when(item.openedAt));
  showStep(li.querySelector('.attention-step'), item.nextStep,
    (next) => [el('p', { class: 'problem' }, el('span', { class: 'label' }, 'Next step: '), next.problem)]);

  const b = li.querySelector('button');
  const why = li.querySelector('.reason');
  const intent = item.nextStep?.portalIntent;
  const portal = intent ? portalFor(intent) : null;
  b.hidden = !portal;
  if (!portal) {
    why.hidden = true;
    return;
  }
  b.dataset.intent = intent;
  setText(b, portal.label);
  b.dataset.reason = portal.reason;
  setText(why, portal.reason);
  why.hidden = !portal.reason;
  setUnavailable(b, !!portal.reason || portal.busy, portal.reason ? why.id : null);
}
