//! Kontor's user interface: a Leptos CSR app compiled to wasm, hosted by the Tauri webview.
//!
//! Architecture invariant: the UI holds no secret and knows nothing of HTTP or SQL; it calls the shell's
//! commands through the typed wrappers in [`ipc`] only.

pub mod app;
pub mod chart;
pub mod i18n;
pub mod ipc;
pub mod pages;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
