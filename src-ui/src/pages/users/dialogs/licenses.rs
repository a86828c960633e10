//! The bulk licenses dialog: assign or revoke products for all selected users at once; the result is a
//! notice that goes away by itself.

use std::collections::BTreeSet;

use kontor_api::LicenseChange;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::kind::Dialog;
use crate::components::{modal, LoadFailed, Loading, Toasts};
use crate::context::Ctx;
use crate::errors::{clear_on_change, Problem};
use crate::ipc;
use crate::pages::users::lookups::Lookups;

/// Assign or revoke licenses for all selected users at once; the portal applies all or nothing.
#[component]
pub fn LicenseDialog(
    lookups: Lookups,
    selected: RwSignal<BTreeSet<String>>,
    dialog: RwSignal<Dialog>,
    on_done: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    // product code → "keep" | "assign" | "revoke"
    let choice = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    // A seat error is about the choices: changing one (undoing it) makes it stale.
    clear_on_change(error, move || choice.track());
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
                    lookups.pools.set(Some(Ok(res.pools)));
                    let n = res.changed as u64;
                    toasts.success(move |t| t.lang().users_page().licenses_changed_count.of(n));
                    dialog.set(Dialog::None);
                    on_done();
                }
                Err(e) => error.set(Some(Problem::Refused(e))),
            }
        });
    };
    let (modal_ref, modal_keys) = modal(move || dialog.set(Dialog::None));
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="license-dialog-title" id="license-dialog"
            node_ref=modal_ref on:keydown=modal_keys>
            <div class="card narrow">
                <h2 id="license-dialog-title">{move || ctx.lang.get().users_page().manage_licenses_for.of(selected.get().len() as u64)}</h2>
                <Transition fallback=Loading>
                    <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || lookups.pools.refetch() /> }>
                        {move || Suspend::new(async move {
                            lookups.pools.await.map(|pools| pools.into_iter().map(|p| {
                                let code = p.product_code.clone();
                                let shown = code.clone();
                                view! {
                                    <label class="license-choice">
                                        <span>{p.product_name.clone()}" ("{
                                            let free = p.seats_total.saturating_sub(p.seats_used);
                                            move || if free <= 0 { ctx.lang.get().users_page().no_free_seats.to_string() } else { ctx.lang.get().users_page().seats_free.of(free as u64) }
                                        }")"</span>
                                        <select class="license-action" data-product=code.clone()
                                            prop:value=move || choice.with(|c| c.get(&shown).cloned().unwrap_or_else(|| "keep".into()))
                                            on:change=move |ev| { let v = event_target_value(&ev); choice.update(|c| { c.insert(code.clone(), v); }); }>
                                            <option value="keep">{move || ctx.lang.get().users_page().keep}</option>
                                            <option value="assign">{move || ctx.lang.get().users_page().assign}</option>
                                            <option value="revoke">{move || ctx.lang.get().users_page().revoke}</option>
                                        </select>
                                    </label>
                                }
                            }).collect_view())
                        })}
                    </ErrorBoundary>
                </Transition>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" id="license-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <div class="row actions">
                    <button id="license-apply" on:click=apply disabled=move || busy.get()>{move || ctx.t().apply}</button>
                    <button class="secondary" on:click=move |_| dialog.set(Dialog::None)>{move || ctx.t().cancel}</button>
                </div>
            </div>
        </div>
    }
}
