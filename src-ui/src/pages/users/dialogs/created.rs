//! The confirmation screen after creating or importing users, or after a password reset: the temporary
//! passwords, each with a copy button and "E-mail it" (through the portal's outbox), to save as CSV or print.

use kontor_api::CreatedUser;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::kind::Dialog;
use crate::components::{modal, CopyButton, Toasts};
use crate::context::Ctx;
use crate::errors::Problem;
use crate::ipc;

/// The confirmation screen: names and temporary passwords, saved as CSV through the native dialog or printed.
/// `reset`: the password of one existing user was reset (titled so), not users created.
#[component]
pub fn CreatedDialog(
    users: Vec<CreatedUser>,
    dialog: RwSignal<Dialog>,
    #[prop(optional)] reset: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let saved = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<Problem>);
    let for_save = users.clone();
    let save = move |_| {
        let users = for_save.clone();
        spawn_local(async move {
            match ipc::save_credentials_csv(users, "kontor-users.csv".into()).await {
                Ok(f) => saved.set(f.path),
                Err(e) => error.set(Some(Problem::Refused(e))),
            }
        });
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let (modal_ref, modal_keys) = modal(move || dialog.set(Dialog::None));
    view! {
        <div class="modal printable" role="dialog" aria-modal="true" aria-labelledby="created-title" id="created-dialog"
            node_ref=modal_ref on:keydown=modal_keys>
            <div class="card wide">
                <h2 id="created-title">{move || if reset { ctx.lang.get().users_page().reset_done_title } else { ctx.lang.get().users_page().created_title }}</h2>
                <p class="muted">{move || if reset { ctx.lang.get().users_page().reset_done_intro } else { ctx.lang.get().users_page().created_intro }}</p>
                <table class="credentials" id="created-users">
                    <thead><tr>
                        <th>{move || ctx.t().col_name}</th><th>{move || ctx.lang.get().users_page().col_email}</th><th>{move || ctx.t().temporary_password}</th>
                    </tr></thead>
                    <tbody>
                        {users.into_iter().map(|u| {
                            let name = u.display_name.clone();
                            let (id, email, password) = (u.id.clone(), u.email.clone(), u.temporary_password.clone());
                            let label_email = u.email.clone();
                            // Through the portal's outbox, in the user's language.
                            let mail = move |_| {
                                let (id, email, password) = (id.clone(), email.clone(), password.clone());
                                spawn_local(async move {
                                    match ipc::mail_temporary_password(id, password).await {
                                        Ok(()) => toasts.success(move |t| (t.lang().users_page().mail_temp_password_sent)(&email)),
                                        Err(e) => error.set(Some(Problem::Refused(e))),
                                    }
                                });
                            };
                            view! {
                                <tr data-email=u.email.clone()><td>{u.display_name}</td><td>{u.email.clone()}</td>
                                    <td class="password-cell"><span class="mono temp-password">{u.temporary_password.clone()}</span>
                                        <CopyButton text=u.temporary_password label=move || (ctx.lang.get().users_page().copy_password_of)(&name) />
                                        <button type="button" class="secondary small mail-password no-print"
                                            aria-label=move || (ctx.lang.get().users_page().mail_temp_password_label)(&label_email)
                                            on:click=mail>{move || ctx.lang.get().users_page().mail_temp_password}</button>
                                    </td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <Show when=move || saved.get().is_some()>
                    <p class="notice" id="saved-path">{move || saved.get().map(|p| (ctx.lang.get().users_page().saved_to_path)(&p))}</p>
                </Show>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <div class="row actions no-print">
                    <button id="save-csv" on:click=save>{move || ctx.lang.get().users_page().save_csv}</button>
                    <button class="secondary" id="print" on:click=print>{move || ctx.lang.get().users_page().print}</button>
                    <button class="secondary" id="created-close" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().close}</button>
                </div>
            </div>
        </div>
    }
}
