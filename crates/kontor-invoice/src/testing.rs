//! Sample sellers and invoices for tests and benchmarks (this crate's and other crates'), and `line` /
//! `fill_totals` to build consistent ones. Not part of the stable API.
use time::macros::date;

use crate::{Address, BankAccount, Buyer, Invoice, Kind, Lang, Line, Payment, Seller};

/// A German vendor with every optional field set.
pub fn seller() -> Seller {
    Seller {
        address: Address {
            name: "Kontor Software GmbH".into(),
            addressee: Some("Buchhaltung".into()),
            street: "Hafenstraße 12".into(),
            street2: None,
            postal_code: "20457".into(),
            city: "Hamburg".into(),
            country: "DE".into(),
        },
        vat_id: "DE123456788".into(),
        tax_number: Some("27/123/45678".into()),
        email: "billing@kontor.example".into(),
        phone: Some("+49 40 1234567".into()),
        website: Some("https://kontor.example".into()),
        bank: BankAccount {
            holder: "Kontor Software GmbH".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
            bic: Some("COBADEFFXXX".into()),
            bank_name: Some("Commerzbank".into()),
        },
        register: Some("Amtsgericht Hamburg HRB 123456".into()),
        managing_directors: Some("Erika Mustermann".into()),
    }
}

/// A line with its net (quantity × unit price) and VAT (rounded half away from zero) filled in.
pub fn line(
    position: u32,
    description: &str,
    quantity: i64,
    unit_price_cents: i64,
    vat_rate_bp: u32,
) -> Line {
    let net_cents = quantity * unit_price_cents;
    let exact = i128::from(net_cents) * i128::from(vat_rate_bp);
    let half = if exact < 0 { -5_000 } else { 5_000 };
    let vat_cents = i64::try_from((exact + half) / 10_000).unwrap_or(i64::MAX);
    Line {
        position,
        description: description.into(),
        quantity,
        unit_price_cents,
        net_cents,
        vat_rate_bp,
        vat_cents,
        period: Some((date!(2026 - 12 - 01), date!(2026 - 12 - 31))),
    }
}

/// Sets the invoice's totals to the sums of its lines.
pub fn fill_totals(inv: &mut Invoice) {
    inv.net_cents = inv.lines.iter().map(|l| l.net_cents).sum();
    inv.vat_cents = inv.lines.iter().map(|l| l.vat_cents).sum();
    inv.gross_cents = inv.net_cents + inv.vat_cents;
}

/// A domestic (German) invoice at 19 %, paid by bank transfer, in German.
pub fn domestic() -> Invoice {
    let mut inv = Invoice {
        number: "2026-000123".into(),
        kind: Kind::Invoice,
        issued_on: date!(2026 - 12 - 01),
        period_start: date!(2026 - 12 - 01),
        period_end: date!(2026 - 12 - 31),
        due_on: date!(2026 - 12 - 15),
        currency: "EUR".into(),
        language: Lang::De,
        buyer: Buyer {
            address: Address {
                name: "Müller & Söhne <Bau> GmbH".into(),
                addressee: Some("Einkauf – Frau Weiß".into()),
                street: "Königsallee 1".into(),
                street2: Some("Gebäude \"Süd\", 3. OG".into()),
                postal_code: "40212".into(),
                city: "Düsseldorf".into(),
                country: "DE".into(),
            },
            vat_id: Some("DE811907980".into()),
            emails: vec!["rechnung@mueller-soehne.example".into()],
            customer_number: "K-10042".into(),
            po_reference: Some("PO-2026/77".into()),
            leitweg_id: None,
        },
        lines: vec![
            line(1, "Kontor Business – Paket (monatlich)", 1, 49_900, 1900),
            line(2, "Zusatzlizenzen CAD Pro", 12, 2_450, 1900),
            line(3, "Speicher-Add-on 100 GB", 3, 333, 1900),
        ],
        net_cents: 0,
        vat_cents: 0,
        gross_cents: 0,
        reverse_charge: false,
        payment: Payment::Transfer,
    };
    fill_totals(&mut inv);
    inv
}

/// The domestic invoice paid by SEPA direct debit, in English.
pub fn sepa() -> Invoice {
    let mut inv = domestic();
    inv.number = "2026-000124".into();
    inv.language = Lang::En;
    inv.payment = Payment::SepaDebit {
        mandate_reference: "KONTOR-M-000042".into(),
        creditor_id: "DE98ZZZ09999999999".into(),
        iban_masked: "DE89 •••• 3000".into(),
        debit_on: date!(2026 - 12 - 08),
    };
    inv
}

/// An Austrian business customer: reverse charge, 0 % VAT, in English.
pub fn reverse_charge() -> Invoice {
    let mut inv = domestic();
    inv.number = "2026-000125".into();
    inv.language = Lang::En;
    inv.reverse_charge = true;
    inv.buyer.address = Address {
        name: "Alpen Planung GmbH".into(),
        addressee: None,
        street: "Mariahilfer Straße 99".into(),
        street2: None,
        postal_code: "1060".into(),
        city: "Wien".into(),
        country: "AT".into(),
    };
    inv.buyer.vat_id = Some("ATU13585627".into());
    inv.buyer.po_reference = None;
    for l in &mut inv.lines {
        *l = line(
            l.position,
            &l.description,
            l.quantity,
            l.unit_price_cents,
            0,
        );
    }
    fill_totals(&mut inv);
    inv
}

/// A credit note correcting the domestic invoice's second line (negative amounts, as the model wants).
pub fn credit_note() -> Invoice {
    let mut inv = domestic();
    inv.number = "2026-000130".into();
    inv.kind = Kind::CreditNote {
        corrects_number: "2026-000123".into(),
        corrects_issued_on: date!(2026 - 12 - 01),
    };
    inv.issued_on = date!(2026 - 12 - 10);
    inv.lines = vec![line(
        1,
        "Gutschrift: Zusatzlizenzen CAD Pro (2 zu viel berechnet)",
        -2,
        2_450,
        1900,
    )];
    fill_totals(&mut inv);
    inv
}

/// A German public customer with a Leitweg-ID: XRechnung.
pub fn xrechnung() -> Invoice {
    let mut inv = domestic();
    inv.number = "2026-000126".into();
    inv.buyer.address.name = "Stadt Musterstadt – Amt für Digitales".into();
    inv.buyer.vat_id = None;
    inv.buyer.leitweg_id = Some("05315-12345-67".into());
    inv
}

/// An invoice with `n` lines at two VAT rates (several PDF pages).
pub fn many_lines(n: u32) -> Invoice {
    let mut inv = domestic();
    inv.number = "2026-000127".into();
    inv.lines = (1..=n)
        .map(|i| {
            let rate = if i % 5 == 0 { 700 } else { 1900 };
            line(
                i,
                &format!(
                    "Lizenz Arbeitsplatz {i:03} – Überlänge der Beschreibung, damit sie umbricht"
                ),
                i64::from(i % 4 + 1),
                1_999 + i64::from(i),
                rate,
            )
        })
        .collect();
    fill_totals(&mut inv);
    inv
}

/// Every sample, named.
pub fn all() -> Vec<(&'static str, Invoice)> {
    vec![
        ("domestic", domestic()),
        ("sepa", sepa()),
        ("reverse_charge", reverse_charge()),
        ("credit_note", credit_note()),
        ("xrechnung", xrechnung()),
        ("many_lines", many_lines(60)),
    ]
}
