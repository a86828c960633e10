//! The create dialog: one or more new users (name, e-mail, role, location, licenses), checked with the
//! shared rules before they are sent together.

use std::collections::BTreeSet;

use kontor_api::{CreateUsers, NewUser, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::kind::Dialog;
use crate::components::{modal, LoadFailed, Loading};
use crate::context::Ctx;
use crate::errors::{clear_on_change, Problem};
use crate::ipc;
use crate::pages::users::lookups::Lookups;

/// New users: one form, "add another" keeps the filled one in a pending list; all are created at once.
#[component]
pub fn CreateDialog(
    lookups: Lookups,
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
    // Each field's problem shows at the field, all at once; `error` is about the whole form (the portal
    // refused, nothing to create).
    let name_error = RwSignal::new(None::<Problem>);
    let email_error = RwSignal::new(None::<Problem>);
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    // An error is about what the form held: a change (typing, a license choice undone) makes it stale.
    clear_on_change(name_error, move || name.track());
    clear_on_change(email_error, move || email.track());
    clear_on_change(error, move || {
        name.track();
        email.track();
        role.track();
        location.track();
        licenses.track();
    });

    // The form as a NewUser, checked with the shared rules; `Ok(None)` for an untouched form. On `Err` the
    // fields' problems are set.
    let current = move || -> Result<Option<NewUser>, ()> {
        if name.get_untracked().trim().is_empty() && email.get_untracked().trim().is_empty() {
            return Ok(None);
        }
        let display_name = kontor_api::validate::display_name("name", &name.get_untracked())
            .map_err(|e| Problem::Field {
                label: |t| t.col_name,
                reason: e.reason,
            });
        let email = kontor_api::validate::email("email", &email.get_untracked()).map_err(|e| {
            Problem::Field {
                label: |t| t.lang().users_page().col_email,
                reason: e.reason,
            }
        });
        name_error.set(display_name.as_ref().err().cloned());
        email_error.set(email.as_ref().err().cloned());
        let (Ok(display_name), Ok(email)) = (display_name, email) else {
            return Err(());
        };
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
                return email_error.set(Some(Problem::Duplicate(u.email)));
            }
            pending.update(|p| p.push(u));
            error.set(None);
            clear();
        }
        Ok(None) => {}
        Err(()) => {}
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut users = pending.get_untracked();
        match current() {
            Ok(Some(u)) => users.push(u),
            Ok(None) => {}
            Err(()) => return,
        }
        if users.is_empty() {
            name_error.set(Some(Problem::Field {
                label: |t| t.col_name,
                reason: kontor_api::FieldProblem::Required,
            }));
            return email_error.set(Some(Problem::Field {
                label: |t| t.lang().users_page().col_email,
                reason: kontor_api::FieldProblem::Required,
            }));
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
                Err(e) => error.set(Some(Problem::Refused(e))),
            }
        });
    };
    let (modal_ref, modal_keys) = modal(move || dialog.set(Dialog::None));
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="create-title" id="create-dialog"
            node_ref=modal_ref on:keydown=modal_keys>
            <form class="card narrow" on:submit=submit novalidate>
                <h2 id="create-title">{move || ctx.lang.get().users_page().add_user}</h2>
                <Show when=move || !pending.get().is_empty()>
                    <p class="muted small" id="pending-users">{move || ctx.lang.get().users_page().pending_users}" "
                        {move || pending.get().iter().map(|u| u.email.clone()).collect::<Vec<_>>().join(", ")}</p>
                </Show>
                <label for="new-name">{move || ctx.t().col_name}</label>
                <input id="new-name" type="text" autocomplete="off" bind:value=name
                    aria-invalid=move || name_error.with(Option::is_some).to_string()
                    aria-describedby=move || name_error.with(Option::is_some).then_some("new-name-error") />
                <Show when=move || name_error.with(Option::is_some)>
                    <p class="error field-error" id="new-name-error">{move || name_error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <label for="new-email">{move || ctx.lang.get().users_page().col_email}</label>
                <input id="new-email" type="email" autocomplete="off" bind:value=email
                    aria-invalid=move || email_error.with(Option::is_some).to_string()
                    aria-describedby=move || email_error.with(Option::is_some).then_some("new-email-error") />
                <Show when=move || email_error.with(Option::is_some)>
                    <p class="error field-error" id="new-email-error">{move || email_error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <label for="new-role">{move || ctx.t().col_role}</label>
                <select id="new-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::User))>
                    {[Role::User, Role::Admin, Role::Billing].into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{move || ctx.t().role(r)}</option>
                    }).collect_view()}
                </select>
                <label for="new-location">{move || ctx.t().col_location}</label>
                <select id="new-location" on:change=move |ev| location.set(event_target_value(&ev))>
                    <option value="">{move || ctx.lang.get().users_page().location_none}</option>
                    <For each=move || lookups.locations_now() key=|l| l.id.clone() let:l>
                        <option value=l.id.clone()>{l.name.clone()}</option>
                    </For>
                </select>
                <span class="label" id="new-licenses-label">{move || ctx.t().col_licenses}</span>
                <div class="choices" role="group" aria-labelledby="new-licenses-label">
                <Transition fallback=Loading>
                    <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || lookups.pools.refetch() /> }>
                        {move || Suspend::new(async move {
                            lookups.pools.await.map(|pools| pools.into_iter().map(|p| {
                                let code = p.product_code.clone();
                                let code2 = code.clone();
                                // a product with no free seat is shown as such and cannot be ticked.
                                let free = p.seats_total - p.seats_used;
                                let full = free <= 0;
                                let name = p.product_name.clone();
                                let reason_id = format!("no-seats-{code}");
                                view! {
                                    <label class="check" class:muted=full data-full=full.to_string()>
                                        <input type="checkbox" class="new-license" value=code.clone()
                                            disabled=full
                                            aria-describedby=full.then(|| reason_id.clone())
                                            prop:checked=move || licenses.get().contains(&code)
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                licenses.update(|l| { if on { l.insert(code2.clone()); } else { l.remove(&code2); } });
                                            } />
                                        {p.product_name.clone()}" ("
                                        {move || if full { ctx.lang.get().users_page().no_free_seats.to_string() } else { ctx.lang.get().users_page().seats_free.of(free as u64) }}")"
                                    </label>
                                    {full.then(|| view! {
                                        <p class="muted small no-seats-reason" id=reason_id.clone()>{move || (ctx.lang.get().users_page().no_free_seats_reason)(&name)}</p>
                                    })}
                                }
                            }).collect_view())
                        })}
                    </ErrorBoundary>
                </Transition>
                </div>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="create-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <div class="row actions">
                    <button type="submit" id="create-submit" disabled=move || busy.get()>{move || ctx.lang.get().users_page().create_users}</button>
                    <button type="button" class="secondary" id="add-another" on:click=add_another>{move || ctx.lang.get().users_page().add_another}</button>
                    <button type="button" class="secondary" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().cancel}</button>
                </div>
            </form>
        </div>
    }
}
