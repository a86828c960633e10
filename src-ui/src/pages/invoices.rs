//! The Invoices page (issue 8, Owner and Billing): the table of invoices and credit notes (number, issue
//! date, period, due date, net, VAT, gross, a status badge) filtered by year and status, keyset-paged with
//! "Load more", a detail view with the lines and totals, the billing address as issued and the payment
//! terms, and "Save PDF" / "Save e-invoice (XML)" through the native save dialog, then "Show in folder".

use kontor_api::{InvoiceDetail, InvoiceDocumentFormat, InvoiceQuery, InvoiceStatus, PaymentTerms};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{LoadFailed, Loading, Toasts};
use crate::context::Ctx;
use crate::errors::{Problem, Shown};
use crate::i18n::Texts;
use crate::ipc;

fn status_text(t: &Texts, s: InvoiceStatus) -> &'static str {
    match s {
        InvoiceStatus::Open | InvoiceStatus::Other => t.lang().invoices().inv_open,
        InvoiceStatus::Paid => t.lang().invoices().inv_paid,
        InvoiceStatus::Overdue => t.lang().invoices().inv_overdue,
        InvoiceStatus::Cancelled => t.lang().invoices().inv_cancelled,
        InvoiceStatus::CreditNote => t.lang().invoices().inv_credit_note,
    }
}

fn badge_class(s: InvoiceStatus) -> &'static str {
    match s {
        InvoiceStatus::Paid => "state-badge valid",
        InvoiceStatus::Overdue | InvoiceStatus::Cancelled => "state-badge revoked",
        InvoiceStatus::CreditNote => "state-badge credit",
        InvoiceStatus::Open | InvoiceStatus::Other => "state-badge open",
    }
}

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let year = RwSignal::new(None::<i32>);
    let status = RwSignal::new(None::<InvoiceStatus>);
    // Pages after the first, appended by "Load more" (cleared when a filter changes).
    let more = RwSignal::new(Vec::<kontor_api::InvoiceSummary>::new());
    let next = RwSignal::new(None::<String>);
    let list = LocalResource::new(move || {
        let q = InvoiceQuery {
            year: year.get(),
            status: status.get(),
            limit: Some(50),
            before: None,
        };
        async move {
            more.set(Vec::new());
            let r = ctx
                .guard(ipc::invoices(q).await)
                .map_err(|e| Shown::new(ctx.t(), &e));
            if let Ok(p) = &r {
                next.set(p.next_before.clone());
            }
            r
        }
    });
    let error = RwSignal::new(None::<Problem>);
    let load_more = move |_| {
        let Some(before) = next.get_untracked() else {
            return;
        };
        let q = InvoiceQuery {
            year: year.get_untracked(),
            status: status.get_untracked(),
            limit: Some(50),
            before: Some(before),
        };
        spawn_local(async move {
            match ctx.guard(ipc::invoices(q).await) {
                Ok(p) => {
                    next.set(p.next_before.clone());
                    more.update(|m| m.extend(p.invoices));
                }
                Err(e) => error.set(Some(Problem::Failed(e))),
            }
        });
    };
    let detail = RwSignal::new(None::<InvoiceDetail>);
    let open = move |id: String| {
        spawn_local(async move {
            match ctx.guard(ipc::invoice(id).await) {
                Ok(d) => {
                    error.set(None);
                    detail.set(Some(d));
                }
                Err(e) => error.set(Some(Problem::Failed(e))),
            }
        });
    };
    let saved = RwSignal::new(None::<Option<String>>);
    let busy = RwSignal::new(false);
    let save = move |id: String, format: InvoiceDocumentFormat| {
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::save_invoice_document(id, format).await);
            busy.set(false);
            match r {
                Ok(s) => {
                    if let Some(p) = &s.path {
                        let p = p.clone();
                        toasts.success(move |t| (t.lang().invoices().inv_saved_to)(&p));
                    }
                    saved.set(Some(s.path));
                }
                Err(e) => error.set(Some(Problem::Failed(e))),
            }
        });
    };
    let reveal = move |path: String| {
        spawn_local(async move {
            if let Err(e) = ipc::show_in_folder(path).await {
                toasts.trouble(move |t| crate::errors::describe_refusal(t, &e));
            }
        });
    };
    let this_year = js_sys::Date::new_0().get_full_year() as i32;

    let row = move |i: kontor_api::InvoiceSummary| {
        let t = ctx.t();
        let lang = ctx.lang.get();
        let id = i.id.clone();
        view! {
            <tr data-invoice=i.number.clone() data-status=i.status.as_str()>
                <td class="mono nowrap"><button class="link invoice-open" on:click=move |_| open(id.clone())>{i.number.clone()}</button></td>
                <td class="nowrap">{lang.date(&i.issued_on)}</td>
                <td class="nowrap">{format!("{} – {}", lang.date(&i.period_start), lang.date(&i.period_end))}</td>
                <td class="nowrap">{lang.date(&i.due_on)}</td>
                <td class="num nowrap">{lang.money(i.net_cents, &i.currency)}</td>
                <td class="num nowrap">{lang.money(i.vat_cents, &i.currency)}</td>
                <td class="num nowrap invoice-gross" data-cents=i.gross_cents>{lang.money(i.gross_cents, &i.currency)}</td>
                <td><span class=badge_class(i.status)>{status_text(t, i.status)}</span></td>
            </tr>
        }
    };

    view! {
        <section id="invoices">
            <h1>{move || ctx.lang.get().invoices().inv_title}</h1>
            <p class="muted">{move || ctx.lang.get().invoices().inv_intro}</p>
            <div class="row filters">
                <label>{move || ctx.lang.get().invoices().inv_year}" "
                    <select id="invoice-year" on:change=move |ev| year.set(event_target_value(&ev).parse().ok())>
                        <option value="" selected>{move || ctx.lang.get().invoices().inv_all}</option>
                        {(0..6).map(|k| {
                            let y = this_year - k;
                            view! { <option value=y.to_string()>{y}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || ctx.lang.get().invoices().inv_status}" "
                    <select id="invoice-status" on:change=move |ev| status.set(InvoiceStatus::parse(&event_target_value(&ev)))>
                        <option value="" selected>{move || ctx.lang.get().invoices().inv_all}</option>
                        {InvoiceStatus::FILTERS.into_iter().map(|s| view! {
                            <option value=s.as_str()>{move || status_text(ctx.t(), s)}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error pre" role="alert" id="invoices-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            {move || detail.get().map(|d| {
                let t = ctx.t();
                let lang = ctx.lang.get();
                let s = d.summary.clone();
                let cur = s.currency.clone();
                let id_pdf = s.id.clone();
                let id_xml = s.id.clone();
                let b = d.bill_to.clone();
                view! {
                    <div class="card" id="invoice-detail" data-invoice=s.number.clone()>
                        <div class="row">
                            <h2 id="invoice-detail-title">{(t.lang().invoices().inv_detail_title)(&s.number)}</h2>
                            <span class=badge_class(s.status)>{status_text(t, s.status)}</span>
                            <span class="spacer"></span>
                            <button id="invoice-save-pdf" on:click=move |_| save(id_pdf.clone(), InvoiceDocumentFormat::Pdf) disabled=move || busy.get()>{t.lang().invoices().inv_save_pdf}</button>
                            <button class="secondary" id="invoice-save-xml" on:click=move |_| save(id_xml.clone(), InvoiceDocumentFormat::Xml) disabled=move || busy.get()>{t.lang().invoices().inv_save_xml}</button>
                            <button class="secondary" id="invoice-close" on:click=move |_| { detail.set(None); saved.set(None); }>{t.lang().invoices().inv_close}</button>
                        </div>
                        {move || saved.get().map(|p| match p {
                            Some(p) => {
                                let shown = p.clone();
                                view! {
                                    <p class="notice" id="invoice-saved">{(ctx.lang.get().invoices().inv_saved_to)(&shown)}" "
                                        <button class="secondary" id="invoice-show-in-folder" on:click=move |_| reveal(p.clone())>{ctx.t().show_in_folder}</button>
                                    </p>
                                }.into_any()
                            }
                            None => view! { <p class="muted" id="invoice-saved">{ctx.lang.get().invoices().inv_not_saved}</p> }.into_any(),
                        })}
                        <dl class="facts">
                            <dt>{t.lang().invoices().inv_issued}</dt><dd>{lang.date(&s.issued_on)}</dd>
                            <dt>{t.lang().invoices().inv_period}</dt><dd>{format!("{} – {}", lang.date(&s.period_start), lang.date(&s.period_end))}</dd>
                            <dt>{t.lang().invoices().inv_due}</dt><dd>{lang.date(&s.due_on)}</dd>
                            <dt>{t.lang().invoices().inv_bill_to}</dt>
                            <dd id="invoice-bill-to">{[Some(b.company.clone()), b.addressee.clone(), Some(b.street.clone()), b.street2.clone(),
                                Some(format!("{} {}", b.postal_code, b.city)), Some(b.country.clone()), b.vat_id.clone()]
                                .into_iter().flatten().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join(", ")}</dd>
                            <dt>{t.lang().invoices().inv_payment}</dt>
                            <dd id="invoice-payment">{match &d.payment {
                                PaymentTerms::Sepa { mandate_reference, debit_on } =>
                                    format!("{} · {}", t.lang().invoices().inv_sepa, (t.lang().invoices().inv_mandate)(mandate_reference, &lang.date(debit_on))),
                                PaymentTerms::Invoice { holder, iban, .. } => format!("{} · {holder}, {iban}", t.lang().invoices().inv_transfer),
                            }}</dd>
                            {d.corrects_number.clone().map(|n| view! { <dt>{t.lang().invoices().inv_corrects}</dt><dd id="invoice-corrects">{n}</dd> })}
                            {d.corrected_by.clone().map(|r| view! { <dt>{t.lang().invoices().inv_corrected_by}</dt><dd id="invoice-corrected-by">{r.number}</dd> })}
                        </dl>
                        {d.reverse_charge.then(|| view! { <p class="notice" id="invoice-reverse-charge">{t.lang().invoices().inv_reverse_charge}</p> })}
                        <div class="table-wrap">
                        <table class="credentials" id="invoice-lines">
                            <thead><tr><th>"#"</th><th>{t.lang().invoices().inv_description}</th><th class="num">{t.lang().invoices().inv_quantity}</th><th class="num">{t.lang().invoices().inv_unit_price}</th>
                                <th class="num">{t.lang().invoices().inv_net}</th><th class="num">{t.lang().invoices().inv_rate}</th><th class="num">{t.lang().invoices().inv_vat}</th></tr></thead>
                            <tbody>
                                {d.lines.iter().map(|l| view! {
                                    <tr>
                                        <td>{l.position}</td><td>{l.description.clone()}</td><td class="num">{l.quantity}</td>
                                        <td class="num nowrap">{lang.money(l.unit_price_cents, &cur)}</td>
                                        <td class="num nowrap">{lang.money(l.net_cents, &cur)}</td>
                                        <td class="num nowrap">{format!("{} %", l.vat_rate_bp as f64 / 100.0)}</td>
                                        <td class="num nowrap">{lang.money(l.vat_cents, &cur)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                            <tfoot>
                                <tr><td colspan="6" class="num">{t.lang().invoices().inv_net}</td><td class="num nowrap">{lang.money(s.net_cents, &cur)}</td></tr>
                                <tr><td colspan="6" class="num">{t.lang().invoices().inv_vat}</td><td class="num nowrap">{lang.money(s.vat_cents, &cur)}</td></tr>
                                <tr><td colspan="6" class="num"><strong>{t.lang().invoices().inv_gross}</strong></td><td class="num nowrap" id="invoice-detail-gross"><strong>{lang.money(s.gross_cents, &cur)}</strong></td></tr>
                            </tfoot>
                        </table>
                        </div>
                    </div>
                }
            })}
            <Transition fallback=Loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || list.refetch() /> }>
                    {move || Suspend::new(async move {
                        list.await.map(|page| {
                            let t = ctx.t();
                            view! {
                                <div class="table-wrap">
                                <table class="credentials" id="invoice-table">
                                    <thead><tr><th>{t.lang().invoices().inv_number}</th><th>{t.lang().invoices().inv_issued}</th><th>{t.lang().invoices().inv_period}</th><th>{t.lang().invoices().inv_due}</th>
                                        <th class="num">{t.lang().invoices().inv_net}</th><th class="num">{t.lang().invoices().inv_vat}</th><th class="num">{t.lang().invoices().inv_gross}</th><th>{t.lang().invoices().inv_status}</th></tr></thead>
                                    <tbody>
                                        {page.invoices.is_empty().then(|| view! {
                                            <tr><td colspan="8" class="muted center-text" id="invoices-none">{t.lang().invoices().inv_none}</td></tr>
                                        })}
                                        {page.invoices.into_iter().map(row).collect_view()}
                                        {move || more.get().into_iter().map(row).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <Show when=move || next.get().is_some()>
                                    <button class="secondary" id="invoices-more" on:click=load_more>{move || ctx.lang.get().invoices().inv_more}</button>
                                </Show>
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
