//! Native file dialogs (rfd, asynchronous so the main thread never blocks).
//!
//! Test hook (debug builds only): `KONTOR_TEST_SAVE_DIR` answers every save dialog with
//! `<dir>/<suggested name>`, because WebDriver cannot drive native dialogs.

use std::path::PathBuf;

/// Asks the user where to save `suggested`; `None` if they cancelled.
pub async fn save_path(suggested: &str, filter_name: &str, extensions: &[&str]) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(dir) = std::env::var_os("KONTOR_TEST_SAVE_DIR") {
        return Some(PathBuf::from(dir).join(suggested));
    }
    rfd::AsyncFileDialog::new()
        .set_file_name(suggested)
        .add_filter(filter_name, extensions)
        .save_file()
        .await
        .map(|h| h.path().to_path_buf())
}

/// Asks the user for a file to open; `None` if they cancelled.
/// Test hook (debug builds only): `KONTOR_TEST_OPEN_FILE` answers with that path.
pub async fn open_path(filter_name: &str, extensions: &[&str]) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("KONTOR_TEST_OPEN_FILE") {
        return Some(PathBuf::from(path));
    }
    rfd::AsyncFileDialog::new()
        .add_filter(filter_name, extensions)
        .pick_file()
        .await
        .map(|h| h.path().to_path_buf())
}
