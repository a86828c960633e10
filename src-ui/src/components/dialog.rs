//! Dialogs: `modal`, the keyboard and focus every dialog has, and the notice dialog (results of a
//! bulk action, a refusal) with a close button.
//!
//! `modal` gives every dialog the same keyboard: the first field (or the element marked `data-autofocus`)
//! has the focus when it opens, Tab and Shift+Tab stay inside it, Escape closes it, and when it closes the
//! focus returns to where it was (the button that opened it). Enter submits because dialogs with fields are
//! `<form>`s with a submit button. The card scrolls and a row with the class `actions` stays at its bottom,
//! so the buttons are visible at the smallest window size.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::context::Ctx;

/// What can take the focus inside a dialog, in document (= visual) order.
const FOCUSABLE: &str = "input:not([type=hidden]):not([disabled]), select:not([disabled]), \
    textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";
/// Where the focus goes when a dialog opens: a marked element, else the first field, else the first button.
const FIRST: [&str; 3] = [
    "[data-autofocus]",
    "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])",
    "button:not([disabled]), a[href]",
];

fn active_element() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        // Hidden elements (display: none) have no layout box.
        .filter(|e| e.offset_parent().is_some())
        .collect()
}

fn focus_first(root: &web_sys::Element) {
    for css in FIRST {
        if let Ok(Some(el)) = root.query_selector(css) {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
                return;
            }
        }
    }
}

/// The keyboard and focus of a modal dialog: put the returned `NodeRef` and key handler on the overlay
/// (`<div class="modal" role="dialog" aria-modal="true" node_ref=… on:keydown=…>`). Escape calls `on_close`.
/// A function rather than a wrapper component: a dialog's card captures callbacks that are not `Send`.
pub fn modal(
    on_close: impl Fn() + Copy + 'static,
) -> (
    NodeRef<html::Div>,
    impl Fn(leptos::ev::KeyboardEvent) + Copy + 'static,
) {
    let node = NodeRef::<html::Div>::new();
    // The element that had the focus before the dialog opened (usually the button that opened it).
    let opener = StoredValue::new_local(active_element());
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            focus_first(&el);
        }
    });
    on_cleanup(move || {
        if let Some(el) = opener.try_get_value().flatten() {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            ev.stop_propagation();
            on_close();
        }
        "Tab" => {
            let Some(root) = node.get_untracked() else {
                return;
            };
            let all = focusables(&root);
            let (Some(first), Some(last)) = (all.first(), all.last()) else {
                return;
            };
            let active = active_element();
            let at = |e: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == e);
            if ev.shift_key() && at(first) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && at(last) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    };
    (node, on_key)
}

/// A modal notice; `on_close` dismisses it (also Escape).
#[component]
pub fn Notice(text: String, on_close: impl Fn() + Copy + 'static) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (modal_ref, modal_keys) = modal(on_close);
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="notice-text" id="notice"
            node_ref=modal_ref on:keydown=modal_keys>
            <div class="card narrow">
                <p class="pre" id="notice-text">{text}</p>
                <div class="row actions">
                    <button id="notice-close" on:click=move |_| on_close()>{move || ctx.t().close}</button>
                </div>
            </div>
        </div>
    }
}
