//! Kontor's user interface: a Leptos CSR app compiled to wasm, hosted by the Tauri webview.
//!
//! Architecture invariant: the UI holds no secret and knows nothing of HTTP or SQL; it calls the shell's
//! commands through the typed wrappers in [`ipc`] only.
//!
//! Imports point one way: [`app`] (start-up, page switching) uses [`pages`]; pages use [`components`]
//! (shared widgets), [`context`] (`Ctx`, `Phase`, `Page`), [`errors`] (error text), [`chart`], [`i18n`] and
//! [`ipc`]; nothing imports [`app`], and no page imports another.

pub mod app;
pub mod chart;
pub mod components;
pub mod context;
pub mod errors;
pub mod i18n;
pub mod ipc;
pub mod pages;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
