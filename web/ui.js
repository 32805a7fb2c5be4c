// The page's small helpers: elements, text set only when it changes, the one status region, the error box.

export const $ = (id) => document.getElementById(id);

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

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return node;
}

/** Sets text only when it differs, so that an unchanged value is not re-announced or re-laid out. */
export function setText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

/** Makes a list show {@code keys} in order, keeping the items that stay. */
export function syncList(list, keys, make) {
  const existing = new Map([...list.children].map((li) => [li.dataset.code, li]));
  const items = keys.map((k) => existing.get(k) ?? make(k));
  if (items.length !== list.children.length || items.some((li, i) => list.children[i] !== li)) {
    list.replaceChildren(...items);
  }
}

/** Unavailable but reachable: aria-disabled (never disabled), with its reason linked by aria-describedby. */
export function setUnavailable(b, unavailable, describedBy) {
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

/**
 * A next step from the troubleshooting guide in {@code box}: {@code lead(next)}'s nodes (its problem), then the
 * cause, the fix (it names this page's button) and the provider's setup guide. Unchanged: the nodes are kept
 * (and a focused "Setup guide" link with them).
 */
export function showStep(box, next, lead) {
  box.hidden = !next;
  const key = next ? JSON.stringify(next) : '';
  if (box.dataset.key === key) {
    return;
  }
  box.dataset.key = key;
  if (!next) {
    box.replaceChildren();
    return;
  }
  const parts = [...lead(next)];
  if (next.cause) parts.push(el('p', {}, el('span', { class: 'label' }, 'Cause: '), next.cause));
  if (next.fix) parts.push(el('p', {}, el('span', { class: 'label' }, 'Fix: '), next.fix));
  const href = next.docUrl && (/^https?:\/\//.test(next.docUrl) ? next.docUrl : `https://${next.docUrl}`);
  if (href && /^https:\/\/[^\s]+$/.test(href)) {
    parts.push(el('p', {}, el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, 'Setup guide',
      el('span', { class: 'visually-hidden' }, ' (opens in a new tab)'))));
  }
  box.replaceChildren(...parts);
}

/** The one polite live region: results of actions and what a refresh changed. */
export function say(text) {
  setText($('status'), text);
}

export function showNotice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}

export function hideNotice() {
  $('notice').hidden = true;
}

/** Shows the API's own message; with a headline (e.g. the portal's), the message goes under it when it adds something. */
export function showError(e, headline) {
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

export function clearError() {
  $('error').hidden = true;
  $('error').replaceChildren();
}

