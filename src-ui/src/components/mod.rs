//! Widgets and behaviour the pages share: the language switch, a load's fallbacks, the notice dialog, the
//! confirmation before a destructive action, non-blocking notices (toasts), the copy button, file drops and
//! the password strength meter (`zxcvbn`).
//! They import from `context`, `errors`, `i18n` and `ipc` only, never from a page.

pub mod confirm;
pub mod copy;
pub mod dialog;
pub mod file_drop;
pub mod language;
pub mod load;
pub mod strength;
pub mod toast;

pub use confirm::ConfirmDialog;
pub use copy::CopyButton;
pub use dialog::{modal, Notice};
pub use file_drop::{on_file_drop, on_files_drop}; // support9b: on_files_drop
pub use language::LanguageSwitch;
pub use load::{LoadFailed, Loading};
pub use strength::StrengthMeter;
pub use toast::{ToastHost, Toasts};

use leptos::prelude::*;

use crate::i18n::{Part, Template};

/// A [`Template`] as a view: its words as text, each parameter as what `slot` makes of its name (so a
/// number or a version keeps its own element and id while each language orders the sentence).
pub fn sentence(template: Template, slot: impl Fn(&'static str) -> AnyView) -> AnyView {
    template
        .parts()
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => t.into_any(),
            Part::Param(name) => slot(name),
        })
        .collect_view()
        .into_any()
}
