//! Entry point of the Kontor desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    kontor_app::run();
}
