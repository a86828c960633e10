//! Sign-in page: e-mail and password, or the license token from the order mail.

use kontor_api::{validate, ErrorDetail, FieldError, PasswordLogin, TokenLogin};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::LanguageSwitch;
use crate::context::{Ctx, Phase};
use crate::errors::{clear_on_change, Problem};
use crate::i18n::Texts;
use crate::ipc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Password,
    Token,
}

fn field_problem(fe: &FieldError) -> Problem {
    let label: fn(&Texts) -> &'static str = match fe.field {
        "email" => |t| t.email,
        "password" => |t| t.password,
        _ => |t| t.license_token,
    };
    Problem::Field {
        label,
        reason: fe.reason,
    }
}

#[component]
pub fn LoginPage(expired: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let tab = RwSignal::new(Tab::Password);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let error = RwSignal::new(None::<Problem>);
    let bad_field = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    // What the user changes makes an error about it stale.
    clear_on_change(error, move || {
        tab.track();
        email.track();
        password.track();
        token.track();
    });
    clear_on_change(bad_field, move || {
        tab.track();
        email.track();
        password.track();
        token.track();
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The same rules the shell and the server apply, checked here first for an immediate answer.
        let checked = match tab.get_untracked() {
            Tab::Password => validate::email("email", &email.get_untracked())
                .and_then(|_| validate::login_password("password", &password.get_untracked()))
                .map(|_| Tab::Password),
            Tab::Token => {
                validate::license_token("license_token", &token.get_untracked()).map(|_| Tab::Token)
            }
        };
        let which = match checked {
            Ok(w) => w,
            Err(fe) => {
                bad_field.set(Some(fe.field));
                return error.set(Some(field_problem(&fe)));
            }
        };
        bad_field.set(None);
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let remember = remember.get_untracked();
            let result = match which {
                Tab::Password => {
                    ipc::login_password(PasswordLogin {
                        email: email.get_untracked(),
                        password: password.get_untracked(),
                        remember,
                    })
                    .await
                }
                Tab::Token => {
                    ipc::login_token(TokenLogin {
                        license_token: token.get_untracked(),
                        remember,
                    })
                    .await
                }
            };
            busy.set(false);
            match result {
                Ok(me) => {
                    password.set(String::new());
                    ctx.phase.set(Phase::SignedIn(me));
                }
                Err(e) => match e.detail {
                    // The accounts the password matched: the chooser page (lazy) signs in to one.
                    Some(ErrorDetail::ChooseAccount {
                        choice_token,
                        accounts,
                        ..
                    }) => ctx.phase.set(Phase::ChooseAccount {
                        choice_token,
                        accounts,
                        remember,
                    }),
                    _ => error.set(Some(Problem::Failed(e))),
                },
            }
        });
    };

    let invalid = move |f: &'static str| move || (bad_field.get() == Some(f)).to_string();
    view! {
        <main class="center">
            <form class="card narrow" id="login-form" on:submit=submit novalidate>
                <div class="row between">
                    <h1>{move || ctx.t().sign_in_title}</h1>
                    <LanguageSwitch />
                </div>
                <Show when=move || expired>
                    <p class="notice" id="session-expired" role="status">{move || ctx.t().session_expired}</p>
                </Show>
                <div class="tabs" role="tablist">
                    <button type="button" role="tab" id="tab-password"
                        class:active=move || tab.get() == Tab::Password
                        aria-selected=move || (tab.get() == Tab::Password).to_string()
                        on:click=move |_| { tab.set(Tab::Password); error.set(None); }>
                        {move || ctx.t().tab_password}
                    </button>
                    <button type="button" role="tab" id="tab-token"
                        class:active=move || tab.get() == Tab::Token
                        aria-selected=move || (tab.get() == Tab::Token).to_string()
                        on:click=move |_| { tab.set(Tab::Token); error.set(None); }>
                        {move || ctx.t().tab_token}
                    </button>
                </div>
                <Show
                    when=move || tab.get() == Tab::Password
                    fallback=move || view! {
                        <label for="login-token">{move || ctx.t().license_token}</label>
                        <input id="login-token" type="text" autocomplete="off" spellcheck="false"
                            bind:value=token aria-invalid=invalid("license_token") />
                        <p class="muted small">{move || ctx.t().license_token_hint}</p>
                    }
                >
                    <label for="login-email">{move || ctx.t().email}</label>
                    <input id="login-email" type="email" autocomplete="username" bind:value=email
                        aria-invalid=invalid("email") />
                    <label for="login-password">{move || ctx.t().password}</label>
                    <input id="login-password" type="password" autocomplete="current-password"
                        bind:value=password aria-invalid=invalid("password") />
                    <button type="button" class="link small" id="login-forgot"
                        on:click=move |_| ctx.phase.set(Phase::ForgotPassword { email: email.get_untracked() })>
                        {move || ctx.t().forgot_link}
                    </button>
                </Show>
                <label class="check">
                    <input id="login-remember" type="checkbox" bind:checked=remember />
                    {move || ctx.t().remember}
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="login-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <button type="submit" id="login-submit" disabled=move || busy.get()>
                    {move || if busy.get() { ctx.t().signing_in } else { ctx.t().sign_in }}
                </button>
                <p class="muted small" id="portal-address">
                    {move || ctx.t().portal}": "
                    {move || ctx.config.get().and_then(|c| c.portal_url).unwrap_or_default()}
                </p>
            </form>
        </main>
    }
}
