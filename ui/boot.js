// Asks the core for the desk's state while the page's modules load (app.js
// waits for this answer instead of asking once they have all run).
window.razStartState = window.__TAURI__.core.invoke("app_state");
window.razStartState.catch(() => {});
