// Loads the Leptos UI (wasm); `#[wasm_bindgen(start)]` mounts the app.
import init from './kontor_ui.js';
await init({ module_or_path: './kontor_ui_bg.wasm' });
