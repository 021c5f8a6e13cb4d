// The code screen: the RAZCODE ID big and grouped, the barcode, and the
// receipt by printer, email or file.

import { $, call } from "./api.js";
import { go, refreshHeader } from "./nav.js";
import { formatAmount, formatVisit, t, pickLanguage } from "./l10n.js";

let shown = null; // what `code` answered

export function init() {
  $("code-print").addEventListener("click", print);
  $("code-send").addEventListener("click", email);
  $("code-save").addEventListener("click", save);
  $("code-done").addEventListener("click", done);
  $("code-language").addEventListener("change", async (e) => {
    if (!shown) return;
    try {
      await call("receipt_language", { id: shown.staging.id, language: e.target.value });
      shown.language = e.target.value;
    } catch {
      e.target.value = shown.language;
    }
  });
  $("code-large-print").addEventListener("change", async (e) => {
    if (!shown) return;
    try {
      shown.large_print = await call("receipt_large_print", { id: shown.staging.id, on: e.target.checked });
    } catch {
      /* the error is on screen */
    }
    e.target.checked = shown.large_print;
  });
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
    const r = await call("print_receipt", { id: shown.staging.id }, t("app-busy-sending-the-receipt-to-the-printer", "Sending the receipt to the printer…"));
    delivered(`${t("app-receipt-sent-to-the-printer", "Receipt sent to the printer")} (${r.job}).`);
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
    delivered(`${t("app-receipt-emailed-to", "Receipt emailed to")} ${to}.`);
  } catch {
    await refreshHeader().catch(() => {});
  }
}

async function save() {
  if (!shown) return;
  try {
    const r = await call("save_receipt", { id: shown.staging.id, format: null, copy: false }, t("app-busy-making-the-receipt", "Making the receipt…"));
    delivered(`${t("app-receipt-saved", "Receipt saved:")} ${r.file}`);
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
  $("code-offline").hidden = !shown.offline;
  const img = $("code-barcode");
  if (shown.barcode) {
    img.src = shown.barcode;
    img.alt = `${shown.barcode_kind} for RAZCODE ${shown.grouped}`;
    img.hidden = false;
  } else {
    img.hidden = true;
  }
  const parts = [`${t("app-valid-until", "Valid until")} ${formatVisit(shown.expires)}.`];
  if (shown.amount) {
    const [value, currency] = shown.amount.split(" ");
    parts.push(`${t("app-amount-due", "Amount due:")} ${formatAmount(value, currency)}.`);
  }
  if (shown.uri) parts.push(`${t("app-link", "Link:")} ${shown.uri}`);
  if (shown.health_apps) parts.push("Health apps can scan the same QR code (SMART Health Link).");
  else if (shown.staging.shl_mode !== "off") parts.push("This gateway made no SMART Health Link (it does not offer them); the code works.");
  if (shown.shl_passcode) parts.push(`Their passcode: ${shown.shl_passcode} (printed on its own page).`);
  $("code-info").textContent = parts.join(" ");
  pickLanguage("code-language", shown.language);
  $("code-large-print").checked = !!shown.large_print;
  delivered("");
  $("code-print").focus();
}
