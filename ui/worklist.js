// The worklist: encounters from imports, drops, the watched folder and quick entry.

import { formatVisit, t } from "./l10n.js";
import { $, call, el, fileBase64, listen } from "./api.js";
import { go } from "./nav.js";
import { statusText } from "./status.js";

let timer = null;

export function init() {
  $("worklist-search").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  });
  $("worklist-all").addEventListener("change", load);
  $("import-file").addEventListener("change", async (e) => {
    const files = [...e.target.files];
    e.target.value = "";
    const results = [];
    for (const f of files) {
      try {
        const data = await fileBase64(f);
        results.push(await call("import_upload", { name: f.name, data }, `Importing ${f.name}…`));
      } catch {
        return;
      }
    }
    showResults(results);
    await load();
  });
  // Tauri hands dropped files over as paths.
  listen("tauri://drag-enter", () => document.body.classList.add("dragging"));
  listen("tauri://drag-leave", () => document.body.classList.remove("dragging"));
  listen("tauri://drag-drop", async (event) => {
    document.body.classList.remove("dragging");
    const paths = event.payload?.paths || [];
    if (!paths.length) return;
    try {
      showResults(await call("import_files", { paths }, `Importing ${paths.length} file(s)…`));
    } catch {
      return;
    }
    await go("worklist", undefined, { remember: false });
  });

  // The watched folder's imports arrive as events.
  listen("imported", async (event) => {
    showResults(event.payload || []);
    if (!$("screen-worklist").hidden) await load();
  });
  $("quick-open").addEventListener("click", () => {
    $("quick-form").hidden = false;
    $("q-given").focus();
  });
  $("quick-cancel").addEventListener("click", () => {
    $("quick-form").hidden = true;
  });
  $("quick-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.target).entries());
    form.charges = [{ description: $("q-charge-desc").value, amount: $("q-charge-amount").value }];
    let r;
    try {
      r = await call("quick_entry", { form }, t("app-busy-adding-the-visit", "Adding the visit…"));
    } catch {
      return;
    }
    e.target.reset();
    $("quick-form").hidden = true;
    await go("encounter", r.encounter.id);
  });
}

function showResults(results) {
  const ul = $("import-results");
  ul.replaceChildren(
    ...results.map((r) =>
      el(
        "li",
        { className: r.ok ? "ok" : "bad" },
        r.ok
          ? `${r.file}: ${r.new ? "imported" : "already in the worklist"} (${r.encounter.patient_name || "no patient name"})`
          : `${r.file}: not imported. ${r.error}`,
      ),
    ),
  );
}

async function load() {
  let list;
  try {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const since = $("worklist-all").checked ? null : Math.floor(midnight.getTime() / 1000);
    list = await call("encounters", { search: $("worklist-search").value, since });
  } catch {
    return;
  }
  const body = $("worklist").querySelector("tbody");
  body.replaceChildren(
    ...list.map((e) => {
      const open = el("button", { type: "button", className: "link", textContent: e.patient_name || t("app-no-name-readings-only", "(no name: readings only)") });
      open.dataset.encounter = e.id;
      open.addEventListener("click", () => go("encounter", e.id));
      const row = el(
        "tr",
        {},
        el("td", {}, open),
        el("td", {}, formatVisit(e.visit_date)),
        el("td", {}, e.summary),
        el("td", { className: `status ${e.staging || "new"}` }, statusText(e.staging)),
      );
      return row;
    }),
  );
  $("worklist-empty").hidden = list.length > 0;
}

export async function show() {
  await load();
  $("worklist-search").focus();
}
