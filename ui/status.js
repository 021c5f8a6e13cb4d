// A staging's status as the core names it (store::StagingStatus), and in words.

export const STAGED = "staged";
export const PENDING = "pending";

const WORDS = {
  staged: "Code issued",
  pending: "In the outbox",
  failed: "Refused",
  issued: "Issued, not claimed",
  claimed: "Claimed",
  expired: "Expired",
  voided: "Voided",
};

const BILL = { paid: "Paid", unpaid: "Unpaid", overdue: "Overdue" };

/** A bill's standing (`HistoryEntry.payment`) in words; a dash without a bill. */
export function billText(payment) {
  return BILL[payment] || "—";
}

/** The status in words; `none` when there is no staging. */
export function statusText(status, none = "Not staged") {
  return WORDS[status] || status || none;
}

/** A code's state as the core reports it (`HistoryEntry.state`). */
export const ISSUED = "issued";
export const VOIDED = "voided";
