// The approval page of an activation or a patient link. The core sends its
// address as the `approval` event; links to it open in the system browser,
// never inside the app; whoever waits for an approval says where to show it.

import { call, listen } from "./api.js";

let onShown = null;

export function init() {
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a.approval-link");
    if (!a) return;
    e.preventDefault();
    call("open_approval").catch(() => {});
  });
  listen("approval", (event) => {
    for (const a of document.querySelectorAll("a.approval-link")) {
      a.href = event.payload;
      a.textContent = event.payload;
    }
    if (onShown) onShown(event.payload);
  });
}

/**
 * Runs `wait` (a command that waits for an approval); when the page's address
 * arrives meanwhile, `shown(url)` puts it on screen.
 */
export async function duringApproval(wait, shown) {
  onShown = shown;
  try {
    return await wait();
  } finally {
    onShown = null;
  }
}
