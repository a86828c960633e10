//! `ConfirmDialog`: the question before a destructive action (reset a password, delete users, revoke a
//! license). It says what will happen; Escape and Cancel leave everything as it was, and Cancel has the
//! focus when it opens, so Enter never destroys by accident.

use leptos::html;
use leptos::prelude::*;

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
    let cancel_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = cancel_ref.get() {
            let _ = b.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_cancel();
        }
    };
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby=format!("{id}-title") id=id on:keydown=on_key>
            <div class="card narrow">
                <h2 id=format!("{id}-title")>{title}</h2>
                <div class="confirm-body">{children()}</div>
                <div class="row">
                    <button type="button" id=format!("{id}-yes") class:danger=danger disabled=move || disabled.get()
                        on:click=move |_| on_confirm()>{confirm}</button>
                    <button type="button" id=format!("{id}-no") class="secondary" node_ref=cancel_ref
                        on:click=move |_| on_cancel()>{move || ctx.t().cancel}</button>
                </div>
            </div>
        </div>
    }
}
