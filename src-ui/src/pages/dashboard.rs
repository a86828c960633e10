//! The dashboard: the account's package, seats, next invoice and license term, computed by the portal.
//! A plain User sees no amounts: the portal sends none, and the invoice card is not shown.

use kontor_api::DashboardSummary;
use leptos::prelude::*;

use crate::chart::SeatChart;
use crate::components::{sentence, LoadFailed, Loading};
use crate::context::{Ctx, Phase};
use crate::errors::Shown;
use crate::ipc;

#[component]
pub fn Dashboard() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let summary = LocalResource::new(move || async move {
        // The first showing after a resumed start uses what the shell fetched with the session.
        if let Some(first) = ctx.first_dashboard.try_update_value(Option::take).flatten() {
            return Ok(first);
        }
        ctx.guard(ipc::dashboard().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    let fallback = move |errors: ArcRwSignal<Errors>| {
        view! {
            <LoadFailed errors on_retry=move || summary.refetch() id="dashboard-error" retry_id="dashboard-retry" />
        }
    };
    view! {
        <section id="dashboard">
            <h1>{move || ctx.t().dashboard_title}</h1>
            <Transition fallback=Loading>
                <ErrorBoundary fallback>
                    {move || Suspend::new(async move {
                        summary.await.map(|s| view! { <SummaryView s /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn SummaryView(s: DashboardSummary) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let DashboardSummary {
        account,
        package_name,
        seats_used,
        seats_total,
        next_invoice,
        license_expires_on,
        products,
        user_count,
    } = s;
    let sees_amounts = ctx
        .phase
        .with_untracked(|p| matches!(p, Phase::SignedIn(me) if me.role.can_manage_billing()));
    view! {
        <p class="muted" id="account-name">{account.name}" · "{account.customer_number}</p>
        <div class="cards">
            <div class="card stat">
                <span class="label">{move || ctx.t().package}</span>
                <span class="value" id="package-name">{package_name}</span>
            </div>
            <div class="card stat">
                <span class="label">{move || ctx.t().seats}</span>
                <span class="value">
                    {move || sentence(ctx.t().seats_used_of_total, |name| match name {
                        "used" => view! { <span id="seats-used">{seats_used}</span> }.into_any(),
                        "total" => view! { <span id="seats-total">{seats_total}</span> }.into_any(),
                        _ => ().into_any(),
                    })}
                </span>
            </div>
            <div class="card stat">
                <span class="label">{move || ctx.t().users}</span>
                <span class="value" id="user-count">{user_count}</span>
            </div>
            {sees_amounts.then(|| view! {
            <div class="card stat" id="next-invoice">
                <span class="label">{move || ctx.t().next_invoice}</span>
                {match next_invoice {
                    Some(inv) => {
                        let (date, amount, cur) = (inv.date, inv.amount_cents, inv.currency);
                        view! {
                            <span class="value" id="next-invoice-amount" data-cents=amount>
                                {move || ctx.lang.get().money(amount, &cur)}
                            </span>
                            <span class="sub" id="next-invoice-date">{move || ctx.lang.get().date(&date)}</span>
                        }.into_any()
                    }
                    None => view! { <span class="value">{move || ctx.t().no_invoice}</span> }.into_any(),
                }}
            </div>
            })}
            <div class="card stat">
                <span class="label">{move || ctx.t().license_expires}</span>
                <span class="value" id="license-expires">
                    {move || license_expires_on.as_deref().map(|d| ctx.lang.get().date(d)).unwrap_or_else(|| "—".into())}
                </span>
            </div>
        </div>
        <div class="card">
            <h2>{move || ctx.t().chart_title}</h2>
            <SeatChart products />
        </div>
    }
}
