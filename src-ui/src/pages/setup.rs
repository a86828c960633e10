//! First start without a vendor-configured portal: the user enters the portal address.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::LanguageSwitch;
use crate::context::{Ctx, Phase};
use crate::errors::{clear_on_change, Problem};
use crate::ipc;

#[component]
pub fn SetupPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let url = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    clear_on_change(error, move || url.track());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = match kontor_api::validate::portal_url("url", &url.get_untracked()) {
            Ok(v) => v,
            Err(fe) => {
                return error.set(Some(Problem::Field {
                    label: |t| t.setup_url,
                    reason: fe.reason,
                }))
            }
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match ipc::set_portal_url(value).await {
                Ok(info) => {
                    ctx.info.set(Some(info));
                    ctx.phase.set(Phase::SignIn { expired: false });
                }
                Err(e) => error.set(Some(Problem::Failed(e))),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="center">
            <form class="card narrow" id="setup-form" on:submit=submit novalidate>
                <div class="row between"><h1>{move || ctx.lang.get().setup().setup_title}</h1><LanguageSwitch /></div>
                <p class="muted">{move || ctx.lang.get().setup().setup_intro}</p>
                <label for="portal-url">{move || ctx.t().setup_url}</label>
                <input id="portal-url" type="url" placeholder="https://portal.example.com" bind:value=url
                    aria-invalid=move || error.get().is_some().to_string() />
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="setup-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <button type="submit" id="setup-connect" disabled=move || busy.get()>
                    {move || ctx.lang.get().setup().setup_connect}
                </button>
            </form>
        </main>
    }
}
