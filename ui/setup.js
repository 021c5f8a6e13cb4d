// First run (sandbox or gateway) and activation of the practice.

import { $, call, listen } from "./api.js";
import { go, refreshHeader } from "./app.js";

let approvalFor = null; // "activate" or a patient link's callback

export function init() {
  $("choose-sandbox").addEventListener("click", async () => {
    try {
      await call("use_sandbox", {}, "Starting the sandbox: gateway, demo practice, sample visits…");
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
      await call("setup_gateway", { form: Object.fromEntries(f.entries()) }, "Saving the gateway…");
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

  // The page opens in the system browser, never inside the app.
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a.approval-link");
    if (!a) return;
    e.preventDefault();
    call("open_approval").catch(() => {});
  });

  listen("approval", (event) => {
    for (const a of document.querySelectorAll("a.approval-link")) {
      a.href = event.payload;
      a.textContent = event.payload;
    }
    if (approvalFor === "activate") $("approval").hidden = false;
    document.dispatchEvent(new CustomEvent("approval", { detail: event.payload }));
  });
}

async function activate() {
  const oob = $("activate-oob").checked;
  approvalFor = "activate";
  $("activate-done").hidden = true;
  $("activate-continue").hidden = true;
  $("verifier-form").hidden = !oob;
  $("activate-start").disabled = true;
  try {
    const r = await call(
      "activate",
      { oob },
      oob ? "Waiting for the verifier from the approval page…" : "Waiting for the approval in the browser…",
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
    approvalFor = null;
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

/** Links a patient from the encounter screen: same approval flow, patient's page. */
export async function linkPatient(mrn, oob) {
  approvalFor = "link";
  try {
    return await call("link_patient", { mrn, oob }, "Waiting for the patient to approve in the browser…");
  } finally {
    approvalFor = null;
  }
}
