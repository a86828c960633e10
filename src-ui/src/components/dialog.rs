//! The notice dialog: a text (results of a bulk action, a refusal) and a close button.

use leptos::prelude::*;

use crate::context::Ctx;

/// A modal notice; `on_close` dismisses it.
#[component]
pub fn Notice(text: String, on_close: impl Fn() + Copy + 'static) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <div class="modal" role="dialog" id="notice">
            <div class="card narrow">
                <p class="pre" id="notice-text">{text}</p>
                <button id="notice-close" on:click=move |_| on_close()>{move || ctx.t().close}</button>
            </div>
        </div>
    }
}
