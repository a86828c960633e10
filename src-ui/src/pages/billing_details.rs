//! The Billing details page (issue 8, sepa8; Owner and Billing): the billing address form (country from
//! the ISO 3166 list, every problem shown at its field at once) and the payment section — the current
//! method, the active SEPA mandate with its masked IBAN, "Change bank details" (holder, IBAN, optional BIC,
//! the portal's mandate text in the user's language, the acceptance box) and "Pay by invoice instead"
//! (asked first). The portal checks every field; its located errors land at the fields here.

use kontor_api::countries::COUNTRIES;
use kontor_api::{
    BankAccount, BillingAddress, BillingField, BillingFieldError, ErrorBody, ErrorDetail,
    MandateLanguage, PaymentMethod,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::components::{ConfirmDialog, LoadFailed, Loading, Toasts};
use crate::context::Ctx;
use crate::errors::{Problem, Shown};
use crate::i18n::{BillingTexts, Lang, Texts, BILLING_DE, BILLING_EN, DE};
use crate::ipc;

/// This page's texts in the current language (tracked, as `ctx.t()`).
fn b(ctx: Ctx) -> &'static BillingTexts {
    ctx.lang.get().billing()
}

/// This page's texts in the language of `t` (for toasts, which keep a function of the texts).
fn bt(t: &Texts) -> &'static BillingTexts {
    if std::ptr::eq(t, &DE) {
        &BILLING_DE
    } else {
        &BILLING_EN
    }
}

/// The located problems of a refusal, if it has them.
fn located(e: &ErrorBody) -> Option<Vec<BillingFieldError>> {
    match &e.detail {
        Some(ErrorDetail::BillingFields { errors }) if !errors.is_empty() => Some(errors.clone()),
        _ => None,
    }
}

fn element_id(f: BillingField) -> String {
    format!("billing-{}", f.as_str().replace('_', "-"))
}

/// Moves the focus to the first field with a problem.
fn focus_first(errors: &[BillingFieldError]) {
    if let Some(first) = errors.first() {
        if let Some(el) = document().get_element_by_id(&element_id(first.field())) {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    }
}

/// The problems of `f` in words (an e-mail list's entries numbered).
fn field_text(
    ctx: Ctx,
    errors: RwSignal<Vec<BillingFieldError>>,
    f: BillingField,
) -> Option<String> {
    let t = b(ctx);
    let texts: Vec<String> = errors.with(|es| {
        es.iter()
            .filter(|e| e.field() == f)
            .map(|e| match e.index {
                Some(i) => format!("({}) {}", i + 1, (t.billing_problem)(e.problem())),
                None => (t.billing_problem)(e.problem()).to_string(),
            })
            .collect()
    });
    (!texts.is_empty()).then(|| texts.join(" "))
}

/// Label, text input and the field's error (`aria-invalid`, `aria-describedby`).
fn text_field(
    ctx: Ctx,
    f: BillingField,
    value: RwSignal<String>,
    errors: RwSignal<Vec<BillingFieldError>>,
    optional: bool,
    autocomplete: &'static str,
    help: Option<fn(&BillingTexts) -> &'static str>,
) -> impl IntoView {
    let id = element_id(f);
    let err_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let has_error = move || errors.with(|es| es.iter().any(|e| e.field() == f));
    let described = {
        let (err_id, help_id) = (err_id.clone(), help_id.clone());
        move || {
            let mut ids = Vec::new();
            if help.is_some() {
                ids.push(help_id.clone());
            }
            if has_error() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <label for=id.clone()>
            {move || (b(ctx).billing_field)(f)}
            {optional.then(|| view! { <span class="muted small">" ("{move || b(ctx).billing_optional}")"</span> })}
        </label>
        <input id=id.clone() type="text" autocomplete=autocomplete bind:value=value
            aria-invalid=move || has_error().to_string()
            aria-describedby=described />
        {help.map(|h| view! { <p class="muted small field-help" id=help_id.clone()>{move || h(b(ctx))}</p> })}
        <Show when=has_error>
            <p class="error field-error" id=err_id.clone()>{move || field_text(ctx, errors, f)}</p>
        </Show>
    }
}

/// Countries sorted by their name in `lang` (umlauts sorted as their base letter).
fn countries(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let german = lang == Lang::De;
    let mut list: Vec<(&'static str, &'static str)> = COUNTRIES
        .iter()
        .map(|(c, en, de)| (*c, if german { *de } else { *en }))
        .collect();
    let key = |s: &str| {
        s.chars()
            .map(|c| match c {
                'Ä' | 'Å' => 'A',
                'Ö' => 'O',
                'Ü' => 'U',
                'É' => 'E',
                c => c,
            })
            .collect::<String>()
    };
    list.sort_by_key(|(_, n)| key(n));
    list
}

#[component]
pub fn BillingDetailsPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let address = LocalResource::new(move || async move {
        ctx.guard(ipc::billing_address().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    view! {
        <section id="billing-details">
            <h1>{move || b(ctx).billing_title}</h1>
            <h2>{move || b(ctx).billing_address_title}</h2>
            <p class="muted">{move || b(ctx).billing_address_help}</p>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || address.refetch() /> }>
                    {move || Suspend::new(async move {
                        address.await.map(|a| view! { <AddressForm initial=a.address.unwrap_or_default() /> })
                    })}
                </ErrorBoundary>
            </Transition>
            <PaymentSection />
        </section>
    }
}

#[component]
fn AddressForm(initial: BillingAddress) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let company = RwSignal::new(initial.company.clone());
    let addressee = RwSignal::new(opt(&initial.addressee));
    let street = RwSignal::new(initial.street.clone());
    let street2 = RwSignal::new(opt(&initial.street2));
    let postal_code = RwSignal::new(initial.postal_code.clone());
    let city = RwSignal::new(initial.city.clone());
    let country = RwSignal::new(if initial.country.is_empty() {
        "DE".to_string()
    } else {
        initial.country.clone()
    });
    let vat_id = RwSignal::new(opt(&initial.vat_id));
    let emails = RwSignal::new(initial.invoice_emails.join(", "));
    let po_reference = RwSignal::new(opt(&initial.po_reference));
    let leitweg_id = RwSignal::new(opt(&initial.leitweg_id));
    let errors = RwSignal::new(Vec::<BillingFieldError>::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let fill = move |a: &BillingAddress| {
        company.set(a.company.clone());
        addressee.set(opt(&a.addressee));
        street.set(a.street.clone());
        street2.set(opt(&a.street2));
        postal_code.set(a.postal_code.clone());
        city.set(a.city.clone());
        country.set(a.country.clone());
        vat_id.set(opt(&a.vat_id));
        emails.set(a.invoice_emails.join(", "));
        po_reference.set(opt(&a.po_reference));
        leitweg_id.set(opt(&a.leitweg_id));
    };
    let some = |s: String| {
        let t = s.trim().to_string();
        (!t.is_empty()).then_some(t)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = BillingAddress {
            company: company.get_untracked(),
            addressee: some(addressee.get_untracked()),
            street: street.get_untracked(),
            street2: some(street2.get_untracked()),
            postal_code: postal_code.get_untracked(),
            city: city.get_untracked(),
            country: country.get_untracked(),
            vat_id: some(vat_id.get_untracked()),
            invoice_emails: emails
                .get_untracked()
                .split([',', ';', '\n'])
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect(),
            po_reference: some(po_reference.get_untracked()),
            leitweg_id: some(leitweg_id.get_untracked()),
        };
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::save_billing_address(req).await);
            busy.set(false);
            match r {
                Ok(saved) => {
                    errors.set(Vec::new());
                    problem.set(None);
                    fill(&saved);
                    toasts.success(|t| bt(t).billing_address_saved.to_string());
                }
                Err(e) => match located(&e) {
                    Some(es) => {
                        problem.set(Some(Problem::Text(|t| t.billing_fix_fields)));
                        errors.set(es.clone());
                        focus_first(&es);
                    }
                    None => problem.set(Some(Problem::Failed(e))),
                },
            }
        });
    };
    let field =
        move |f, v, optional, auto, help| text_field(ctx, f, v, errors, optional, auto, help);
    let country_error =
        move || errors.with(|es| es.iter().any(|e| e.field() == BillingField::Country));
    view! {
        <form class="card billing-form" id="billing-address-form" on:submit=submit novalidate>
            {field(BillingField::Company, company, false, "organization", None)}
            {field(BillingField::Addressee, addressee, true, "off", None)}
            {field(BillingField::Street, street, false, "address-line1", None)}
            {field(BillingField::Street2, street2, true, "address-line2", None)}
            <div class="billing-pair">
                <div>{field(BillingField::PostalCode, postal_code, false, "postal-code", None)}</div>
                <div>{field(BillingField::City, city, false, "address-level2", None)}</div>
            </div>
            <label for="billing-country">{move || (b(ctx).billing_field)(BillingField::Country)}</label>
            <select id="billing-country" autocomplete="country"
                aria-invalid=move || country_error().to_string()
                aria-describedby=move || country_error().then_some("billing-country-error")
                on:change=move |ev| country.set(event_target_value(&ev))
                prop:value=move || country.get()>
                <option value="" disabled=true>{move || b(ctx).billing_country_choose}</option>
                {move || countries(ctx.lang.get()).into_iter().map(|(code, name)| view! {
                    <option value=code selected=move || country.get() == code>{name}</option>
                }).collect_view()}
            </select>
            <Show when=country_error>
                <p class="error field-error" id="billing-country-error">{move || field_text(ctx, errors, BillingField::Country)}</p>
            </Show>
            {field(BillingField::VatId, vat_id, true, "off", None)}
            {field(BillingField::InvoiceEmails, emails, false, "email", Some(|t| t.billing_emails_help))}
            {field(BillingField::PoReference, po_reference, true, "off", None)}
            {field(BillingField::LeitwegId, leitweg_id, true, "off", Some(|t| t.billing_leitweg_help))}
            <Show when=move || problem.with(Option::is_some)>
                <p class="error" role="alert" id="billing-address-problem">{move || problem.with(|p| p.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            <div class="row actions">
                <button type="submit" id="billing-address-save" disabled=move || busy.get()>{move || b(ctx).billing_save_address}</button>
            </div>
        </form>
    }
}

#[component]
fn PaymentSection() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let payment = LocalResource::new(move || async move {
        ctx.guard(ipc::payment_details().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    let bank_open = RwSignal::new(false);
    let asked = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let to_invoice = move || {
        asked.set(false);
        spawn_local(async move {
            match ctx.guard(ipc::pay_by_invoice().await) {
                Ok(_) => {
                    problem.set(None);
                    toasts.success(|t| bt(t).billing_method_changed.to_string());
                }
                Err(e) => problem.set(Some(Problem::Refused(e))),
            }
            payment.refetch();
        });
    };
    view! {
        <h2>{move || b(ctx).billing_payment_title}</h2>
        <Transition fallback=Loading>
            <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || payment.refetch() /> }>
                {move || Suspend::new(async move {
                    payment.await.map(|p| {
                        let t = b(ctx);
                        let lang = ctx.lang.get();
                        let sepa = p.method == PaymentMethod::Sepa;
                        view! {
                            <div class="card" id="payment-details">
                                <dl class="facts">
                                    <dt>{(t.billing_field)(BillingField::Method)}</dt>
                                    <dd id="payment-method" data-method=p.method.as_str()>
                                        {if sepa { t.billing_method_sepa } else { t.billing_method_invoice }}
                                    </dd>
                                    {p.mandate.clone().map(|m| view! {
                                        <dt>{(t.billing_field)(BillingField::AccountHolder)}</dt><dd id="payment-holder">{m.account_holder.clone()}</dd>
                                        <dt>{(t.billing_field)(BillingField::Iban)}</dt><dd class="mono" id="payment-iban">{m.iban_masked.clone()}</dd>
                                        {m.bic.clone().map(|b| view! { <dt>{(t.billing_field)(BillingField::Bic)}</dt><dd class="mono" id="payment-bic">{b}</dd> })}
                                        <dt>{t.billing_mandate_reference}</dt><dd class="mono" id="payment-mandate-reference">{m.reference.clone()}</dd>
                                        <dt>{t.billing_mandate_signed}</dt><dd>{lang.date(&m.signed_on)}</dd>
                                        <dt>{t.billing_creditor_id}</dt><dd class="mono">{m.creditor_id.clone()}</dd>
                                    })}
                                </dl>
                                {p.mandate.is_none().then(|| view! { <p class="muted" id="payment-no-mandate">{t.billing_no_mandate}</p> })}
                                <div class="row">
                                    <button type="button" id="billing-change-bank" class:secondary=move || bank_open.get()
                                        aria-expanded=move || bank_open.get().to_string() aria-controls="billing-bank-form"
                                        on:click=move |_| bank_open.update(|o| *o = !*o)>{t.billing_change_bank}</button>
                                    {sepa.then(|| view! {
                                        <button type="button" class="secondary" id="billing-pay-by-invoice"
                                            on:click=move |_| asked.set(true)>{t.billing_pay_by_invoice}</button>
                                    })}
                                </div>
                            </div>
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
        <Show when=move || problem.with(Option::is_some)>
            <p class="error" role="alert" id="payment-problem">{move || problem.with(|p| p.as_ref().map(|p| p.show(ctx.t())))}</p>
        </Show>
        <Show when=move || bank_open.get()>
            <BankForm on_saved=move || { bank_open.set(false); payment.refetch(); }
                on_cancel=move || bank_open.set(false) />
        </Show>
        <Show when=move || asked.get()>
            <ConfirmDialog id="confirm-pay-by-invoice" danger=true
                title=move || b(ctx).billing_invoice_confirm_title.to_string()
                confirm=move || b(ctx).billing_pay_by_invoice.to_string()
                on_confirm=to_invoice
                on_cancel=move || asked.set(false)>
                <p>{move || b(ctx).billing_invoice_confirm_body}</p>
            </ConfirmDialog>
        </Show>
    }
}

#[component]
fn BankForm(
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let language = move || match ctx.lang.get() {
        Lang::De => MandateLanguage::De,
        Lang::En => MandateLanguage::En,
    };
    let text = LocalResource::new(move || {
        let lang = language();
        async move {
            ctx.guard(ipc::mandate_text(lang).await)
                .map_err(|e| Shown::new(ctx.t(), &e))
        }
    });
    let holder = RwSignal::new(String::new());
    let iban = RwSignal::new(String::new());
    let bic = RwSignal::new(String::new());
    let accept = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<BillingFieldError>::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let b = bic.get_untracked().trim().to_string();
        let req = BankAccount {
            account_holder: holder.get_untracked(),
            iban: iban.get_untracked(),
            bic: (!b.is_empty()).then_some(b),
            accept_mandate: accept.get_untracked(),
            language: Some(language()),
        };
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::save_bank_account(req).await);
            busy.set(false);
            match r {
                Ok(_) => {
                    toasts.success(|t| bt(t).billing_bank_saved.to_string());
                    on_saved();
                }
                Err(e) => match located(&e) {
                    Some(es) => {
                        problem.set(Some(Problem::Text(|t| t.billing_fix_fields)));
                        errors.set(es.clone());
                        focus_first(&es);
                    }
                    None => problem.set(Some(Problem::Failed(e))),
                },
            }
        });
    };
    let accept_error =
        move || errors.with(|es| es.iter().any(|e| e.field() == BillingField::AcceptMandate));
    view! {
        <form class="card billing-form" id="billing-bank-form" on:submit=submit novalidate>
            <h3>{move || b(ctx).billing_change_bank}</h3>
            {text_field(ctx, BillingField::AccountHolder, holder, errors, false, "name", None)}
            {text_field(ctx, BillingField::Iban, iban, errors, false, "off", None)}
            {text_field(ctx, BillingField::Bic, bic, errors, true, "off", None)}
            <div class="mandate-text" id="billing-mandate-text">
                <Transition fallback=Loading>
                    <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || text.refetch() /> }>
                        {move || Suspend::new(async move {
                            text.await.map(|m| m.paragraphs.into_iter().enumerate().map(|(i, p)| {
                                if i == 0 { view! { <p><b>{p}</b></p> }.into_any() } else { view! { <p class="small">{p}</p> }.into_any() }
                            }).collect_view())
                        })}
                    </ErrorBoundary>
                </Transition>
            </div>
            <label class="check">
                <input type="checkbox" id="billing-accept-mandate" bind:checked=accept
                    aria-invalid=move || accept_error().to_string()
                    aria-describedby=move || accept_error().then_some("billing-accept-mandate-error") />
                {move || b(ctx).billing_mandate_accept}
            </label>
            <Show when=accept_error>
                <p class="error field-error" id="billing-accept-mandate-error">{move || field_text(ctx, errors, BillingField::AcceptMandate)}</p>
            </Show>
            <Show when=move || problem.with(Option::is_some)>
                <p class="error" role="alert" id="billing-bank-problem">{move || problem.with(|p| p.as_ref().map(|p| p.show(ctx.t())))}</p>
            </Show>
            <div class="row actions">
                <button type="submit" id="billing-bank-save" disabled=move || busy.get()>{move || b(ctx).billing_save_bank}</button>
                <button type="button" class="secondary" on:click=move |_| on_cancel()>{move || ctx.t().cancel}</button>
            </div>
        </form>
    }
}
