//! Pure invoice arithmetic (no I/O, no clock): VAT per line at the vendor's rate, the reverse-charge rule for
//! EU B2B buyers, the totals, and the language an invoice is written in. Money is integer cents, rates basis
//! points (1900 = 19 %).
//!
//! VAT is rounded once per rate over the whole invoice (EN 16931 BR-CO-17: category tax = basis × rate,
//! rounded half away from zero) and shared out over the lines by the largest remainder, so every line
//! carries its VAT in whole cents and the lines add up exactly to the invoice's VAT.

use std::collections::BTreeMap;

use time::Date;

/// The legal note printed on a reverse-charge invoice.
pub const REVERSE_CHARGE_NOTE_DE: &str =
    "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL)";
pub const REVERSE_CHARGE_NOTE_EN: &str =
    "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Council Directive 2006/112/EC)";

/// The EU member states (ISO 3166-1 alpha-2).
pub const EU_COUNTRIES: [&str; 27] = crate::vendor::EU_COUNTRIES;

/// One line as booked, before VAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub description: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    /// First and last day of service (both inclusive), if the line has its own period.
    pub period: Option<(Date, Date)>,
}

/// One line with its net amount and VAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedLine {
    pub position: u32,
    pub description: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub net_cents: i64,
    pub vat_rate_bp: u32,
    pub vat_cents: i64,
    pub period: Option<(Date, Date)>,
}

/// Totals of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub net_cents: i64,
    pub vat_cents: i64,
    pub gross_cents: i64,
}

/// The country part of a VAT ID (`DE…`, Greece's `EL…` as `GR`), upper case.
pub fn vat_id_country(vat_id: &str) -> Option<String> {
    let compact: String = vat_id
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let cc = compact.get(..2)?;
    if !cc.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some(if cc == "EL" { "GR" } else { cc }.to_string())
}

/// Reverse charge applies when vendor and buyer are both in the EU, the buyer has a VAT ID (B2B), and that
/// VAT ID belongs to another EU country than the vendor's.
pub fn reverse_charge(vendor_country: &str, buyer_vat_id: Option<&str>) -> bool {
    let Some(buyer) = buyer_vat_id.and_then(vat_id_country) else {
        return false;
    };
    EU_COUNTRIES.contains(&vendor_country)
        && EU_COUNTRIES.contains(&buyer.as_str())
        && buyer != vendor_country
}

/// `value / 10_000` rounded half away from zero.
fn round_bp(value: i128) -> i128 {
    let q = value / 10_000;
    let r = value % 10_000;
    if r.abs() * 2 >= 10_000 {
        q + value.signum()
    } else {
        q
    }
}

/// VAT of `net_cents` at `rate_bp`, rounded half away from zero.
pub fn vat_of(net_cents: i64, rate_bp: u32) -> i64 {
    i64::try_from(round_bp(i128::from(net_cents) * i128::from(rate_bp))).unwrap_or(i64::MAX)
}

/// Computes net and VAT of every line at `rate_bp` (0 under reverse charge), VAT rounded per rate over the
/// invoice and shared out by the largest remainder (see the module doc). Positions from 1.
pub fn compute_lines(lines: &[LineInput], rate_bp: u32) -> Vec<ComputedLine> {
    let mut out: Vec<ComputedLine> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| ComputedLine {
            position: u32::try_from(i + 1).unwrap_or(u32::MAX),
            description: l.description.clone(),
            quantity: l.quantity,
            unit_price_cents: l.unit_price_cents,
            net_cents: l.quantity.saturating_mul(l.unit_price_cents),
            vat_rate_bp: rate_bp,
            vat_cents: 0,
            period: l.period,
        })
        .collect();
    // One rate today; grouped so a second rate would need no change here.
    let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, l) in out.iter().enumerate() {
        groups.entry(l.vat_rate_bp).or_default().push(i);
    }
    for (rate, idx) in groups {
        let exact: Vec<i128> = idx
            .iter()
            .map(|&i| i128::from(out[i].net_cents) * i128::from(rate))
            .collect();
        let total = round_bp(exact.iter().sum());
        // Floor each line, then hand the missing cents to the lines with the largest remainders (toward
        // the sign of the total).
        let floors: Vec<i128> = exact.iter().map(|e| e.div_euclid(10_000)).collect();
        let mut missing = total - floors.iter().sum::<i128>();
        let mut order: Vec<usize> = (0..idx.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse((exact[k].rem_euclid(10_000), usize::MAX - k)));
        let mut vat = floors;
        for &k in order.iter().cycle().take(idx.len() * 2) {
            if missing > 0 {
                vat[k] += 1;
                missing -= 1;
            } else if missing < 0 {
                vat[k] -= 1;
                missing += 1;
            } else {
                break;
            }
        }
        for (k, &i) in idx.iter().enumerate() {
            out[i].vat_cents = i64::try_from(vat[k]).unwrap_or(0);
        }
    }
    out
}

/// The totals of computed lines.
pub fn totals(lines: &[ComputedLine]) -> Totals {
    let net_cents = lines.iter().map(|l| l.net_cents).sum();
    let vat_cents = lines.iter().map(|l| l.vat_cents).sum();
    Totals {
        net_cents,
        vat_cents,
        gross_cents: net_cents + vat_cents,
    }
}

/// The language an invoice is written in: the mandate's language if the account signed one, else German for
/// a billing address in a German-speaking country (or none at all), else English.
pub fn invoice_language(
    mandate_language: Option<&str>,
    bill_country: Option<&str>,
) -> &'static str {
    match mandate_language {
        Some("de") => return "de",
        Some("en") => return "en",
        _ => {}
    }
    match bill_country {
        None | Some("DE" | "AT" | "CH" | "LI" | "LU" | "") => "de",
        Some(_) => "en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(q: i64, p: i64) -> LineInput {
        LineInput {
            description: "x".into(),
            quantity: q,
            unit_price_cents: p,
            period: None,
        }
    }

    #[test]
    fn reverse_charge_only_for_another_eu_country_with_a_vat_id() {
        assert!(reverse_charge("DE", Some("ATU12345678")));
        assert!(reverse_charge("DE", Some("el123456789")));
        assert!(!reverse_charge("DE", Some("DE136695976")), "domestic");
        assert!(!reverse_charge("DE", None), "no VAT ID: B2C");
        assert!(!reverse_charge("DE", Some("CHE123456789")), "not EU");
        assert!(!reverse_charge("CH", Some("ATU12345678")), "vendor not EU");
    }

    #[test]
    fn vat_rounds_once_and_the_lines_add_up() {
        // 3 × 0.33 € at 19 %: per line 0.0627 → 0.06 each would give 0.18; the invoice's 0.99 € → 0.19.
        let lines = compute_lines(&[line(1, 33), line(1, 33), line(1, 33)], 1900);
        let t = totals(&lines);
        assert_eq!((t.net_cents, t.vat_cents, t.gross_cents), (99, 19, 118));
        assert_eq!(
            lines.iter().map(|l| l.vat_cents).collect::<Vec<_>>(),
            [7, 6, 6]
        );
        // Negative (credit note) mirrors positive.
        let neg = compute_lines(&[line(-1, 33), line(-1, 33), line(-1, 33)], 1900);
        assert_eq!(totals(&neg).vat_cents, -19);
        assert_eq!(vat_of(5, 1000), 1, "0.5 rounds away from zero");
        assert_eq!(vat_of(-5, 1000), -1);
        assert_eq!(vat_of(4, 1000), 0);
    }

    #[test]
    fn vat_totals_equal_the_rounded_sum_for_many_amounts() {
        for a in 0..200_i64 {
            let lines = compute_lines(&[line(3, a * 7 + 1), line(2, a * 13 + 5), line(1, a)], 1900);
            let t = totals(&lines);
            assert_eq!(t.vat_cents, vat_of(t.net_cents, 1900), "amount {a}");
            assert_eq!(t.gross_cents, t.net_cents + t.vat_cents);
        }
    }

    #[test]
    fn the_language_follows_mandate_then_country() {
        assert_eq!(invoice_language(Some("en"), Some("DE")), "en");
        assert_eq!(invoice_language(None, Some("AT")), "de");
        assert_eq!(invoice_language(None, Some("FR")), "en");
        assert_eq!(invoice_language(None, None), "de");
    }
}
