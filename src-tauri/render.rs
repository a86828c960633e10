//! WebKitGTK rendering mode on Linux: without a GPU, WebKit's accelerated compositing runs OpenGL in software
//! (llvmpipe), and every frame costs tens of milliseconds; Kontor then paints without compositing.
//!
//! Measured (BENCHMARKS.md, filter keystroke): under Xvfb without a GPU, an idle double frame took 74 ms
//! composited and 14 ms not; a filter keystroke on 100,000 users 133–176 ms against 24–38 ms.

use std::path::Path;

/// The variable WebKitGTK reads; a value the user set is always kept.
pub const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether to turn compositing off: on Linux, when the user did not decide and there is no DRM render node
/// (`/dev/dri/renderD*`), i.e. no GPU the webview could use.
pub fn should_disable_compositing(user_choice: Option<&str>, dri: &Path) -> bool {
    if !cfg!(target_os = "linux") || user_choice.is_some() {
        return false;
    }
    let has_render_node = std::fs::read_dir(dri)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    !has_render_node
}

/// Applies [`should_disable_compositing`] to this process. Call first thing in `main`, before any thread
/// or the webview starts.
pub fn configure() {
    let choice = std::env::var(DISABLE_COMPOSITING).ok();
    if should_disable_compositing(choice.as_deref(), Path::new("/dev/dri")) {
        // Single-threaded at this point (start of `run`), so changing the environment is sound.
        std::env::set_var(DISABLE_COMPOSITING, "1");
        tracing::info!("no GPU render node: WebKit compositing off ({DISABLE_COMPOSITING}=1)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_is_turned_off_only_without_a_render_node_and_without_a_user_choice() {
        let none = tempfile::tempdir().unwrap();
        let gpu = tempfile::tempdir().unwrap();
        std::fs::write(gpu.path().join("card0"), b"").unwrap();
        std::fs::write(gpu.path().join("renderD128"), b"").unwrap();
        let linux = cfg!(target_os = "linux");
        assert_eq!(should_disable_compositing(None, none.path()), linux);
        assert_eq!(
            should_disable_compositing(None, &none.path().join("missing")),
            linux
        );
        assert!(!should_disable_compositing(None, gpu.path()));
        assert!(
            !should_disable_compositing(Some("0"), none.path()),
            "the user decides"
        );
    }
}
