// Start-up: the screens registered with navigation, the keys that move
// between them, and the first screen.

import { $, call, clearError } from "./api.js";
import { register, go, goBack, currentScreen, refreshHeader } from "./nav.js";
import { applyLanguage, setReceiptLanguages, t } from "./l10n.js";

// The About box's module is loaded on first use.
$("about-open").addEventListener("click", () =>
  import("./about.js").then((m) => m.show()).catch(() => {}),
);
import * as approval from "./approval.js";
import * as setup from "./setup.js";
import * as worklist from "./worklist.js";
import * as encounter from "./encounter.js";
import * as code from "./code.js";
import * as history from "./history.js";
import * as outbox from "./outbox.js";
import * as settings from "./settings.js";

register({
  firstrun: setup.firstRun,
  activate: setup.activation,
  worklist: worklist.show,
  encounter: encounter.show,
  code: code.show,
  history: history.show,
  outbox: outbox.show,
  settings: settings.show,
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
      if (current === "code") code.done();
      else goBack();
    }
  });
  approval.init();
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
  // The first screen is on the glass after the next frame.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      call("first_paint", { screen: currentScreen() }).catch(() => {});
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
