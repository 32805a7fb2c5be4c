// Live updates: while an Admin Portal tab is open, WorkOS's webhooks change the organization, so the page
// re-reads it every few seconds. A poll waits while the person types, clicks or moves focus, and can be paused;
// the refresh itself changes the page in place (see app.js), so nothing the person is doing is lost.

import { $, setText, say } from './ui.js';

const POLL_EVERY_MS = 3000;            // after an Admin Portal tab was opened, WorkOS's webhooks change things
const POLL_FOR_MS = 10 * 60 * 1000;    // ... for about as long as an admin spends in the portal
const QUIET_FOR_MS = 4000;             // a poll waits until the person has not typed or clicked for this long

const poll = { until: 0, timer: null, paused: false, lastInteraction: 0, refresh: async () => {} };

/** Notes every key, click, input and focus move, so that a poll can wait for a quiet moment. */
export function watchInteraction() {
  for (const type of ['keydown', 'pointerdown', 'input', 'focusin']) {
    document.addEventListener(type, () => { poll.lastInteraction = Date.now(); }, { capture: true, passive: true });
  }
}

/** Polls with {@code refresh} for the next 10 minutes (again from now when already polling). */
export function startLiveUpdates(refresh) {
  poll.refresh = refresh;
  poll.until = Date.now() + POLL_FOR_MS;
  poll.paused = false;
  if (!poll.timer) {
    poll.timer = setTimeout(pollTick, POLL_EVERY_MS);
  }
  showLiveState();
}

/** One poll: skipped while paused, and put off while the person is typing, clicking or moving focus. */
async function pollTick() {
  poll.timer = null;
  if (Date.now() > poll.until) {
    stopLiveUpdates();
    return;
  }
  const quiet = Date.now() - poll.lastInteraction >= QUIET_FOR_MS;
  const field = document.activeElement;
  const typing = field?.matches?.('input, textarea') && field.value !== '';
  if (!poll.paused && quiet && !typing && document.visibilityState === 'visible') {
    await poll.refresh();
  }
  if (poll.until && !poll.timer) {
    poll.timer = setTimeout(pollTick, POLL_EVERY_MS);
  }
  showLiveState();
}

export function toggleLiveUpdates() {
  poll.paused = !poll.paused;
  say(poll.paused ? 'Live updates paused.' : 'Live updates resumed.');
  showLiveState();
}

export function stopLiveUpdates() {
  clearTimeout(poll.timer);
  poll.timer = null;
  poll.until = 0;
  poll.paused = false;
  showLiveState();
}

/** The line under the status: on, paused, or stopped; and the toggle's label (when WorkOS was last read is above it). */
export function showLiveState() {
  const on = poll.until > Date.now();
  const live = $('live');
  if (!on) {
    // Keep the toggle in the page while it has focus; hiding it would drop focus to <body>.
    live.hidden = document.activeElement !== $('live-toggle');
    showLiveText('Live updates stopped.');
    return;
  }
  live.hidden = false;
  showLiveText(poll.paused ? 'Live updates paused.'
    : `Checking for changes every ${POLL_EVERY_MS / 1000} seconds while you work in the Admin Portal.`);
  setText($('live-toggle'), poll.paused ? 'Resume live updates' : 'Pause live updates');
}

/** The live line's words; unchanged, the text node is kept. */
function showLiveText(text) {
  setText($('live-text'), text);
}
