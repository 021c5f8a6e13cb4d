// The outbox: stagings that could not reach the gateway, emails not yet sent.

import { $, call, el, notice } from "./api.js";
import { t } from "./l10n.js";
import { refreshHeader } from "./nav.js";
import { STAGED } from "./status.js";

export function init() {
  $("outbox-retry").addEventListener("click", async () => {
    let r;
    try {
      r = await call("retry_outbox", {}, t("app-busy-sending-what-waits", "Sending what waits…"));
    } catch {
      return;
    }
    const staged = r.results.filter((s) => s.status === STAGED).length;
    const sent = r.emails.filter((e) => e.ok).length;
    notice(`${staged} of ${r.results.length} staged, ${sent} of ${r.emails.length} emails sent.`);
    await load();
  });
}

async function load() {
  let o;
  try {
    o = await call("outbox");
  } catch {
    return;
  }
  const rows = [
    ...o.outbox.map((s) =>
      el("tr", {}, el("td", {}, "Stage"), el("td", {}, s.patient_name || "—"), el("td", {}, s.attempts), el("td", {}, s.errormsg || "")),
    ),
    ...o.emails.map((d) => el("tr", {}, el("td", {}, "Email"), el("td", {}, d.target), el("td", {}, "—"), el("td", {}, d.error || ""))),
  ];
  $("outbox").querySelector("tbody").replaceChildren(...rows);
  $("outbox-empty").hidden = rows.length > 0;
  $("outbox").hidden = rows.length === 0;
  await refreshHeader().catch(() => {});
}

export async function show() {
  await load();
  $("outbox-retry").focus();
}
