//! The Locations page (Owner and Admin): the account's locations with address and number of users, "Add
//! location", the edit dialog (name and address), and delete, asked first with a ConfirmDialog that — while
//! users belong to the location — asks where they move (both in one step on the portal).

use kontor_api::{ErrorDetail, LocationInfo, LocationInput};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{modal, ConfirmDialog, LoadFailed, Loading, Toasts};
use crate::context::Ctx;
use crate::errors::{clear_on_change, Problem, Shown};
use crate::i18n::Texts;
use crate::ipc;

/// Which dialog is open.
#[derive(Debug, Clone, PartialEq)]
enum Open {
    None,
    New,
    Edit(LocationInfo),
    Delete(LocationInfo),
}

#[component]
pub fn LocationsPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let list = LocalResource::new(move || async move {
        ctx.guard(ipc::location_infos().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    // The last list shown, for the delete dialog's choice of target.
    let known = RwSignal::new(Vec::<LocationInfo>::new());
    let open = RwSignal::new(Open::None);
    let error = RwSignal::new(None::<Problem>);

    let move_to = RwSignal::new(String::new());
    let deleting = RwSignal::new(false);
    let delete = move |l: LocationInfo| {
        let target = Some(move_to.get_untracked()).filter(|t| !t.is_empty());
        deleting.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::delete_location(l.id.clone(), target).await);
            deleting.set(false);
            open.set(Open::None);
            match r {
                Ok(_) => {
                    error.set(None);
                    let name = l.name.clone();
                    toasts.success(move |t| (t.lang().locations().location_deleted)(&name));
                }
                Err(e) => error.set(Some(Problem::Refused(e))),
            }
            list.refetch();
        });
    };

    view! {
        <section id="locations-page">
            <h1>{move || ctx.lang.get().locations().locations_title}</h1>
            <p class="muted" id="locations-intro">{move || ctx.lang.get().locations().locations_intro}</p>
            <div class="row">
                <button id="add-location" on:click=move |_| open.set(Open::New)>{move || ctx.lang.get().locations().location_add}</button>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="locations-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || list.refetch() /> }>
                    {move || Suspend::new(async move {
                        list.await.map(|rows| {
                            known.set(rows.clone());
                            let t = ctx.t();
                            view! {
                                <div class="table-wrap">
                                <table class="credentials" id="locations-table">
                                    <thead><tr>
                                        <th>{t.location_name}</th><th>{t.lang().locations().location_address}</th>
                                        <th class="num">{t.lang().locations().location_users}</th><th></th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.is_empty().then(|| view! {
                                            <tr><td colspan="4" class="muted center-text" id="locations-none">{t.lang().locations().locations_empty}</td></tr>
                                        })}
                                        {rows.into_iter().map(|l| {
                                            let address = [l.street.clone(), format!("{} {}", l.postal_code, l.city).trim().to_string(), l.country.clone()]
                                                .into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
                                            let (for_edit, for_delete) = (l.clone(), l.clone());
                                            view! {
                                                <tr data-location=l.id.clone() data-name=l.name.clone()>
                                                    <td class="location-name">{l.name.clone()}</td>
                                                    <td class="location-address">{address}</td>
                                                    <td class="num location-users">{l.user_count}</td>
                                                    <td class="nowrap">
                                                        <button class="link edit-location" on:click=move |_| open.set(Open::Edit(for_edit.clone()))
                                                            aria-label=(t.lang().locations().location_edit_title)(&l.name)>{t.lang().locations().location_edit}</button>
                                                        " "
                                                        <button class="link delete-location" on:click=move |_| {
                                                            move_to.set(String::new());
                                                            open.set(Open::Delete(for_delete.clone()));
                                                        } aria-label=(t.lang().locations().location_delete_title)(&l.name)>{t.lang().locations().location_delete}</button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            {move || match open.get() {
                Open::None => None,
                Open::New => Some(view! {
                    <LocationDialog editing=None on_close=move || open.set(Open::None) on_done=move || list.refetch() />
                }.into_any()),
                Open::Edit(l) => Some(view! {
                    <LocationDialog editing=Some(l) on_close=move || open.set(Open::None) on_done=move || list.refetch() />
                }.into_any()),
                Open::Delete(l) => {
                    let n = l.user_count;
                    let name = l.name.clone();
                    let others: Vec<LocationInfo> = known.get_untracked().into_iter().filter(|o| o.id != l.id).collect();
                    let gone = StoredValue::new(l);
                    Some(view! {
                        <ConfirmDialog id="confirm-delete-location" danger=true
                            title=move || (ctx.lang.get().locations().location_delete_title)(&name)
                            confirm=move || ctx.lang.get().locations().location_delete.to_string()
                            disabled=Signal::derive(move || deleting.get() || (n > 0 && move_to.get().is_empty()))
                            on_confirm=move || delete(gone.get_value())
                            on_cancel=move || open.set(Open::None)>
                            {if n == 0 {
                                view! { <p id="delete-location-text">{move || ctx.lang.get().locations().location_delete_empty}</p> }.into_any()
                            } else {
                                view! {
                                    <p id="delete-location-text">{move || ctx.lang.get().locations().location_delete_move.of(u64::from(n))}</p>
                                    <label for="move-to">{move || ctx.lang.get().locations().location_move_to}</label>
                                    <select id="move-to" on:change=move |ev| move_to.set(event_target_value(&ev))>
                                        <option value="">{move || ctx.lang.get().locations().location_move_choose}</option>
                                        {others.iter().map(|o| view! { <option value=o.id.clone()>{o.name.clone()}</option> }).collect_view()}
                                    </select>
                                }.into_any()
                            }}
                        </ConfirmDialog>
                    }.into_any())
                }
            }}
        </section>
    }
}

/// The field a refusal is about, if the form has it.
fn refused_field(e: &kontor_api::ErrorBody) -> Option<&'static str> {
    match &e.detail {
        Some(ErrorDetail::LocationNameTaken { .. }) => Some("name"),
        Some(ErrorDetail::Field { field, .. }) => {
            FIELDS.iter().map(|(f, _)| *f).find(|f| f == field)
        }
        _ => None,
    }
}

/// A field's label in the texts of the moment.
type Label = fn(&Texts) -> &'static str;

/// The form's fields: request name and label.
const FIELDS: [(&str, Label); 5] = [
    ("name", |t| t.location_name),
    ("street", |t| t.lang().locations().location_street),
    ("postal_code", |t| t.lang().locations().location_postal_code),
    ("city", |t| t.lang().locations().location_city),
    ("country", |t| t.lang().locations().location_country),
];

/// Add a location (`editing` None) or change one: name and address, errors at their field.
#[component]
fn LocationDialog(
    editing: Option<LocationInfo>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let start = editing.clone().map(|l| LocationInput {
        name: l.name,
        street: l.street,
        postal_code: l.postal_code,
        city: l.city,
        country: l.country,
    });
    let start = start.unwrap_or_default();
    let values = [
        RwSignal::new(start.name),
        RwSignal::new(start.street),
        RwSignal::new(start.postal_code),
        RwSignal::new(start.city),
        RwSignal::new(start.country),
    ];
    // The field an error is about ("" for the form as a whole) and the error.
    let error = RwSignal::new(None::<(&'static str, Problem)>);
    let busy = RwSignal::new(false);
    clear_on_change(error, move || {
        for v in values {
            v.track();
        }
    });
    let id = editing.as_ref().map(|l| l.id.clone());
    let title = editing.as_ref().map(|l| l.name.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = LocationInput {
            name: values[0].get_untracked(),
            street: values[1].get_untracked(),
            postal_code: values[2].get_untracked(),
            city: values[3].get_untracked(),
            country: values[4].get_untracked(),
        };
        let input = match input.validated() {
            Ok(i) => i,
            Err(e) => {
                let (field, label) = FIELDS
                    .iter()
                    .find(|(f, _)| *f == e.field)
                    .copied()
                    .unwrap_or(FIELDS[0]);
                return error.set(Some((
                    field,
                    Problem::Field {
                        label,
                        reason: e.reason,
                    },
                )));
            }
        };
        let id = id.clone();
        let is_new = id.is_none();
        busy.set(true);
        spawn_local(async move {
            let r = match id {
                Some(id) => ctx.guard(ipc::update_location(id, input).await),
                None => ctx.guard(ipc::create_location(input).await),
            };
            busy.set(false);
            match r {
                Ok(l) => {
                    let name = l.name.clone();
                    if is_new {
                        toasts.success(move |t| (t.lang().locations().location_created)(&name));
                    } else {
                        toasts.success(move |t| (t.lang().locations().location_saved)(&name));
                    }
                    on_close();
                    on_done();
                }
                Err(e) => {
                    let field = refused_field(&e).unwrap_or("");
                    error.set(Some((field, Problem::Refused(e))));
                }
            }
        });
    };
    let (modal_ref, modal_keys) = modal(on_close);
    let field_view = move |i: usize, input_id: &'static str| {
        let (field, label) = FIELDS[i];
        let err_id = format!("{input_id}-error");
        let has = move || error.with(|e| e.as_ref().is_some_and(|(f, _)| *f == field));
        let err_id2 = err_id.clone();
        view! {
            <label for=input_id>{move || label(ctx.t())}</label>
            <input id=input_id type="text" bind:value=values[i]
                aria-invalid=move || has().to_string()
                aria-describedby=move || has().then(|| err_id2.clone()) />
            <Show when=has>
                <p class="error field-error" id=err_id.clone()>{move || error.with(|e| e.as_ref().map(|(_, p)| p.show(ctx.t())))}</p>
            </Show>
        }
    };
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="location-dialog-title" id="location-dialog"
            node_ref=modal_ref on:keydown=modal_keys>
            <form class="card narrow" on:submit=submit novalidate>
                <h2 id="location-dialog-title">{move || match &title {
                    Some(n) => (ctx.lang.get().locations().location_edit_title)(n),
                    None => ctx.lang.get().locations().location_new_title.to_string(),
                }}</h2>
                {field_view(0, "location-name")}
                {field_view(1, "location-street")}
                {field_view(2, "location-postal-code")}
                {field_view(3, "location-city")}
                {field_view(4, "location-country")}
                <Show when=move || error.with(|e| e.as_ref().is_some_and(|(f, _)| f.is_empty()))>
                    <p class="error" role="alert" id="location-error">{move || error.with(|e| e.as_ref().map(|(_, p)| p.show(ctx.t())))}</p>
                </Show>
                <div class="row actions">
                    <button type="submit" id="location-submit" disabled=move || busy.get()>{move || ctx.t().apply}</button>
                    <button type="button" class="secondary" on:click=move |_| on_close()>{move || ctx.t().cancel}</button>
                </div>
            </form>
        </div>
    }
}
