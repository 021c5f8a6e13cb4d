// One encounter: a readable preview of exactly what is sent, the sections
// that can be left out, the patient's link, payment, and Stage.

import { formatVisit, t, pickLanguage } from "./l10n.js";
import { $, call, el, notice } from "./api.js";
import { go } from "./nav.js";
import { duringApproval } from "./approval.js";
import { PENDING } from "./status.js";

let current = null; // { id, leaveOut: Set, preview }

export function init() {
  $("enc-back").addEventListener("click", () => go("worklist"));
  $("stage-form").addEventListener("submit", (e) => {
    e.preventDefault();
    stage();
  });
  // Enter stages from anywhere on the screen but a button or a text area.
  $("screen-encounter").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !["BUTTON", "TEXTAREA", "A"].includes(e.target.tagName)) {
      e.preventDefault();
      stage();
    }
  });
  $("enc-link").addEventListener("click", async () => {
    const mrn = current?.preview?.patient?.mrn;
    if (!mrn) return;
    try {
      // The patient approves on the HealthJibe page, in the browser.
      await duringApproval(
        () => call("link_patient", { mrn, oob: false }, t("app-busy-waiting-for-the-patient-to-approve-in-th", "Waiting for the patient to approve in the browser…")),
        () => ($("enc-approval").hidden = false),
      );
    } catch {
      return;
    } finally {
      $("enc-approval").hidden = true;
    }
    notice(`The patient's HealthJibe account is linked (MRN ${mrn}).`);
    await render();
  });
}

// An item as the patient's page words it: dates, units and titles in the
// app's language (the core's `words`), the code the clinic coded it with.
function item(i, raw) {
  const parts = [i.text];
  if (i.when) parts.push(` (${i.when})`);
  if (raw?.code) parts.push(` [${raw.code.system} ${raw.code.value}]`);
  return el("li", {}, parts.join(""));
}

function previewCcr(p) {
  const sent = p.sent;
  const words = p.words?.kind === "ccr" ? p.words : { facts: [], sections: [] };
  const wrap = [];
  const pt = sent.patient || {};
  wrap.push(
    el(
      "dl",
      { className: "facts" },
      ...words.facts.flatMap((f, n) => [
        el("dt", {}, f.label),
        el("dd", n === 0 && f.value === pt.name ? { id: "prev-patient" } : {}, f.value),
      ]),
    ),
  );
  const sentKeys = new Set((sent.sections || []).map((s) => s.name));
  for (const s of p.sections || []) {
    const box = el("input", { type: "checkbox", checked: !current.leaveOut.has(s.name) });
    box.dataset.section = s.name;
    box.addEventListener("change", () => {
      if (box.checked) current.leaveOut.delete(s.name);
      else current.leaveOut.add(s.name);
      render();
    });
    const shown = (sent.sections || []).find((x) => x.name === s.name);
    const worded = words.sections.find((x) => x.key === s.name);
    const title = worded?.title || s.title;
    const fieldset = el(
      "fieldset",
      { className: sentKeys.has(s.name) ? "section" : "section left-out" },
      el("legend", {}, el("label", {}, box, ` ${title} (${s.count})`)),
      shown
        ? el("ul", {}, ...(worded ? worded.items : shown.items.map((i) => ({ text: i.text, when: i.date }))).map((i, n) => item(i, shown.items[n])))
        : el("p", { className: "muted" }, t("app-left-out-not-sent", "Left out: not sent.")),
    );
    wrap.push(fieldset);
  }
  return wrap;
}

function previewOmhe(p) {
  const measured = p.words?.kind === "omhe" ? p.words.measurements : [];
  return [
    el(
      "ul",
      { className: "readings" },
      ...measured.map((m) => el("li", {}, `${m.kind}: ${m.values}${m.when ? ` (${m.when})` : ""}`)),
    ),
  ];
}

async function render(fresh = false) {
  let p;
  try {
    p = await call("preview", { id: current.id, leaveOut: [...current.leaveOut] }, t("app-busy-reading-the-record", "Reading the record…"));
  } catch {
    return;
  }
  current.preview = p;
  const e = p.encounter;
  $("enc-title").textContent = e.patient_name || "Readings (OMHE)";
  $("enc-meta").textContent = `${e.kind.toUpperCase()} from ${e.source}; ${p.bytes.toLocaleString()} bytes will be sent.`;
  $("enc-preview").replaceChildren(...(p.sent.kind === "omhe" ? previewOmhe(p) : previewCcr(p)));
  const mrn = p.patient.mrn;
  $("enc-link-status").textContent = !mrn
    ? "The record carries no MRN: the code is for anyone who holds it."
    : p.patient.linked
      ? `Linked (MRN ${mrn}).`
      : `Not linked (MRN ${mrn}).`;
  $("enc-link").hidden = !mrn || p.patient.linked;
  $("stage-bind").disabled = !p.patient.linked;
  if (fresh) pickLanguage("stage-language", p.language);
  if (!p.patient.linked) $("stage-bind").checked = false;
}

let staging = false;

async function stage() {
  if (staging || !current) return;
  staging = true;
  $("stage-button").disabled = true;
  const form = {
    encounter_id: current.id,
    mrn: $("stage-bind").checked ? current.preview?.patient?.mrn : null,
    amount: $("pay-amount").value,
    currency: $("pay-currency").value,
    description: $("pay-description").value,
    reference: $("pay-reference").value,
    due_date: $("pay-due").value,
    qr: $("bc-qr").checked,
    tag: $("bc-tag").checked,
    shl: $("stage-shl").value || null,
    leave_out: [...current.leaveOut],
    language: $("stage-language").value || null,
  };
  try {
    const code = await call("stage", { form }, t("app-staging-with-the-gateway", "Staging with the gateway…"));
    await go("code", code, { remember: false });
  } catch (e) {
    if (e && e.status === PENDING) {
      notice("The encounter waits in the outbox and will be sent again with the same key.");
    }
  } finally {
    staging = false;
    $("stage-button").disabled = false;
  }
}

export async function show(id) {
  if (id !== undefined) {
    current = { id, leaveOut: new Set(), preview: null };
    for (const f of ["pay-amount", "pay-currency", "pay-description", "pay-reference", "pay-due"]) $(f).value = "";
    $("bc-default").checked = true;
    $("stage-shl").value = "";
    $("stage-bind").checked = false;
  }
  await render(id !== undefined);
  $("stage-button").focus();
}
