//! The signed-in frame: a fixed header with the navigation on one line and the user menu (name and role,
//! language, password change, about, sign-out), and the page below it, which scrolls on its own; grouped
//! pages show their group's tabs above them (roles9b).

use kontor_api::{ChangePassword, Me};
use leptos::html;
use leptos::lazy;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::components::{modal, LanguageSwitch, Toasts};
use crate::context::{Ctx, Page};
use crate::errors::{check_new_password, clear_on_change, Problem};
use crate::ipc;

#[component]
pub fn Shell(me: Me, children: Children) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let busy = RwSignal::new(false);
    let menu_open = RwSignal::new(false);
    let password = RwSignal::new(false);
    let menu_ref = NodeRef::<html::Div>::new();
    let sign_out = move |_| {
        busy.set(true);
        menu_open.set(false);
        spawn_local(async move {
            // Local sign-out always happens; a portal that cannot be told is logged by the shell.
            if let Err(e) = ipc::logout().await {
                leptos::logging::warn!("sign-out: {e}");
            }
            ctx.signed_out();
        });
    };
    // The menu closes when the focus leaves it (a click elsewhere, Tab past its end) and on Escape.
    let on_focus_out = move |ev: leptos::ev::FocusEvent| {
        let inside = match (menu_ref.get_untracked(), ev.related_target()) {
            (Some(menu), Some(to)) => to
                .dyn_ref::<web_sys::Node>()
                .is_some_and(|n| menu.contains(Some(n))),
            _ => false,
        };
        if !inside {
            menu_open.set(false);
        }
    };
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && menu_open.get_untracked() {
            ev.prevent_default();
            menu_open.set(false);
            if let Some(b) = document().get_element_by_id("user-menu") {
                if let Ok(b) = b.dyn_into::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        }
    };
    let role = me.role;
    // roles9b: one entry per page group (`Page::group`); it opens the group's first page the user may open
    // and is marked while any page of the group shows. The group's pages are tabs on the page
    // ([`PageTabs`]). An Owner has six entries, which fit one row at the minimum window width.
    let nav_me = me.clone();
    let nav = move |group: &'static [Page],
                    id: &'static str,
                    label: fn(&crate::i18n::Texts) -> &'static str| {
        let first = group.iter().copied().find(|p| p.open_to(&nav_me));
        first.map(|first| {
            let here = move || group.contains(&ctx.page.get());
            view! {
                <a href="#" id=id class:active=here
                    aria-current=move || here().then_some("page")
                    on:click=move |ev| { ev.prevent_default(); ctx.page.set(first); }>
                    {move || label(ctx.t())}
                </a>
            }
        })
    };
    let tabs_me = me.clone();
    view! {
        <div class="shell">
            <header class="topbar">
                <span class="brand">"Kontor"</span>
                <nav aria-label=move || ctx.t().menu_navigation>
                    {nav(Page::Dashboard.group(), "nav-dashboard", |t| t.nav_dashboard)}
                    {nav(Page::Users.group(), "nav-users", |t| t.nav_users)}
                    {nav(Page::Downloads.group(), "nav-downloads", |t| t.nav_downloads)}
                    {nav(Page::Locations.group(), "nav-locations", |t| t.nav_locations)}
                    {nav(Page::Audit.group(), "nav-audit", |t| t.nav_audit)}
                    {nav(Page::Billing.group(), "nav-billing", |t| t.nav_billing_group)}
                </nav>
                <span class="spacer"></span>
                <div class="user-menu" node_ref=menu_ref on:focusout=on_focus_out on:keydown=on_menu_key>
                    <button type="button" id="user-menu" class="menu-button" aria-haspopup="true"
                        aria-controls="user-menu-items" aria-expanded=move || menu_open.get().to_string()
                        title=me.display_name.clone()
                        on:click=move |_| menu_open.update(|o| *o = !*o)>
                        <span class="who" id="current-user">
                            <span class="who-name">{me.display_name.clone()}</span>
                            <small class="who-role">" · "{move || ctx.t().role(role)}</small>
                        </span>
                        <span class="caret" aria-hidden="true">"▾"</span>
                    </button>
                    <div class="menu" id="user-menu-items" hidden=move || !menu_open.get()>
                        <p class="menu-who"><b>{me.display_name.clone()}</b><br />
                            <span class="muted small">{me.email.clone()}" · "{move || ctx.t().role(role)}</span></p>
                        <LanguageSwitch />
                        <button type="button" id="menu-profile" class="menu-item"
                            on:click=move |_| { menu_open.set(false); ctx.page.set(Page::Profile); }>
                            {move || ctx.t().menu_profile}
                        </button>
                        // support9: Help and support, every role.
                        <button type="button" id="menu-help" class="menu-item"
                            on:click=move |_| { menu_open.set(false); ctx.page.set(Page::Help); }>
                            {move || ctx.t().menu_help}
                        </button>
                        <button type="button" id="change-password" class="menu-item"
                            on:click=move |_| { menu_open.set(false); password.set(true); }>
                            {move || ctx.t().menu_change_password}
                        </button>
                        <button type="button" id="about" class="menu-item"
                            on:click=move |_| { menu_open.set(false); ctx.about.set(true); }>
                            {move || ctx.t().about}
                        </button>
                        <button type="button" id="logout" class="menu-item" on:click=sign_out disabled=move || busy.get()>
                            {move || ctx.t().sign_out}
                        </button>
                    </div>
                </div>
            </header>
            <main class="content"><PageTabs me=tabs_me />{children()}</main>
            <Show when=move || password.get()>
                {move || Suspend::new(password_dialog(Callback::new(move |()| password.set(false))))}
            </Show>
        </div>
    }
}

/// roles9b: the tabs of the showing page's group (`Page::group`) that the user may open, when there are two
/// or more: links in a labelled navigation, the showing one marked `aria-current="page"`.
#[component]
fn PageTabs(me: Me) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let page = ctx.page.get();
        let tabs: Vec<Page> = page
            .group()
            .iter()
            .copied()
            .filter(|p| p.open_to(&me))
            .collect();
        (tabs.len() > 1).then(|| {
            let group_label: fn(&crate::i18n::Texts) -> &'static str =
                if tabs.contains(&Page::Subscription) {
                    |t| t.nav_billing_group
                } else {
                    |t| t.nav_downloads
                };
            view! {
                <nav class="page-tabs" id="page-tabs" aria-label=move || group_label(ctx.t())>
                    {tabs
                        .into_iter()
                        .map(|p| {
                            let (id, label) = tab_of(p);
                            view! {
                                <a href="#" id=id class:active=move || ctx.page.get() == p
                                    aria-current=move || (ctx.page.get() == p).then_some("page")
                                    on:click=move |ev| { ev.prevent_default(); ctx.page.set(p); }>
                                    {move || label(ctx.t())}
                                </a>
                            }
                        })
                        .collect_view()}
                </nav>
            }
        })
    }
}

/// A tab's element id and label.
fn tab_of(p: Page) -> (&'static str, fn(&crate::i18n::Texts) -> &'static str) {
    match p {
        Page::Downloads => ("tab-downloads", |t| t.nav_downloads),
        Page::License => ("tab-license", |t| t.nav_license),
        Page::Subscription => ("tab-subscription", |t| t.nav_subscription),
        Page::Invoices => ("tab-invoices", |t| t.nav_invoices),
        Page::Billing => ("tab-billing", |t| t.nav_billing),
        Page::Dashboard => ("tab-dashboard", |t| t.nav_dashboard),
        Page::Users => ("tab-users", |t| t.nav_users),
        Page::Locations => ("tab-locations", |t| t.nav_locations),
        Page::Audit => ("tab-audit", |t| t.nav_audit),
        Page::Profile => ("tab-profile", |t| t.menu_profile),
        Page::Help => ("tab-help", |t| t.menu_help),
    }
}

/// The password dialog is not on the first screen: a wasm chunk of its own, fetched when it is first opened
/// (perf7).
#[lazy]
fn password_dialog(on_close: Callback<()>) -> AnyView {
    view! { <PasswordDialog on_close=move || on_close.run(()) /> }.into_any()
}

/// Changing the own password while signed in: current, new and repeated; success is a notice.
#[component]
fn PasswordDialog(on_close: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
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
                    toasts.success(|t| t.password_changed.to_string());
                    on_close();
                }
                Err(e) => error.set(Some(Problem::Failed(e))),
            }
        });
    };
    let (modal_ref, modal_keys) = modal(on_close);
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="password-dialog-title" id="password-dialog"
            node_ref=modal_ref on:keydown=modal_keys>
            <form class="card narrow" on:submit=submit novalidate>
                <h2 id="password-dialog-title">{move || ctx.t().menu_change_password}</h2>
                <label for="own-current-password">{move || ctx.t().current_password}</label>
                <input id="own-current-password" type="password" autocomplete="current-password" bind:value=current />
                <label for="own-new-password">{move || ctx.t().new_password}</label>
                <input id="own-new-password" type="password" autocomplete="new-password" bind:value=new />
                <label for="own-repeat-password">{move || ctx.t().repeat_password}</label>
                <input id="own-repeat-password" type="password" autocomplete="new-password" bind:value=repeat />
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="own-password-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <div class="row actions">
                    <button type="submit" id="own-password-submit" disabled=move || busy.get()>{move || ctx.t().save_password}</button>
                    <button type="button" class="secondary" on:click=move |_| on_close()>{move || ctx.t().cancel}</button>
                </div>
            </form>
        </div>
    }
}
