//! The app's top level: start-up (config, language, resumed session) and which page shows. Nothing
//! imports from here; pages take what they share from `context`, `errors` and `components`.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::context::{Ctx, Page, Phase, UpdateUi};
use crate::errors::describe;
use crate::i18n::Lang;
use crate::ipc;
use crate::pages::downloads::DownloadsPage;
use crate::pages::license::LicensePage;
use crate::pages::password::ChangePasswordPage;
use crate::pages::shell::Shell;
use crate::pages::update::{self, AboutDialog, UpdateBanner};
use crate::pages::{dashboard::Dashboard, login::LoginPage, setup::SetupPage, users::UsersPage};

fn start(ctx: Ctx) {
    ctx.phase.set(Phase::Starting);
    spawn_local(async move {
        let cfg = match ipc::app_config().await {
            Ok(c) => c,
            Err(e) => return ctx.phase.set(Phase::StartupFailed(e)),
        };
        ctx.lang
            .set(Lang::pick(cfg.language.as_deref(), &cfg.os_locale));
        let configured = cfg.portal_url.is_some();
        ctx.config.set(Some(cfg));
        if !configured {
            return ctx.phase.set(Phase::Setup);
        }
        match ipc::portal_info().await {
            Ok(info) => ctx.info.set(Some(info)),
            Err(e) => return ctx.phase.set(Phase::StartupFailed(e)),
        }
        // Once per start: is there a newer Kontor? (Quiet: a portal without releases is not an error.)
        if ctx.update.get_untracked() == UpdateUi::Idle {
            update::check(ctx, true);
        }
        ctx.phase.set(match ipc::resume_session().await {
            Ok(Some(me)) => Phase::SignedIn(me),
            Ok(None) => Phase::SignIn { expired: false },
            Err(e) => Phase::StartupFailed(e),
        });
    });
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::new();
    provide_context(ctx);
    start(ctx);
    Effect::new(move |_| {
        let lang = ctx.lang.get().code();
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("lang", lang);
            }
        }
    });

    view! {
        <Show when=move || ctx.info.get().is_some_and(|i| i.demo)>
            <div id="demo-banner" class="demo-banner" role="status">{move || ctx.t().demo_banner}</div>
        </Show>
        <UpdateBanner />
        <AboutDialog />
        {move || match ctx.phase.get() {
            Phase::Starting => view! { <p class="center muted" id="starting">{ctx.t().loading}</p> }.into_any(),
            Phase::StartupFailed(e) => {
                let t = ctx.t();
                view! {
                    <div class="center card narrow" id="startup-error" role="alert">
                        <h2>{t.startup_failed}</h2>
                        <p class="error">{describe(t, &e)}</p>
                        <button id="startup-retry" on:click=move |_| start(ctx)>{t.retry}</button>
                    </div>
                }
                    .into_any()
            }
            Phase::Setup => view! { <SetupPage /> }.into_any(),
            Phase::SignIn { expired } => view! { <LoginPage expired /> }.into_any(),
            Phase::SignedIn(me) if me.must_change_password => {
                view! { <ChangePasswordPage /> }.into_any()
            }
            Phase::SignedIn(me) => {
                let for_page = me.clone();
                view! {
                    <Shell me>
                        {
                            let me = for_page.clone();
                            move || match ctx.page.get() {
                                Page::Users if me.role.can_manage_users() => {
                                    view! { <UsersPage me=me.clone() /> }.into_any()
                                }
                                Page::License if me.role.can_manage_users() => {
                                    view! { <LicensePage /> }.into_any()
                                }
                                Page::Downloads if me.role.can_manage_users() => {
                                    view! { <DownloadsPage /> }.into_any()
                                }
                                _ => view! { <Dashboard /> }.into_any(),
                            }
                        }
                    </Shell>
                }
                    .into_any()
            }
        }}
    }
}
