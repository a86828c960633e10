// Loads the Leptos UI (wasm); `#[wasm_bindgen(start)]` mounts the app.
// Issue 7: two things begin before the UI's JavaScript glue is loaded, so they run while it loads instead of
// after it: the wasm's download and compilation, and the shell's `startup` command (the first screen's state),
// whose answer the UI's typed wrapper `ipc::startup` takes from `window.__kontorStartup` instead of asking again.
// The command name and `{req: {}}` are `kontor_api::ipc::cmd::STARTUP` and `ARG` (checked by the shell's
// `ipc_tests`).
const tauri = window.__TAURI_INTERNALS__;
// Outside the shell there is no one to ask early; `ipc::startup` then asks itself and shows its error.
if (tauri) window.__kontorStartup = tauri.invoke('startup', { req: {} });
// `compileStreaming` refuses a response that is not typed `application/wasm`; should a platform's asset
// protocol type it otherwise, the bytes are compiled instead (what wasm-bindgen's own loader does).
const wasm = fetch('./kontor_ui_bg.wasm').then(async (r) => {
  if (!r.ok) throw new Error(`kontor_ui_bg.wasm: HTTP ${r.status}`);
  return (r.headers.get('Content-Type') || '').startsWith('application/wasm')
    ? WebAssembly.compileStreaming(r)
    : WebAssembly.compile(await r.arrayBuffer());
});
try {
  const { default: init } = await import('./kontor_ui.js');
  await init({ module_or_path: await wasm });
} catch (e) {
  // Nothing else can show it: the UI did not start.
  document.body.textContent = `Kontor could not start: ${e}`;
  throw e;
}
