//! Build script of the bare Tauri baseline app used by scripts/bench.sh.
fn main() {
    tauri_build::build()
}
