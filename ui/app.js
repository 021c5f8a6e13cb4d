// The app's screens and the keys that move between them.

import { $, call, clearError, notice } from "./api.js";
import * as setup from "./setup.js";
import * as worklist from "./worklist.js";
import * as encounter from "./encounter.js";
import * as code from "./code.js";
import * as history from "./history.js";
import * as outbox from "./outbox.js";
import * as settings from "./settings.js";

const screens = {
  firstrun: setup.firstRun,
  activate: setup.activation,
  worklist: worklist.show,
  encounter: encounter.show,
  code: code.show,
  history: history.show,
  outbox: outbox.show,
  settings: settings.show,
};

let current = null;
const back = [];

/** Shows a screen; `arg` is what it is about (an encounter, a staging). */
export async function go(name, arg, { remember = true } = {}) {
  clearError();
  notice("");
  if (remember && current && current !== name) back.push(current);
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== `screen-${name}`;
  for (const b of document.querySelectorAll("#nav button")) {
    if (b.dataset.go === name) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  current = name;
  $("main").focus();
  await screens[name](arg);
}

export function goBack() {
  const prev = back.pop() || "worklist";
  return go(prev, undefined, { remember: false });
}

export async function refreshHeader() {
  const st = await call("app_state");
  const org = st.settings?.organization;
  $("org").textContent = st.settings
    ? `${org ? org : "Not activated"} · ${st.settings.sandbox ? "Sandbox" : st.settings.api_base}`
    : "";
  const badge = $("outbox-count");
  badge.textContent = st.outbox;
  badge.hidden = !st.outbox;
  badge.setAttribute("aria-label", `${st.outbox} waiting`);
  return st;
}

async function start() {
  $("error-close").addEventListener("click", clearError);
  for (const b of document.querySelectorAll("#nav button")) {
    b.addEventListener("click", () => go(b.dataset.go));
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && current && !["firstrun", "worklist"].includes(current)) {
      e.preventDefault();
      if (current === "code") code.done();
      else goBack();
    }
  });
  setup.init();
  worklist.init();
  encounter.init();
  code.init();
  history.init();
  outbox.init();
  settings.init();

  let st;
  try {
    st = await refreshHeader();
  } catch {
    return;
  }
  if (!st.configured && st.start_on_sandbox) {
    try {
      await call("use_sandbox", {}, "Starting the sandbox: gateway, demo practice, sample visits…");
      st = await refreshHeader();
    } catch {
      /* the error is shown on the first-run screen */
    }
  }
  if (!st.configured) {
    await go("firstrun");
  } else {
    $("nav").hidden = false;
    if (st.settings.sandbox && !st.sandbox_running) {
      try {
        await call("use_sandbox", {}, "Starting the sandbox gateway…");
        st = await refreshHeader();
      } catch {
        /* the error is shown; the worklist still opens */
      }
    }
    await go(st.settings.activated ? "worklist" : "activate");
  }
  // The first screen is on the glass after the next frame.
  requestAnimationFrame(() => requestAnimationFrame(() => call("first_paint").catch(() => {})));
}

start();
