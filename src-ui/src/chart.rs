//! A small SVG bar chart of seats used and free per product, drawn from the dashboard data.

use kontor_api::ProductSeats;
use leptos::prelude::*;

use crate::context::Ctx;

const BAR_H: f64 = 22.0;
const GAP: f64 = 14.0;
const LABEL_W: f64 = 170.0;
const BAR_W: f64 = 360.0;

/// Bar length for `part` of `whole`, clamped to the bar: over-assigned pools show full, never overflow.
pub fn bar_len(part: i64, whole: i64) -> f64 {
    if whole <= 0 || part <= 0 {
        return 0.0;
    }
    (part as f64 / whole as f64).min(1.0) * BAR_W
}

#[component]
pub fn SeatChart(products: Vec<ProductSeats>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let height = products.len() as f64 * (BAR_H + GAP) + GAP;
    let width = LABEL_W + BAR_W + 90.0;
    let bars = products
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let y = GAP + i as f64 * (BAR_H + GAP);
            let used = bar_len(p.seats_used, p.seats_total);
            let code = p.product_code.clone();
            view! {
                <g class="bar" data-product=code>
                    <text x="0" y=y + BAR_H * 0.72 class="bar-label">{p.product_name}</text>
                    <rect x=LABEL_W y=y width=BAR_W height=BAR_H rx="3" class="bar-total" />
                    <rect x=LABEL_W y=y width=used height=BAR_H rx="3" class="bar-used" />
                    <text x=LABEL_W + BAR_W + 8.0 y=y + BAR_H * 0.72 class="bar-value">
                        {format!("{} / {}", p.seats_used, p.seats_total)}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg id="seat-chart" role="img" viewBox=format!("0 0 {width} {height}") width="100%" style="max-width: 760px"
            aria-label=move || ctx.t().chart_title>
            {bars}
        </svg>
        <p class="legend small">
            <span class="swatch used"></span>{move || ctx.t().chart_used}
            <span class="swatch free"></span>{move || ctx.t().chart_free}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_clamped() {
        assert_eq!(bar_len(0, 10), 0.0);
        assert_eq!(bar_len(5, 10), BAR_W / 2.0);
        assert_eq!(bar_len(12, 10), BAR_W);
        assert_eq!(bar_len(3, 0), 0.0);
    }
}
