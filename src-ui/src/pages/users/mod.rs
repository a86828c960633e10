//! Users and licenses: the filtered, sorted, keyset-paged list (rendered virtually), the Deleted users tab,
//! creating users with "add another", bulk license changes, delete, restore and password resets.
//!
//! `list` owns the list's state and loading, `lookups` the pools and locations, `row` one list row,
//! `dialogs` every dialog, `actions` the bulk actions; this module composes the page.

mod actions;
mod dialogs;
mod list;
mod lookups;
mod row;

use kontor_api::ipc::ImportOutcome;
use kontor_api::{Me, Role, UserSort};
use leptos::prelude::*;
use leptos::task::spawn_local;

use self::dialogs::{
    ConfirmDelete, CreateDialog, CreatedDialog, DeletePlan, Dialog, EditDialog, ImportDialog,
    LicenseDialog,
};
use self::list::{Tab, UserList, ROW_H};
use self::lookups::Lookups;
use self::row::UserRow;
use crate::components::{ConfirmDialog, LoadFailed, Notice, Toasts};
use crate::context::Ctx;
use crate::errors::Shown;
use crate::ipc;

pub use self::list::window;

#[component]
pub fn UsersPage(me: Me) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let list = UserList::new(ctx);
    let lookups = Lookups::new(ctx);
    let dialog = RwSignal::new(Dialog::None);
    let UserList {
        tab,
        q,
        role,
        license,
        location,
        status,
        rows,
        total,
        deleted_count,
        loading,
        error,
        selected,
        ..
    } = list;
    // After a change to users: the list and the seat counts again.
    let reload = move || {
        list.reload();
        lookups.pools.refetch();
    };

    // An import that was interrupted (crash, lost connection) and can be resumed; a failed check shows none.
    let pending = LocalResource::new(|| async { ipc::import_pending().await.ok().flatten() });
    let pending_now = move || pending.get().flatten();
    let check_pending = move || pending.refetch();

    let visible = list.visible();
    // The list fills the page's height and is its only scroll container: measure it now and on resize.
    let list_ref = NodeRef::<leptos::html::Div>::new();
    let measure = move || {
        if let Some(el) = list_ref.get_untracked() {
            list.measured(&el);
        }
    };
    Effect::new(move |_| {
        if list_ref.get().is_some() {
            measure();
        }
    });
    let on_resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || on_resize.remove());
    let me_role = me.role;
    let me_id = me.id.clone();
    let toasts = expect_context::<Toasts>();
    let delete_ids = move |ids| actions::delete(ctx, toasts, ids, reload);
    let me_for_delete = me.id.clone();
    let restore_selected = move |_| actions::restore(ctx, toasts, list.selected_ids(), reload);
    // A reset asks first (`Dialog::ConfirmReset`); the confirm button runs it.
    let reset = move |user| dialog.set(Dialog::ConfirmReset(user));
    let th = move |key: UserSort, label: fn(&crate::i18n::Texts) -> &'static str| {
        view! {
            <span role="columnheader"><button class="th" on:click=move |_| list.sort_by(key)>{move || label(ctx.t())}{move || list.arrow(key)}</button></span>
        }
    };

    view! {
        <section id="users">
            <div class="row between">
                <h1>{move || ctx.lang.get().users_page().users_title}</h1>
                <span class="row">
                    <button class="secondary" id="import-users" on:click=move |_| dialog.set(Dialog::Import { resume: false })>{move || ctx.lang.get().users_page().import}</button>
                    <button id="add-user" on:click=move |_| dialog.set(Dialog::Create)>{move || ctx.lang.get().users_page().add_user}</button>
                </span>
            </div>
            <Show when=move || pending_now().is_some()>
                <p class="notice" id="import-pending">
                    {move || pending_now().map(|p| (ctx.lang.get().users_page().import_pending_file)(&p.file_name, p.done, p.total)).unwrap_or_default()}" "
                    <button id="import-resume-pending" on:click=move |_| dialog.set(Dialog::Import { resume: true })>{move || ctx.lang.get().users_page().import_resume}</button>" "
                    <button class="secondary" on:click=move |_| spawn_local(async move { let _ = ipc::import_discard().await; pending.set(Some(None)); })>{move || ctx.lang.get().users_page().import_discard}</button>
                </p>
            </Show>
            <div class="pools" id="license-pools">
                <Transition fallback=|| ()>
                    <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || lookups.retry() /> }>
                        {move || Suspend::new(async move {
                            let pools = lookups.pools.await?;
                            lookups.locations.await?;
                            Ok::<_, Shown>(pools.into_iter().map(|p| view! {
                                <span class="pool" data-product=p.product_code.clone()>
                                    <b>{p.product_name.clone()}</b>" "
                                    <span class="pool-used">{p.seats_used}</span>" / "{p.seats_total}
                                    " · "{move || ctx.lang.get().users_page().seats_free.of(p.seats_total.saturating_sub(p.seats_used) as u64)}
                                </span>
                            }).collect_view())
                        })}
                    </ErrorBoundary>
                </Transition>
            </div>
            <div class="tabs" role="tablist">
                <button type="button" role="tab" id="tab-live" class:active=move || tab.get() == Tab::Live
                    on:click=move |_| tab.set(Tab::Live)>{move || ctx.lang.get().users_page().tab_users}</button>
                <button type="button" role="tab" id="tab-deleted" class:active=move || tab.get() == Tab::Deleted
                    on:click=move |_| tab.set(Tab::Deleted)>
                    {move || ctx.lang.get().users_page().tab_deleted}" "<span class="badge" id="deleted-count">{move || deleted_count.get()}</span>
                </button>
            </div>
            <div class="filters">
                <input id="user-search" type="search" placeholder=move || ctx.lang.get().users_page().search_placeholder
                    aria-label=move || ctx.lang.get().users_page().search_placeholder bind:value=q />
                <select id="filter-role" aria-label=move || ctx.t().col_role on:change=move |ev| role.set(event_target_value(&ev))>
                    <option value="">{move || ctx.lang.get().users_page().all_roles}</option>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{move || ctx.t().role(r)}</option> }).collect_view()}
                </select>
                <select id="filter-license" aria-label=move || ctx.t().col_licenses on:change=move |ev| license.set(event_target_value(&ev))>
                    <option value="">{move || ctx.lang.get().users_page().all_licenses}</option>
                    <For each=move || lookups.pools_now() key=|p| p.product_code.clone() let:p>
                        <option value=p.product_code.clone()>{p.product_name.clone()}</option>
                    </For>
                </select>
                <select id="filter-location" aria-label=move || ctx.t().col_location on:change=move |ev| location.set(event_target_value(&ev))>
                    <option value="">{move || ctx.lang.get().users_page().all_locations}</option>
                    <For each=move || lookups.locations_now() key=|l| l.id.clone() let:l>
                        <option value=l.id.clone()>{l.name.clone()}</option>
                    </For>
                </select>
                <Show when=move || tab.get() == Tab::Live>
                    <select id="filter-status" aria-label=move || ctx.lang.get().users_page().col_status on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">{move || ctx.lang.get().users_page().all_statuses}</option>
                        <option value="active">{move || ctx.t().status_active}</option>
                        <option value="password_change_required">{move || ctx.t().status_password_change}</option>
                    </select>
                </Show>
            </div>
            <div class="row between toolbar">
                <span class="muted" id="user-total">
                    {move || ctx.lang.get().users_page().users_count.parts(total.get() as u64).0}
                    <span id="user-total-count">{move || total.get()}</span>
                    {move || ctx.lang.get().users_page().users_count.parts(total.get() as u64).1}
                    {move || { let n = selected.get().len(); (n > 0).then(|| format!(" · {}", ctx.lang.get().users_page().selected_count.of(n as u64))) }}
                </span>
                <span class="row">
                    <Show when=move || tab.get() == Tab::Live && !selected.get().is_empty()>
                        <button id="manage-licenses" on:click=move |_| dialog.set(Dialog::Licenses)>{move || ctx.lang.get().users_page().manage_licenses}</button>
                        <button id="delete-selected" class="danger" on:click=move |_| dialog.set(Dialog::ConfirmDelete)>{move || ctx.lang.get().users_page().delete_selected}</button>
                    </Show>
                    <Show when=move || tab.get() == Tab::Deleted && !selected.get().is_empty()>
                        <button id="restore-selected" on:click=restore_selected>{move || ctx.lang.get().users_page().restore_selected}</button>
                    </Show>
                </span>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="users-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}
                    " "<button class="secondary" on:click=move |_| reload()>{move || ctx.t().retry}</button></p>
            </Show>
            <div class="grid" role="table" aria-label=move || ctx.lang.get().users_page().users_title aria-rowcount=move || total.get() + 1>
            <div class="grid-head" role="row">
                <span role="columnheader"><input type="checkbox" id="select-all" aria-label=move || ctx.lang.get().users_page().select_all prop:checked=move || !rows.get().is_empty() && selected.get().len() == rows.get().len()
                    on:change=move |ev| list.select_all(event_target_checked(&ev)) /></span>
                {th(UserSort::Name, |t| t.col_name)}
                {th(UserSort::Email, |t| t.lang().users_page().col_email)}
                {th(UserSort::Role, |t| t.col_role)}
                {th(UserSort::Location, |t| t.col_location)}
                <span class="th col-licenses" role="columnheader">{move || ctx.t().col_licenses}</span>
                <span class="th" role="columnheader">{move || if tab.get() == Tab::Live { ctx.lang.get().users_page().col_status } else { ctx.lang.get().users_page().col_purge }}</span>
                <span role="columnheader"></span>
            </div>
            <div class="grid-body" id="user-list" role="rowgroup" tabindex="-1" data-focus-return node_ref=list_ref on:scroll=move |ev| list.scrolled(&event_target(&ev))>
                <div class="spacer" role="presentation" style=move || format!("height: {}px", rows.get().len() as f64 * ROW_H)>
                    <For each=move || visible.get() key=|(_, u)| u.id.clone() let:item>
                        <UserRow initial=item visible selected dialog lookups me_id=me_id.clone() me_role reset />
                    </For>
                </div>
                <Show when=move || !loading.get() && rows.get().is_empty()>
                    <p class="muted center-text" id="users-empty">{move || ctx.lang.get().users_page().none_found}</p>
                </Show>
            </div>
            </div>
            {move || match dialog.get() {
                Dialog::None => ().into_any(),
                Dialog::Create => view! { <CreateDialog lookups dialog on_done=reload /> }.into_any(),
                Dialog::Licenses => view! { <LicenseDialog lookups selected dialog on_done=reload /> }.into_any(),
                Dialog::ConfirmDelete => {
                    let plan = rows.with_untracked(|r| selected.with_untracked(|s| DeletePlan::new(s, r, &me_for_delete)));
                    view! { <ConfirmDelete plan dialog on_yes=delete_ids /> }.into_any()
                }
                Dialog::ConfirmReset(user) => {
                    let (name, email) = (user.display_name.clone(), user.email.clone());
                    let user = StoredValue::new(user);
                    view! {
                        <ConfirmDialog id="confirm-reset" danger=true
                            title=move || (ctx.lang.get().users_page().reset_confirm_title)(&name)
                            confirm=move || ctx.lang.get().users_page().reset_password.to_string()
                            on_confirm=move || { dialog.set(Dialog::None); actions::reset_password(ctx, user.get_value(), dialog, reload); }
                            on_cancel=move || dialog.set(Dialog::None)>
                            <p id="confirm-reset-text">{move || (ctx.lang.get().users_page().reset_confirm_body)(&email)}</p>
                        </ConfirmDialog>
                    }.into_any()
                }
                Dialog::Created(users) => view! { <CreatedDialog users dialog /> }.into_any(),
                Dialog::PasswordReset(user) => view! { <CreatedDialog users=vec![user] dialog reset=true /> }.into_any(),
                Dialog::Edit(user) => view! { <EditDialog user lookups dialog can_make_owner=me_role == Role::Owner on_done=reload /> }.into_any(),
                Dialog::Import { resume } => view! {
                    <ImportDialog resume
                        on_close=move || { dialog.set(Dialog::None); check_pending(); reload(); }
                        on_done=move |outcome: ImportOutcome| {
                            pending.set(Some(None));
                            dialog.set(Dialog::Created(outcome.created));
                            reload();
                        } />
                }.into_any(),
                Dialog::Notice(text) => view! { <Notice text on_close=move || dialog.set(Dialog::None) /> }.into_any(),
            }}
        </section>
    }
}
