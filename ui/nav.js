// Navigation and the header: which screen shows, the way back, the practice
// and the outbox badge. Screens import this; it imports no screen (app.js
// registers them), so every import points one way.

import { $, call, clearError, notice, showAndThrow } from "./api.js";
import { t } from "./l10n.js";

const screens = {};
let current = null;
const back = [];

/**
 * The screens by name (app.js registers them once): each a function that
 * loads the screen's module and answers the function that shows it.
 */
export function register(table) {
  Object.assign(screens, table);
}

export function currentScreen() {
  return current;
}

/** Shows a screen; `arg` is what it is about (an encounter, a staging). */
export async function go(name, arg, { remember = true } = {}) {
  const show = await screens[name]();
  clearError();
  notice("");
  if (remember && current && current !== name) back.push(current);
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== `screen-${name}`;
  for (const b of document.querySelectorAll("#nav button")) {
    if (b.dataset.go === name) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  current = name;
  // The screen asks the core for what it shows first; focusing lays the page
  // out, which then happens while that answer is on its way. A screen that
  // focuses a field of its own keeps it.
  const shown = show(arg);
  if (!$(`screen-${name}`).contains(document.activeElement)) $("main").focus();
  await shown;
}

export function goBack() {
  const prev = back.pop() || "worklist";
  return go(prev, undefined, { remember: false });
}

/**
 * The header: practice and gateway, and how many things wait in the outbox.
 * `asked`: an `app_state` answer already on its way (the first screen's).
 */
export async function refreshHeader(asked = null) {
  const st = await (asked ? asked.catch(showAndThrow) : call("app_state"));
  const org = st.settings?.organization;
  $("org").textContent = st.settings
    ? `${org ? org : t("app-not-activated", "Not activated")} · ${st.settings.sandbox ? t("app-sandbox", "Sandbox") : st.settings.api_base}`
    : "";
  const badge = $("outbox-count");
  badge.textContent = st.outbox;
  badge.hidden = !st.outbox;
  badge.setAttribute("aria-label", `${st.outbox} waiting`);
  // Codes ready for receipts printed while the gateway cannot be reached.
  const pool = st.offline_codes;
  const codes = $("offline-codes");
  codes.hidden = !pool || pool.gateway_reserves === false;
  if (pool) codes.textContent = `${t("app-offline-codes", "Codes for offline receipts:")} ${pool.available}`;
  // Patients' requests for a new code that wait (protocol v1.2): History shows them.
  $("requests-open").hidden = !st.new_code_requests;
  $("requests-count").textContent = st.new_code_requests;
  return st;
}
