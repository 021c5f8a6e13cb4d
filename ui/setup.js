// First run (sandbox or gateway) and activation of the practice.

import { $, call } from "./api.js";
import { t } from "./l10n.js";
import { go, refreshHeader } from "./nav.js";
import { duringApproval } from "./approval.js";

export function init() {
  $("choose-sandbox").addEventListener("click", async () => {
    try {
      await call("use_sandbox", {}, t("app-busy-starting-the-sandbox-gateway-demo-practi", "Starting the sandbox: gateway, demo practice, sample visits…"));
    } catch {
      return;
    }
    $("nav").hidden = false;
    await refreshHeader();
    await go("worklist");
  });

  $("gateway-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await call("setup_gateway", { form: Object.fromEntries(f.entries()) }, t("app-busy-saving-the-gateway", "Saving the gateway…"));
    } catch {
      return;
    }
    $("nav").hidden = false;
    await refreshHeader();
    await go("activate");
  });

  $("activate-start").addEventListener("click", activate);
  $("activate-continue").addEventListener("click", () => go("worklist"));

  $("verifier-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    await call("submit_verifier", { verifier: $("verifier").value.trim() }).catch(() => {});
  });
}

async function activate() {
  const oob = $("activate-oob").checked;
  $("activate-done").hidden = true;
  $("activate-continue").hidden = true;
  $("verifier-form").hidden = !oob;
  $("activate-start").disabled = true;
  try {
    const r = await duringApproval(
      () =>
        call(
          "activate",
          { oob },
          oob ? t("app-busy-waiting-for-the-verifier-from-the-approv", "Waiting for the verifier from the approval page…") : t("app-busy-waiting-for-the-approval-in-the-browser", "Waiting for the approval in the browser…"),
        ),
      () => ($("approval").hidden = false),
    );
    const done = $("activate-done");
    done.textContent = `Activated for ${r.organization || "the practice"}.`;
    done.hidden = false;
    $("activate-continue").hidden = false;
    $("approval").hidden = true;
    await refreshHeader();
    $("activate-continue").focus();
  } catch {
    /* shown */
  } finally {
    $("activate-start").disabled = false;
  }
}

export async function firstRun() {
  $("nav").hidden = true;
  $("choose-sandbox").focus();
}

export async function activation() {
  $("approval").hidden = true;
  $("activate-done").hidden = true;
  $("activate-continue").hidden = true;
  $("activate-start").focus();
}
