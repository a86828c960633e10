//! Baseline "hello" Tauri app for scripts/bench.sh: a window showing dist/index.html, nothing else.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("hello: could not start");
}
