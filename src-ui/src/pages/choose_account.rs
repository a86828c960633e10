//! The account chooser (issue 10): a password sign-in matched users in several customer accounts, so the
//! user picks one; the single-use token from the portal signs in there. A lazy page of its own, so the
//! sign-in screen's wasm does not carry it.

use kontor_api::{AccountChoice, LoginChoice};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::context::{Ctx, Phase};
use crate::errors::Problem;
use crate::ipc;

#[component]
pub fn ChooseAccountPage(
    choice_token: String,
    accounts: Vec<AccountChoice>,
    remember: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Problem>);
    // The token is single use: after a failed choice only a new sign-in helps.
    let token = RwSignal::new(Some(choice_token));
    let choose = move |account_id: String| {
        let Some(choice_token) = token.get_untracked() else {
            return;
        };
        token.set(None);
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = ipc::login_choose(LoginChoice {
                choice_token,
                account_id,
                remember,
            })
            .await;
            busy.set(false);
            match result {
                Ok(me) => ctx.phase.set(Phase::SignedIn(me)),
                Err(e) => error.set(Some(Problem::Failed(e))),
            }
        });
    };
    view! {
        <main class="center">
            <div class="card narrow">
                <fieldset class="account-choice" id="login-choose">
                    <legend>{move || ctx.t().choose_account_title}</legend>
                    <p class="muted small" role="status">{move || ctx.t().choose_account_hint}</p>
                    {accounts.into_iter().map(|a| {
                        let id = a.account_id.clone();
                        view! {
                            <button type="button" class="secondary choose-account"
                                id=format!("choose-{}", a.customer_number)
                                disabled=move || busy.get() || token.with(|t| t.is_none())
                                on:click=move |_| choose(id.clone())>
                                {format!("{} ({})", a.name, a.customer_number)}
                            </button>
                        }
                    }).collect_view()}
                </fieldset>
                <Show when=move || error.with(|e| e.is_some())>
                    <p class="error" role="alert" id="login-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <button type="button" class="link small" id="choose-back"
                    on:click=move |_| ctx.phase.set(Phase::SignIn { expired: false })>
                    {move || ctx.t().back_to_sign_in}
                </button>
            </div>
        </main>
    }
}
