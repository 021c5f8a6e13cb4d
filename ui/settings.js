// Settings: gateway, clinic and logo, printer, receipt format, SMTP.

import { $, call, el, fileBase64, notice } from "./api.js";
import { go, refreshHeader } from "./nav.js";
import { applyLanguage, t, pickLanguage } from "./l10n.js";

export function init() {
  $("set-change-gateway").addEventListener("click", () => go("firstrun"));
  $("set-activate").addEventListener("click", () => go("activate"));
  $("set-print-test").addEventListener("click", async () => {
    try {
      const r = await call("print_test", {}, t("app-busy-printing-a-test-page", "Printing a test page…"));
      notice(`Test page sent (${r.job}).`);
    } catch {
      /* shown */
    }
  });
  $("settings-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.target).entries());
    form.smtp_port = form.smtp_port ? Number(form.smtp_port) : null;
    const logo = $("set-logo").files[0];
    if (logo) form.logo_data = await fileBase64(logo);
    try {
      await call("save_settings", { form }, t("app-busy-saving-the-settings", "Saving the settings…"));
    } catch {
      return;
    }
    $("set-smtp-password").value = "";
    $("set-logo").value = "";
    await applyLanguage(form.app_language).catch(() => {});
    await refreshHeader().catch(() => {});
    notice(t("app-settings-saved", "Settings saved."));
  });
}

export async function show() {
  let s;
  try {
    s = await call("get_settings", {}, t("app-busy-reading-the-settings", "Reading the settings…"));
  } catch {
    return;
  }
  const g = s.settings;
  $("set-gateway").textContent = g
    ? `${g.sandbox ? "Sandbox gateway on this computer" : g.api_base}; ${g.activated ? `activated for ${g.organization || "the practice"}` : "not activated"}. Secrets are ${g.secrets}.`
    : "No gateway is set.";
  $("set-clinic-name").value = s.clinic.name || "";
  $("set-clinic-address").value = s.clinic.address || "";
  $("set-clinic-phone").value = s.clinic.phone || "";
  const printers = ["", ...s.printers];
  if (s.printer && !printers.includes(s.printer)) printers.push(s.printer);
  $("set-printer").replaceChildren(
    ...printers.map((p) => el("option", { value: p, textContent: p || "System default", selected: p === s.printer })),
  );
  $("set-format").value = s.receipt_format;
  $("set-barcode").value = s.code_prefs?.barcode || "qr";
  $("set-shl").value = s.code_prefs?.shl || "off";
  $("set-watch").value = s.watch_folder || "";
  $("set-app-language").value = s.app_language || "en";
  pickLanguage("set-clinic-language", s.clinic_language || "en");
  const m = s.smtp || {};
  $("set-smtp-host").value = m.host || "";
  $("set-smtp-port").value = m.port || "";
  $("set-smtp-security").value = m.security || "starttls";
  $("set-smtp-user").value = m.user || "";
  $("set-smtp-from").value = m.from || "";
  $("set-smtp-ca-file").value = m.ca_file || "";
  $("set-smtp-password").placeholder = s.smtp_password_set ? "stored (type to change)" : "";
  $("set-clinic-name").focus();
}
