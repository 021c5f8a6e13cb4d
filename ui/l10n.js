// The app's language: its texts from the core's catalog (English is in the
// page already, so an English desk asks for nothing), and dates and amounts
// as the language writes them, in this computer's time zone.

import { call } from "./api.js";

let messages = {};
let current = "en";
let receiptLanguages = [];
// What each picker should show, kept for when its options arrive.
const picked = {};

export function language() {
  return current;
}

/** A text by its catalog id; `english` until the catalog is loaded. */
export function t(id, english) {
  return messages[id] ?? english;
}

/** Shows the page in `tag` (en, es). */
export async function applyLanguage(tag) {
  if (!tag || (tag === current && (tag === "en" || Object.keys(messages).length))) return;
  messages = await call("ui_messages", { language: tag });
  current = tag;
  document.documentElement.lang = tag;
  for (const e of document.querySelectorAll("[data-l10n]")) {
    const m = messages[e.dataset.l10n];
    if (m) e.textContent = m;
  }
  for (const e of document.querySelectorAll("[data-l10n-placeholder]")) {
    const m = messages[e.dataset.l10nPlaceholder];
    if (m) e.placeholder = m;
  }
  for (const e of document.querySelectorAll("[data-l10n-aria-label]")) {
    const m = messages[e.dataset.l10nAriaLabel];
    if (m) e.setAttribute("aria-label", m);
  }
}

/** The languages receipts speak ({tag, name}), for the pickers. */
export function setReceiptLanguages(list) {
  receiptLanguages = list || [];
  for (const id of ["stage-language", "code-language", "set-clinic-language"]) {
    const select = document.getElementById(id);
    if (!select || select.options.length) continue;
    for (const l of receiptLanguages) {
      const o = document.createElement("option");
      o.value = l.tag;
      o.lang = l.tag;
      o.textContent = l.name;
      select.append(o);
    }
    if (picked[id]) select.value = picked[id];
  }
}

/** Shows `tag` in a receipt-language picker, now or once its options arrive. */
export function pickLanguage(id, tag) {
  picked[id] = tag;
  const select = document.getElementById(id);
  if (select) select.value = tag;
}

// One formatter per language and style, made on first use (making one is
// what costs: a list of visits would otherwise make one per row).
const formatters = new Map();
function formatter(kind, options) {
  const key = `${current} ${kind}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(current, options);
    formatters.set(key, f);
  }
  return f;
}
const medium = () => formatter("medium", { dateStyle: "medium", timeStyle: "short" });
const day = () => formatter("day", { dateStyle: "medium", timeZone: "UTC" });

/** Unix seconds as "Nov 26, 2026, 9:30 AM" / "26 nov 2026, 9:30". */
export function formatTime(ts) {
  return ts ? medium().format(new Date(ts * 1000)) : "";
}

/** An RFC 3339 time, the same way. */
export function formatInstant(text) {
  if (!text) return "";
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : medium().format(d);
}

/** A record's date: a bare day stays a day; an instant gets its time. */
export function formatVisit(text) {
  if (!text) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return day().format(new Date(`${text}T00:00:00Z`));
  }
  return formatInstant(text);
}

/** "25.00" and "USD" as "$25.00" / "25,00 US$". */
export function formatAmount(amount, currency) {
  const n = Number(amount);
  if (!currency || Number.isNaN(n)) return `${amount} ${currency || ""}`.trim();
  try {
    return new Intl.NumberFormat(current, { style: "currency", currency }).format(n);
  } catch {
    return `${amount} ${currency}`;
  }
}
