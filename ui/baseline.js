// The start-up benchmark's baseline: an empty page that reports its first paint
// (and when its page was requested and loaded) the same way the app does (see `--baseline`).
const nav = performance.getEntriesByType("navigation")[0];
const at = (ms) => performance.timeOrigin + ms;
const marks = nav ? [["page requested", at(nav.fetchStart)], ["page loaded", at(nav.responseEnd)]] : [];
requestAnimationFrame(() =>
  requestAnimationFrame(() => window.__TAURI__.core.invoke("first_paint", { marks })),
);
