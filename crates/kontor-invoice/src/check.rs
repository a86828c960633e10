//! The rules an invoice must meet before it is rendered: totals that add up, signs that fit the kind,
//! reverse charge without VAT, and the fields EN 16931 (and XRechnung, with a Leitweg-ID) require.
use std::collections::BTreeMap;

use crate::{Error, Invoice, Kind, Payment, Seller};

fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::Invalid {
        field,
        reason: reason.into(),
    }
}

fn required(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    Ok(())
}

fn country(field: &'static str, value: &str) -> Result<(), Error> {
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid(
            field,
            format!("{value:?} is not an ISO 3166-1 alpha-2 code"),
        ));
    }
    Ok(())
}

fn sum(mut values: impl Iterator<Item = i64>, field: &'static str) -> Result<i64, Error> {
    values
        .try_fold(0i64, |acc, v| acc.checked_add(v))
        .ok_or_else(|| invalid(field, "overflows"))
}

/// The lines' net and VAT per VAT rate (basis points), in rate order.
pub(crate) fn by_rate(inv: &Invoice) -> BTreeMap<u32, (i64, i64)> {
    let mut groups: BTreeMap<u32, (i64, i64)> = BTreeMap::new();
    for line in &inv.lines {
        let group = groups.entry(line.vat_rate_bp).or_default();
        group.0 = group.0.saturating_add(line.net_cents);
        group.1 = group.1.saturating_add(line.vat_cents);
    }
    groups
}

pub(crate) fn check(inv: &Invoice) -> Result<(), Error> {
    required("number", &inv.number)?;
    if inv.currency.len() != 3 || !inv.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid(
            "currency",
            format!("{:?} is not an ISO 4217 code", inv.currency),
        ));
    }
    if inv.period_start > inv.period_end {
        return Err(invalid("period_end", "ends before the period starts"));
    }
    let buyer = &inv.buyer;
    required("buyer.address.name", &buyer.address.name)?;
    required("buyer.address.street", &buyer.address.street)?;
    required("buyer.address.postal_code", &buyer.address.postal_code)?;
    required("buyer.address.city", &buyer.address.city)?;
    country("buyer.address.country", &buyer.address.country)?;
    required("buyer.customer_number", &buyer.customer_number)?;
    if let Some(id) = &buyer.leitweg_id {
        required("buyer.leitweg_id", id)?;
        if buyer.emails.first().is_none_or(|e| e.trim().is_empty()) {
            return Err(invalid(
                "buyer.emails",
                "XRechnung needs the buyer's e-mail address",
            ));
        }
    }
    if let Kind::CreditNote {
        corrects_number, ..
    } = &inv.kind
    {
        required("kind.corrects_number", corrects_number)?;
    }
    if let Payment::SepaDebit {
        mandate_reference,
        creditor_id,
        iban_masked,
        ..
    } = &inv.payment
    {
        required("payment.mandate_reference", mandate_reference)?;
        required("payment.creditor_id", creditor_id)?;
        required("payment.iban_masked", iban_masked)?;
    }

    if inv.lines.is_empty() {
        return Err(invalid("lines", "an invoice needs at least one line"));
    }
    let mut positions = std::collections::BTreeSet::new();
    for line in &inv.lines {
        if !positions.insert(line.position) {
            return Err(invalid(
                "lines.position",
                format!("position {} is used twice", line.position),
            ));
        }
        required("lines.description", &line.description)?;
        if line.quantity == 0 {
            return Err(invalid(
                "lines.quantity",
                format!("line {} has quantity 0", line.position),
            ));
        }
        if line.quantity.checked_mul(line.unit_price_cents) != Some(line.net_cents) {
            return Err(invalid(
                "lines.net_cents",
                format!(
                    "line {}: {} × {} ≠ {}",
                    line.position, line.quantity, line.unit_price_cents, line.net_cents
                ),
            ));
        }
        if line.vat_rate_bp > 10_000 {
            return Err(invalid(
                "lines.vat_rate_bp",
                format!("line {}: rate above 100 %", line.position),
            ));
        }
        // The line's VAT is its net × rate, rounded to the cent (any half-cent rounding rule).
        let exact = i128::from(line.net_cents) * i128::from(line.vat_rate_bp);
        if (i128::from(line.vat_cents) * 10_000 - exact).abs() > 5_000 {
            return Err(invalid(
                "lines.vat_cents",
                format!(
                    "line {}: {} is not {} × {} bp rounded",
                    line.position, line.vat_cents, line.net_cents, line.vat_rate_bp
                ),
            ));
        }
        if inv.reverse_charge {
            if line.vat_rate_bp != 0 {
                return Err(invalid(
                    "lines.vat_rate_bp",
                    "reverse charge: every line has 0 % VAT",
                ));
            }
        } else if line.vat_rate_bp == 0 {
            return Err(invalid(
                "lines.vat_rate_bp",
                "0 % VAT is only for reverse charge",
            ));
        }
        if let Some((start, end)) = line.period {
            if start > end {
                return Err(invalid(
                    "lines.period",
                    format!("line {}: ends before it starts", line.position),
                ));
            }
        }
    }
    if sum(inv.lines.iter().map(|l| l.net_cents), "net_cents")? != inv.net_cents {
        return Err(invalid(
            "net_cents",
            "is not the sum of the lines' net amounts",
        ));
    }
    if sum(inv.lines.iter().map(|l| l.vat_cents), "vat_cents")? != inv.vat_cents {
        return Err(invalid("vat_cents", "is not the sum of the lines' VAT"));
    }
    if inv.net_cents.checked_add(inv.vat_cents) != Some(inv.gross_cents) {
        return Err(invalid("gross_cents", "is not net + VAT"));
    }
    if inv.reverse_charge {
        if inv.vat_cents != 0 {
            return Err(invalid("vat_cents", "reverse charge: the VAT is 0"));
        }
        if buyer.vat_id.as_deref().is_none_or(|v| v.trim().is_empty()) {
            return Err(invalid(
                "buyer.vat_id",
                "reverse charge needs the buyer's VAT ID",
            ));
        }
    }
    match inv.kind {
        Kind::Invoice => {
            if inv.net_cents < 0 || inv.vat_cents < 0 {
                return Err(invalid(
                    "net_cents",
                    "an invoice's totals are not negative (a credit note corrects it)",
                ));
            }
        }
        Kind::CreditNote { .. } => {
            if inv.net_cents >= 0 || inv.vat_cents > 0 {
                return Err(invalid("net_cents", "a credit note's totals are negative"));
            }
        }
    }
    Ok(())
}

pub(crate) fn check_seller(seller: &Seller, inv: &Invoice) -> Result<(), Error> {
    required("seller.address.name", &seller.address.name)?;
    required("seller.address.street", &seller.address.street)?;
    required("seller.address.postal_code", &seller.address.postal_code)?;
    required("seller.address.city", &seller.address.city)?;
    country("seller.address.country", &seller.address.country)?;
    required("seller.vat_id", &seller.vat_id)?;
    required("seller.email", &seller.email)?;
    required("seller.bank.holder", &seller.bank.holder)?;
    required("seller.bank.iban", &seller.bank.iban)?;
    if inv.buyer.leitweg_id.is_some() && seller.phone.as_deref().is_none_or(|p| p.trim().is_empty())
    {
        return Err(invalid(
            "seller.phone",
            "XRechnung needs the seller's phone number (BR-DE-6)",
        ));
    }
    Ok(())
}
