// Calls into the desk core, with progress and plain-words errors shown for each.

const tauri = window.__TAURI__;

const $ = (id) => document.getElementById(id);

let busyCount = 0;

function setBusy(text) {
  busyCount += text ? 1 : -1;
  const el = $("busy");
  if (text) $("busy-text").textContent = text;
  el.hidden = busyCount <= 0;
  document.body.setAttribute("aria-busy", busyCount > 0 ? "true" : "false");
}

export function showError(message) {
  $("error-text").textContent = message;
  $("error").hidden = false;
}

export function clearError() {
  $("error").hidden = true;
  $("error-text").textContent = "";
}

export function notice(text) {
  const n = $("notice");
  n.textContent = text;
  n.hidden = !text;
}

/** Shows a failure in the alert region and throws it again (callers stop). */
export function showAndThrow(e) {
  showError(message(e));
  throw e;
}

/** The error's words: a UiError from the core, or whatever Tauri threw. */
export function message(e) {
  if (e && typeof e === "object" && e.message) return e.message;
  return String(e);
}

/**
 * Invokes a command. `progress` is shown while it runs; a failure is shown in
 * the alert region and thrown again so callers can stop. Only a call with
 * progress (one staff started) clears the last error: a background read
 * (the header's state, a list) must not hide what went wrong a moment ago.
 */
export async function call(command, args = {}, progress = null) {
  if (progress) {
    clearError();
    setBusy(progress);
  }
  try {
    return await tauri.core.invoke(command, args);
  } catch (e) {
    showAndThrow(e);
  } finally {
    if (progress) setBusy(null);
  }
}

export function listen(event, handler) {
  return tauri.event.listen(event, handler);
}

/** A file's bytes as base64, for the core (which decodes the text itself). */
export function fileBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(",", 2)[1] || "");
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

export { $ };

/** Builds an element: el("td", {className: "x"}, "text", child). */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

