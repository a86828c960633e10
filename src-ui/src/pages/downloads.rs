//! The Downloads page: the installers of the account's products, and the app's downloads with progress
//! (bytes, rate, time left), pause, resume and cancel. The shell does the work and checks the SHA-256.

use std::collections::BTreeMap;

use kontor_api::ipc::{DownloadState, DownloadStatus, DOWNLOAD_PROGRESS_EVENT};
use kontor_api::Installer;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::{describe, Ctx, Shown};
use crate::i18n::{Lang, Texts};
use crate::ipc;

#[component]
pub fn DownloadsPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let installers = LocalResource::new(move || async move {
        ctx.guard(ipc::installers().await)
            .map(|l| l.installers)
            .map_err(|e| Shown(describe(ctx.t(), &e)))
    });
    // Keyed by installer id; the shell's events keep it current.
    let downloads = RwSignal::new(BTreeMap::<String, DownloadStatus>::new());
    let error = RwSignal::new(None::<String>);

    spawn_local(async move {
        match ctx.guard(ipc::downloads().await) {
            Ok(list) => downloads.update(|m| {
                for d in list {
                    m.insert(d.installer.id.clone(), d);
                }
            }),
            Err(e) => error.set(Some(describe(ctx.t(), &e))),
        }
    });
    let listener = ipc::listen(DOWNLOAD_PROGRESS_EVENT, move |d: DownloadStatus| {
        downloads.update(|m| {
            m.insert(d.installer.id.clone(), d);
        });
    });
    let keep = StoredValue::new_local(Some(listener));
    on_cleanup(move || {
        if let Some(l) = keep.try_update_value(|k| k.take()).flatten() {
            l.stop();
        }
    });

    let start = move |id: String| {
        act(ctx, downloads, error, async move {
            ipc::download_start(id).await.map(|s| s.download)
        })
    };

    view! {
        <section id="downloads">
            <h1>{move || ctx.t().downloads_title}</h1>
            <p class="muted">{move || ctx.t().downloads_intro}</p>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="downloads-error">{move || error.get()}</p>
            </Show>
            <Show when=move || !downloads.with(|m| m.is_empty())>
                <h2>{move || ctx.t().downloads_active}</h2>
                <div class="download-list" id="download-list">
                    <For each=move || downloads.with(|m| m.keys().cloned().collect::<Vec<_>>()) key=|id| id.clone() let:id>
                        <DownloadRow id downloads error />
                    </For>
                </div>
            </Show>
            <Transition fallback=move || view! { <p class="muted">{move || ctx.t().loading}</p> }>
                <ErrorBoundary fallback=move |errors| view! {
                    <div class="card" role="alert"><ul class="error">{move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}</ul>
                    <button on:click=move |_| installers.refetch()>{move || ctx.t().retry}</button></div>
                }>
                    {move || Suspend::new(async move {
                        installers.await.map(|list| {
                            let t = ctx.t();
                            let lang = ctx.lang.get();
                            if list.is_empty() {
                                return view! { <p class="muted" id="no-installers">{t.downloads_none}</p> }.into_any();
                            }
                            view! {
                                <table class="installers" id="installers">
                                    <thead><tr>
                                        <th>{t.downloads_product}</th><th>{t.downloads_version}</th><th>{t.downloads_platform}</th>
                                        <th>{t.downloads_size}</th><th>{t.downloads_released}</th><th></th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|i| installer_row(i, t, lang, downloads, start)).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

fn installer_row(
    i: Installer,
    t: &'static Texts,
    lang: Lang,
    downloads: RwSignal<BTreeMap<String, DownloadStatus>>,
    start: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let id = i.id.clone();
    let id2 = i.id.clone();
    let busy = move || {
        downloads.with(|m| {
            m.get(&id2).is_some_and(|d| {
                matches!(d.state, DownloadState::Running | DownloadState::Retrying)
            })
        })
    };
    view! {
        <tr data-installer=i.id.clone()>
            <td>{i.product_name.clone()}<div class="muted mono small">{i.file_name.clone()}</div></td>
            <td>{i.version.clone()}</td>
            <td>{platform(&i.platform)}" · "{i.arch.clone()}</td>
            <td>{lang.bytes(i.size)}</td>
            <td>{lang.date(&i.released_on)}</td>
            <td>
                <button class="download-start" disabled=busy on:click=move |_| start(id.clone())>{t.downloads_download}</button>
            </td>
        </tr>
        {(!i.notes.is_empty()).then(|| view! {
            <tr class="notes"><td colspan="6" class="muted small">{i.notes.clone()}</td></tr>
        })}
    }
}

/// Runs a download command and puts its answer (or error) on the page.
fn act(
    ctx: Ctx,
    downloads: RwSignal<BTreeMap<String, DownloadStatus>>,
    error: RwSignal<Option<String>>,
    fut: impl std::future::Future<Output = Result<Option<DownloadStatus>, kontor_api::ErrorBody>>
        + 'static,
) {
    spawn_local(async move {
        match ctx.guard(fut.await) {
            Ok(Some(d)) => {
                error.set(None);
                downloads.update(|m| {
                    m.insert(d.installer.id.clone(), d);
                });
            }
            Ok(None) => error.set(None),
            Err(e) => error.set(Some(describe(ctx.t(), &e))),
        }
    });
}

fn platform(p: &str) -> &'static str {
    match p {
        "windows" => "Windows",
        "macos" => "macOS",
        "linux" => "Linux",
        _ => "—",
    }
}

#[component]
fn DownloadRow(
    id: String,
    downloads: RwSignal<BTreeMap<String, DownloadStatus>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pause = move |id: String| {
        act(ctx, downloads, error, async move {
            ipc::download_pause(id).await.map(Some)
        })
    };
    let resume = move |id: String| {
        act(ctx, downloads, error, async move {
            ipc::download_resume(id).await.map(Some)
        })
    };
    let cancel = move |id: String| {
        downloads.update(|m| {
            m.remove(&id);
        });
        act(ctx, downloads, error, async move {
            ipc::download_cancel(id).await.map(|_| None)
        })
    };
    let key = id.clone();
    let status = Memo::new(move |_| downloads.with(|m| m.get(&key).cloned()));
    let state_attr = move || {
        status
            .get()
            .map(|d| format!("{:?}", d.state).to_lowercase())
            .unwrap_or_default()
    };
    let (pid, rid, cid) = (id.clone(), id.clone(), id.clone());
    view! {
        <div class="card download" data-download=id.clone() data-state=state_attr>
            {move || status.get().map(|d| {
                let t = ctx.t();
                let lang = ctx.lang.get();
                let (pid, rid, cid) = (pid.clone(), rid.clone(), cid.clone());
                let label = match d.state {
                    DownloadState::Running => t.downloads_running,
                    DownloadState::Paused => t.downloads_paused,
                    DownloadState::Retrying => t.downloads_retrying,
                    DownloadState::Failed => t.downloads_failed,
                    DownloadState::Done => t.downloads_done,
                };
                let mut detail = format!("{} / {}", lang.bytes(d.received), lang.bytes(d.total));
                if d.state == DownloadState::Running && d.bytes_per_sec > 0 {
                    detail.push_str(&format!(" · {}/s", lang.bytes(d.bytes_per_sec)));
                    if let Some(eta) = d.eta_secs {
                        detail.push_str(&format!(" · {} {}", lang.duration(eta), t.downloads_left));
                    }
                }
                let running = matches!(d.state, DownloadState::Running | DownloadState::Retrying);
                let can_resume = matches!(d.state, DownloadState::Paused | DownloadState::Failed);
                let done = d.state == DownloadState::Done;
                view! {
                    <div class="row spread">
                        <strong>{d.installer.file_name.clone()}</strong>
                        <span class="download-state">{label}</span>
                    </div>
                    <progress class="download-progress" max=d.total.max(1).to_string() value=d.received.to_string()></progress>
                    <div class="row spread small">
                        <span class="download-detail">{detail}</span>
                        <span class="row">
                            <Show when=move || running>
                                <button class="secondary download-pause" on:click={let pid = pid.clone(); move |_| pause(pid.clone())}>{t.downloads_pause}</button>
                            </Show>
                            <Show when=move || can_resume>
                                <button class="download-resume" on:click={let rid = rid.clone(); move |_| resume(rid.clone())}>{t.downloads_resume}</button>
                            </Show>
                            <button class="link download-cancel" on:click={let cid = cid.clone(); move |_| cancel(cid.clone())}>
                                {if done { t.downloads_remove } else { t.downloads_cancel }}
                            </button>
                        </span>
                    </div>
                    {done.then(|| view! {
                        <p class="small muted download-saved">{t.downloads_saved_to}" "<span class="mono download-path">{d.dest.clone()}</span>
                            <br />"SHA-256 "<span class="mono download-sha">{d.installer.sha256.clone()}</span></p>
                    })}
                    {d.error.clone().map(|e| view! { <p class="error download-error" role="alert">{describe(t, &e)}</p> })}
                }
            })}
        </div>
    }
}
