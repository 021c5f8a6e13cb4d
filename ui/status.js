// A staging's status as the core names it (store::StagingStatus), and in words.

export const STAGED = "staged";
export const PENDING = "pending";

const WORDS = { staged: "Code issued", pending: "In the outbox", failed: "Refused" };

/** The status in words; `none` when there is no staging. */
export function statusText(status, none = "Not staged") {
  return WORDS[status] || status || none;
}
