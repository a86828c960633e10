//! Proration of a package change: the charge or credit for the rest of the current billing period. Pure.
//!
//! The rule: `(new − old recurring price) × remaining days / period days`, rounded half away from zero to a
//! whole cent. The period is `[start, end)`; the remaining days count from the change day (inclusive) to
//! `end` (exclusive), so a change on the first day prorates the whole difference and one on `end` nothing.
//! A positive result is a charge, a negative one a credit.

use time::Date;

/// The proration of one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proration {
    /// Charge (> 0) or credit (< 0), net cents.
    pub cents: i64,
    pub remaining_days: i64,
    pub period_days: i64,
}

/// `a × b / c` rounded half away from zero (`c > 0`), in 128 bits so no product overflows.
pub fn mul_div_round(a: i64, b: i64, c: i64) -> i64 {
    let num = i128::from(a) * i128::from(b);
    let den = i128::from(c.max(1));
    let q = num / den;
    let r = num % den;
    let q = if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    };
    i64::try_from(q).unwrap_or(if num < 0 { i64::MIN } else { i64::MAX })
}

/// The proration of changing from `old_cents` to `new_cents` per period on day `on` of the period
/// `[start, end)`. `on` outside the period is clamped into it (before start: the whole period remains; on or
/// after end: nothing). An empty or inverted period prorates nothing.
pub fn prorate(old_cents: i64, new_cents: i64, start: Date, end: Date, on: Date) -> Proration {
    let period_days = (end - start).whole_days();
    if period_days <= 0 {
        return Proration {
            cents: 0,
            remaining_days: 0,
            period_days: 0,
        };
    }
    let on = on.clamp(start, end);
    let remaining_days = (end - on).whole_days();
    let diff = new_cents.saturating_sub(old_cents);
    Proration {
        cents: mul_div_round(diff, remaining_days, period_days),
        remaining_days,
        period_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn the_documented_examples() {
        // 10 of 30 days remain: a third of the difference.
        let p = prorate(
            1_000,
            4_000,
            date!(2026 - 06 - 01),
            date!(2026 - 07 - 01),
            date!(2026 - 06 - 21),
        );
        assert_eq!((p.cents, p.remaining_days, p.period_days), (1_000, 10, 30));
        // Half a cent rounds away from zero, both ways.
        assert_eq!(mul_div_round(1, 1, 2), 1);
        assert_eq!(mul_div_round(-1, 1, 2), -1);
        assert_eq!(mul_div_round(1, 1, 3), 0);
        assert_eq!(mul_div_round(2, 1, 3), 1);
        assert_eq!(mul_div_round(-2, 1, 3), -1);
    }

    #[test]
    fn period_edges() {
        let (s, e) = (date!(2026 - 01 - 01), date!(2027 - 01 - 01));
        assert_eq!(prorate(100, 700, s, e, s).cents, 600, "first day: all");
        assert_eq!(prorate(100, 700, s, e, e).cents, 0, "period end: nothing");
        assert_eq!(
            prorate(100, 700, s, e, date!(2026 - 12 - 31)).remaining_days,
            1
        );
        assert_eq!(prorate(100, 700, s, e, date!(2025 - 12 - 01)).cents, 600);
        assert_eq!(prorate(100, 700, e, s, s).cents, 0, "inverted period");
    }

    fn period() -> impl Strategy<Value = (Date, Date, Date)> {
        (0i64..3_000, 1i64..400, 0i64..420).prop_map(|(a, len, at)| {
            let start = date!(2024 - 01 - 01) + time::Duration::days(a);
            let end = start + time::Duration::days(len);
            let on = start + time::Duration::days(at.min(len + 10));
            (start, end, on)
        })
    }

    proptest! {
        #[test]
        fn charge_and_credit_are_symmetric(old in 0i64..10_000_000, new in 0i64..10_000_000,
                                           (s, e, on) in period()) {
            let up = prorate(old, new, s, e, on);
            let down = prorate(new, old, s, e, on);
            prop_assert_eq!(up.cents, -down.cents);
            prop_assert_eq!(up.remaining_days, down.remaining_days);
        }

        #[test]
        fn never_more_than_a_full_period(old in 0i64..10_000_000, new in 0i64..10_000_000,
                                        (s, e, on) in period()) {
            let p = prorate(old, new, s, e, on);
            prop_assert!(p.cents.abs() <= (new - old).abs());
            prop_assert!(p.cents.abs() <= old.max(new));
            prop_assert!(p.cents == 0 || p.cents.signum() == (new - old).signum());
            prop_assert!((0..=p.period_days).contains(&p.remaining_days));
        }

        #[test]
        fn exact_to_half_a_cent(old in 0i64..10_000_000, new in 0i64..10_000_000,
                               (s, e, on) in period()) {
            let p = prorate(old, new, s, e, on);
            // |cents × period − diff × remaining| ≤ period / 2: the nearest cent, ties away from zero.
            let exact = i128::from(new - old) * i128::from(p.remaining_days);
            let err = (i128::from(p.cents) * i128::from(p.period_days) - exact).abs();
            prop_assert!(2 * err <= i128::from(p.period_days));
        }

        #[test]
        fn later_never_charges_more(old in 0i64..10_000_000, new in 0i64..10_000_000,
                                    (s, e, on) in period(), later in 0i64..50) {
            let a = prorate(old, new, s, e, on);
            let b = prorate(old, new, s, e, on + time::Duration::days(later));
            prop_assert!(b.cents.abs() <= a.cents.abs());
        }
    }
}
