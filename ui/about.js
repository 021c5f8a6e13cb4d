// The About box: version, data folder, gateway, and the licences of the fonts
// and crates the app ships. Loaded when first opened, not at start.
import { $, call } from "./api.js";

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

export async function show() {
  const a = await call("about");
  $("about-version").textContent = a.version;
  $("about-dir").textContent = a.data_dir;
  $("about-gateway").textContent = a.gateway
    ? a.gateway + (a.sandbox ? " (the sandbox, on this computer)" : "")
    : "not set up yet";
  $("about-fonts").replaceChildren(...a.fonts.map((f) => item(`${f.name}: ${f.licence}, from ${f.from}`)));
  $("about-crates-summary").textContent = `${a.crates.length} crates (Rust libraries) and their licences`;
  $("about-crates").replaceChildren(...a.crates.map((c) => item(`${c.name} ${c.version}: ${c.licence}`)));
  $("about-dialog").showModal();
}
