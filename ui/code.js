// The code screen: the RAZCODE ID big and grouped, the barcode, and the
// receipt by printer, email or file.

import { $, call } from "./api.js";
import { go, refreshHeader } from "./nav.js";

let shown = null; // what `code` answered

export function init() {
  $("code-print").addEventListener("click", print);
  $("code-send").addEventListener("click", email);
  $("code-save").addEventListener("click", save);
  $("code-done").addEventListener("click", done);
  $("code-email").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      email();
    }
  });
  document.addEventListener("keydown", (e) => {
    if ($("screen-code").hidden || !(e.ctrlKey || e.metaKey)) return;
    const k = e.key.toLowerCase();
    if (k === "p") {
      e.preventDefault();
      print();
    } else if (k === "e") {
      e.preventDefault();
      email();
    }
  });
}

function delivered(text) {
  $("code-delivery").textContent = text;
}

async function print() {
  if (!shown) return;
  try {
    const r = await call("print_receipt", { id: shown.staging.id }, "Sending the receipt to the printer…");
    delivered(`Receipt sent to the printer (${r.job}).`);
  } catch {
    /* shown */
  }
}

async function email() {
  if (!shown) return;
  const to = $("code-email").value.trim();
  if (!to) {
    $("code-email").focus();
    delivered("Type the patient's email address, then press Enter.");
    return;
  }
  try {
    await call("email_receipt", { id: shown.staging.id, to }, `Emailing the receipt to ${to}…`);
    delivered(`Receipt emailed to ${to}.`);
  } catch {
    await refreshHeader().catch(() => {});
  }
}

async function save() {
  if (!shown) return;
  try {
    const r = await call("save_receipt", { id: shown.staging.id, format: null, copy: false }, "Making the receipt…");
    delivered(`Receipt saved: ${r.file}`);
  } catch {
    /* shown */
  }
}

export function done() {
  shown = null;
  return go("worklist", undefined, { remember: false });
}

/** `arg`: the stage answer (already a code screen) or a staging ID. */
export async function show(arg) {
  if (typeof arg === "number") {
    try {
      shown = await call("code", { id: arg });
    } catch {
      return;
    }
  } else if (arg) {
    shown = arg;
  }
  if (!shown) return;
  $("code-patient").textContent = shown.staging.patient_name || "this visit";
  $("code-id").textContent = shown.grouped;
  const img = $("code-barcode");
  if (shown.barcode) {
    img.src = shown.barcode;
    img.alt = `${shown.barcode_kind} for RAZCODE ${shown.grouped}`;
    img.hidden = false;
  } else {
    img.hidden = true;
  }
  const parts = [`Valid until ${shown.expires}.`];
  if (shown.amount) parts.push(`Amount due: ${shown.amount}.`);
  if (shown.uri) parts.push(`Link: ${shown.uri}`);
  if (shown.health_apps) parts.push("Health apps can scan the same QR code (SMART Health Link).");
  else if (shown.staging.shl_mode !== "off") parts.push("This gateway made no SMART Health Link (it does not offer them); the code works.");
  if (shown.shl_passcode) parts.push(`Their passcode: ${shown.shl_passcode} (printed on its own page).`);
  $("code-info").textContent = parts.join(" ");
  delivered("");
  $("code-print").focus();
}
