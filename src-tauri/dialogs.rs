//! Native file dialogs (rfd, asynchronous so the main thread never blocks), and showing a saved file in the
//! system's file manager.
//!
//! A save dialog starts in the folder the user last saved to (remembered in the settings), else in Downloads,
//! Documents or the home folder — never in the app's working directory.
//!
//! Test hooks (debug builds only), because WebDriver cannot drive native dialogs or file managers:
//! `KONTOR_TEST_SAVE_DIR` answers every save dialog with `<dir>/<suggested name>`;
//! `KONTOR_TEST_OPEN_FILE` answers open dialogs; `KONTOR_TEST_DIALOG_LOG` names a file each save dialog
//! appends `save<TAB><start folder><TAB><suggested name>` to, and each "show in folder" `reveal<TAB><path>`
//! (instead of opening a file manager), and each help link opened `browse<TAB><url>` (instead of a browser).

use std::path::{Path, PathBuf};

use crate::state::AppState;

/// The folder a save dialog starts in: the last one used if it still exists, else Downloads, Documents or
/// home (the first that exists); `None` only when none does.
pub fn start_folder(
    last: Option<&Path>,
    downloads: Option<PathBuf>,
    documents: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Option<PathBuf> {
    last.map(Path::to_path_buf)
        .into_iter()
        .chain(downloads)
        .chain(documents)
        .chain(
            home.iter()
                .flat_map(|h| [h.join("Downloads"), h.join("Documents")]),
        )
        .chain(home.clone())
        .find(|d| d.is_absolute() && d.is_dir())
}

/// Asks the user where to save `suggested`; `None` if they cancelled. Remembers the chosen folder for the
/// next dialog, and the file as one "show in folder" may reveal.
pub async fn save_path(
    state: &AppState,
    suggested: &str,
    filter_name: &str,
    extensions: &[&str],
) -> Option<PathBuf> {
    let start = start_folder(
        state.settings().last_folder.as_deref(),
        dirs::download_dir(),
        dirs::document_dir(),
        dirs::home_dir(),
    );
    let chosen = pick_save(start.as_deref(), suggested, filter_name, extensions).await?;
    if let Some(folder) = chosen.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut settings = state.settings();
        if settings.last_folder.as_deref() != Some(folder) {
            settings.last_folder = Some(folder.to_path_buf());
            if let Err(e) = state.save_settings(&settings) {
                tracing::warn!("the last folder is not remembered: {e}");
            }
        }
    }
    state.allow_reveal(&chosen);
    Some(chosen)
}

async fn pick_save(
    start: Option<&Path>,
    suggested: &str,
    filter_name: &str,
    extensions: &[&str],
) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(dir) = std::env::var_os("KONTOR_TEST_SAVE_DIR") {
        let shown = start.map(|s| s.display().to_string()).unwrap_or_default();
        test_log(&format!("save\t{shown}\t{suggested}"));
        return Some(PathBuf::from(dir).join(suggested));
    }
    let mut dialog = rfd::AsyncFileDialog::new()
        .set_file_name(suggested)
        .add_filter(filter_name, extensions);
    if let Some(dir) = start {
        dialog = dialog.set_directory(dir);
    }
    dialog.save_file().await.map(|h| h.path().to_path_buf())
}

/// Asks the user for a file to open; `None` if they cancelled.
/// Test hook (debug builds only): `KONTOR_TEST_OPEN_FILE` answers with that path.
pub async fn open_path(filter_name: &str, extensions: &[&str]) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("KONTOR_TEST_OPEN_FILE") {
        return Some(PathBuf::from(path));
    }
    let mut dialog = rfd::AsyncFileDialog::new().add_filter(filter_name, extensions);
    if let Some(dir) = start_folder(
        None,
        dirs::download_dir(),
        dirs::document_dir(),
        dirs::home_dir(),
    ) {
        dialog = dialog.set_directory(dir);
    }
    dialog.pick_file().await.map(|h| h.path().to_path_buf())
}

/// support9: asks the user for files to attach; empty if they cancelled.
/// Test hook (debug builds only): `KONTOR_TEST_OPEN_FILE` answers with that one path.
pub async fn open_paths(filter_name: &str, extensions: &[&str]) -> Vec<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("KONTOR_TEST_OPEN_FILE") {
        return vec![PathBuf::from(path)];
    }
    let mut dialog = rfd::AsyncFileDialog::new().add_filter(filter_name, extensions);
    if let Some(dir) = start_folder(
        None,
        dirs::download_dir(),
        dirs::document_dir(),
        dirs::home_dir(),
    ) {
        dialog = dialog.set_directory(dir);
    }
    dialog
        .pick_files()
        .await
        .map(|files| files.iter().map(|h| h.path().to_path_buf()).collect())
        .unwrap_or_default()
}

/// support9: opens a web address (already checked by the caller) in the system browser, the URL as one
/// argument of `xdg-open` / `open` / `explorer`, no shell in between.
/// Test hook (debug builds only): with `KONTOR_TEST_DIALOG_LOG` set, appends `browse<TAB><url>` instead.
pub async fn browse(url: &str) -> std::io::Result<()> {
    #[cfg(debug_assertions)]
    if std::env::var_os("KONTOR_TEST_DIALOG_LOG").is_some() {
        test_log(&format!("browse\t{url}"));
        return Ok(());
    }
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    tokio::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

/// Shows `path` in the system's file manager, selected where the file manager can do that (the
/// `org.freedesktop.FileManager1` D-Bus call on Linux, `open -R` on macOS, `explorer /select,` on Windows),
/// else its folder opened with `xdg-open`. Runs nothing but those programs, with the path as one argument.
pub async fn reveal(path: &Path) -> std::io::Result<()> {
    #[cfg(debug_assertions)]
    if std::env::var_os("KONTOR_TEST_DIALOG_LOG").is_some() {
        test_log(&format!("reveal\t{}", path.display()));
        return Ok(());
    }
    reveal_native(path).await
}

#[cfg(target_os = "linux")]
async fn reveal_native(path: &Path) -> std::io::Result<()> {
    use tokio::process::Command;
    let uri = url::Url::from_file_path(path)
        .map_err(|_| std::io::Error::other("not an absolute path"))?;
    let shown = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.FileManager1",
            "--type=method_call",
            "/org/freedesktop/FileManager1",
            "org.freedesktop.FileManager1.ShowItems",
        ])
        .arg(format!("array:string:{uri}"))
        .arg("string:")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await;
    if matches!(shown, Ok(s) if s.success()) {
        return Ok(());
    }
    let folder = path.parent().unwrap_or(path);
    Command::new("xdg-open").arg(folder).spawn().map(|_| ())
}

#[cfg(target_os = "macos")]
async fn reveal_native(path: &Path) -> std::io::Result<()> {
    tokio::process::Command::new("open")
        .arg("-R")
        .arg(path)
        .spawn()
        .map(|_| ())
}

#[cfg(target_os = "windows")]
async fn reveal_native(path: &Path) -> std::io::Result<()> {
    let mut arg = std::ffi::OsString::from("/select,");
    arg.push(path);
    tokio::process::Command::new("explorer")
        .arg(arg)
        .spawn()
        .map(|_| ())
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
async fn reveal_native(path: &Path) -> std::io::Result<()> {
    let _ = path;
    Err(std::io::Error::other("not supported on this system"))
}

#[cfg(debug_assertions)]
fn test_log(line: &str) {
    use std::io::Write;
    if let Some(file) = std::env::var_os("KONTOR_TEST_DIALOG_LOG") {
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| writeln!(f, "{line}"));
        if let Err(e) = written {
            tracing::warn!("dialog test log: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_dialogs_start_in_the_last_folder_then_downloads_documents_home() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_path_buf();
        let (dl, docs, last) = (h.join("Downloads"), h.join("Documents"), h.join("last"));
        // Nothing but home exists.
        assert_eq!(
            start_folder(
                Some(&last),
                Some(dl.clone()),
                Some(docs.clone()),
                Some(h.clone())
            ),
            Some(h.clone())
        );
        std::fs::create_dir(&docs).unwrap();
        assert_eq!(
            start_folder(
                Some(&last),
                Some(dl.clone()),
                Some(docs.clone()),
                Some(h.clone())
            ),
            Some(docs.clone())
        );
        // Found under home even when the system names no Downloads folder.
        std::fs::create_dir(&dl).unwrap();
        assert_eq!(
            start_folder(None, None, None, Some(h.clone())),
            Some(dl.clone())
        );
        std::fs::create_dir(&last).unwrap();
        assert_eq!(
            start_folder(Some(&last), Some(dl.clone()), Some(docs), Some(h.clone())),
            Some(last)
        );
        // A relative folder (the working directory) is never where a dialog starts.
        assert_eq!(start_folder(Some(Path::new(".")), None, None, None), None);
    }
}
