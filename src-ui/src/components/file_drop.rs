//! Files dropped onto the window: Tauri's drag-drop event and, only when the shell has its test hooks on
//! (a debug app), `window.__kontorDrop(path)` (support9b: or an array of paths), because WebDriver cannot
//! drag files from the OS.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::context::Ctx;
use crate::ipc;

/// The test hook's name on `window`.
const HOOK: &str = "__kontorDrop";

/// Tauri's drag-and-drop event payload (the part we use).
#[derive(serde::Deserialize)]
struct DragDrop {
    paths: Vec<String>,
}

/// Calls `handler` with the first path of each drop while the calling component lives (listener and hook
/// are removed in its `on_cleanup`).
pub fn on_file_drop(ctx: Ctx, handler: impl Fn(String) + Copy + 'static) {
    on_files_drop(ctx, move |paths| {
        if let Some(p) = paths.into_iter().next() {
            handler(p);
        }
    });
}

/// support9b: calls `handler` with every path of each drop (in the order dropped). The test hook takes one
/// path or an array of paths.
pub fn on_files_drop(ctx: Ctx, handler: impl Fn(Vec<String>) + Copy + 'static) {
    let listener = ipc::listen("tauri://drag-drop", move |d: DragDrop| {
        if !d.paths.is_empty() {
            handler(d.paths);
        }
    });
    let hook = ctx.test_hooks().then(|| {
        let hook = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
            let paths: Vec<String> = if js_sys::Array::is_array(&v) {
                js_sys::Array::from(&v)
                    .iter()
                    .filter_map(|p| p.as_string())
                    .collect()
            } else {
                v.as_string().into_iter().collect()
            };
            if !paths.is_empty() {
                handler(paths);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = js_sys::Reflect::set(&w, &JsValue::from_str(HOOK), hook.as_ref());
        }
        hook
    });
    let keep = StoredValue::new_local(Some((listener, hook)));
    on_cleanup(move || {
        if let Some((listener, hook)) = keep.try_update_value(|k| k.take()).flatten() {
            listener.stop();
            if hook.is_some() {
                if let Some(w) = web_sys::window() {
                    let _ = js_sys::Reflect::delete_property(&w, &JsValue::from_str(HOOK));
                }
            }
        }
    });
}
