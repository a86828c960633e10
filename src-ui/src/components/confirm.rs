//! `ConfirmDialog`: the question before a destructive action (reset a password, delete users, revoke a
//! license). It says what will happen; Escape and Cancel leave everything as it was, and Cancel has the
//! focus when it opens, so Enter never destroys by accident.

use leptos::prelude::*;

use super::dialog::modal;
use crate::context::Ctx;

/// A modal question: `title` and the `children` saying what happens, a confirm button labelled `confirm`
/// (red when `danger`) calling `on_confirm`, and Cancel (or Escape) calling `on_cancel`. The dialog and its
/// buttons have the ids `{id}`, `{id}-yes` and `{id}-no`. `disabled` turns the confirm button off (nothing
/// left to do).
#[component]
pub fn ConfirmDialog(
    id: &'static str,
    title: impl Fn() -> String + Send + Sync + 'static,
    confirm: impl Fn() -> String + Send + Sync + 'static,
    on_confirm: impl Fn() + Copy + 'static,
    on_cancel: impl Fn() + Copy + 'static,
    #[prop(optional)] danger: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let title_id = format!("{id}-title");
    let (modal_ref, modal_keys) = modal(on_cancel);
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby=title_id.clone() id=id
            node_ref=modal_ref on:keydown=modal_keys>
            <div class="card narrow">
                <h2 id=title_id.clone()>{title}</h2>
                <div class="confirm-body">{children()}</div>
                <div class="row actions">
                    <button type="button" id=format!("{id}-yes") class:danger=danger disabled=move || disabled.get()
                        on:click=move |_| on_confirm()>{confirm}</button>
                    <button type="button" id=format!("{id}-no") class="secondary" data-autofocus=""
                        on:click=move |_| on_cancel()>{move || ctx.t().cancel}</button>
                </div>
            </div>
        </div>
    }
}
