//! The app's self-update as the user sees it: the check on start, the banner offering a newer version with
//! its notes, installing (only with a valid vendor signature, which the shell checks) and the About dialog.

use kontor_api::ipc::{UpdateProgress, UPDATE_PROGRESS_EVENT};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{modal, sentence};
use crate::context::{Ctx, UpdateUi};
use crate::errors::describe;
use crate::ipc;

/// Asks the shell for an update. `quiet`: a failure on start is only logged (the portal may not serve
/// updates); from the About dialog it is shown.
pub fn check(ctx: Ctx, quiet: bool) {
    ctx.update.set(UpdateUi::Checking);
    spawn_local(async move {
        match ipc::update_check().await {
            Ok(c) => ctx.update.set(match c.offer {
                Some(o) => UpdateUi::Offer(o),
                None => UpdateUi::Current,
            }),
            Err(e) if quiet => {
                leptos::logging::warn!("update check: {e}");
                ctx.update.set(UpdateUi::Idle);
            }
            Err(e) => ctx.update.set(UpdateUi::Failed(e)),
        }
    });
}

fn install(ctx: Ctx, version: String) {
    ctx.update.set(UpdateUi::Installing {
        version: version.clone(),
        received: 0,
        total: None,
    });
    let listener = ipc::listen(UPDATE_PROGRESS_EVENT, move |p: UpdateProgress| {
        ctx.update.update(|u| {
            if let UpdateUi::Installing {
                received, total, ..
            } = u
            {
                *received = p.received;
                *total = p.total;
            }
        });
    });
    spawn_local(async move {
        let r = ipc::update_install().await;
        listener.stop();
        ctx.update.set(match r {
            Ok(done) => UpdateUi::Installed(done.version),
            Err(e) => UpdateUi::Failed(e),
        });
    });
}

/// The update's state and actions; used by the banner and the About dialog.
#[component]
fn UpdateState(#[prop(optional)] in_dialog: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let t = ctx.t();
        let lang = ctx.lang.get();
        match ctx.update.get() {
            UpdateUi::Idle => ().into_any(),
            UpdateUi::Checking => {
                view! { <p class="muted" id="update-checking">{t.lang().update().update_checking}</p> }.into_any()
            }
            UpdateUi::Current => {
                view! { <p id="update-current">{t.lang().update().update_current}</p> }.into_any()
            }
            UpdateUi::Offer(o) => {
                let version = o.version.clone();
                view! {
                    <div id="update-offer">
                        <p>{sentence(t.lang().update().update_offer, |name| match name {
                            "version" => view! { <strong id="update-version">{o.version.clone()}</strong> }.into_any(),
                            "current" => view! { <span id="update-current-version">{o.current_version.clone()}</span> }.into_any(),
                            _ => ().into_any(),
                        })}</p>
                        <p class="pre small" id="update-notes">{o.notes.clone()}</p>
                        <div class="row">
                            <button id="update-install" on:click=move |_| install(ctx, version.clone())>{t.lang().update().update_install}</button>
                            {(!in_dialog).then(|| view! {
                                <button class="secondary" id="update-later" on:click=move |_| ctx.update.set(UpdateUi::Idle)>{t.lang().update().update_later}</button>
                            })}
                        </div>
                    </div>
                }
                    .into_any()
            }
            UpdateUi::Installing { version, received, total } => view! {
                <div id="update-installing">
                    <p>{(t.lang().update().update_installing_version)(&version)}</p>
                    <progress max=total.unwrap_or(0).max(1).to_string() value=received.to_string()></progress>
                    <p class="small muted">{lang.bytes(received)}{total.map(|n| format!(" / {}", lang.bytes(n)))}</p>
                </div>
            }
                .into_any(),
            UpdateUi::Installed(version) => view! {
                <div id="update-installed">
                    <p>{(t.lang().update().update_installed_version)(&version)}</p>
                    <button id="update-restart" on:click=move |_| spawn_local(async move {
                        if let Err(e) = ipc::app_restart().await {
                            ctx.update.set(UpdateUi::Failed(e));
                        }
                    })>{t.lang().update().update_restart}</button>
                </div>
            }
                .into_any(),
            UpdateUi::Failed(e) => view! {
                <div id="update-failed" role="alert">
                    <p class="error" id="update-error">{describe(t, &e)}</p>
                    <p class="small muted">{e.message.clone()}</p>
                    {(!in_dialog).then(|| view! {
                        <button class="secondary" on:click=move |_| ctx.update.set(UpdateUi::Idle)>{t.lang().update().update_later}</button>
                    })}
                </div>
            }
                .into_any(),
        }
    }
}

/// Shown above every page while an update is offered, installing, installed or failed.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let shown = move || {
        !ctx.about.get()
            && matches!(
                ctx.update.get(),
                UpdateUi::Offer(_)
                    | UpdateUi::Installing { .. }
                    | UpdateUi::Installed(_)
                    | UpdateUi::Failed(_)
            )
    };
    view! {
        <Show when=shown>
            <div class="update-banner" id="update-banner" role="status"><UpdateState /></div>
        </Show>
    }
}

/// Version, portal and "Check for updates".
#[component]
pub fn AboutDialog() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <Show when=move || ctx.about.get()>
            <AboutCard />
        </Show>
    }
}

/// The About dialog while it is open (its focus and keyboard live as long as it shows).
#[component]
fn AboutCard() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (modal_ref, modal_keys) = modal(move || ctx.about.set(false));
    view! {
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="about-title" id="about-dialog"
                node_ref=modal_ref on:keydown=modal_keys>
                <div class="card narrow">
                    <h2 id="about-title">{move || ctx.lang.get().update().about_title}</h2>
                    <dl class="facts">
                        <dt>{move || ctx.lang.get().update().about_version}</dt>
                        <dd id="about-version">{move || ctx.config.get().map(|c| c.app_version).unwrap_or_default()}</dd>
                        <dt>{move || ctx.lang.get().update().about_portal}</dt>
                        <dd class="mono">{move || ctx.config.get().and_then(|c| c.portal_url).unwrap_or_default()}</dd>
                    </dl>
                    <UpdateState in_dialog=true />
                    <div class="row actions">
                        <button id="update-check" class="secondary"
                            disabled=move || matches!(ctx.update.get(), UpdateUi::Checking | UpdateUi::Installing { .. } | UpdateUi::Installed(_))
                            on:click=move |_| check(ctx, false)>{move || ctx.lang.get().update().update_check}</button>
                        <button id="about-close" on:click=move |_| ctx.about.set(false)>{move || ctx.lang.get().update().about_close}</button>
                    </div>
                </div>
            </div>
    }
}
