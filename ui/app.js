// Start-up: the screens registered with navigation, the keys that move
// between them, and the first screen.

import { $, call, clearError } from "./api.js";
import { register, go, goBack, currentScreen, refreshHeader } from "./nav.js";
import { applyLanguage, setReceiptLanguages, t } from "./l10n.js";

// The About box's module is loaded on first use.
$("about-open").addEventListener("click", () =>
  import("./about.js").then((m) => m.show()).catch(() => {}),
);

// Start-up marks (wall-clock ms), reported with the first paint.
const marks = [];
const at = (ms) => performance.timeOrigin + ms;
const mark = (name) => marks.push([name, at(performance.now())]);
const nav = performance.getEntriesByType("navigation")[0];
if (nav) marks.push(["page requested", at(nav.fetchStart)], ["page loaded", at(nav.responseEnd)]);
mark("modules run");

// Each screen's module, loaded when the screen is first shown (a module's fetch
// is a few ms; one never shown is never parsed nor kept). Loading one runs its
// init() (its handlers), and a screen is shown only once its module is loaded.
const modules = {
  approval: () => import("./approval.js"),
  setup: () => import("./setup.js"),
  worklist: () => import("./worklist.js"),
  encounter: () => import("./encounter.js"),
  code: () => import("./code.js"),
  history: () => import("./history.js"),
  outbox: () => import("./outbox.js"),
  settings: () => import("./settings.js"),
};
// The approval link's handlers serve both screens that wait for an approval.
const needs = { setup: ["approval"], encounter: ["approval"] };
const loaded = {};
function load(name) {
  loaded[name] ??= Promise.all([modules[name](), ...(needs[name] || []).map(load)]).then(([m]) => {
    m.init();
    return m;
  });
  return loaded[name];
}
const screen = (module, show) => () => load(module).then((m) => m[show]);

register({
  firstrun: screen("setup", "firstRun"),
  activate: screen("setup", "activation"),
  worklist: screen("worklist", "show"),
  encounter: screen("encounter", "show"),
  code: screen("code", "show"),
  history: screen("history", "show"),
  outbox: screen("outbox", "show"),
  settings: screen("settings", "show"),
});

async function start() {
  $("error-close").addEventListener("click", clearError);
  for (const b of document.querySelectorAll("#nav button")) {
    b.addEventListener("click", () => go(b.dataset.go));
  }
  document.addEventListener("keydown", (e) => {
    const current = currentScreen();
    if (e.key === "Escape" && current && !["firstrun", "worklist"].includes(current)) {
      e.preventDefault();
      if (current === "code") load("code").then((m) => m.done());
      else goBack();
    }
  });
  let st;
  try {
    st = await refreshHeader(window.razStartState);
    mark("state read");
  } catch {
    return;
  }
  if (!st.configured && st.start_on_sandbox) {
    try {
      await call("use_sandbox", {}, t("app-busy-starting-the-sandbox-gateway-demo-practi", "Starting the sandbox: gateway, demo practice, sample visits…"));
      st = await refreshHeader();
    } catch {
      /* the error is shown on the first-run screen */
    }
  }
  // A desk set to Spanish shows its first screen in Spanish.
  await applyLanguage(st.app_language).catch(() => {});
  if (!st.configured) {
    await go("firstrun");
  } else {
    $("nav").hidden = false;
    await go(st.settings.activated ? "worklist" : "activate");
  }
  mark("screen built");
  // The first screen is on the glass after the next frame.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      call("first_paint", { screen: currentScreen(), marks }).catch(() => {});
      // The receipt-language pickers' names come from the catalogs: after the
      // first paint (a stage without a choice takes the patient's language).
      call("receipt_languages").then(setReceiptLanguages).catch(() => {});
      // The sandbox's gateway is needed only to stage: it starts after the
      // first screen is painted, not before (the worklist reads the desk alone).
      if (st.configured && st.settings.sandbox && !st.sandbox_running) {
        call("use_sandbox", {}, t("app-busy-starting-the-sandbox-gateway", "Starting the sandbox gateway…"))
          .then(() => refreshHeader())
          .catch(() => {
            /* the error is shown; the worklist stays open */
          });
      }
    }),
  );
}

start();
