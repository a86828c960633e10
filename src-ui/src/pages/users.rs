//! Users and licenses: the filtered, sorted, keyset-paged list (rendered virtually), the Deleted users tab,
//! creating users with "add another", bulk license changes, delete, restore and password resets.

use std::collections::BTreeSet;

use kontor_api::{
    CreateUsers, CreatedUser, ErrorBody, LicenseChange, LicensePool, Location, Me, NewUser, Role,
    UserQuery, UserSort, UserStatus, UserSummary,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::{describe, Ctx};
use crate::ipc;

/// Height of one list row in pixels; the list renders only the rows in view.
const ROW_H: f64 = 40.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 8;
/// Rows fetched per page.
const PAGE: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Live,
    Deleted,
}

#[derive(Debug, Clone, PartialEq)]
enum Dialog {
    None,
    Create,
    Licenses,
    ConfirmDelete,
    Created(Vec<CreatedUser>),
    Notice(String),
    Import { resume: bool },
    Edit(UserSummary),
}

/// Which rows to render for a scroll position: `[first, last)` with overscan, clamped to `len`.
pub fn window(scroll_top: f64, viewport: f64, len: usize) -> (usize, usize) {
    let first = (scroll_top / ROW_H).floor().max(0.0) as usize;
    let visible = (viewport / ROW_H).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(len);
    let end = (first + visible + OVERSCAN).min(len);
    (start, end)
}

fn err_text(ctx: Ctx, e: &ErrorBody) -> String {
    let t = ctx.t();
    match e.code {
        kontor_api::ErrorCode::Conflict | kontor_api::ErrorCode::Forbidden => {
            format!("{} {}", t.error(e.code), e.message)
        }
        _ => describe(t, e),
    }
}

#[component]
pub fn UsersPage(me: Me) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let tab = RwSignal::new(Tab::Live);
    let q = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let license = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let sort = RwSignal::new(UserSort::Name);
    let desc = RwSignal::new(false);

    let rows = RwSignal::new(Vec::<UserSummary>::new());
    let next = RwSignal::new(None::<String>);
    let total = RwSignal::new(0i64);
    let deleted_count = RwSignal::new(0i64);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let dialog = RwSignal::new(Dialog::None);
    let pools = RwSignal::new(Vec::<LicensePool>::new());
    let locations = RwSignal::new(Vec::<Location>::new());
    let scroll = RwSignal::new(0.0f64);
    // Answers to stale queries (the user typed on) are dropped.
    let generation = StoredValue::new(0u64);

    let query = move || UserQuery {
        q: Some(q.get()).filter(|s| !s.trim().is_empty()),
        role: Role::parse(&role.get()),
        license: Some(license.get()).filter(|s| !s.is_empty()),
        location_id: Some(location.get()).filter(|s| !s.is_empty()),
        status: match tab.get() {
            Tab::Deleted => Some(UserStatus::Deleted),
            Tab::Live => match status.get().as_str() {
                "active" => Some(UserStatus::Active),
                "password_change_required" => Some(UserStatus::PasswordChangeRequired),
                _ => None,
            },
        },
        sort: sort.get(),
        desc: desc.get(),
        after: None,
        limit: Some(PAGE),
    };

    let load_pools = move || {
        spawn_local(async move {
            match ctx.guard(ipc::licenses().await) {
                Ok(p) => pools.set(p),
                Err(e) => error.set(Some(err_text(ctx, &e))),
            }
        })
    };

    // (Re)load the first page whenever the filter, sort or tab changes.
    Effect::new(move |_| {
        let query = query();
        let my_gen = generation.get_value() + 1;
        generation.set_value(my_gen);
        loading.set(true);
        spawn_local(async move {
            let result = ctx.guard(ipc::users(query).await);
            if generation.get_value() != my_gen {
                return;
            }
            loading.set(false);
            match result {
                Ok(page) => {
                    error.set(None);
                    total.set(page.total);
                    deleted_count.set(page.deleted_count);
                    next.set(page.next);
                    rows.set(page.users);
                    selected.set(BTreeSet::new());
                    scroll.set(0.0);
                }
                Err(e) => error.set(Some(err_text(ctx, &e))),
            }
        });
    });
    let reload = move || {
        // Re-run the effect by touching a filter signal with its own value.
        sort.update(|_| {});
        load_pools();
    };

    let load_more = move || {
        let Some(after) = next.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        let mut qy = query();
        qy.after = Some(after);
        let my_gen = generation.get_value();
        spawn_local(async move {
            let result = ctx.guard(ipc::users(qy).await);
            if generation.get_value() != my_gen {
                return;
            }
            loading.set(false);
            match result {
                Ok(page) => {
                    next.set(page.next);
                    rows.update(|r| r.extend(page.users));
                }
                Err(e) => error.set(Some(err_text(ctx, &e))),
            }
        });
    };

    let pending = RwSignal::new(None::<kontor_api::ipc::PendingImport>);
    let check_pending = move || {
        spawn_local(async move {
            if let Ok(p) = ipc::import_pending().await {
                pending.set(p);
            }
        })
    };
    check_pending();
    load_pools();
    spawn_local(async move {
        if let Ok(l) = ctx.guard(ipc::locations().await) {
            locations.set(l);
        }
    });

    let on_scroll = move |ev: leptos::ev::Event| {
        let el: web_sys::HtmlElement = event_target(&ev);
        let top = el.scroll_top() as f64;
        scroll.set(top);
        let remaining = el.scroll_height() as f64 - top - el.client_height() as f64;
        if remaining < ROW_H * 20.0 {
            load_more();
        }
    };

    let sort_by = move |key: UserSort| {
        move |_| {
            if sort.get_untracked() == key {
                desc.update(|d| *d = !*d);
            } else {
                sort.set(key);
                desc.set(false);
            }
        }
    };
    let arrow = move |key: UserSort| {
        move || match (sort.get() == key, desc.get()) {
            (true, false) => " ▲",
            (true, true) => " ▼",
            _ => "",
        }
    };

    let viewport = 480.0;
    // The rows in view with their list positions. A Memo: rows that stay in view keep their DOM (keyed by
    // user id) and take changes through `UserRow`'s per-row memos, so scrolling moves rows and a new filter
    // result rebuilds only the rows of users that were not in view before.
    let visible = Memo::new(move |_| {
        rows.with(|all| {
            let (start, end) = window(scroll.get(), viewport, all.len());
            all[start..end]
                .iter()
                .enumerate()
                .map(|(i, u)| (start + i, u.clone()))
                .collect::<Vec<_>>()
        })
    });
    let me_role = me.role;
    let me_id = me.id.clone();
    let delete_selected = move || {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        spawn_local(async move {
            match ctx.guard(ipc::delete_users(ids).await) {
                Ok(r) => {
                    let t = ctx.t();
                    let mut msg = format!("{} {}", t.deleted_done, r.deleted.len());
                    for f in r.failed {
                        msg.push_str(&format!("\n{} {}", t.failed, err_text(ctx, &f.error)));
                    }
                    dialog.set(Dialog::Notice(msg));
                }
                Err(e) => dialog.set(Dialog::Notice(err_text(ctx, &e))),
            }
            reload();
        });
    };
    let restore_selected = move |_| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        spawn_local(async move {
            match ctx.guard(ipc::restore_users(ids).await) {
                Ok(r) => {
                    let t = ctx.t();
                    let mut msg = format!("{}: {}", t.restored_title, r.restored.len());
                    for u in r
                        .restored
                        .iter()
                        .filter(|u| !u.licenses_not_restored.is_empty())
                    {
                        msg.push_str(&format!(
                            "\n{} {} {}",
                            u.email,
                            t.not_restored,
                            u.licenses_not_restored.join(", ")
                        ));
                    }
                    dialog.set(Dialog::Notice(msg));
                }
                Err(e) => dialog.set(Dialog::Notice(err_text(ctx, &e))),
            }
            reload();
        });
    };
    let reset = move |user: UserSummary| {
        spawn_local(async move {
            match ctx.guard(ipc::reset_password(user.id.clone()).await) {
                Ok(t) => dialog.set(Dialog::Created(vec![CreatedUser {
                    id: user.id,
                    email: user.email,
                    display_name: user.display_name,
                    temporary_password: t.temporary_password,
                }])),
                Err(e) => dialog.set(Dialog::Notice(err_text(ctx, &e))),
            }
            reload();
        });
    };

    view! {
        <section id="users">
            <div class="row between">
                <h1>{move || ctx.t().users_title}</h1>
                <span class="row">
                    <button class="secondary" id="import-users" on:click=move |_| dialog.set(Dialog::Import { resume: false })>{move || ctx.t().import}</button>
                    <button id="add-user" on:click=move |_| dialog.set(Dialog::Create)>{move || ctx.t().add_user}</button>
                </span>
            </div>
            <Show when=move || pending.get().is_some()>
                <p class="notice" id="import-pending">
                    {move || ctx.t().import_pending}" "
                    {move || pending.get().map(|p| format!("{} ({} / {})", p.file_name, p.done, p.total)).unwrap_or_default()}" "
                    <button id="import-resume-pending" on:click=move |_| dialog.set(Dialog::Import { resume: true })>{move || ctx.t().import_resume}</button>" "
                    <button class="secondary" on:click=move |_| spawn_local(async move { let _ = ipc::import_discard().await; pending.set(None); })>{move || ctx.t().import_discard}</button>
                </p>
            </Show>
            <div class="pools" id="license-pools">
                <For each=move || pools.get() key=|p| (p.product_code.clone(), p.seats_used, p.seats_total) let:p>
                    <span class="pool" data-product=p.product_code.clone()>
                        <b>{p.product_name.clone()}</b>" "
                        <span class="pool-used">{p.seats_used}</span>" / "{p.seats_total}
                        " · "{p.seats_total - p.seats_used}" "{move || ctx.t().free}
                    </span>
                </For>
            </div>
            <div class="tabs" role="tablist">
                <button type="button" role="tab" id="tab-live" class:active=move || tab.get() == Tab::Live
                    on:click=move |_| tab.set(Tab::Live)>{move || ctx.t().tab_users}</button>
                <button type="button" role="tab" id="tab-deleted" class:active=move || tab.get() == Tab::Deleted
                    on:click=move |_| tab.set(Tab::Deleted)>
                    {move || ctx.t().tab_deleted}" "<span class="badge" id="deleted-count">{move || deleted_count.get()}</span>
                </button>
            </div>
            <div class="filters">
                <input id="user-search" type="search" placeholder=move || ctx.t().search_placeholder bind:value=q />
                <select id="filter-role" on:change=move |ev| role.set(event_target_value(&ev))>
                    <option value="">{move || ctx.t().all_roles}</option>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{move || ctx.t().role(r)}</option> }).collect_view()}
                </select>
                <select id="filter-license" on:change=move |ev| license.set(event_target_value(&ev))>
                    <option value="">{move || ctx.t().all_licenses}</option>
                    <For each=move || pools.get() key=|p| p.product_code.clone() let:p>
                        <option value=p.product_code.clone()>{p.product_name.clone()}</option>
                    </For>
                </select>
                <select id="filter-location" on:change=move |ev| location.set(event_target_value(&ev))>
                    <option value="">{move || ctx.t().all_locations}</option>
                    <For each=move || locations.get() key=|l| l.id.clone() let:l>
                        <option value=l.id.clone()>{l.name.clone()}</option>
                    </For>
                </select>
                <Show when=move || tab.get() == Tab::Live>
                    <select id="filter-status" on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">{move || ctx.t().all_statuses}</option>
                        <option value="active">{move || ctx.t().status_active}</option>
                        <option value="password_change_required">{move || ctx.t().status_password_change}</option>
                    </select>
                </Show>
            </div>
            <div class="row between toolbar">
                <span class="muted" id="user-total">
                    <span id="user-total-count">{move || total.get()}</span>" "{move || ctx.t().users_found}
                    {move || { let n = selected.get().len(); (n > 0).then(|| format!(" · {n} {}", ctx.t().selected)) }}
                </span>
                <span class="row">
                    <Show when=move || tab.get() == Tab::Live && !selected.get().is_empty()>
                        <button id="manage-licenses" on:click=move |_| dialog.set(Dialog::Licenses)>{move || ctx.t().manage_licenses}</button>
                        <button id="delete-selected" class="danger" on:click=move |_| dialog.set(Dialog::ConfirmDelete)>{move || ctx.t().delete_selected}</button>
                    </Show>
                    <Show when=move || tab.get() == Tab::Deleted && !selected.get().is_empty()>
                        <button id="restore-selected" on:click=restore_selected>{move || ctx.t().restore_selected}</button>
                    </Show>
                </span>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="users-error">{move || error.get()}
                    " "<button class="secondary" on:click=move |_| reload()>{move || ctx.t().retry}</button></p>
            </Show>
            <div class="grid-head" role="row">
                <span><input type="checkbox" id="select-all" prop:checked=move || !rows.get().is_empty() && selected.get().len() == rows.get().len()
                    on:change=move |ev| {
                        if event_target_checked(&ev) {
                            selected.set(rows.get_untracked().into_iter().map(|u| u.id).collect());
                        } else {
                            selected.set(BTreeSet::new());
                        }
                    } /></span>
                <button class="th" on:click=sort_by(UserSort::Name)>{move || ctx.t().col_name}{arrow(UserSort::Name)}</button>
                <button class="th" on:click=sort_by(UserSort::Email)>{move || ctx.t().col_email}{arrow(UserSort::Email)}</button>
                <button class="th" on:click=sort_by(UserSort::Role)>{move || ctx.t().col_role}{arrow(UserSort::Role)}</button>
                <button class="th" on:click=sort_by(UserSort::Location)>{move || ctx.t().col_location}{arrow(UserSort::Location)}</button>
                <span class="th">{move || ctx.t().col_licenses}</span>
                <span class="th">{move || if tab.get() == Tab::Live { ctx.t().col_status } else { ctx.t().col_purge }}</span>
                <span></span>
            </div>
            <div class="grid-body" id="user-list" on:scroll=on_scroll style=format!("height: {viewport}px")>
                <div class="spacer" style=move || format!("height: {}px", rows.get().len() as f64 * ROW_H)>
                    <For each=move || visible.get() key=|(_, u)| u.id.clone() let:item>
                        <UserRow initial=item visible selected dialog me_id=me_id.clone() me_role reset />
                    </For>
                </div>
                <Show when=move || !loading.get() && rows.get().is_empty()>
                    <p class="muted center-text" id="users-empty">{move || ctx.t().none_found}</p>
                </Show>
            </div>
            {move || match dialog.get() {
                Dialog::None => ().into_any(),
                Dialog::Create => view! { <CreateDialog pools locations dialog on_done=move || reload() /> }.into_any(),
                Dialog::Licenses => view! { <LicenseDialog pools selected dialog on_done=move || reload() /> }.into_any(),
                Dialog::ConfirmDelete => view! {
                    <div class="modal" role="dialog" id="confirm-delete">
                        <div class="card narrow">
                            <p>{ctx.t().confirm_delete}</p>
                            <div class="row">
                                <button id="confirm-delete-yes" class="danger" on:click=move |_| { dialog.set(Dialog::None); delete_selected(); }>{ctx.t().delete_selected}</button>
                                <button class="secondary" on:click=move |_| dialog.set(Dialog::None)>{ctx.t().cancel}</button>
                            </div>
                        </div>
                    </div>
                }.into_any(),
                Dialog::Created(users) => view! { <CreatedDialog users dialog /> }.into_any(),
                Dialog::Edit(user) => view! { <EditDialog user locations dialog can_make_owner=me_role == Role::Owner on_done=move || reload() /> }.into_any(),
                Dialog::Import { resume } => view! {
                    <crate::pages::import::ImportDialog resume
                        on_close=move || { dialog.set(Dialog::None); check_pending(); reload(); }
                        on_done=move |outcome: kontor_api::ipc::ImportOutcome| {
                            pending.set(None);
                            dialog.set(Dialog::Created(outcome.created));
                            reload();
                        } />
                }.into_any(),
                Dialog::Notice(text) => view! {
                    <div class="modal" role="dialog" id="notice">
                        <div class="card narrow">
                            <p class="pre" id="notice-text">{text}</p>
                            <button id="notice-close" on:click=move |_| dialog.set(Dialog::None)>{ctx.t().close}</button>
                        </div>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// New users: one form, "add another" keeps the filled one in a pending list; all are created at once.
/// One row of the virtual list, kept while its user stays in view: position and data are memos over `visible`,
/// so a move (scroll, a new result that still holds this user) changes only `top`, and a changed user (edit,
/// licenses, status) only the cells that differ.
#[component]
#[allow(clippy::too_many_arguments)]
fn UserRow(
    initial: (usize, UserSummary),
    visible: Memo<Vec<(usize, UserSummary)>>,
    selected: RwSignal<BTreeSet<String>>,
    dialog: RwSignal<Dialog>,
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
            <span><input type="checkbox" class="select-user"
                prop:checked=move || selected.with(|s| s.contains(&id_checked))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selected.update(|s| { if on { s.insert(id_change.clone()); } else { s.remove(&id_change); } });
                } /></span>
            <span class="cell name">
                <Show when=editable fallback=move || user.with(|u| u.display_name.clone())>
                    <button class="link edit-user" on:click=move |_| dialog.set(Dialog::Edit(user.get_untracked()))>
                        {move || user.with(|u| u.display_name.clone())}
                    </button>
                </Show>
            </span>
            <span class="cell">{move || user.with(|u| u.email.clone())}</span>
            <span class="cell">{move || ctx.t().role(user.with(|u| u.role))}</span>
            <span class="cell">{move || user.with(|u| u.location_name.clone().unwrap_or_default())}</span>
            <span class="cell licenses">{move || user.with(|u| u.licenses.join(", "))}</span>
            <span class="cell">{move || user.with(|u| match u.purge_at {
                Some(p) => ctx.lang.get().day(p),
                None => ctx.t().status(u.status).to_string(),
            })}</span>
            <span class="cell actions">
                <Show when=resettable>
                    <button class="link reset-password" on:click=move |_| reset(user.get_untracked())>{move || ctx.t().reset_password}</button>
                </Show>
            </span>
        </div>
    }
}

#[component]
fn CreateDialog(
    pools: RwSignal<Vec<LicensePool>>,
    locations: RwSignal<Vec<Location>>,
    dialog: RwSignal<Dialog>,
    on_done: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::User);
    let location = RwSignal::new(String::new());
    let licenses = RwSignal::new(BTreeSet::<String>::new());
    let pending = RwSignal::new(Vec::<NewUser>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // The form as a NewUser, checked with the shared rules; `None` for an untouched form.
    let current = move || -> Result<Option<NewUser>, String> {
        let t = ctx.t();
        if name.get_untracked().trim().is_empty() && email.get_untracked().trim().is_empty() {
            return Ok(None);
        }
        let display_name = kontor_api::validate::display_name("name", &name.get_untracked())
            .map_err(|e| format!("{} {}", t.col_name, t.field(e.reason)))?;
        let email = kontor_api::validate::email("email", &email.get_untracked())
            .map_err(|e| format!("{} {}", t.col_email, t.field(e.reason)))?;
        Ok(Some(NewUser {
            email,
            display_name,
            role: role.get_untracked(),
            location_id: Some(location.get_untracked()).filter(|s| !s.is_empty()),
            licenses: licenses.get_untracked().into_iter().collect(),
        }))
    };
    let clear = move || {
        name.set(String::new());
        email.set(String::new());
        licenses.set(BTreeSet::new());
    };
    let add_another = move |_| match current() {
        Ok(Some(u)) => {
            if pending.get_untracked().iter().any(|p| p.email == u.email) {
                return error.set(Some(format!("{} {}", u.email, ctx.t().err_conflict)));
            }
            pending.update(|p| p.push(u));
            error.set(None);
            clear();
        }
        Ok(None) => {}
        Err(e) => error.set(Some(e)),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut users = pending.get_untracked();
        match current() {
            Ok(Some(u)) => users.push(u),
            Ok(None) => {}
            Err(e) => return error.set(Some(e)),
        }
        if users.is_empty() {
            return error.set(Some(format!(
                "{} {}",
                ctx.t().col_email,
                ctx.t().field_required
            )));
        }
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::create_users(CreateUsers { users }).await);
            busy.set(false);
            match r {
                Ok(res) => {
                    dialog.set(Dialog::Created(res.created));
                    on_done();
                }
                Err(e) => error.set(Some(err_text(ctx, &e))),
            }
        });
    };
    view! {
        <div class="modal" role="dialog" id="create-dialog">
            <form class="card narrow" on:submit=submit novalidate>
                <h2>{move || ctx.t().add_user}</h2>
                <Show when=move || !pending.get().is_empty()>
                    <p class="muted small" id="pending-users">{move || ctx.t().pending_users}" "
                        {move || pending.get().iter().map(|u| u.email.clone()).collect::<Vec<_>>().join(", ")}</p>
                </Show>
                <label for="new-name">{move || ctx.t().col_name}</label>
                <input id="new-name" type="text" bind:value=name />
                <label for="new-email">{move || ctx.t().col_email}</label>
                <input id="new-email" type="email" bind:value=email />
                <label for="new-role">{move || ctx.t().col_role}</label>
                <select id="new-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::User))>
                    {[Role::User, Role::Admin, Role::Billing].into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{move || ctx.t().role(r)}</option>
                    }).collect_view()}
                </select>
                <label for="new-location">{move || ctx.t().col_location}</label>
                <select id="new-location" on:change=move |ev| location.set(event_target_value(&ev))>
                    <option value="">{move || ctx.t().location_none}</option>
                    <For each=move || locations.get() key=|l| l.id.clone() let:l>
                        <option value=l.id.clone()>{l.name.clone()}</option>
                    </For>
                </select>
                <span class="label">{move || ctx.t().col_licenses}</span>
                <For each=move || pools.get() key=|p| p.product_code.clone() let:p>
                    {
                        let code = p.product_code.clone();
                        let code2 = code.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" class="new-license" value=code.clone()
                                    prop:checked=move || licenses.get().contains(&code)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        licenses.update(|l| { if on { l.insert(code2.clone()); } else { l.remove(&code2); } });
                                    } />
                                {p.product_name.clone()}" ("{p.seats_total - p.seats_used}" "{move || ctx.t().free}")"
                            </label>
                        }
                    }
                </For>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="create-error">{move || error.get()}</p>
                </Show>
                <div class="row">
                    <button type="submit" id="create-submit" disabled=move || busy.get()>{move || ctx.t().create_users}</button>
                    <button type="button" class="secondary" id="add-another" on:click=add_another>{move || ctx.t().add_another}</button>
                    <button type="button" class="secondary" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().cancel}</button>
                </div>
            </form>
        </div>
    }
}

/// Change a user's name, role and location.
#[component]
fn EditDialog(
    user: UserSummary,
    locations: RwSignal<Vec<Location>>,
    dialog: RwSignal<Dialog>,
    can_make_owner: bool,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let name = RwSignal::new(user.display_name.clone());
    let role = RwSignal::new(user.role);
    let location = RwSignal::new(user.location_id.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = user.id.clone();
    let roles: Vec<Role> = if can_make_owner {
        Role::ALL.to_vec()
    } else {
        vec![Role::Admin, Role::Billing, Role::User]
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = ctx.t();
        let display_name = match kontor_api::validate::display_name("name", &name.get_untracked()) {
            Ok(n) => n,
            Err(e) => return error.set(Some(format!("{} {}", t.col_name, t.field(e.reason)))),
        };
        let update = kontor_api::UpdateUser {
            display_name,
            role: role.get_untracked(),
            location_id: Some(location.get_untracked()).filter(|s| !s.is_empty()),
        };
        let id = id.clone();
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::update_user(id, update).await);
            busy.set(false);
            match r {
                Ok(_) => {
                    dialog.set(Dialog::None);
                    on_done();
                }
                Err(e) => error.set(Some(err_text(ctx, &e))),
            }
        });
    };
    view! {
        <div class="modal" role="dialog" id="edit-dialog">
            <form class="card narrow" on:submit=submit novalidate>
                <h2>{user.email.clone()}</h2>
                <label for="edit-name">{move || ctx.t().col_name}</label>
                <input id="edit-name" type="text" bind:value=name />
                <label for="edit-role">{move || ctx.t().col_role}</label>
                <select id="edit-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::User))>
                    {roles.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{move || ctx.t().role(r)}</option>
                    }).collect_view()}
                </select>
                <label for="edit-location">{move || ctx.t().col_location}</label>
                <select id="edit-location" on:change=move |ev| location.set(event_target_value(&ev))>
                    <option value="">{move || ctx.t().location_none}</option>
                    <For each=move || locations.get() key=|l| l.id.clone() let:l>
                        {
                            let lid = l.id.clone();
                            view! { <option value=l.id.clone() selected=move || location.get() == lid>{l.name.clone()}</option> }
                        }
                    </For>
                </select>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="edit-error">{move || error.get()}</p>
                </Show>
                <div class="row">
                    <button type="submit" id="edit-submit" disabled=move || busy.get()>{move || ctx.t().apply}</button>
                    <button type="button" class="secondary" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().cancel}</button>
                </div>
            </form>
        </div>
    }
}

/// Assign or revoke licenses for all selected users at once; the portal applies all or nothing.
#[component]
fn LicenseDialog(
    pools: RwSignal<Vec<LicensePool>>,
    selected: RwSignal<BTreeSet<String>>,
    dialog: RwSignal<Dialog>,
    on_done: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // product code → "keep" | "assign" | "revoke"
    let choice = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let apply = move |_| {
        let (mut assign, mut revoke) = (Vec::new(), Vec::new());
        for (code, what) in choice.get_untracked() {
            match what.as_str() {
                "assign" => assign.push(code),
                "revoke" => revoke.push(code),
                _ => {}
            }
        }
        let user_ids: Vec<String> = selected.get_untracked().into_iter().collect();
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(
                ipc::change_licenses(LicenseChange {
                    user_ids,
                    assign,
                    revoke,
                })
                .await,
            );
            busy.set(false);
            match r {
                Ok(res) => {
                    pools.set(res.pools);
                    dialog.set(Dialog::Notice(format!(
                        "{} {}",
                        ctx.t().licenses_changed,
                        res.changed
                    )));
                    on_done();
                }
                Err(e) => error.set(Some(err_text(ctx, &e))),
            }
        });
    };
    view! {
        <div class="modal" role="dialog" id="license-dialog">
            <div class="card narrow">
                <h2>{move || ctx.t().manage_licenses}" ("{move || selected.get().len()}" "{move || ctx.t().selected}")"</h2>
                <For each=move || pools.get() key=|p| p.product_code.clone() let:p>
                    {
                        let code = p.product_code.clone();
                        view! {
                            <label class="license-choice">
                                <span>{p.product_name.clone()}" ("{p.seats_total - p.seats_used}" "{move || ctx.t().free}")"</span>
                                <select class="license-action" data-product=code.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); choice.update(|c| { c.insert(code.clone(), v); }); }>
                                    <option value="keep">{move || ctx.t().keep}</option>
                                    <option value="assign">{move || ctx.t().assign}</option>
                                    <option value="revoke">{move || ctx.t().revoke}</option>
                                </select>
                            </label>
                        }
                    }
                </For>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="license-error">{move || error.get()}</p>
                </Show>
                <div class="row">
                    <button id="license-apply" on:click=apply disabled=move || busy.get()>{move || ctx.t().apply}</button>
                    <button class="secondary" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().cancel}</button>
                </div>
            </div>
        </div>
    }
}

/// The confirmation screen: names and temporary passwords, saved as CSV through the native dialog or printed.
#[component]
fn CreatedDialog(users: Vec<CreatedUser>, dialog: RwSignal<Dialog>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let saved = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let for_save = users.clone();
    let save = move |_| {
        let users = for_save.clone();
        spawn_local(async move {
            match ipc::save_credentials_csv(users, "kontor-users.csv".into()).await {
                Ok(f) => saved.set(f.path),
                Err(e) => error.set(Some(err_text(ctx, &e))),
            }
        });
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="modal printable" role="dialog" id="created-dialog">
            <div class="card wide">
                <h2>{move || ctx.t().created_title}</h2>
                <p class="muted">{move || ctx.t().created_intro}</p>
                <table class="credentials" id="created-users">
                    <thead><tr>
                        <th>{move || ctx.t().col_name}</th><th>{move || ctx.t().col_email}</th><th>{move || ctx.t().temporary_password}</th>
                    </tr></thead>
                    <tbody>
                        {users.into_iter().map(|u| view! {
                            <tr data-email=u.email.clone()><td>{u.display_name}</td><td>{u.email.clone()}</td><td class="mono temp-password">{u.temporary_password}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <Show when=move || saved.get().is_some()>
                    <p class="notice" id="saved-path">{move || ctx.t().saved_to}" "{move || saved.get()}</p>
                </Show>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get()}</p>
                </Show>
                <div class="row no-print">
                    <button id="save-csv" on:click=save>{move || ctx.t().save_csv}</button>
                    <button class="secondary" id="print" on:click=print>{move || ctx.t().print}</button>
                    <button class="secondary" id="created-close" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().close}</button>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_renders_only_rows_in_view() {
        assert_eq!(window(0.0, 400.0, 0), (0, 0));
        assert_eq!(window(0.0, 400.0, 100_000), (0, 11 + OVERSCAN));
        let (s, e) = window(40_000.0, 400.0, 100_000);
        assert_eq!(s, 1000 - OVERSCAN);
        assert_eq!(e, 1000 + 11 + OVERSCAN);
        assert_eq!(window(1e9, 400.0, 10), (10, 10));
    }
}
