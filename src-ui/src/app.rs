//! The app's top level: start-up (config, language, resumed session) and which page shows. Nothing
//! imports from here; pages take what they share from `context`, `errors` and `components`.
//!
//! Only the first screens (sign-in, the shell and the dashboard) are in the main wasm module. Every other
//! page, the update banner and About dialog, and the update check at start is a `#[lazy]` function (the user
//! menu's password dialog is one in `pages/shell.rs`): `scripts/build-ui.sh` cuts each
//! into a chunk of its own (`wasm-split-cli`) that the webview fetches the first time the page is shown.

use std::future::Future;

use kontor_api::ipc::{PortalStart, Startup};
use kontor_api::Me;
use leptos::lazy;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{ToastHost, Toasts};
use crate::context::{Ctx, Page, Phase, UpdateUi};
use crate::errors::describe;
use crate::i18n::Lang;
use crate::ipc;
use crate::pages::billing_details::BillingDetailsPage;
use crate::pages::choose_account::ChooseAccountPage;
use crate::pages::downloads::DownloadsPage;
use crate::pages::forgot::ForgotPasswordPage;
use crate::pages::invoices::InvoicesPage;
use crate::pages::license::LicensePage;
use crate::pages::password::ChangePasswordPage;
use crate::pages::profile::ProfilePage;
use crate::pages::shell::Shell;
use crate::pages::update::{self, AboutDialog, UpdateBanner};
use crate::pages::{dashboard::Dashboard, login::LoginPage, setup::SetupPage, users::UsersPage};

// The pages that are not on the first screen, each split into a wasm chunk of its own (see above).
#[lazy]
fn setup_page() -> AnyView {
    view! { <SetupPage /> }.into_any()
}
#[lazy]
fn choose_account_page(
    choice_token: String,
    accounts: Vec<kontor_api::AccountChoice>,
    remember: bool,
) -> AnyView {
    view! { <ChooseAccountPage choice_token accounts remember /> }.into_any()
}
#[lazy]
fn change_password_page() -> AnyView {
    view! { <ChangePasswordPage /> }.into_any()
}
#[lazy]
fn forgot_password_page(email: String) -> AnyView {
    view! { <ForgotPasswordPage email /> }.into_any()
}
#[lazy]
fn profile_page() -> AnyView {
    view! { <ProfilePage /> }.into_any()
}
#[lazy]
fn users_page(me: Me) -> AnyView {
    view! { <UsersPage me /> }.into_any()
}
#[lazy]
fn license_page() -> AnyView {
    view! { <LicensePage /> }.into_any()
}
#[lazy]
fn downloads_page() -> AnyView {
    view! { <DownloadsPage /> }.into_any()
}
#[lazy]
fn billing_details_page() -> AnyView {
    view! { <BillingDetailsPage /> }.into_any()
}
#[lazy]
fn locations_page() -> AnyView {
    view! { <crate::pages::locations::LocationsPage /> }.into_any()
}
#[lazy]
fn audit_page() -> AnyView {
    view! { <crate::pages::audit::AuditPage /> }.into_any()
}
#[lazy]
fn invoices_page() -> AnyView {
    view! { <InvoicesPage /> }.into_any()
}
#[lazy]
fn subscription_page() -> AnyView {
    view! { <crate::pages::subscription::SubscriptionPage /> }.into_any()
}
// support9
#[lazy]
fn help_page() -> AnyView {
    view! { <crate::pages::help::HelpPage /> }.into_any()
}
#[lazy]
fn update_ui() -> AnyView {
    view! { <UpdateBanner /><AboutDialog /> }.into_any()
}
/// perf7: the quiet update check after the first screen; it and its answer's decoder are not needed before.
#[lazy]
fn update_check_on_start(ctx: Ctx) {
    update::check(ctx, true);
}

/// Shows a lazily loaded view, with "Loading…" while its chunk is fetched the first time.
fn lazy_view(ctx: Ctx, load: impl Future<Output = AnyView> + Send + 'static) -> AnyView {
    view! {
        <Suspense fallback=move || view! { <p class="center muted">{ctx.t().loading}</p> }>
            {Suspend::new(load)}
        </Suspense>
    }
    .into_any()
}

fn start(ctx: Ctx) {
    ctx.phase.set(Phase::Starting);
    spawn_local(async move {
        let Startup { config, portal } = match ipc::startup().await {
            Ok(s) => s,
            Err(e) => return ctx.phase.set(Phase::StartupFailed(e)),
        };
        ctx.lang
            .set(Lang::pick(config.language.as_deref(), &config.os_locale));
        ctx.config.set(Some(config));
        let (info, phase) = match portal {
            PortalStart::NotConfigured => (None, Phase::Setup),
            PortalStart::Failed { info, error } => (info, Phase::StartupFailed(error)),
            PortalStart::SignIn { info } => (Some(info), Phase::SignIn { expired: false }),
            PortalStart::SignedIn {
                info,
                me,
                dashboard,
            } => {
                ctx.first_dashboard.set_value(dashboard.map(|d| *d));
                (Some(info), Phase::SignedIn(me))
            }
        };
        let reached = info.is_some();
        ctx.info.set(info);
        ctx.phase.set(phase);
        // Once per start, after the first screen: is there a newer Kontor? (Quiet: a portal without
        // releases is not an error.)
        if reached && ctx.update.get_untracked() == UpdateUi::Idle {
            update_check_on_start(ctx).await;
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::new();
    provide_context(ctx);
    Toasts::provide();
    start(ctx);
    let update_wanted = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false)
            || ctx.about.get()
            || !matches!(
                ctx.update.get(),
                UpdateUi::Idle | UpdateUi::Checking | UpdateUi::Current
            )
    });
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
            // The update banner and the About dialog, loaded when first needed and kept from then on.
            <Show when=move || update_wanted.get()>{move || Suspend::new(update_ui())}</Show>
            <ToastHost />
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
                Phase::Setup => lazy_view(ctx, setup_page()),
                Phase::SignIn { expired } => view! { <LoginPage expired /> }.into_any(),
                Phase::ForgotPassword { email } => lazy_view(ctx, forgot_password_page(email)),
                Phase::ChooseAccount { choice_token, accounts, remember } => {
                    lazy_view(ctx, choose_account_page(choice_token, accounts, remember))
                }
                Phase::SignedIn(me) if me.must_change_password => lazy_view(ctx, change_password_page()),
                Phase::SignedIn(me) => {
                    let for_page = me.clone();
                    view! {
                        <Shell me>
                            {
                                let me = for_page.clone();
                                move || match ctx.page.get() {
                                    Page::Users if me.role.can_manage_users() => {
                                        lazy_view(ctx, users_page(me.clone()))
                                    }
                                    Page::License if me.role.can_manage_users() => {
                                        lazy_view(ctx, license_page())
                                    }
                                    // roles9b: a User too, when the vendor allows it.
                                    Page::Downloads if Page::Downloads.open_to(&me) => {
                                        lazy_view(ctx, downloads_page())
                                    }
                                    Page::Profile => lazy_view(ctx, profile_page()),
                                    Page::Billing if me.role.can_manage_billing() => {
                                        lazy_view(ctx, billing_details_page())
                                    }
                                    Page::Locations if me.role.can_manage_users() => {
                                        lazy_view(ctx, locations_page())
                                    }
                                    Page::Audit if me.role.can_manage_users() => {
                                        lazy_view(ctx, audit_page())
    }
                                    Page::Subscription if me.role.can_manage_billing() => {
                                        lazy_view(ctx, subscription_page())
                                    }
                                    Page::Invoices if me.role.can_manage_billing() => {
                                        lazy_view(ctx, invoices_page())
                                    }
                                    // support9: every role.
                                    Page::Help => lazy_view(ctx, help_page()),
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
