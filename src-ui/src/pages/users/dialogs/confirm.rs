//! "Delete the selected users?": the confirmation before a delete.

use leptos::prelude::*;

use super::kind::Dialog;
use crate::context::Ctx;

/// "Delete the selected users?" — `on_yes` deletes them.
#[component]
pub fn ConfirmDelete(
    dialog: RwSignal<Dialog>,
    on_yes: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <div class="modal" role="dialog" id="confirm-delete">
            <div class="card narrow">
                <p>{move || ctx.t().confirm_delete}</p>
                <div class="row">
                    <button id="confirm-delete-yes" class="danger" on:click=move |_| { dialog.set(Dialog::None); on_yes(); }>{move || ctx.t().delete_selected}</button>
                    <button class="secondary" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().cancel}</button>
                </div>
            </div>
        </div>
    }
}
