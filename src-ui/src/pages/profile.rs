//! The own profile (from the user menu, every role): name and the language of the portal's mails, the
//! e-mail address (changed by a code sent to the new address; acct9), the password (rules shown before
//! typing), and where the user is signed in (device, start, last use, IP) with "Sign out everywhere else"
//! (asked first).

use kontor_api::{validate, ChangePassword, ErrorDetail, Profile, UpdateProfile};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{ConfirmDialog, LoadFailed, Loading, StrengthMeter, Toasts};
use crate::context::Ctx;
use crate::errors::{check_new_password, clear_on_change, Problem, Shown};
use crate::i18n::{EmailChangeTexts, Texts, DE, EMAIL_CHANGE_DE, EMAIL_CHANGE_EN};
use crate::ipc;

/// acct9: the e-mail change texts in the current language (tracked, as `ctx.t()`).
fn ec(ctx: Ctx) -> &'static EmailChangeTexts {
    ctx.lang.get().email_change()
}

/// The e-mail change texts in the language of `t` (for toasts, which keep a function of the texts).
fn ect(t: &Texts) -> &'static EmailChangeTexts {
    if std::ptr::eq(t, &DE) {
        &EMAIL_CHANGE_DE
    } else {
        &EMAIL_CHANGE_EN
    }
}

/// A Unix time as local date and time in the UI's language.
fn local_time(lang: &str, unix: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    String::from(d.to_locale_string(lang, &wasm_bindgen::JsValue::UNDEFINED))
}

#[component]
fn ProfileForm(profile: Profile) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let name = RwSignal::new(profile.display_name.clone());
    let language = RwSignal::new(profile.language.clone());
    let error = RwSignal::new(None::<Problem>);
    let bad_name = RwSignal::new(false);
    let busy = RwSignal::new(false);
    clear_on_change(error, move || {
        name.track();
        language.track();
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(fe) = validate::display_name("display_name", &name.get_untracked()) {
            bad_name.set(true);
            return error.set(Some(Problem::Field {
                label: |t| t.col_name,
                reason: fe.reason,
            }));
        }
        bad_name.set(false);
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(
                ipc::update_profile(UpdateProfile {
                    display_name: name.get_untracked(),
                    language: language.get_untracked(),
                })
                .await,
            );
            busy.set(false);
            match r {
                Ok(_) => toasts.success(|t| t.lang().profile().profile_saved.to_string()),
                Err(e) => {
                    bad_name.set(matches!(&e.detail, Some(ErrorDetail::Field { field, .. }) if field == "display_name"));
                    error.set(Some(Problem::Failed(e)));
                }
            }
        });
    };
    view! {
        <form class="card" id="profile-form" on:submit=submit novalidate>
            <h2>{move || ctx.lang.get().profile().profile_details}</h2>
            <label>{move || ctx.t().email}</label>
            <p id="profile-email">{profile.email.clone()}</p>
            <label for="profile-name">{move || ctx.t().col_name}</label>
            <input id="profile-name" type="text" autocomplete="name" bind:value=name
                aria-invalid=move || bad_name.get().to_string()
                aria-describedby=move || bad_name.get().then_some("profile-error") />
            <label for="profile-language">{move || ctx.lang.get().profile().profile_mail_language}</label>
            <select id="profile-language" bind:value=language>
                <option value="de">"Deutsch"</option>
                <option value="en">"English"</option>
            </select>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="profile-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            <div class="row actions">
                <button type="submit" id="profile-save" disabled=move || busy.get()>{move || ctx.lang.get().profile().profile_save}</button>
            </div>
        </form>
    }
}

/// acct9: change the own e-mail address. The new address gets a code; the address changes only when the
/// code is entered here (the portal answers alike whether or not the address can be used).
#[component]
fn EmailForm(current: String, on_changed: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let new_email = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // The address a code was sent to; `None` before.
    let sent_to = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<Problem>);
    let bad_email = RwSignal::new(false);
    let bad_code = RwSignal::new(false);
    let busy = RwSignal::new(false);
    clear_on_change(error, move || {
        new_email.track();
        code.track();
    });
    let field_of = |e: &kontor_api::ErrorBody| match &e.detail {
        Some(ErrorDetail::Field { field, .. }) => Some(field.clone()),
        Some(ErrorDetail::EmailInUse { .. }) => Some("new_email".to_string()),
        _ => None,
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = new_email.get_untracked();
        if let Err(fe) = validate::email("new_email", &wanted) {
            bad_email.set(true);
            return error.set(Some(Problem::Field {
                label: |t| t.email,
                reason: fe.reason,
            }));
        }
        bad_email.set(false);
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::request_email_change(wanted.clone()).await);
            busy.set(false);
            match r {
                Ok(()) => {
                    code.set(String::new());
                    sent_to.set(Some(wanted.trim().to_lowercase()));
                }
                Err(e) => {
                    bad_email.set(field_of(&e).as_deref() == Some("new_email"));
                    error.set(Some(Problem::Failed(e)));
                }
            }
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if code.with_untracked(|c| c.trim().is_empty()) {
            bad_code.set(true);
            return error.set(Some(Problem::Field {
                label: |t| t.forgot_code,
                reason: kontor_api::FieldProblem::Required,
            }));
        }
        bad_code.set(false);
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::confirm_email_change(code.get_untracked()).await);
            busy.set(false);
            match r {
                Ok(p) => {
                    sent_to.set(None);
                    new_email.set(String::new());
                    code.set(String::new());
                    let email = p.email.clone();
                    toasts.success(move |t| (ect(t).email_changed)(&email));
                    on_changed.run(());
                }
                Err(e) => {
                    bad_code.set(field_of(&e).as_deref() == Some("code"));
                    error.set(Some(Problem::Failed(e)));
                }
            }
        });
    };
    let cancel = move |_| {
        sent_to.set(None);
        code.set(String::new());
        error.set(None);
    };
    let error_view = move || {
        view! {
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="email-change-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
        }
    };
    view! {
        <div class="card" id="email-change-card">
            <h2>{move || ec(ctx).email_title}</h2>
            <label>{move || ec(ctx).email_current}</label>
            <p id="email-current">{current}</p>
            <Show when=move || sent_to.get().is_none()>
                <form id="email-change-form" on:submit=send novalidate>
                    <label for="email-new">{move || ec(ctx).email_new}</label>
                    <p class="muted small" id="email-help">{move || ec(ctx).email_help}</p>
                    <input id="email-new" type="email" autocomplete="email" bind:value=new_email
                        aria-invalid=move || bad_email.get().to_string()
                        aria-describedby=move || if bad_email.get() { "email-help email-change-error" } else { "email-help" } />
                    {error_view}
                    <div class="row actions">
                        <button type="submit" id="email-send-code" disabled=move || busy.get()>{move || ec(ctx).email_send_code}</button>
                    </div>
                </form>
            </Show>
            <Show when=move || sent_to.get().is_some()>
                <form id="email-confirm-form" on:submit=confirm novalidate>
                    <p id="email-code-sent" role="status">{move || sent_to.get().map(|a| (ec(ctx).email_code_sent)(&a))}</p>
                    <label for="email-code">{move || ec(ctx).email_code}</label>
                    <input id="email-code" type="text" autocomplete="one-time-code" bind:value=code
                        aria-invalid=move || bad_code.get().to_string()
                        aria-describedby=move || bad_code.get().then_some("email-change-error") />
                    {error_view}
                    <div class="row actions">
                        <button type="button" class="secondary" id="email-cancel" on:click=cancel>{move || ec(ctx).email_cancel}</button>
                        <button type="submit" id="email-confirm" disabled=move || busy.get()>{move || ec(ctx).email_confirm}</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

/// Change the own password: the current one, the new one twice; the rules are shown before typing. The
/// portal ends the user's other sessions.
#[component]
fn PasswordForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    clear_on_change(error, move || {
        current.track();
        new.track();
        repeat.track();
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if current.with_untracked(String::is_empty) {
            return error.set(Some(Problem::Field {
                label: |t| t.current_password,
                reason: kontor_api::FieldProblem::Required,
            }));
        }
        if let Err(p) = check_new_password(&new.get_untracked(), &repeat.get_untracked()) {
            return error.set(Some(p));
        }
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(
                ipc::change_password(ChangePassword {
                    current_password: current.get_untracked(),
                    new_password: new.get_untracked(),
                })
                .await,
            );
            busy.set(false);
            match r {
                Ok(_) => {
                    current.set(String::new());
                    new.set(String::new());
                    repeat.set(String::new());
                    toasts.success(|t| t.password_changed.to_string());
                }
                Err(e) => error.set(Some(Problem::Failed(e))),
            }
        });
    };
    let bad = move || error.get().is_some().to_string();
    view! {
        <form class="card" id="profile-password-form" on:submit=submit novalidate>
            <h2>{move || ctx.t().menu_change_password}</h2>
            <label for="profile-current-password">{move || ctx.t().current_password}</label>
            <input id="profile-current-password" type="password" autocomplete="current-password" bind:value=current />
            <label for="profile-new-password">{move || ctx.t().new_password}</label>
            <p class="muted small" id="profile-password-rules">{move || ctx.t().forgot_rules}</p>
            <input id="profile-new-password" type="password" autocomplete="new-password" bind:value=new
                aria-describedby="profile-password-rules" aria-invalid=bad />
            <StrengthMeter password=new id="profile-strength" />
            <label for="profile-repeat-password">{move || ctx.t().repeat_password}</label>
            <input id="profile-repeat-password" type="password" autocomplete="new-password" bind:value=repeat aria-invalid=bad />
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="profile-password-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            <div class="row actions">
                <button type="submit" id="profile-password-save" disabled=move || busy.get()>{move || ctx.t().save_password}</button>
            </div>
        </form>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let profile = LocalResource::new(move || async move {
        ctx.guard(ipc::profile().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    let sessions = LocalResource::new(move || async move {
        ctx.guard(ipc::sessions().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    let asking = RwSignal::new(false);
    let end_others = move || {
        asking.set(false);
        spawn_local(async move {
            match ctx.guard(ipc::end_other_sessions().await) {
                Ok(n) => {
                    let n = n.ended;
                    toasts.success(move |t| t.lang().profile().sessions_ended.of(n));
                    sessions.refetch();
                }
                Err(e) => toasts.trouble(move |t| crate::errors::describe(t, &e)),
            }
        });
    };
    view! {
        <section class="page" id="profile-page">
            <h1>{move || ctx.lang.get().profile().profile_title}</h1>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || profile.refetch() /> }>
                    {move || Suspend::new(async move {
                        profile.await.map(|p| {
                            let current = p.email.clone();
                            view! {
                                <ProfileForm profile=p />
                                <EmailForm current on_changed=Callback::new(move |()| profile.refetch()) />
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            <PasswordForm />
            <div class="card" id="sessions-card">
                <h2>{move || ctx.lang.get().profile().sessions_title}</h2>
                <Transition fallback=Loading>
                    <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || sessions.refetch() /> }>
                        {move || Suspend::new(async move {
                            sessions.await.map(|list| {
                                let lang = ctx.lang.get().code();
                                let others = list.sessions.iter().filter(|s| !s.current).count();
                                view! {
                                    <table id="sessions">
                                        <thead><tr>
                                            <th>{move || ec(ctx).sessions_device}</th>
                                            <th>{move || ctx.lang.get().profile().sessions_started}</th>
                                            <th>{move || ctx.lang.get().profile().sessions_last_used}</th>
                                            <th>{move || ctx.lang.get().profile().sessions_ip}</th>
                                            <th></th>
                                        </tr></thead>
                                        <tbody>
                                            {list.sessions.into_iter().map(|s| view! {
                                                <tr class:current=s.current>
                                                    <td class="session-device">{s.device.clone().unwrap_or_default()}</td>
                                                    <td class="nowrap">{local_time(lang, s.started_at)}</td>
                                                    <td class="nowrap">{local_time(lang, s.last_used_at)}</td>
                                                    <td class="mono">{s.ip.unwrap_or_default()}</td>
                                                    <td>{s.current.then(|| view! { <span class="badge">{move || ctx.lang.get().profile().sessions_this}</span> })}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <div class="row actions">
                                        <button type="button" class="secondary" id="end-others" disabled=others == 0
                                            on:click=move |_| asking.set(true)>{move || ctx.lang.get().profile().sessions_end_others}</button>
                                    </div>
                                }
                            })
                        })}
                    </ErrorBoundary>
                </Transition>
            </div>
            <Show when=move || asking.get()>
                <ConfirmDialog id="confirm-end-others" danger=true
                    title=move || ctx.lang.get().profile().sessions_end_others.to_string()
                    confirm=move || ctx.lang.get().profile().sessions_end_others_confirm.to_string()
                    on_confirm=end_others
                    on_cancel=move || asking.set(false)>
                    <p>{move || ctx.lang.get().profile().sessions_end_others_body}</p>
                </ConfirmDialog>
            </Show>
        </section>
    }
}
