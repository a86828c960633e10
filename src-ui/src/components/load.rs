//! The two faces of a load shown through `<Transition>` + `<ErrorBoundary>`: `Loading` while the first
//! answer is on its way, `LoadFailed` (the errors in the user's words and a retry) when it failed.

use leptos::prelude::*;

use crate::context::Ctx;

/// The `<Transition>` fallback: "Loading…".
#[component]
pub fn Loading() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! { <p class="muted">{move || ctx.t().loading}</p> }
}

/// The `<ErrorBoundary>` fallback: each error (a `Shown`, already described) and a retry button.
#[component]
pub fn LoadFailed(
    errors: ArcRwSignal<Errors>,
    /// Loads again, e.g. `resource.refetch()`.
    on_retry: impl Fn() + Copy + 'static,
    /// The card's element id, for pages the tests address.
    #[prop(optional)]
    id: Option<&'static str>,
    /// The retry button's element id.
    #[prop(optional)]
    retry_id: Option<&'static str>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <div class="card" role="alert" id=id>
            <ul class="error">
                {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
            </ul>
            <button id=retry_id on:click=move |_| on_retry()>{move || ctx.t().retry}</button>
        </div>
    }
}
