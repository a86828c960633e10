//! The Downloads page: the installers of the account's products, and the app's downloads with progress
//! (bytes, rate, time left), pause, resume and cancel. The shell does the work and checks the SHA-256.

use std::collections::{BTreeMap, HashSet};

use kontor_api::ipc::{DownloadState, DownloadStatus, DOWNLOAD_PROGRESS_EVENT};
use kontor_api::Installer;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{sentence, LoadFailed, Loading};
use crate::context::Ctx;
use crate::errors::{describe, Problem, Shown};
use crate::i18n::{Lang, Texts};
use crate::ipc;

#[component]
pub fn DownloadsPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let installers = LocalResource::new(move || async move {
        ctx.guard(ipc::installers().await)
            .map(|l| l.installers)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    // Keyed by the download's key (the installer id for its current download); the shell's events and
    // command answers keep it current.
    let downloads = Downloads {
        map: RwSignal::new(BTreeMap::new()),
        gone: RwSignal::new(HashSet::new()),
    };
    let error = RwSignal::new(None::<Problem>);

    spawn_local(async move {
        match ctx.guard(ipc::downloads().await) {
            Ok(list) => list.into_iter().for_each(|d| downloads.put(d)),
            Err(e) => error.set(Some(Problem::Failed(e))),
        }
    });
    let listener = ipc::listen(DOWNLOAD_PROGRESS_EVENT, move |d: DownloadStatus| {
        downloads.put(d)
    });
    let keep = StoredValue::new_local(Some(listener));
    on_cleanup(move || {
        if let Some(l) = keep.try_update_value(|k| k.take()).flatten() {
            l.stop();
        }
    });

    let start = move |id: String| {
        downloads.gone.update(|g| {
            g.remove(&id);
        });
        act(ctx, downloads, error, async move {
            ipc::download_start(id).await.map(|s| s.download)
        })
    };

    view! {
        <section id="downloads">
            <h1>{move || ctx.lang.get().downloads().downloads_title}</h1>
            <p class="muted">{move || ctx.lang.get().downloads().downloads_intro}</p>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id="downloads-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            <Show when=move || !downloads.map.with(|m| m.is_empty())>
                <h2>{move || ctx.lang.get().downloads().downloads_active}</h2>
                <div class="download-list" id="download-list">
                    <For each=move || downloads.map.with(|m| m.keys().cloned().collect::<Vec<_>>()) key=|id| id.clone() let:id>
                        <DownloadRow id downloads error />
                    </For>
                </div>
            </Show>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || installers.refetch() /> }>
                    {move || Suspend::new(async move {
                        installers.await.map(|list| {
                            let t = ctx.t();
                            let lang = ctx.lang.get();
                            if list.is_empty() {
                                return view! { <p class="muted" id="no-installers">{t.lang().downloads().downloads_none}</p> }.into_any();
                            }
                            view! {
                                <div class="table-wrap">
                                <table class="installers" id="installers">
                                    <thead><tr>
                                        <th>{t.lang().downloads().downloads_product}</th><th>{t.lang().downloads().downloads_version}</th><th>{t.lang().downloads().downloads_platform}</th>
                                        <th class="nowrap">{t.lang().downloads().downloads_size}</th><th class="nowrap">{t.lang().downloads().downloads_released}</th><th></th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|i| installer_row(i, t, lang, downloads, start)).collect_view()}
                                    </tbody>
                                </table>
                                </div>
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
    downloads: Downloads,
    start: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let id = i.id.clone();
    let id2 = i.id.clone();
    let busy = move || {
        downloads.map.with(|m| {
            m.get(&id2).is_some_and(|d| {
                matches!(d.state, DownloadState::Running | DownloadState::Retrying)
            })
        })
    };
    view! {
        <tr data-installer=i.id.clone()>
            <td>{i.product_name.clone()}<div class="muted mono small file-name">{breakable(&i.file_name)}</div></td>
            <td class="nowrap">{i.version.clone()}</td>
            <td class="nowrap">{platform(&i.platform)}" · "{i.arch.clone()}</td>
            <td class="nowrap">{lang.bytes(i.size)}</td>
            <td class="nowrap released">{lang.date(&i.released_on)}</td>
            <td>
                <button class="download-start" disabled=busy on:click=move |_| start(id.clone())>{t.lang().downloads().downloads_download}</button>
            </td>
        </tr>
        {(!i.notes.is_empty()).then(|| view! {
            <tr class="notes"><td colspan="6" class="muted small">{i.notes.clone()}</td></tr>
        })}
    }
}

/// A file name that may wrap only after a `-` or `_`, never inside a part (nor inside a version number).
fn breakable(name: &str) -> impl IntoView {
    file_name_parts(name)
        .into_iter()
        .map(|p| view! { {p}<wbr /> })
        .collect_view()
}

/// A file name cut after each `-` and `_`: the places where it may wrap.
fn file_name_parts(name: &str) -> Vec<String> {
    name.split_inclusive(['-', '_'])
        .map(str::to_string)
        .collect()
}

/// Runs a download command and puts its answer (or error) on the page.
fn act(
    ctx: Ctx,
    downloads: Downloads,
    error: RwSignal<Option<Problem>>,
    fut: impl std::future::Future<Output = Result<Option<DownloadStatus>, kontor_api::ErrorBody>>
        + 'static,
) {
    spawn_local(async move {
        match ctx.guard(fut.await) {
            Ok(Some(d)) => {
                error.set(None);
                downloads.put(d);
            }
            Ok(None) => error.set(None),
            Err(e) => error.set(Some(Problem::Failed(e))),
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
    downloads: Downloads,
    error: RwSignal<Option<Problem>>,
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
        downloads.forget(&id);
        act(ctx, downloads, error, async move {
            ipc::download_cancel(id).await.map(|_| None)
        })
    };
    // The card is built once; only texts, attributes and visibility follow the status (a rebuilt card
    // would lose a click that lands mid-update).
    let key = id.clone();
    let status = Memo::new(move |_| downloads.map.with(|m| m.get(&key).cloned()));
    let state = move || status.get().map(|d| d.state);
    let is = move |states: &[DownloadState]| state().is_some_and(|s| states.contains(&s));
    let shown = |yes: bool| if yes { "" } else { "none" };
    let file_name = status
        .get_untracked()
        .map(|d| d.installer.file_name)
        .unwrap_or_default();
    let label = move || {
        let t = ctx.t();
        match state() {
            Some(DownloadState::Running) => t.lang().downloads().downloads_running,
            Some(DownloadState::Paused) => t.lang().downloads().downloads_paused,
            Some(DownloadState::Retrying) => t.lang().downloads().downloads_retrying,
            Some(DownloadState::Failed) => t.lang().downloads().downloads_failed,
            Some(DownloadState::Done) => t.lang().downloads().downloads_done,
            None => "",
        }
    };
    let detail = move || {
        let (t, lang) = (ctx.t(), ctx.lang.get());
        status
            .get()
            .map(|d| {
                if let Some(checked) = d.checked {
                    let percent = checked.saturating_mul(100) / d.received.max(1);
                    return (t.lang().downloads().downloads_checking)(percent);
                }
                let mut text = format!("{} / {}", lang.bytes(d.received), lang.bytes(d.total));
                if d.state == DownloadState::Running && d.bytes_per_sec > 0 {
                    text.push_str(&format!(" · {}/s", lang.bytes(d.bytes_per_sec)));
                    if let Some(eta) = d.eta_secs {
                        text.push_str(&format!(
                            " · {}",
                            (t.lang().downloads().downloads_time_left)(&lang.duration(eta))
                        ));
                    }
                }
                text
            })
            .unwrap_or_default()
    };
    let (pid, rid, cid) = (id.clone(), id.clone(), id.clone());
    view! {
        <div class="card download" data-download=id.clone()
            data-state=move || state().map(|s| format!("{s:?}").to_lowercase()).unwrap_or_default()
            data-checking=move || status.get().and_then(|d| d.checked).map(|_| "true")>
            <div class="row spread">
                <strong>{file_name}</strong>
                <span class="download-state">{label}</span>
            </div>
            <progress class="download-progress"
                max=move || status.get().map(|d| d.total.max(1)).unwrap_or(1).to_string()
                value=move || status.get().map(|d| d.checked.unwrap_or(d.received)).unwrap_or(0).to_string()></progress>
            <div class="row spread small">
                <span class="download-detail">{detail}</span>
                <span class="row">
                    <button class="secondary download-pause"
                        style:display=move || shown(is(&[DownloadState::Running, DownloadState::Retrying]))
                        on:click=move |_| pause(pid.clone())>{move || ctx.lang.get().downloads().downloads_pause}</button>
                    <button class="download-resume"
                        style:display=move || shown(is(&[DownloadState::Paused, DownloadState::Failed]))
                        on:click=move |_| resume(rid.clone())>{move || ctx.lang.get().downloads().downloads_resume}</button>
                    <button class="link download-cancel" on:click=move |_| cancel(cid.clone())>
                        {move || if is(&[DownloadState::Done]) { ctx.lang.get().downloads().downloads_remove } else { ctx.lang.get().downloads().downloads_cancel }}
                    </button>
                </span>
            </div>
            <p class="small muted download-saved" style:display=move || shown(is(&[DownloadState::Done]))>
                {move || sentence(ctx.lang.get().downloads().downloads_saved_at, move |name| match name {
                    "path" => view! {
                        <span class="mono download-path">{move || status.get().map(|d| d.dest).unwrap_or_default()}</span>
                    }.into_any(),
                    _ => ().into_any(),
                })}
                <br />"SHA-256 "
                <span class="mono download-sha">{move || status.get().map(|d| d.installer.sha256).unwrap_or_default()}</span>
                <br />
                <button class="link download-show" on:click=move |_| {
                    if let Some(path) = status.get_untracked().map(|d| d.dest) {
                        spawn_local(async move {
                            if let Err(e) = ipc::show_in_folder(path).await {
                                error.set(Some(Problem::Failed(e)));
                            }
                        });
                    }
                }>{move || ctx.t().show_in_folder}</button>
            </p>
            <p class="error download-error" role="alert"
                style:display=move || shown(status.get().is_some_and(|d| d.error.is_some()))>
                {move || status.get().and_then(|d| d.error).map(|e| describe(ctx.t(), &e)).unwrap_or_default()}
            </p>
        </div>
    }
}

/// The page's downloads: newest status per installer, and what the user cancelled (late events of a
/// cancelled download do not bring it back).
#[derive(Clone, Copy)]
struct Downloads {
    map: RwSignal<BTreeMap<String, DownloadStatus>>,
    gone: RwSignal<HashSet<String>>,
}

impl Downloads {
    /// Takes `d` unless the page already has a newer status of it or the user cancelled it.
    fn put(self, d: DownloadStatus) {
        let key = if d.key.is_empty() {
            d.installer.id.clone()
        } else {
            d.key.clone()
        };
        if self.gone.with_untracked(|g| g.contains(&key)) {
            return;
        }
        let newer = self
            .map
            .with_untracked(|m| m.get(&key).is_none_or(|old| d.revision >= old.revision));
        if newer {
            self.map.update(|m| {
                m.insert(key, d);
            });
        }
    }

    fn forget(self, id: &str) {
        self.gone.update(|g| {
            g.insert(id.to_string());
        });
        self.map.update(|m| {
            m.remove(id);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::file_name_parts;

    #[test]
    fn file_names_wrap_only_after_separators() {
        let parts = file_name_parts("CMDB-Pro-4.2.1-x64.msi");
        assert_eq!(parts, ["CMDB-", "Pro-", "4.2.1-", "x64.msi"]);
        assert_eq!(parts.concat(), "CMDB-Pro-4.2.1-x64.msi");
        assert_eq!(file_name_parts("setup"), ["setup"]);
        assert_eq!(
            file_name_parts("cmdb-pro_4.2.1_amd64.deb").concat(),
            "cmdb-pro_4.2.1_amd64.deb"
        );
    }
}
