//! First start without a vendor-configured portal: the user enters the portal address.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::LanguageSwitch;
use crate::context::{Ctx, Phase};
use crate::errors::describe;
use crate::ipc;

#[component]
pub fn SetupPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let url = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = ctx.t();
        let value = match kontor_api::validate::portal_url("url", &url.get_untracked()) {
            Ok(v) => v,
            Err(fe) => return error.set(Some(format!("{} {}", t.setup_url, t.field(fe.reason)))),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match ipc::set_portal_url(value).await {
                Ok(info) => {
                    ctx.info.set(Some(info));
                    ctx.phase.set(Phase::SignIn { expired: false });
                }
                Err(e) => error.set(Some(describe(ctx.t(), &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="center">
            <form class="card narrow" id="setup-form" on:submit=submit novalidate>
                <div class="row between"><h1>{move || ctx.t().setup_title}</h1><LanguageSwitch /></div>
                <p class="muted">{move || ctx.t().setup_intro}</p>
                <label for="portal-url">{move || ctx.t().setup_url}</label>
                <input id="portal-url" type="url" placeholder="https://portal.example.com" bind:value=url
                    aria-invalid=move || error.get().is_some().to_string() />
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="setup-error">{move || error.get()}</p>
                </Show>
                <button type="submit" id="setup-connect" disabled=move || busy.get()>
                    {move || ctx.t().setup_connect}
                </button>
            </form>
        </main>
    }
}
