//! One row of the virtual users list: checkbox, name (opens the edit dialog), e-mail, role, location,
//! licenses, status or purge date, and the password reset.

use std::collections::BTreeSet;

use kontor_api::{Role, UserStatus, UserSummary};
use leptos::prelude::*;

use super::dialogs::Dialog;
use super::list::ROW_H;
use super::lookups::Lookups;
use crate::context::Ctx;

/// One row of the virtual list, kept while its user stays in view: position and data are memos over `visible`,
/// so a move (scroll, a new result that still holds this user) changes only `top`, and a changed user (edit,
/// licenses, status) only the cells that differ.
#[component]
#[allow(clippy::too_many_arguments)]
pub fn UserRow(
    initial: (usize, UserSummary),
    visible: Memo<Vec<(usize, UserSummary)>>,
    selected: RwSignal<BTreeSet<String>>,
    dialog: RwSignal<Dialog>,
    lookups: Lookups,
    me_id: String,
    me_role: Role,
    reset: impl Fn(UserSummary) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let id = initial.1.id.clone();
    let key = id.clone();
    // While the row is being removed, `visible` no longer holds it: keep the last value.
    let entry = Memo::new(move |prev: Option<&(usize, UserSummary)>| {
        visible
            .with(|v| v.iter().find(|(_, u)| u.id == key).cloned())
            .or_else(|| prev.cloned())
            .unwrap_or_else(|| initial.clone())
    });
    let top = Memo::new(move |_| entry.with(|e| e.0));
    let user = Memo::new(move |_| entry.with(|e| e.1.clone()));
    let is_me = id == me_id;
    let protect = move || user.with(|u| u.role == Role::Owner) && me_role != Role::Owner;
    let editable = move || user.with(|u| u.status != UserStatus::Deleted) && !protect();
    let resettable = move || user.with(|u| u.status != UserStatus::Deleted) && !is_me && !protect();
    let (id_checked, id_change) = (id.clone(), id);
    view! {
        <div class="grid-row" role="row" data-email=move || user.with(|u| u.email.clone())
            style=move || format!("top: {}px", top.get() as f64 * ROW_H)>
            <span role="cell"><input type="checkbox" class="select-user"
                aria-label=move || (ctx.lang.get().users_page().select_user)(&user.with(|u| u.display_name.clone()))
                prop:checked=move || selected.with(|s| s.contains(&id_checked))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selected.update(|s| { if on { s.insert(id_change.clone()); } else { s.remove(&id_change); } });
                } /></span>
            <span class="cell name" role="cell">
                <Show when=editable fallback=move || user.with(|u| u.display_name.clone())>
                    <button class="link edit-user" on:click=move |_| dialog.set(Dialog::Edit(user.get_untracked()))>
                        {move || user.with(|u| u.display_name.clone())}
                    </button>
                </Show>
            </span>
            <span class="cell email" role="cell">{move || user.with(|u| u.email.clone())}</span>
            <span class="cell role" role="cell">{move || ctx.t().role(user.with(|u| u.role))}</span>
            <span class="cell location" role="cell">{move || user.with(|u| u.location_name.clone().unwrap_or_default())}</span>
            // Products by name, as everywhere else (the code until the pools are loaded).
            <span class="cell licenses" role="cell">{move || {
                let pools = lookups.pools_now();
                user.with(|u| u.licenses.iter().map(|code| {
                    pools.iter().find(|p| &p.product_code == code).map_or(code.as_str(), |p| p.product_name.as_str()).to_string()
                }).collect::<Vec<_>>().join(", "))
            }}</span>
            <span class="cell status" role="cell">{move || user.with(|u| match u.purge_at {
                Some(p) => ctx.lang.get().day(p),
                None => ctx.t().status(u.status).to_string(),
            })}</span>
            <span class="cell actions" role="cell">
                <Show when=resettable>
                    <button class="link reset-password" on:click=move |_| reset(user.get_untracked())>{move || ctx.lang.get().users_page().reset_password}</button>
                </Show>
            </span>
        </div>
    }
}
