//! The Offline license page: license status, saving the account-wide license file, activating an
//! air-gapped machine from its request file (dropped, or chosen with "Choose file…"), revoking (asked
//! first), and what a saved file contains, with "Show in folder". Each issued license shows its state as a badge (valid, revoked).

use kontor_api::ipc::SavedLicense;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{on_file_drop, ConfirmDialog, LoadFailed, Loading, Toasts};
use crate::context::Ctx;
use crate::errors::{Problem, Shown};
use crate::ipc;

#[component]
pub fn LicensePage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let status = LocalResource::new(move || async move {
        ctx.guard(ipc::offline_license_status().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    let saved = RwSignal::new(None::<SavedLicense>);
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let done = move |r: Result<SavedLicense, kontor_api::ErrorBody>| {
        busy.set(false);
        match ctx.guard(r) {
            Ok(s) => {
                error.set(None);
                saved.set(Some(s));
            }
            Err(e) => error.set(Some(Problem::Failed(e))),
        }
        status.refetch();
    };
    let activate = move |path: String| {
        busy.set(true);
        spawn_local(async move { done(ipc::activate_machine(path).await) });
    };
    let pick = move |_| {
        busy.set(true);
        spawn_local(async move {
            match ipc::activate_machine_pick().await {
                Ok(Some(s)) => done(Ok(s)),
                Ok(None) => busy.set(false),
                Err(e) => done(Err(e)),
            }
        });
    };
    let toasts = expect_context::<Toasts>();
    let reveal = move |path: String| {
        spawn_local(async move {
            if let Err(e) = ipc::show_in_folder(path).await {
                toasts.trouble(move |t| crate::errors::describe_refusal(t, &e));
            }
        });
    };
    let save = move |_| {
        busy.set(true);
        spawn_local(async move { done(ipc::save_offline_license().await) });
    };

    // An activation request dropped onto the window.
    on_file_drop(ctx, activate);

    // The license the user asked to revoke, until they confirm or cancel.
    let asked = RwSignal::new(None::<String>);
    let revoke = move |id: String| {
        asked.set(None);
        spawn_local(async move {
            if let Err(e) = ctx.guard(ipc::revoke_offline_license(id).await) {
                error.set(Some(Problem::Refused(e)));
            }
            status.refetch();
        })
    };

    view! {
        <section id="offline-license">
            <h1>{move || ctx.lang.get().license().license_title}</h1>
            <p class="muted" id="license-intro">{move || ctx.lang.get().license().license_save_help}</p>
            <div class="row">
                <button id="save-license" on:click=save disabled=move || busy.get()>{move || ctx.lang.get().license().license_save}</button>
            </div>
            <div class="dropzone" id="activation-dropzone">
                <p>{move || ctx.lang.get().license().license_drop}</p>
                <button class="secondary" id="choose-request" on:click=pick disabled=move || busy.get()>{move || ctx.lang.get().license().license_choose_request}</button>
                <p class="muted small" id="license-help">{move || ctx.lang.get().license().license_help}</p>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error pre" role="alert" id="license-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            {move || saved.get().map(|s| {
                let t = ctx.t();
                let lang = ctx.lang.get();
                view! {
                    <div class="card" id="license-saved">
                        <p class="notice">{match &s.path { Some(p) => (t.lang().license().license_saved_to)(p), None => t.lang().license().license_not_saved.to_string() }}</p>
                        {s.path.clone().map(|p| view! {
                            <button class="secondary" id="license-show-in-folder" on:click=move |_| reveal(p.clone())>{t.show_in_folder}</button>
                        })}
                        <dl class="facts">
                            <dt>"ID"</dt><dd id="saved-license-id">{s.license.license_id.clone()}</dd>
                            <dt>{t.lang().license().license_customer}</dt><dd>{s.license.customer_name.clone()}</dd>
                            <dt>{t.lang().license().license_products}</dt><dd>{s.license.products.iter().map(|(n, seats)| format!("{n} ({seats})")).collect::<Vec<_>>().join(", ")}</dd>
                            <dt>{t.lang().license().license_valid_until}</dt><dd>{lang.day(s.license.expires_at - 1)}</dd>
                            <dt>{t.lang().license().license_bound}</dt><dd id="saved-license-machine">{s.license.machine.clone().map(|m| m.chars().take(16).collect::<String>()).unwrap_or_else(|| t.lang().license().license_all_machines.to_string())}</dd>
                        </dl>
                    </div>
                }
            })}
            <Transition fallback=Loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || status.refetch() /> }>
                    {move || Suspend::new(async move {
                        status.await.map(|st| {
                            let t = ctx.t();
                            let lang = ctx.lang.get();
                            view! {
                                <div class="cards">
                                    <div class="card stat"><span class="label">{t.lang().license().license_valid_until}</span>
                                        <span class="value">{st.license_expires_on.as_deref().map(|d| lang.date(d)).unwrap_or_else(|| "—".into())}</span></div>
                                    <div class="card stat"><span class="label">{t.lang().license().license_activations}</span>
                                        <span class="value" id="activations">{st.activations_used}" / "{st.activations_max}</span></div>
                                </div>
                                <h2>{t.lang().license().license_issued}</h2>
                                <div class="table-wrap">
                                <table class="credentials" id="issued-licenses">
                                    <thead><tr><th>"ID"</th><th>{t.lang().license().license_machine}</th><th>{t.lang().license().license_issued_on}</th><th>{t.lang().license().license_valid_until}</th><th>{t.lang().license().license_state}</th><th></th></tr></thead>
                                    <tbody>
                                        {st.licenses.is_empty().then(|| view! {
                                            <tr><td colspan="6" class="muted center-text" id="licenses-none">{t.lang().license().license_none}</td></tr>
                                        })}
                                        {st.licenses.into_iter().map(|l| {
                                            let id = l.license_id.clone();
                                            let revoked = l.revoked_at.is_some();
                                            view! {
                                                <tr data-license=l.license_id.clone() class:revoked=revoked>
                                                    <td class="mono">{l.license_id.chars().take(12).collect::<String>()}</td>
                                                    <td>{l.hostname.clone().unwrap_or_else(|| t.lang().license().license_all_machines.to_string())}</td>
                                                    <td class="nowrap">{lang.day(l.issued_at)}</td>
                                                    <td class="nowrap">{lang.day(l.expires_at - 1)}</td>
                                                    <td>{if revoked {
                                                        view! { <span class="state-badge revoked">{t.lang().license().license_revoked}</span> }
                                                    } else {
                                                        view! { <span class="state-badge valid">{t.lang().license().license_valid}</span> }
                                                    }}</td>
                                                    <td>{(!revoked).then(|| view! {
                                                        <button class="link revoke-license nowrap" on:click=move |_| asked.set(Some(id.clone()))>{t.lang().license().license_revoke}</button>
                                                    })}</td>
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
            {move || asked.get().map(|id| {
                let short: String = id.chars().take(12).collect();
                let id = StoredValue::new(id);
                view! {
                    <ConfirmDialog id="confirm-revoke" danger=true
                        title=move || (ctx.lang.get().license().license_revoke_title)(&short)
                        confirm=move || ctx.lang.get().license().license_revoke_confirm.to_string()
                        on_confirm=move || revoke(id.get_value())
                        on_cancel=move || asked.set(None)>
                        <p id="confirm-revoke-text">{move || ctx.lang.get().license().license_revoke_body}</p>
                    </ConfirmDialog>
                }
            })}
        </section>
    }
}
