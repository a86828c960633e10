//! The Subscription page (Owner and Billing): the current package with billing period, dates, applications
//! and seats (assigned / limit) and the add-ons apart, a pending downgrade, the packages side by side, and
//! "Change to X": a preview from the portal (applications gained and lost, seat limits, new amount,
//! proration, effective date), then Confirm books it with one idempotency key per opened preview, so a
//! double click or a retry books once. A refusal (licenses over the new limit) is shown in the dialog.

use std::collections::BTreeMap;

use kontor_api::{
    BillingPeriod, ChangeBooked, ChangeKind, ChangePreview, PackageCatalog, PackageRelation,
    PaymentMethod, Subscription,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{modal, LoadFailed, Loading, Toasts};
use crate::context::Ctx;
use crate::errors::{Problem, Shown};
use crate::i18n::{Lang, Texts};
use crate::ipc;

/// A fresh idempotency key (a v4 UUID): `crypto.randomUUID()` where the webview has it, else built from
/// `crypto.getRandomValues`-less randomness (still unique enough for one account's changes).
fn new_key() -> String {
    let from_crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .and_then(|c| {
            let f = js_sys::Reflect::get(&c, &"randomUUID".into()).ok()?;
            let f: js_sys::Function = wasm_bindgen::JsCast::dyn_into(f).ok()?;
            f.call0(&c).ok()?.as_string()
        });
    from_crypto.unwrap_or_else(|| {
        let mut hex = String::with_capacity(32);
        for i in 0..32 {
            let v = (js_sys::Math::random() * 16.0) as u32 & 0xf;
            let v = match i {
                12 => 4,
                16 => 8 | (v & 3),
                _ => v,
            };
            hex.push(char::from_digit(v, 16).unwrap_or('0'));
        }
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    })
}

fn period_text(t: &Texts, p: BillingPeriod) -> &'static str {
    match p {
        BillingPeriod::Monthly => t.lang().subscription().sub_monthly,
        BillingPeriod::Yearly => t.lang().subscription().sub_yearly,
    }
}

/// The toast after a booking, in the user's words.
pub fn booked_text(
    t: &Texts,
    lang: Lang,
    b: &ChangeBooked,
    to_name: &str,
    currency: &str,
) -> String {
    match (b.kind, &b.invoice) {
        (ChangeKind::Upgrade, Some(inv)) => t.lang().subscription().sub_booked_upgrade.fill(&[
            ("package", to_name),
            ("number", &inv.number),
            ("amount", &lang.money(inv.gross_cents, &inv.currency)),
        ]),
        (ChangeKind::Upgrade, None) => {
            t.lang()
                .subscription()
                .sub_booked_upgrade_no_invoice
                .fill(&[
                    ("package", to_name),
                    ("amount", &lang.money(b.prorated_cents, currency)),
                ])
        }
        (ChangeKind::Downgrade, _) => t
            .lang()
            .subscription()
            .sub_booked_downgrade
            .fill(&[("package", to_name), ("date", &lang.date(&b.effective_on))]),
    }
}

#[component]
pub fn SubscriptionPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let data = LocalResource::new(move || async move {
        let sub = ctx
            .guard(ipc::subscription().await)
            .map_err(|e| Shown::new(ctx.t(), &e))?;
        let cat = ctx
            .guard(ipc::packages().await)
            .map_err(|e| Shown::new(ctx.t(), &e))?;
        Ok::<_, Shown>((sub, cat))
    });
    // The change the user opened a preview for: (package code, name, the key for this preview).
    let target = RwSignal::new(None::<(String, String, String)>);
    let fallback = move |errors: ArcRwSignal<Errors>| {
        view! {
            <LoadFailed errors on_retry=move || data.refetch() id="subscription-error" retry_id="subscription-retry" />
        }
    };
    view! {
        <section id="subscription-page">
            <h1>{move || ctx.lang.get().subscription().sub_title}</h1>
            <Transition fallback=Loading>
                <ErrorBoundary fallback>
                    {move || Suspend::new(async move {
                        data.await.map(|(sub, cat)| view! {
                            <CurrentPackage sub=sub.clone() />
                            <Compare sub cat on_change=move |code: String, name: String| {
                                target.set(Some((code, name, new_key())));
                            } />
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            {move || target.get().map(|(code, name, key)| view! {
                <PreviewDialog code name key
                    on_close=move || target.set(None)
                    on_booked=move || { target.set(None); data.refetch(); } />
            })}
        </section>
    }
}

#[component]
fn CurrentPackage(sub: Subscription) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let t = ctx.t();
        let lang = ctx.lang.get();
        let s = sub.clone();
        view! {
            <div class="card" id="current-package">
                <h2 id="current-package-name">{s.package_name.clone()}</h2>
                <dl class="facts">
                    <dt>{t.lang().subscription().sub_billing_period}</dt><dd id="billing-period">{period_text(t, s.billing_period)}</dd>
                    <dt>{t.lang().subscription().sub_term_start}</dt><dd id="term-start">{lang.date(&s.term_start)}</dd>
                    <dt>{t.lang().subscription().sub_period}</dt><dd id="current-period">{format!("{} – {}", lang.date(&s.period_start), lang.date(&s.period_end))}</dd>
                    <dt>{t.lang().subscription().sub_renews_on}</dt><dd id="renews-on">{lang.date(&s.renews_on)}</dd>
                    <dt>{t.lang().subscription().sub_recurring}</dt><dd id="recurring-amount">{lang.money(s.recurring_cents, &s.currency)}" "<span class="muted small">{t.lang().subscription().sub_net}</span></dd>
                    <dt>{t.lang().subscription().sub_payment_method}</dt><dd id="payment-method">{match s.payment_method { PaymentMethod::Sepa => t.lang().subscription().sub_pay_sepa, PaymentMethod::Invoice => t.lang().subscription().sub_pay_invoice }}</dd>
                </dl>
                {s.pending_change.clone().map(|p| view! {
                    <p class="notice" id="pending-downgrade" role="status">{t.lang().subscription().sub_pending.fill(&[("package", &p.package_name), ("date", &lang.date(&p.effective_on))])}</p>
                })}
                <div class="table-wrap">
                    <table class="installers" id="subscription-apps">
                        <thead><tr>
                            <th>{t.lang().subscription().sub_app}</th><th>{t.lang().subscription().sub_package_seats}</th><th>{t.lang().subscription().sub_addon_seats}</th><th>{t.lang().subscription().sub_assigned_limit}</th>
                        </tr></thead>
                        <tbody>
                            {s.apps.iter().map(|a| view! {
                                <tr data-product=a.product_code.clone()>
                                    <td>{a.product_name.clone()}</td>
                                    <td>{a.package_seats}</td>
                                    <td>{if a.addon_seats > 0 { format!("+{}", a.addon_seats) } else { "–".to_string() }}</td>
                                    <td class="seats">{t.seats_used_of_total.fill(&[("used", &a.assigned.to_string()), ("total", &a.seats.to_string())])}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <h3>{t.lang().subscription().sub_addons}</h3>
                {if s.addons.is_empty() {
                    view! { <p class="muted" id="no-addons">{t.lang().subscription().sub_no_addons}</p> }.into_any()
                } else {
                    view! {
                        <table class="installers" id="subscription-addons">
                            <thead><tr><th>{t.lang().subscription().sub_addon}</th><th>{t.lang().subscription().sub_app}</th><th>{t.lang().subscription().sub_quantity}</th><th>{t.lang().subscription().sub_addon_seats}</th><th>{t.lang().subscription().sub_price}</th></tr></thead>
                            <tbody>
                                {s.addons.iter().map(|a| view! {
                                    <tr data-addon=a.code.clone()>
                                        <td>{a.name.clone()}</td>
                                        <td>{a.product_name.clone()}</td>
                                        <td>{a.quantity}</td>
                                        <td>{format!("+{}", a.seats_per_unit * a.quantity)}</td>
                                        <td>{lang.money(a.unit_price_cents * a.quantity, &s.currency)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </div>
        }
    }
}

#[component]
fn Compare(
    sub: Subscription,
    cat: PackageCatalog,
    on_change: impl Fn(String, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pending = sub.pending_change.map(|p| p.package_code);
    // Every application any package includes, by code.
    let mut products: BTreeMap<String, String> = BTreeMap::new();
    for p in &cat.packages {
        for a in &p.apps {
            products.insert(a.product_code.clone(), a.product_name.clone());
        }
    }
    move || {
        let t = ctx.t();
        let lang = ctx.lang.get();
        let pkgs = cat.packages.clone();
        view! {
            <h2 id="compare-title">{t.lang().subscription().sub_compare}</h2>
            <div class="table-wrap">
                <table class="installers compare" id="package-compare" aria-labelledby="compare-title">
                    <thead><tr>
                        <th></th>
                        {pkgs.iter().map(|p| {
                            let current = p.relation == PackageRelation::Current;
                            view! {
                                <th class:current=current id=format!("package-{}", p.code) scope="col">
                                    {p.name.clone()}
                                    {current.then(|| view! { " "<span class="state-badge valid">{t.lang().subscription().sub_current_badge}</span> })}
                                </th>
                            }
                        }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {products.iter().map(|(code, name)| view! {
                            <tr data-product=code.clone()>
                                <th scope="row">{name.clone()}</th>
                                {pkgs.iter().map(|p| {
                                    let seats = p.apps.iter().find(|a| &a.product_code == code).map(|a| a.seats);
                                    view! {
                                        <td class:current=p.relation == PackageRelation::Current>
                                            {match seats {
                                                Some(n) => view! { <span class="yes" aria-label=t.lang().subscription().sub_included>"✓"</span>" "{t.lang().subscription().sub_seats.of(u64::try_from(n).unwrap_or(0))} }.into_any(),
                                                None => view! { <span aria-label=t.lang().subscription().sub_not_included>"–"</span> }.into_any(),
                                            }}
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                        <tr>
                            <th scope="row">{t.lang().subscription().sub_compatible_addons}</th>
                            {pkgs.iter().map(|p| view! {
                                <td class:current=p.relation == PackageRelation::Current class="small">
                                    {if p.addons.is_empty() { "–".to_string() } else {
                                        p.addons.iter().map(|a| format!("{} ({})", a.name, lang.money(a.price_cents, &p.currency))).collect::<Vec<_>>().join(", ")
                                    }}
                                </td>
                            }).collect_view()}
                        </tr>
                        <tr>
                            <th scope="row">{period_text(t, cat.billing_period)}</th>
                            {pkgs.iter().map(|p| view! {
                                <td class:current=p.relation == PackageRelation::Current class="price" data-package=p.code.clone()>
                                    <b>{lang.money(p.price_cents, &p.currency)}</b>
                                </td>
                            }).collect_view()}
                        </tr>
                        <tr>
                            <th></th>
                            {pkgs.iter().map(|p| {
                                let (code, name) = (p.code.clone(), p.name.clone());
                                let label = t.lang().subscription().sub_change_to.fill(&[("package", &p.name)]);
                                let is_pending = pending.as_deref() == Some(p.code.as_str());
                                view! {
                                    <td class:current=p.relation == PackageRelation::Current>
                                        {(p.relation != PackageRelation::Current && !is_pending).then(|| view! {
                                            <button type="button" id=format!("change-to-{}", p.code)
                                                class:secondary=p.relation == PackageRelation::Lower
                                                on:click=move |_| on_change(code.clone(), name.clone())>{label}</button>
                                        })}
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    </tbody>
                </table>
            </div>
        }
    }
}

#[component]
fn PreviewDialog(
    code: String,
    name: String,
    key: String,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    on_booked: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let preview = RwSignal::new(None::<ChangePreview>);
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(true);
    {
        let code = code.clone();
        spawn_local(async move {
            let r = ctx.guard(ipc::package_preview(code).await);
            busy.set(false);
            match r {
                Ok(p) => preview.set(Some(p)),
                Err(e) => error.set(Some(Problem::Refused(e))),
            }
        });
    }
    let confirm = {
        let (code, name, key) = (code.clone(), name.clone(), key.clone());
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            let (code, name, key) = (code.clone(), name.clone(), key.clone());
            spawn_local(async move {
                // The same key on every try: a retry after a lost answer books once.
                let r = ctx.guard(ipc::package_change(code, key).await);
                busy.set(false);
                match r {
                    Ok(b) => {
                        let currency = preview
                            .with_untracked(|p| p.as_ref().map(|p| p.currency.clone()))
                            .unwrap_or_else(|| "EUR".to_string());
                        toasts.success(move |t| {
                            booked_text(t, ctx.lang.get_untracked(), &b, &name, &currency)
                        });
                        on_booked();
                    }
                    Err(e) => error.set(Some(Problem::Refused(e))),
                }
            });
        }
    };
    let (modal_ref, modal_keys) = modal(on_close);
    let title = name.clone();
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="change-preview-title" id="change-preview"
            node_ref=modal_ref on:keydown=modal_keys>
            <div class="card">
                <h2 id="change-preview-title">{move || ctx.lang.get().subscription().sub_preview_title.fill(&[("package", &title)])}</h2>
                <Show when=move || busy.get() && preview.get().is_none() && error.get().is_none()>
                    <p class="muted">{move || ctx.t().loading}</p>
                </Show>
                {move || preview.get().map(|p| {
                    let t = ctx.t();
                    let lang = ctx.lang.get();
                    let list = |v: &Vec<String>| if v.is_empty() { t.lang().subscription().sub_none.to_string() } else { v.join(", ") };
                    let prorated = if p.prorated_cents >= 0 {
                        t.lang().subscription().sub_prorated_charge.fill(&[("amount", &lang.money(p.prorated_cents, &p.currency))])
                    } else {
                        t.lang().subscription().sub_prorated_credit.fill(&[("amount", &lang.money(-p.prorated_cents, &p.currency))])
                    };
                    view! {
                        <dl class="facts" id="preview-facts">
                            <dt>{t.lang().subscription().sub_gained}</dt><dd id="preview-gained">{list(&p.apps_gained)}</dd>
                            <dt>{t.lang().subscription().sub_lost}</dt><dd id="preview-lost">{list(&p.apps_lost)}</dd>
                            {(!p.addons_dropped.is_empty()).then(|| view! {
                                <dt>{t.lang().subscription().sub_addons_dropped}</dt><dd id="preview-addons-dropped">{p.addons_dropped.join(", ")}</dd>
                            })}
                            <dt>{t.lang().subscription().sub_new_amount}</dt>
                            <dd id="preview-new-amount">{lang.money(p.new_recurring_cents, &p.currency)}" "
                                <span class="muted small">{format!("({} {})", t.lang().subscription().sub_before, lang.money(p.old_recurring_cents, &p.currency))}</span></dd>
                            <dt>{t.lang().subscription().sub_proration}</dt>
                            <dd id="preview-proration">{prorated}<br />
                                <span class="muted small">{t.lang().subscription().sub_proration_rule.fill(&[("remaining", &p.remaining_days.to_string()), ("period", &p.period_days.to_string())])}</span></dd>
                            <dt>{t.lang().subscription().sub_effective}</dt><dd id="preview-effective">{lang.date(&p.effective_on)}</dd>
                        </dl>
                        <table class="installers" id="preview-seats">
                            <thead><tr><th>{t.lang().subscription().sub_app}</th><th>{t.lang().subscription().sub_old_limit}</th><th>{t.lang().subscription().sub_new_limit}</th><th>{t.lang().subscription().sub_assigned}</th></tr></thead>
                            <tbody>
                                {p.seats.iter().map(|s| view! {
                                    <tr data-product=s.product_code.clone()>
                                        <td>{s.product_name.clone()}</td><td>{s.old_seats}</td><td>{s.new_seats}</td><td>{s.assigned}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })}
                <Show when=move || error.get().is_some()>
                    <p class="error pre" role="alert" id="change-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <div class="row actions">
                    <button type="button" id="change-confirm" on:click=confirm
                        disabled=move || busy.get() || preview.get().is_none()>{move || ctx.lang.get().subscription().sub_confirm_change}</button>
                    <button type="button" id="change-cancel" class="secondary" data-autofocus=""
                        on:click=move |_| on_close()>{move || ctx.t().cancel}</button>
                </div>
            </div>
        </div>
    }
}
