//! The edit dialog: a user's name, role and location.

use kontor_api::{Role, UserSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::kind::Dialog;
use crate::components::modal;
use crate::context::Ctx;
use crate::errors::{clear_on_change, Problem};
use crate::ipc;
use crate::pages::users::lookups::Lookups;

/// Change a user's name, role and location.
#[component]
pub fn EditDialog(
    user: UserSummary,
    lookups: Lookups,
    dialog: RwSignal<Dialog>,
    can_make_owner: bool,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let name = RwSignal::new(user.display_name.clone());
    let role = RwSignal::new(user.role);
    let location = RwSignal::new(user.location_id.clone().unwrap_or_default());
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    clear_on_change(error, move || {
        name.track();
        role.track();
        location.track();
    });
    let id = user.id.clone();
    let roles: Vec<Role> = if can_make_owner {
        Role::ALL.to_vec()
    } else {
        vec![Role::Admin, Role::Billing, Role::User]
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let display_name = match kontor_api::validate::display_name("name", &name.get_untracked()) {
            Ok(n) => n,
            Err(e) => {
                return error.set(Some(Problem::Field {
                    label: |t| t.col_name,
                    reason: e.reason,
                }))
            }
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
                Err(e) => error.set(Some(Problem::Refused(e))),
            }
        });
    };
    let (modal_ref, modal_keys) = modal(move || dialog.set(Dialog::None));
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="edit-title" id="edit-dialog"
            node_ref=modal_ref on:keydown=modal_keys>
            <form class="card narrow" on:submit=submit novalidate>
                <h2 id="edit-title">{user.email.clone()}</h2>
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
                    <option value="">{move || ctx.lang.get().users_page().location_none}</option>
                    <For each=move || lookups.locations_now() key=|l| l.id.clone() let:l>
                        {
                            let lid = l.id.clone();
                            view! { <option value=l.id.clone() selected=move || location.get() == lid>{l.name.clone()}</option> }
                        }
                    </For>
                </select>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="edit-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <div class="row actions">
                    <button type="submit" id="edit-submit" disabled=move || busy.get()>{move || ctx.t().apply}</button>
                    <button type="button" class="secondary" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().cancel}</button>
                </div>
            </form>
        </div>
    }
}
