//! The Audit log page (Owner and Admin): time in this computer's time zone, user, the event as a sentence in
//! the user's language (an unknown code generically), what it concerns, and the IP address; filters by user,
//! event type (area and event) and date range; "Load more" pages on (keyset, newest first); "Export CSV"
//! writes every entry the filter matches through the save dialog (the shell pages and writes atomically).
//!
//! The first page is one request through `<Transition>`/`<ErrorBoundary>`; further pages are appended below
//! it and a failed one leaves the loaded rows in place with its error beside "Load more".

use kontor_api::{AuditEvent, AuditQuery, AUDIT_AREAS, AUDIT_EVENTS};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::components::{LoadFailed, Loading, Toasts};
use crate::context::Ctx;
use crate::errors::{Problem, Shown};
use crate::i18n::{audit_area_name, audit_sentence, Lang};
use crate::ipc;

/// Entries per page.
const PAGE: u32 = 50;

/// A Unix time in the webview's time zone: `YYYY-MM-DD HH:MM:SS` (German `DD.MM.YYYY HH:MM:SS`).
fn local_time(at: i64, german: bool) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(at as f64 * 1000.0));
    let (y, mo, da) = (d.get_full_year(), d.get_month() + 1, d.get_date());
    let (h, mi, s) = (d.get_hours(), d.get_minutes(), d.get_seconds());
    if german {
        format!("{da:02}.{mo:02}.{y:04} {h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// Local midnight of an `<input type=date>` value (`YYYY-MM-DD`) as Unix seconds, `days` later.
fn local_midnight(value: &str, days: i32) -> Option<i64> {
    let mut parts = value.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let date = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d + days);
    let ms = date.get_time();
    (!ms.is_nan()).then(|| (ms / 1000.0) as i64)
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    // The form's fields and the applied filter.
    let user = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    let event = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let applied = RwSignal::new(AuditQuery::default());

    let first = LocalResource::new(move || {
        let q = AuditQuery {
            limit: Some(PAGE),
            ..applied.get()
        };
        async move {
            ctx.guard(ipc::audit_page(q).await)
                .map_err(|e| Shown::new(ctx.t(), &e))
        }
    });
    // Pages after the first, and where the next one starts.
    let more = RwSignal::new(Vec::<AuditEvent>::new());
    let next = RwSignal::new(None::<i64>);
    let more_error = RwSignal::new(None::<Problem>);
    let loading_more = RwSignal::new(false);

    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_string()).filter(|v| !v.is_empty())
        };
        more.set(Vec::new());
        more_error.set(None);
        applied.set(AuditQuery {
            actor: text(user),
            area: text(area).filter(|_| event.get_untracked().is_empty()),
            event: text(event),
            from: text(from).and_then(|v| local_midnight(&v, 0)),
            to: text(to).and_then(|v| local_midnight(&v, 1)),
            ..Default::default()
        });
    };
    let reset = move |_| {
        for s in [user, area, event, from, to] {
            s.set(String::new());
        }
        more.set(Vec::new());
        more_error.set(None);
        applied.set(AuditQuery::default());
    };
    let load_more = move |_| {
        let Some(before) = next.get_untracked() else {
            return;
        };
        let q = AuditQuery {
            before: Some(before),
            limit: Some(PAGE),
            ..applied.get_untracked()
        };
        loading_more.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::audit_page(q).await);
            loading_more.set(false);
            match r {
                Ok(p) => {
                    more_error.set(None);
                    more.update(|m| m.extend(p.events));
                    next.set(p.next_before);
                }
                Err(e) => more_error.set(Some(Problem::Failed(e))),
            }
        });
    };
    let exporting = RwSignal::new(false);
    let export = move |_| {
        exporting.set(true);
        let q = applied.get_untracked();
        let file = ctx.lang.get().audit().audit_export_file.to_string();
        spawn_local(async move {
            let r = ctx.guard(ipc::save_audit_csv(q, file).await);
            exporting.set(false);
            match r {
                Ok(s) => match s.path {
                    Some(p) => {
                        toasts.success(move |t| (t.lang().audit().audit_exported)(s.entries, &p))
                    }
                    None => toasts.success(|t| t.lang().audit().audit_export_cancelled.to_string()),
                },
                Err(e) => toasts.trouble(move |t| crate::errors::describe(t, &e)),
            }
        });
    };

    let row = move |e: AuditEvent| {
        let lang = ctx.lang.get();
        let german = lang == Lang::De;
        view! {
            <tr data-event=e.event.clone() data-id=e.id>
                <td class="nowrap audit-time">{local_time(e.at, german)}</td>
                <td class="audit-user">{e.actor.clone().unwrap_or_default()}</td>
                <td class="audit-event" title=e.event.clone()>{audit_sentence(lang, &e.event)}</td>
                <td class="audit-target">{e.target.clone()}</td>
                <td class="mono audit-ip">{e.ip.clone().unwrap_or_default()}</td>
            </tr>
        }
    };

    view! {
        <section id="audit-page">
            <h1>{move || ctx.lang.get().audit().audit_title}</h1>
            <p class="muted" id="audit-intro">{move || ctx.lang.get().audit().audit_intro}</p>
            <form class="filters row" id="audit-filters" on:submit=apply>
                <label>{move || ctx.lang.get().audit().audit_user}
                    <input id="audit-user" type="text" bind:value=user autocomplete="off" /></label>
                <label>{move || ctx.lang.get().audit().audit_area}
                    <select id="audit-area" on:change=move |ev| { area.set(event_target_value(&ev)); event.set(String::new()); }
                        prop:value=move || area.get()>
                        <option value="">{move || ctx.lang.get().audit().audit_all}</option>
                        {AUDIT_AREAS.iter().map(|a| view! {
                            <option value=*a>{move || audit_area_name(ctx.lang.get(), a)}</option>
                        }).collect_view()}
                    </select></label>
                <label>{move || ctx.lang.get().audit().audit_event}
                    <select id="audit-event" on:change=move |ev| event.set(event_target_value(&ev)) prop:value=move || event.get()>
                        <option value="">{move || ctx.lang.get().audit().audit_all}</option>
                        {move || {
                            let a = area.get();
                            AUDIT_EVENTS.iter()
                                .filter(|e| a.is_empty() || e.split_once('.').is_some_and(|(x, _)| x == a))
                                .map(|e| view! { <option value=*e>{move || audit_sentence(ctx.lang.get(), e)}</option> })
                                .collect_view()
                        }}
                    </select></label>
                <label>{move || ctx.lang.get().audit().audit_from}
                    <input id="audit-from" type="date" bind:value=from /></label>
                <label>{move || ctx.lang.get().audit().audit_to}
                    <input id="audit-to" type="date" bind:value=to /></label>
                <button type="submit" id="audit-apply">{move || ctx.lang.get().audit().audit_apply}</button>
                <button type="button" class="secondary" id="audit-reset" on:click=reset>{move || ctx.lang.get().audit().audit_reset}</button>
                <button type="button" class="secondary" id="audit-export" on:click=export disabled=move || exporting.get()>{move || ctx.lang.get().audit().audit_export}</button>
            </form>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || first.refetch() /> }>
                    {move || Suspend::new(async move {
                        first.await.map(|page| {
                            let t = ctx.t();
                            // A re-render (language switch) keeps the pages loaded after this one.
                            if more.get_untracked().is_empty() {
                                next.set(page.next_before);
                            }
                            let empty = page.events.is_empty();
                            view! {
                                <div class="table-wrap">
                                <table class="credentials" id="audit-table">
                                    <thead><tr>
                                        <th>{t.lang().audit().audit_time}</th><th>{t.lang().audit().audit_user}</th><th>{t.lang().audit().audit_event}</th>
                                        <th>{t.lang().audit().audit_target}</th><th>{t.lang().audit().audit_ip}</th>
                                    </tr></thead>
                                    <tbody>
                                        {empty.then(|| view! {
                                            <tr><td colspan="5" class="muted center-text" id="audit-none">{t.lang().audit().audit_none}</td></tr>
                                        })}
                                        {page.events.into_iter().map(row).collect_view()}
                                        {move || more.get().into_iter().map(row).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            <Show when=move || more_error.get().is_some()>
                <p class="error" role="alert" id="audit-more-error">{move || more_error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            <Show when=move || next.get().is_some()>
                <div class="row">
                    <button class="secondary" id="audit-more" on:click=load_more disabled=move || loading_more.get()>{move || ctx.lang.get().audit().audit_load_more}</button>
                </div>
            </Show>
        </section>
    }
}
