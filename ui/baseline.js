// The start-up benchmark's baseline: an empty page that reports its first paint
// the same way the app does (see `--baseline`).
requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI__.core.invoke("first_paint")));
