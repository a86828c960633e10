//! After signing in with a temporary password: the user chooses their own before anything else. The shell
//! kept the temporary password from the sign-in (in its memory only), so it is asked for only when the shell
//! no longer has it (a session resumed at start). "Back to sign-in" signs out.

use kontor_api::ChangePassword;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::LanguageSwitch;
use crate::context::{Ctx, Phase};
use crate::errors::{check_new_password, clear_on_change, Problem};
use crate::ipc;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    // Whether the shell still has the temporary password; until it answers, the field is not shown.
    let kept =
        LocalResource::new(|| async { ipc::temporary_password_kept().await.unwrap_or(false) });
    let ask_current = move || kept.get().is_some_and(|k| !k);
    let back = move |_| {
        spawn_local(async move {
            let _ = ipc::logout().await;
            ctx.signed_out();
        });
    };
    clear_on_change(error, move || {
        current.track();
        new.track();
        repeat.track();
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(p) = check_new_password(&new.get_untracked(), &repeat.get_untracked()) {
            return error.set(Some(p));
        }
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(
                ipc::change_password(ChangePassword {
                    // Empty: the shell uses the temporary password it kept from the sign-in.
                    current_password: if ask_current() {
                        current.get_untracked()
                    } else {
                        String::new()
                    },
                    new_password: new.get_untracked(),
                })
                .await,
            );
            busy.set(false);
            match r {
                Ok(me) => ctx.phase.set(Phase::SignedIn(me)),
                Err(e) => error.set(Some(Problem::Failed(e))),
            }
        });
    };
    view! {
        <main class="center">
            <form class="card narrow" id="password-form" on:submit=submit novalidate>
                <div class="row between"><h1>{move || ctx.lang.get().password_page().change_password_title}</h1><LanguageSwitch /></div>
                <p class="muted" id="password-intro">{move || if ask_current() { ctx.lang.get().password_page().change_password_intro } else { ctx.lang.get().password_page().first_login_intro }}</p>
                <Show when=ask_current>
                    <label for="current-password">{move || ctx.t().current_password}</label>
                    <input id="current-password" type="password" autocomplete="current-password" bind:value=current />
                </Show>
                <label for="new-password">{move || ctx.t().new_password}</label>
                <input id="new-password" type="password" autocomplete="new-password" bind:value=new />
                <label for="repeat-password">{move || ctx.t().repeat_password}</label>
                <input id="repeat-password" type="password" autocomplete="new-password" bind:value=repeat />
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="password-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <div class="row">
                    <button type="submit" id="password-submit" disabled=move || busy.get()>{move || ctx.t().save_password}</button>
                    <button type="button" class="secondary" id="password-back" on:click=back>{move || ctx.t().back_to_sign_in}</button>
                </div>
            </form>
        </main>
    }
}
