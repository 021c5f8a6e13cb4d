// History: every staging, its code and the code's state at the gateway
// (issued, claimed, expired, voided), what was delivered; void and reissue.

import { formatInstant, formatTime, language, t } from "./l10n.js";
import { $, call, el, notice } from "./api.js";
import { go, refreshHeader } from "./nav.js";
import { ISSUED, PENDING, STAGED, VOIDED, billText, statusText } from "./status.js";

let timer = null;
let voiding = null; // { entry, reissue }
let answering = null; // the entry whose patient asked for a new code

export function init() {
  $("history-search").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  });
  $("history-today").addEventListener("change", load);
  $("history-unpaid").addEventListener("change", load);
  $("history-refresh").addEventListener("click", refresh);
  $("void-cancel").addEventListener("click", () => $("void-dialog").close());
  $("request-cancel").addEventListener("click", () => $("request-dialog").close());
  $("request-form").addEventListener("submit", (e) => {
    e.preventDefault();
    confirmAnswer();
  });
  $("requests-open").addEventListener("click", () => go("history"));
  $("void-form").addEventListener("submit", (e) => {
    e.preventDefault();
    confirmVoid();
  });
}

function deliveries(list) {
  if (!list.length) return "—";
  return list
    .map((d) => `${d.channel} ${d.status === "sent" ? "✓" : d.status}${d.channel === "email" ? ` to ${d.target}` : ""}`)
    .join("; ");
}

/** An RFC 3339 time from the gateway, as people read it. */
function at(rfc3339) {
  return formatInstant(rfc3339);
}

function stateText(h) {
  const word = statusText(h.state || h.status);
  if (h.reissue_open) return `${word}; ${t("app-asked-for-a-new-code", "Asked for a new code")}, ${at(h.reissue_requested_at)}`;
  if (h.state === "claimed") return `${word} ${at(h.claimed_at)}`;
  if (h.state === VOIDED) return `${word} ${at(h.voided_at)}`;
  if (h.void_pending) return `${word}; void waits in the outbox`;
  return word;
}

/** How often the code was opened, and when last (protocol v1.2); it opens the list. */
function opened(h) {
  if (h.status !== STAGED || h.access_count == null) return "—";
  const text = h.access_count > 0 ? `${h.access_count} · ${t("app-opened-last", "last")} ${at(h.last_access_at)}` : "0";
  return button(text, "accesses", () => showAccesses(h));
}

/** The list of who opened the code, asked of the gateway now. */
async function showAccesses(h) {
  let list;
  try {
    list = await call("code_accesses", { id: h.id, language: language() }, t("app-busy-asking-who-opened-the-code", "Asking the gateway who opened the code…"));
  } catch {
    return;
  }
  $("accesses-what").textContent = `${h.raz_id} · ${h.patient_name || ""}`;
  $("accesses-list").replaceChildren(
    ...(list.length
      ? list.map((a) => el("li", {}, el("time", { dateTime: a.at, textContent: a.when }), `: ${a.words}`))
      : [el("li", {}, t("app-not-opened-yet", "Nobody has opened it yet."))]),
  );
  $("accesses-dialog").showModal();
  $("accesses-close").focus();
  await load();
}

function button(text, className, onClick) {
  const b = el("button", { type: "button", textContent: text, className });
  b.addEventListener("click", onClick);
  return b;
}

function actions(h) {
  if (h.status !== STAGED) return el("span", { className: "muted" }, h.errormsg || "");
  // The patient asked for a new code: one action sends it.
  if (h.reissue_open) return el("span", { className: "row-actions" }, button(t("app-send-a-new-code", "Send a new code"), "answer-request primary", () => askAnswer(h)));
  if (h.state === VOIDED) return el("span", { className: "muted" }, h.void_reason ? `Withdrawn: ${h.void_reason}` : "Withdrawn");
  const reprint = button("Reprint", "reprint", async () => {
    try {
      const r = await call("print_receipt", { id: h.id }, t("app-busy-sending-the-copy-to-the-printer", "Sending the copy to the printer…"));
      notice(`Copy sent to the printer (${r.job}).`);
      await load();
    } catch {
      /* shown */
    }
  });
  return el(
    "span",
    { className: "row-actions" },
    button("Show code", "show", () => go("code", h.id)),
    reprint,
    button("Email again", "resend", () => go("code", h.id)),
    button("Void", "void", () => askVoid(h, false)),
    button("Reissue", "reissue", () => askVoid(h, true)),
  );
}

/** The request's dialog: where the new code goes, the patient's note. */
async function askAnswer(h) {
  let list;
  try {
    list = await call("new_code_requests");
  } catch {
    return;
  }
  const r = list.find((x) => x.staging_id === h.id);
  if (!r) return load();
  answering = h;
  $("request-what").textContent = `${h.raz_id} · ${h.patient_name || ""}`;
  $("request-email").textContent = r.email;
  $("request-note").textContent = r.note ? `“${r.note}”` : "";
  $("request-print").checked = false;
  $("request-dialog").showModal();
  $("request-confirm").focus();
}

async function confirmAnswer() {
  if (!answering) return;
  const entry = answering;
  answering = null;
  const print = $("request-print").checked;
  $("request-dialog").close();
  try {
    const a = await call("answer_request", { id: entry.id, print }, t("app-busy-sending-the-new-code", "Staging the visit again and emailing the new code…"));
    await go("code", a.code, { remember: false });
    notice(`${t("app-new-code-emailed-to", "The new code was emailed to")} ${a.emailed_to}.`);
  } catch {
    await load();
  }
}

/** The void dialog; a reissue voids too, then shows the new code. */
function askVoid(h, reissue) {
  voiding = { entry: h, reissue };
  $("void-title").textContent = reissue ? "Reissue this code" : "Void this code";
  $("void-what").textContent = `Code ${h.raz_id} for ${h.patient_name || "this visit"}.`;
  $("void-warning").textContent = reissue
    ? "The code stops working at once and the gateway erases its record; the same visit gets a new code, ready to print."
    : "The code stops working at once and the gateway erases its record. This cannot be undone.";
  $("void-confirm").textContent = reissue ? "Void and reissue" : "Void the code";
  $("void-reason").value = "";
  $("void-reason").required = !reissue;
  $("void-dialog").showModal();
  $("void-reason").focus();
}

async function confirmVoid() {
  if (!voiding) return;
  const { entry, reissue } = voiding;
  const reason = $("void-reason").value.trim();
  if (!reissue && !reason) {
    $("void-reason").focus();
    return;
  }
  $("void-dialog").close();
  voiding = null;
  try {
    if (reissue) {
      const code = await call("reissue_code", { id: entry.id, reason: reason || null }, t("app-busy-voiding-the-code-and-staging-the-visit-a", "Voiding the code and staging the visit again…"));
      await go("code", code, { remember: false });
      notice(`Code ${entry.raz_id} is voided; this new code replaces it.`);
    } else {
      await call("void_code", { id: entry.id, reason }, t("app-busy-voiding-the-code-at-the-gateway", "Voiding the code at the gateway…"));
      notice(`Code ${entry.raz_id} is voided.`);
      await load();
    }
  } catch {
    await load();
  }
}

/** Today's entries only, unclaimed ones first (issued, then waiting). */
function todayFirst(rows) {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const since = midnight.getTime() / 1000;
  const rank = (h) => (h.state === ISSUED ? 0 : h.state === PENDING ? 1 : 2);
  return rows.filter((h) => h.created >= since).sort((a, b) => rank(a) - rank(b) || b.id - a.id);
}

async function load() {
  let rows;
  try {
    rows = await call("history", { search: $("history-search").value });
  } catch {
    return;
  }
  if ($("history-today").checked) rows = todayFirst(rows);
  if ($("history-unpaid").checked) rows = rows.filter((h) => h.payment === "unpaid" || h.payment === "overdue");
  $("history")
    .querySelector("tbody")
    .replaceChildren(
      // Each row is a staging with its deliveries and its code's state.
      ...rows.map((h) => {
        const tr = el(
          "tr",
          {},
          el("td", {}, formatTime(h.updated)),
          el("td", {}, h.patient_name || "—"),
          el("td", { className: "mono" }, h.raz_id || "—"),
          el("td", { className: `status ${h.state || h.status}` }, stateText(h)),
          el("td", { className: `bill ${h.payment || "none"}` }, billText(h.payment)),
          el("td", {}, deliveries(h.deliveries)),
          el("td", { className: "opened" }, opened(h)),
          el("td", {}, actions(h)),
        );
        tr.dataset.staging = h.id;
        return tr;
      }),
    );
}

/** Asks the gateway for the codes' states; shows them again when one changed. */
async function refresh() {
  try {
    const r = await call("refresh_states", {}, t("app-busy-asking-the-gateway-for-the-codes-states", "Asking the gateway for the codes' states…"));
    if (r.error) notice(`States not refreshed: ${r.error.message}`);
    if (r.changed > 0) {
      await load();
      await refreshHeader().catch(() => {});
    }
  } catch {
    /* shown */
  }
}

export async function show() {
  await load();
  $("history-search").focus();
  await refresh();
}
