//! The PDF's texts in German and English, and dates as each language writes them.
use crate::money::money;
use crate::{Date, Invoice, Kind, Lang, Payment, Seller};

pub(crate) struct Texts {
    pub invoice: &'static str,
    pub credit_note: &'static str,
    pub number: &'static str,
    pub issued_on: &'static str,
    pub period: &'static str,
    pub customer_number: &'static str,
    pub po_reference: &'static str,
    pub leitweg_id: &'static str,
    pub due_on: &'static str,
    pub buyer_vat_id: &'static str,
    pub corrects: &'static str,
    pub pos: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit_price: &'static str,
    pub vat: &'static str,
    pub net: &'static str,
    pub total_net: &'static str,
    pub total_vat: &'static str,
    pub on: &'static str,
    pub total_gross: &'static str,
    pub reverse_charge_note: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub vat_id: &'static str,
    pub tax_number: &'static str,
    pub managing_directors: &'static str,
    pub phone: &'static str,
    pub holder: &'static str,
    pub continued: &'static str,
    pub einvoice_note: &'static str,
}

const DE: Texts = Texts {
    invoice: "Rechnung",
    credit_note: "Gutschrift (Rechnungskorrektur)",
    number: "Rechnungsnummer",
    issued_on: "Rechnungsdatum",
    period: "Leistungszeitraum",
    customer_number: "Kundennummer",
    po_reference: "Ihre Bestellnummer",
    leitweg_id: "Leitweg-ID",
    due_on: "Fällig am",
    buyer_vat_id: "Ihre USt-IdNr.",
    corrects: "Korrektur der Rechnung",
    pos: "Pos.",
    description: "Beschreibung",
    quantity: "Menge",
    unit_price: "Einzelpreis",
    vat: "USt.",
    net: "Netto",
    total_net: "Summe netto",
    total_vat: "Umsatzsteuer",
    on: "auf",
    total_gross: "Gesamtbetrag",
    reverse_charge_note: "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, § 13b UStG, Art. 196 MwStSystRL).",
    page: "Seite",
    of: "von",
    vat_id: "USt-IdNr.",
    tax_number: "Steuernummer",
    managing_directors: "Geschäftsführung:",
    phone: "Tel.",
    holder: "Kontoinhaber",
    continued: "Fortsetzung auf der nächsten Seite",
    einvoice_note: "Diese Rechnung enthält eine elektronische Rechnung (Factur-X / ZUGFeRD, EN 16931).",
};

const EN: Texts = Texts {
    invoice: "Invoice",
    credit_note: "Credit note",
    number: "Invoice number",
    issued_on: "Invoice date",
    period: "Service period",
    customer_number: "Customer number",
    po_reference: "Your PO number",
    leitweg_id: "Leitweg-ID",
    due_on: "Due date",
    buyer_vat_id: "Your VAT ID",
    corrects: "Corrects invoice",
    pos: "Pos.",
    description: "Description",
    quantity: "Qty",
    unit_price: "Unit price",
    vat: "VAT",
    net: "Net",
    total_net: "Total net",
    total_vat: "VAT",
    on: "on",
    total_gross: "Total",
    reverse_charge_note: "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Council Directive 2006/112/EC).",
    page: "Page",
    of: "of",
    vat_id: "VAT ID",
    tax_number: "Tax number",
    managing_directors: "Managing directors:",
    phone: "Phone",
    holder: "Account holder",
    continued: "Continued on the next page",
    einvoice_note: "This invoice contains an electronic invoice (Factur-X / ZUGFeRD, EN 16931).",
};

pub(crate) fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `01.12.2026` in German, `1 Dec 2026` in English.
pub(crate) fn date(d: Date, lang: Lang) -> String {
    match lang {
        Lang::De => format!("{:02}.{:02}.{:04}", d.day(), u8::from(d.month()), d.year()),
        Lang::En => {
            let month = MONTHS
                .get(usize::from(u8::from(d.month())).saturating_sub(1))
                .copied()
                .unwrap_or("");
            format!("{} {month} {:04}", d.day(), d.year())
        }
    }
}

pub(crate) fn span(start: Date, end: Date, lang: Lang) -> String {
    format!("{} – {}", date(start, lang), date(end, lang))
}

/// The payment terms as one paragraph (the PDF shows it; the XML carries it as BT-20).
pub(crate) fn payment_terms(inv: &Invoice, seller: &Seller, lang: Lang) -> String {
    let amount = money(inv.gross_cents.saturating_abs(), &inv.currency, lang);
    let credit = matches!(inv.kind, Kind::CreditNote { .. });
    match (&inv.payment, lang, credit) {
        (Payment::SepaDebit { mandate_reference, creditor_id, iban_masked, debit_on }, Lang::De, false) => format!(
            "Der Betrag von {amount} wird am {} per SEPA-Lastschrift von Ihrem Konto {iban_masked} eingezogen. \
             Mandatsreferenz: {mandate_reference}, Gläubiger-Identifikationsnummer: {creditor_id}.",
            date(*debit_on, lang)
        ),
        (Payment::SepaDebit { mandate_reference, creditor_id, iban_masked, debit_on }, Lang::En, false) => format!(
            "The amount of {amount} will be collected by SEPA direct debit from your account {iban_masked} on {}. \
             Mandate reference: {mandate_reference}, creditor identifier: {creditor_id}.",
            date(*debit_on, lang)
        ),
        (Payment::SepaDebit { mandate_reference, iban_masked, .. }, Lang::De, true) => format!(
            "Der Betrag von {amount} wird Ihrem Konto {iban_masked} gutgeschrieben (Mandatsreferenz: {mandate_reference})."
        ),
        (Payment::SepaDebit { mandate_reference, iban_masked, .. }, Lang::En, true) => format!(
            "The amount of {amount} will be refunded to your account {iban_masked} (mandate reference: {mandate_reference})."
        ),
        (Payment::Transfer, Lang::De, false) => format!(
            "Bitte überweisen Sie {amount} bis zum {} unter Angabe der Rechnungsnummer {} auf unser Konto \
             IBAN {}{} ({}).",
            date(inv.due_on, lang),
            inv.number,
            seller.bank.iban,
            seller.bank.bic.as_ref().map(|b| format!(", BIC {b}")).unwrap_or_default(),
            seller.bank.holder
        ),
        (Payment::Transfer, Lang::En, false) => format!(
            "Please transfer {amount} by {} to our account IBAN {}{} ({}), quoting invoice number {}.",
            date(inv.due_on, lang),
            seller.bank.iban,
            seller.bank.bic.as_ref().map(|b| format!(", BIC {b}")).unwrap_or_default(),
            seller.bank.holder,
            inv.number
        ),
        (Payment::Transfer, Lang::De, true) => {
            format!("Der Betrag von {amount} wird mit Ihrer nächsten Zahlung verrechnet oder Ihnen erstattet.")
        }
        (Payment::Transfer, Lang::En, true) => {
            format!("The amount of {amount} will be set off against your next payment or refunded to you.")
        }
    }
}

/// Country names for the address block (EU, EEA, CH, GB, US), German and English; else the code.
const COUNTRIES: [(&str, &str, &str); 34] = [
    ("AT", "Österreich", "Austria"),
    ("BE", "Belgien", "Belgium"),
    ("BG", "Bulgarien", "Bulgaria"),
    ("CH", "Schweiz", "Switzerland"),
    ("CY", "Zypern", "Cyprus"),
    ("CZ", "Tschechien", "Czechia"),
    ("DE", "Deutschland", "Germany"),
    ("DK", "Dänemark", "Denmark"),
    ("EE", "Estland", "Estonia"),
    ("ES", "Spanien", "Spain"),
    ("FI", "Finnland", "Finland"),
    ("FR", "Frankreich", "France"),
    ("GB", "Vereinigtes Königreich", "United Kingdom"),
    ("GR", "Griechenland", "Greece"),
    ("HR", "Kroatien", "Croatia"),
    ("HU", "Ungarn", "Hungary"),
    ("IE", "Irland", "Ireland"),
    ("IS", "Island", "Iceland"),
    ("IT", "Italien", "Italy"),
    ("LI", "Liechtenstein", "Liechtenstein"),
    ("LT", "Litauen", "Lithuania"),
    ("LU", "Luxemburg", "Luxembourg"),
    ("LV", "Lettland", "Latvia"),
    ("MT", "Malta", "Malta"),
    ("NL", "Niederlande", "Netherlands"),
    ("NO", "Norwegen", "Norway"),
    ("PL", "Polen", "Poland"),
    ("PT", "Portugal", "Portugal"),
    ("RO", "Rumänien", "Romania"),
    ("SE", "Schweden", "Sweden"),
    ("SI", "Slowenien", "Slovenia"),
    ("SK", "Slowakei", "Slovakia"),
    ("US", "Vereinigte Staaten", "United States"),
    ("XI", "Nordirland", "Northern Ireland"),
];

/// The country line of a foreign address, in capitals as the post wants it (`ÖSTERREICH`, `AUSTRIA`).
pub(crate) fn country(code: &str, lang: Lang) -> String {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, de, en)| if lang == Lang::De { *de } else { *en })
        .unwrap_or(code)
        .to_uppercase()
}
