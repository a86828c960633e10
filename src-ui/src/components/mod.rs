//! Widgets and behaviour the pages share: the language switch, a load's fallbacks, the notice dialog and
//! file drops. They import from `context`, `errors`, `i18n` and `ipc` only, never from a page.

pub mod dialog;
pub mod file_drop;
pub mod language;
pub mod load;

pub use dialog::Notice;
pub use file_drop::on_file_drop;
pub use language::LanguageSwitch;
pub use load::{LoadFailed, Loading};
