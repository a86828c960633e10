//! The language picker, shown on every page: switches the texts at once and remembers the choice.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::context::Ctx;
use crate::i18n::Lang;
use crate::ipc;

/// The language picker, shown on every page.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let on_change = move |ev| {
        let lang = if event_target_value(&ev) == "de" {
            Lang::De
        } else {
            Lang::En
        };
        ctx.lang.set(lang);
        spawn_local(async move {
            if let Err(e) = ipc::set_language(lang.code().to_string()).await {
                leptos::logging::warn!("language not saved: {e}");
            }
        });
    };
    view! {
        <label class="lang">
            <span class="sr-only">{move || ctx.t().language}</span>
            <select id="language" on:change=on_change prop:value=move || ctx.lang.get().code()>
                <option value="de">"Deutsch"</option>
                <option value="en">"English"</option>
            </select>
        </label>
    }
}
