//! Non-blocking notices ("3 users deleted."): a `Toasts` context any page shows a message through, and
//! `ToastHost`, the live region (`role="status"`) that shows it and lets it go by itself. A message is
//! kept as a function of the texts, so a language switch while it shows re-renders it.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::context::Ctx;
use crate::i18n::Texts;

/// How long a notice stays: a success briefly, a partial failure longer (it says what to look at).
const SUCCESS: Duration = Duration::from_secs(6);
const TROUBLE: Duration = Duration::from_secs(15);

/// A message in the user's words, put into the current language whenever it is shown.
pub type Message = Arc<dyn Fn(&Texts) -> String + Send + Sync>;

#[derive(Clone)]
struct Shown {
    serial: u64,
    text: Message,
    trouble: bool,
}

/// The notices, provided as context by the app (`Toasts::provide`) and rendered by [`ToastHost`].
#[derive(Clone, Copy)]
pub struct Toasts {
    current: RwSignal<Option<Shown>>,
    serial: StoredValue<u64>,
}

impl Toasts {
    /// Makes the notices available to every page below.
    pub fn provide() -> Toasts {
        let toasts = Toasts {
            current: RwSignal::new(None),
            serial: StoredValue::new(0),
        };
        provide_context(toasts);
        toasts
    }

    /// A success: shown for a few seconds, replacing any notice before it.
    pub fn success(self, text: impl Fn(&Texts) -> String + Send + Sync + 'static) {
        self.show(Arc::new(text), false);
    }

    /// A result that needs a look (part of a bulk action failed): shown longer, styled as a warning.
    pub fn trouble(self, text: impl Fn(&Texts) -> String + Send + Sync + 'static) {
        self.show(Arc::new(text), true);
    }

    fn show(self, text: Message, trouble: bool) {
        self.serial.update_value(|s| *s += 1);
        let serial = self.serial.get_value();
        self.current.set(Some(Shown {
            serial,
            text,
            trouble,
        }));
        let current = self.current;
        set_timeout(
            move || {
                // Only this notice goes: a newer one keeps its own time.
                if current.with_untracked(|c| c.as_ref().is_some_and(|s| s.serial == serial)) {
                    current.set(None);
                }
            },
            if trouble { TROUBLE } else { SUCCESS },
        );
    }

    /// Takes the notice away now.
    pub fn dismiss(self) {
        self.current.set(None);
    }
}

/// The live region the notices appear in (bottom centre of the window, above the page and its dialogs).
#[component]
pub fn ToastHost() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    view! {
        <div class="toasts" id="toasts" role="status" aria-live="polite">
            {move || toasts.current.get().map(|s| view! {
                <div class="toast" class:trouble=s.trouble id="toast">
                    <span class="pre" id="toast-text">{move || (s.text)(ctx.t())}</span>
                    <button type="button" class="link" id="toast-close" aria-label=move || ctx.t().close
                        on:click=move |_| toasts.dismiss()>"×"</button>
                </div>
            })}
        </div>
    }
}
