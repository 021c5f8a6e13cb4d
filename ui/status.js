// A staging's status as the core names it (store::StagingStatus), and in words.

import { t } from "./l10n.js";

export const STAGED = "staged";
export const PENDING = "pending";

// Each word's catalog id, and its English until the catalog is loaded.
const WORDS = {
  staged: ["app-status-staged", "Code issued"],
  pending: ["app-status-pending", "In the outbox"],
  failed: ["app-status-failed", "Refused"],
  issued: ["app-status-issued", "Issued, not claimed"],
  claimed: ["app-status-claimed", "Claimed"],
  expired: ["app-status-expired", "Expired"],
  voided: ["app-status-voided", "Voided"],
};

const BILL = {
  paid: ["app-bill-paid", "Paid"],
  unpaid: ["app-bill-unpaid", "Unpaid"],
  overdue: ["app-bill-overdue", "Overdue"],
};

/** A bill's standing (`HistoryEntry.payment`) in words; a dash without a bill. */
export function billText(payment) {
  const w = BILL[payment];
  return w ? t(...w) : "—";
}

/** The status in words; `none` when there is no staging. */
export function statusText(status, none = t("app-status-none", "Not staged")) {
  const w = WORDS[status];
  return w ? t(...w) : status || none;
}

/** A code's state as the core reports it (`HistoryEntry.state`). */
export const ISSUED = "issued";
export const VOIDED = "voided";
