//! The app's top level: start-up (config, language, resumed session) and which page shows.

use kontor_api::ipc::AppConfig;
use kontor_api::{ErrorBody, ErrorCode, Me, PortalInfo};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{Lang, Texts};
use crate::ipc;
use crate::pages::{dashboard::Dashboard, login::LoginPage, setup::SetupPage, users::UsersPage};

/// Where the user is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Starting,
    /// The portal could not be asked at start (network down, server error): message and retry.
    StartupFailed(ErrorBody),
    /// No portal address yet: ask the user.
    Setup,
    SignIn {
        expired: bool,
    },
    SignedIn(Me),
}

/// Which page of the signed-in app shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Dashboard,
    Users,
    License,
    Downloads,
}

/// App-wide state, provided as context.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub phase: RwSignal<Phase>,
    pub info: RwSignal<Option<PortalInfo>>,
    pub config: RwSignal<Option<AppConfig>>,
    pub page: RwSignal<Page>,
    /// The self-update's state (banner and About dialog).
    pub update: RwSignal<crate::pages::update::UpdateUi>,
    /// The About dialog is open.
    pub about: RwSignal<bool>,
}

impl Ctx {
    /// The texts in the current language (tracked: views re-render on a language switch).
    pub fn t(&self) -> &'static Texts {
        self.lang.get().texts()
    }

    /// The session is gone: back to sign-in with a notice.
    pub fn expire(&self) {
        self.page.set(Page::Dashboard);
        self.phase.set(Phase::SignIn { expired: true });
    }

    /// Passes a command result through, sending the user to sign-in if the session expired.
    pub fn guard<T>(&self, r: Result<T, ErrorBody>) -> Result<T, ErrorBody> {
        if matches!(&r, Err(e) if e.code == ErrorCode::Unauthorized) {
            self.expire();
        }
        r
    }
}

/// A user-facing text for a command error: the translation of its code, plus the detail for validation.
pub fn describe(t: &Texts, e: &ErrorBody) -> String {
    match e.code {
        // Validation names the field; internal and unreadable answers carry the detail support needs.
        ErrorCode::Validation | ErrorCode::Internal | ErrorCode::BadResponse => {
            format!("{} ({})", t.error(e.code), e.message)
        }
        code => t.error(code).to_string(),
    }
}

/// An error already put into the user's words, for `<ErrorBoundary>`.
#[derive(Debug, Clone)]
pub struct Shown(pub String);

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Shown {}

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
        if ctx.update.get_untracked() == crate::pages::update::UpdateUi::Idle {
            crate::pages::update::check(ctx, true);
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
    let ctx = Ctx {
        lang: RwSignal::new(Lang::En),
        phase: RwSignal::new(Phase::Starting),
        info: RwSignal::new(None),
        config: RwSignal::new(None),
        page: RwSignal::new(Page::Dashboard),
        update: RwSignal::new(Default::default()),
        about: RwSignal::new(false),
    };
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
        <crate::pages::update::UpdateBanner />
        <crate::pages::update::AboutDialog />
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
                view! { <crate::pages::password::ChangePasswordPage /> }.into_any()
            }
            Phase::SignedIn(me) => {
                let for_page = me.clone();
                view! {
                    <crate::pages::shell::Shell me>
                        {
                            let me = for_page.clone();
                            move || match ctx.page.get() {
                                Page::Users if me.role.can_manage_users() => {
                                    view! { <UsersPage me=me.clone() /> }.into_any()
                                }
                                Page::License if me.role.can_manage_users() => {
                                    view! { <crate::pages::license::LicensePage /> }.into_any()
                                }
                                Page::Downloads if me.role.can_manage_users() => {
                                    view! { <crate::pages::downloads::DownloadsPage /> }.into_any()
                                }
                                _ => view! { <Dashboard /> }.into_any(),
                            }
                        }
                    </crate::pages::shell::Shell>
                }
                    .into_any()
            }
        }}
    }
}

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
