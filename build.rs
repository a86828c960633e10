//! Build script of the desktop app: lets tauri-build read tauri.conf.json and the capabilities.
fn main() {
    tauri_build::build()
}
