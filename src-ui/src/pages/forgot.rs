//! "Forgot password?": the user gives their e-mail address, the portal mails a code (it answers alike
//! whether or not the address exists), then the user enters the code and a new password twice (the rules
//! shown before typing); the shell sets it and signs in with it. Every other session of the user ends.

use kontor_api::{validate, ErrorDetail, FieldProblem, ResetWithCode};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{LanguageSwitch, StrengthMeter};
use crate::context::{Ctx, Phase};
use crate::errors::{check_new_password, clear_on_change, Problem};
use crate::ipc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Ask,
    Code,
}

/// Which field a problem is about (for `aria-invalid` / `aria-describedby`).
fn field_of(p: &Problem) -> Option<&'static str> {
    match p {
        Problem::Failed(e) => match &e.detail {
            Some(ErrorDetail::Field { field, .. }) => match field.as_str() {
                "email" => Some("email"),
                "code" => Some("code"),
                "new_password" => Some("new_password"),
                _ => None,
            },
            _ => None,
        },
        Problem::Field { .. } => None,
        _ => None,
    }
}

#[component]
pub fn ForgotPasswordPage(email: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let step = RwSignal::new(Step::Ask);
    let email = RwSignal::new(email);
    let code = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Problem>);
    let bad_field = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let watch = move || {
        step.track();
        email.track();
        code.track();
        new.track();
        repeat.track();
    };
    clear_on_change(error, watch);
    clear_on_change(bad_field, watch);
    let fail = move |field: Option<&'static str>, p: Problem| {
        bad_field.set(field.or_else(|| field_of(&p)));
        error.set(Some(p));
    };
    let back = move |_| ctx.phase.set(Phase::SignIn { expired: false });

    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(fe) = validate::email("email", &email.get_untracked()) {
            return fail(
                Some("email"),
                Problem::Field {
                    label: |t| t.email,
                    reason: fe.reason,
                },
            );
        }
        busy.set(true);
        spawn_local(async move {
            let r = ipc::request_password_reset(email.get_untracked()).await;
            busy.set(false);
            match r {
                Ok(()) => step.set(Step::Code),
                Err(e) => fail(None, Problem::Failed(e)),
            }
        });
    };

    let set = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if code.with_untracked(|c| c.trim().is_empty()) {
            return fail(
                Some("code"),
                Problem::Field {
                    label: |t| t.forgot_code,
                    reason: FieldProblem::Required,
                },
            );
        }
        if let Err(p) = check_new_password(&new.get_untracked(), &repeat.get_untracked()) {
            let field = if matches!(p, Problem::Field { .. }) {
                "new_password"
            } else {
                "repeat_password"
            };
            return fail(Some(field), p);
        }
        busy.set(true);
        spawn_local(async move {
            let r = ipc::reset_password_with_code(ResetWithCode {
                email: email.get_untracked(),
                code: code.get_untracked(),
                new_password: new.get_untracked(),
                remember: false,
            })
            .await;
            busy.set(false);
            match r {
                Ok(me) => {
                    new.set(String::new());
                    repeat.set(String::new());
                    ctx.phase.set(Phase::SignedIn(me));
                }
                Err(e) => {
                    let wrong_code = matches!(
                        &e.detail,
                        Some(ErrorDetail::Field { field, problem: FieldProblem::Incorrect, .. })
                            if field == "code"
                    );
                    if wrong_code {
                        fail(
                            Some("code"),
                            Problem::Text(|t| t.lang().forgot().forgot_code_wrong),
                        )
                    } else {
                        fail(None, Problem::Failed(e))
                    }
                }
            }
        });
    };

    let invalid = move |f: &'static str| move || (bad_field.get() == Some(f)).to_string();
    let described = move |f: &'static str, hint: &'static str| {
        move || {
            let ids = if bad_field.get() == Some(f) {
                format!("forgot-error {hint}").trim().to_string()
            } else {
                hint.to_string()
            };
            (!ids.is_empty()).then_some(ids)
        }
    };
    let error_view = move || {
        view! {
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="forgot-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
        }
    };
    view! {
        <main class="center">
            <Show
                when=move || step.get() == Step::Code
                fallback=move || view! {
                    <form class="card narrow" id="forgot-form" on:submit=ask novalidate>
                        <div class="row between"><h1>{move || ctx.lang.get().forgot().forgot_title}</h1><LanguageSwitch /></div>
                        <p class="muted" id="forgot-intro">{move || ctx.lang.get().forgot().forgot_intro}</p>
                        <label for="forgot-email">{move || ctx.t().email}</label>
                        <input id="forgot-email" type="email" autocomplete="username" bind:value=email
                            aria-invalid=invalid("email") aria-describedby=described("email", "") />
                        {error_view}
                        <div class="row">
                            <button type="submit" id="forgot-send" disabled=move || busy.get()>{move || ctx.lang.get().forgot().forgot_send}</button>
                            <button type="button" class="secondary" id="forgot-back" on:click=back>{move || ctx.t().back_to_sign_in}</button>
                        </div>
                    </form>
                }
            >
                <form class="card narrow" id="forgot-code-form" on:submit=set novalidate>
                    <div class="row between"><h1>{move || ctx.lang.get().forgot().forgot_title}</h1><LanguageSwitch /></div>
                    <p class="notice" role="status" id="forgot-sent">{move || ctx.lang.get().forgot().forgot_sent}</p>
                    <label for="forgot-code">{move || ctx.t().forgot_code}</label>
                    <input id="forgot-code" type="text" autocomplete="one-time-code" spellcheck="false" bind:value=code
                        aria-invalid=invalid("code") aria-describedby=described("code", "") />
                    <label for="forgot-new">{move || ctx.t().new_password}</label>
                    <p class="muted small" id="forgot-rules">{move || ctx.t().forgot_rules}</p>
                    <input id="forgot-new" type="password" autocomplete="new-password" bind:value=new
                        aria-invalid=invalid("new_password") aria-describedby=described("new_password", "forgot-rules") />
                    <StrengthMeter password=new known=vec![email.get_untracked()] id="forgot-strength" />
                    <label for="forgot-repeat">{move || ctx.t().repeat_password}</label>
                    <input id="forgot-repeat" type="password" autocomplete="new-password" bind:value=repeat
                        aria-invalid=invalid("repeat_password") aria-describedby=described("repeat_password", "") />
                    {error_view}
                    <div class="row">
                        <button type="submit" id="forgot-submit" disabled=move || busy.get()>{move || ctx.lang.get().forgot().forgot_set}</button>
                        <button type="button" class="secondary" id="forgot-again" on:click=move |_| step.set(Step::Ask)>{move || ctx.lang.get().forgot().forgot_again}</button>
                        <button type="button" class="secondary" id="forgot-back" on:click=back>{move || ctx.t().back_to_sign_in}</button>
                    </div>
                </form>
            </Show>
        </main>
    }
}
