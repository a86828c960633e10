//! Dialogs: `modal`, the keyboard and focus every dialog has, and the notice dialog (results of a
//! bulk action, a refusal) with a close button.
//!
//! `modal` gives every dialog the same keyboard: the first field (or the element marked `data-autofocus`)
//! has the focus when it opens, Tab and Shift+Tab stay inside it, Escape closes it, and when it closes the
//! focus returns to where it was (the button that opened it; if that is gone, its `[data-focus-return]`
//! list). A dialog that replaces another (a confirmation, then its result) returns the focus where the first
//! one would. Enter submits because dialogs with fields are
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

/// Where the focus goes back to when a dialog closes: the element that had it before (usually the button
/// that opened the dialog), else the nearest enclosing `[data-focus-return]` container (a list whose row,
/// and button, went away in the meantime).
#[derive(Clone)]
struct ReturnTo {
    opener: Option<web_sys::HtmlElement>,
    fallback: Option<web_sys::HtmlElement>,
}

impl ReturnTo {
    fn of(el: Option<web_sys::HtmlElement>) -> ReturnTo {
        let fallback = el
            .as_ref()
            .and_then(|e| e.closest("[data-focus-return]").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        ReturnTo {
            opener: el,
            fallback,
        }
    }

    /// The opener, else the same control re-rendered (by its id) after a reload, else the list.
    fn focus(&self) {
        let placed = |e: &Option<web_sys::HtmlElement>| -> Option<web_sys::HtmlElement> {
            let e = e.as_ref()?;
            if e.is_connected() {
                return Some(e.clone());
            }
            let id = e.id();
            (!id.is_empty())
                .then(|| web_sys::window()?.document()?.get_element_by_id(&id))
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        };
        if let Some(el) = placed(&self.opener).or_else(|| placed(&self.fallback)) {
            let _ = el.focus();
        }
    }
}

/// An open dialog: its overlay once mounted, and where it returns the focus.
struct Open {
    id: u64,
    overlay: Option<web_sys::Element>,
    return_to: ReturnTo,
}

thread_local! {
    /// The open dialogs: a dialog opened from inside another (one replacing the other: a confirmation, then
    /// its result) returns the focus where the first one would.
    static OPEN: std::cell::RefCell<Vec<Open>> = const { std::cell::RefCell::new(Vec::new()) };
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// Where the last dialog to close returned the focus: a dialog that follows it after a pause (the
    /// result of a confirmed action) returns the focus there too if the focus is nowhere when it opens.
    static LAST_CLOSED: std::cell::RefCell<Option<ReturnTo>> = const { std::cell::RefCell::new(None) };
}

/// The open dialog whose overlay holds `el`.
fn overlay_of(open: &[Open], el: &web_sys::Element) -> Option<usize> {
    let overlay = el.closest(".modal[role=dialog]").ok().flatten()?;
    open.iter()
        .position(|o| o.overlay.as_ref() == Some(&overlay))
}

/// Where a dialog opening now returns the focus: where the focused element's dialog would (if the focus is
/// inside an open dialog, or nowhere while one is open), else the focused element.
fn return_to_now() -> ReturnTo {
    let here = active_element();
    let nowhere = is_nowhere(here.as_ref());
    OPEN.with(|open| {
        let open = open.borrow();
        let inside = here.as_ref().and_then(|h| overlay_of(&open, h.as_ref()));
        match inside {
            Some(i) => Some(open[i].return_to.clone()),
            None if nowhere => open
                .last()
                .map(|o| o.return_to.clone())
                .or_else(|| LAST_CLOSED.with(|l| l.borrow().clone())),
            None => None,
        }
    })
    .unwrap_or_else(|| ReturnTo::of(here))
}

/// Focuses `dialog`'s first field once it is in the page (a dialog built while the page waits for a reload
/// is mounted later), and for about two seconds gives it the focus again if the focus fell to nowhere (the
/// page around an open dialog re-rendering after a reload drops it). Stops when the dialog closed.
fn keep_focus(dialog: web_sys::Element, id: u64, tries: u32) {
    if tries >= 100 || !OPEN.with(|open| open.borrow().iter().any(|o| o.id == id)) {
        return;
    }
    if dialog.is_connected() {
        let active = active_element();
        let inside = active.as_ref().is_some_and(|a| {
            let a: &web_sys::Element = a.as_ref();
            dialog.contains(Some(a))
        });
        if !inside && (tries == 0 || is_nowhere(active.as_ref())) {
            focus_first(&dialog);
        }
    }
    set_timeout(
        move || keep_focus(dialog, id, tries + 1),
        std::time::Duration::from_millis(20),
    );
}

/// No element has the focus (the document's body has it).
fn is_nowhere(active: Option<&web_sys::HtmlElement>) -> bool {
    let body = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    match (active, &body) {
        (None, _) => true,
        (Some(h), Some(b)) => {
            let h: &web_sys::Element = h.as_ref();
            let b: &web_sys::Element = b.as_ref();
            h == b
        }
        (Some(_), None) => false,
    }
}

/// A dialog closed: once the page has settled (the dialog replacing it, if any, is in place), the focus
/// goes into the dialog that replaced it (unless it is already there), else back where the dialog was
/// opened from.
fn closed(id: u64) {
    let mine = OPEN.with(|open| {
        let mut open = open.borrow_mut();
        let i = open.iter().position(|o| o.id == id)?;
        Some(open.remove(i).return_to)
    });
    if let Some(r) = &mine {
        LAST_CLOSED.with(|l| *l.borrow_mut() = Some(r.clone()));
        // Right away (the usual case: nothing replaces this dialog), and once more when settled.
        let other_open = OPEN.with(|open| !open.borrow().is_empty());
        if !other_open {
            r.focus();
        }
    }
    set_timeout(
        move || {
            let other = OPEN.with(|open| {
                open.borrow()
                    .iter()
                    .rev()
                    .filter_map(|o| o.overlay.clone())
                    .find(|o| o.is_connected())
            });
            match other {
                Some(other) => {
                    let inside = active_element().is_some_and(|a| {
                        let a: &web_sys::Element = a.as_ref();
                        other.contains(Some(a))
                    });
                    if !inside {
                        focus_first(&other);
                    }
                }
                None => {
                    if let Some(r) = mine.filter(|_| is_nowhere(active_element().as_ref())) {
                        r.focus();
                    }
                }
            }
        },
        std::time::Duration::ZERO,
    );
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
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    let return_to = return_to_now();
    OPEN.with(|open| {
        open.borrow_mut().push(Open {
            id,
            overlay: None,
            return_to,
        })
    });
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let el: web_sys::Element = el.into();
            OPEN.with(|open| {
                if let Some(o) = open.borrow_mut().iter_mut().find(|o| o.id == id) {
                    o.overlay = Some(el.clone());
                }
            });
            keep_focus(el, id, 0);
        }
    });
    on_cleanup(move || closed(id));
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
