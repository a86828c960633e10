//! The signed-in frame: header with account, user, language and sign-out, navigation, and the page.

use kontor_api::Me;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::LanguageSwitch;
use crate::context::{Ctx, Page};
use crate::ipc;

#[component]
pub fn Shell(me: Me, children: Children) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let busy = RwSignal::new(false);
    let sign_out = move |_| {
        busy.set(true);
        spawn_local(async move {
            // Local sign-out always happens; a portal that cannot be told is logged by the shell.
            if let Err(e) = ipc::logout().await {
                leptos::logging::warn!("sign-out: {e}");
            }
            ctx.signed_out();
        });
    };
    let role = me.role;
    view! {
        <div class="shell">
            <header class="topbar">
                <span class="brand">"Kontor"</span>
                <nav>
                    <a href="#" id="nav-dashboard" class:active=move || ctx.page.get() == Page::Dashboard
                        on:click=move |ev| { ev.prevent_default(); ctx.page.set(Page::Dashboard); }>
                        {move || ctx.t().nav_dashboard}
                    </a>
                    <Show when=move || role.can_manage_users()>
                        <a href="#" id="nav-users" class:active=move || ctx.page.get() == Page::Users
                            on:click=move |ev| { ev.prevent_default(); ctx.page.set(Page::Users); }>
                            {move || ctx.t().nav_users}
                        </a>
                        <a href="#" id="nav-license" class:active=move || ctx.page.get() == Page::License
                            on:click=move |ev| { ev.prevent_default(); ctx.page.set(Page::License); }>
                            {move || ctx.t().nav_license}
                        </a>
                        <a href="#" id="nav-downloads" class:active=move || ctx.page.get() == Page::Downloads
                            on:click=move |ev| { ev.prevent_default(); ctx.page.set(Page::Downloads); }>
                            {move || ctx.t().nav_downloads}
                        </a>
                    </Show>
                </nav>
                <span class="spacer"></span>
                <span class="who" id="current-user">
                    {me.display_name.clone()}
                    <small>" · "{move || ctx.t().role(role)}</small>
                </span>
                <button id="about" class="link" on:click=move |_| ctx.about.set(true)>{move || ctx.t().about}</button>
                <LanguageSwitch />
                <button id="logout" class="secondary" on:click=sign_out disabled=move || busy.get()>
                    {move || ctx.t().sign_out}
                </button>
            </header>
            <main class="content">{children()}</main>
        </div>
    }
}
