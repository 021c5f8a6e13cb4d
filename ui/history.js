// History: every staging, its code and status, and what was delivered.

import { $, call, el, when, notice } from "./api.js";
import { go } from "./nav.js";
import { STAGED, statusText } from "./status.js";

let timer = null;

export function init() {
  $("history-search").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  });
}

function deliveries(list) {
  if (!list.length) return "—";
  return list
    .map((d) => `${d.channel} ${d.status === "sent" ? "✓" : d.status}${d.channel === "email" ? ` to ${d.target}` : ""}`)
    .join("; ");
}

function actions(s) {
  if (s.status !== STAGED) return el("span", { className: "muted" }, s.errormsg || "");
  const open = el("button", { type: "button", textContent: "Show code" });
  open.addEventListener("click", () => go("code", s.id));
  const reprint = el("button", { type: "button", textContent: "Reprint", className: "reprint" });
  reprint.addEventListener("click", async () => {
    try {
      const r = await call("print_receipt", { id: s.id }, "Sending the copy to the printer…");
      notice(`Copy sent to the printer (${r.job}).`);
      await load();
    } catch {
      /* shown */
    }
  });
  const resend = el("button", { type: "button", textContent: "Email again", className: "resend" });
  resend.addEventListener("click", () => go("code", s.id));
  return el("span", { className: "row-actions" }, open, reprint, resend);
}

async function load() {
  let rows;
  try {
    rows = await call("history", { search: $("history-search").value });
  } catch {
    return;
  }
  $("history")
    .querySelector("tbody")
    .replaceChildren(
      // Each row is a staging with its deliveries.
      ...rows.map((s) =>
        el(
          "tr",
          {},
          el("td", {}, when(s.updated)),
          el("td", {}, s.patient_name || "—"),
          el("td", { className: "mono" }, s.raz_id || "—"),
          el("td", { className: `status ${s.status}` }, statusText(s.status)),
          el("td", {}, deliveries(s.deliveries)),
          el("td", {}, actions(s)),
        ),
      ),
    );
}

export async function show() {
  await load();
  $("history-search").focus();
}
