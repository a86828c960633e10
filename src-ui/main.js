// Loads the Leptos UI (wasm); `#[wasm_bindgen(start)]` mounts the app.
// Issue 7: two things begin before the UI's JavaScript glue is loaded, so they run while it loads instead of
// after it: the wasm's download and compilation, and the shell's `startup` command (the first screen's state),
// whose answer the UI's typed wrapper `ipc::startup` takes from `window.__kontorStartup` instead of asking again.
// The command name and `{req: {}}` are `kontor_api::ipc::cmd::STARTUP` and `ARG` (checked by the shell's
// `ipc_tests`).
window.__kontorStartup = window.__TAURI_INTERNALS__.invoke('startup', { req: {} });
const wasm = WebAssembly.compileStreaming(fetch('./kontor_ui_bg.wasm'));
const { default: init } = await import('./kontor_ui.js');
await init({ module_or_path: await wasm });
