//! `CopyButton`: copies a text (a temporary password) to the clipboard through the webview's
//! `navigator.clipboard`, and says whether it worked.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use crate::context::Ctx;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["navigator", "clipboard"], js_name = writeText, catch)]
    async fn write_text(text: &str) -> Result<JsValue, JsValue>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    Copied,
    Failed,
}

/// A small button beside `text`; `label` is its accessible name (what is copied, e.g. whose password).
#[component]
pub fn CopyButton(
    text: String,
    label: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = RwSignal::new(State::Ready);
    let text = StoredValue::new(text);
    let copy = move |_| {
        let text = text.get_value();
        spawn_local(async move {
            state.set(match write_text(&text).await {
                Ok(_) => State::Copied,
                Err(e) => {
                    leptos::logging::warn!("clipboard: {e:?}");
                    State::Failed
                }
            });
        });
    };
    view! {
        <button type="button" class="secondary small copy" aria-label=label title=move || ctx.t().copy
            on:click=copy>
            {move || match state.get() {
                State::Ready => ctx.t().copy,
                State::Copied => ctx.t().copied,
                State::Failed => ctx.t().copy_failed,
            }}
        </button>
    }
}
