//! The UN/CEFACT CII D16B document: Factur-X EN 16931 (guideline `urn:cen.eu:en16931:2017`), or XRechnung
//! 3.0 when the buyer has a Leitweg-ID (it goes into BuyerReference).
//!
//! Signs: a credit note (type code 381) states its amounts positive, as EN 16931 wants; the model's
//! negative credit-note amounts are negated here. Item net prices are never negative (BR-27): a line with
//! a negative price is written with its absolute price and a negated quantity.
use std::fmt::Write as _;

use crate::check::by_rate;
use crate::money::{decimal, percent};
use crate::{texts, Date, Invoice, Kind, Payment, Seller};

pub(crate) const GUIDELINE_EN16931: &str = "urn:cen.eu:en16931:2017";
pub(crate) const GUIDELINE_XRECHNUNG: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
const BUSINESS_PROCESS: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// Escapes text for element content and attribute values; drops characters XML 1.0 cannot carry.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A date in format 102 (`YYYYMMDD`).
pub(crate) fn date102(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

struct W(String);

impl W {
    fn open(&mut self, tag: &str) {
        let _ = write!(self.0, "<{tag}>");
    }
    fn close(&mut self, tag: &str) {
        let _ = write!(self.0, "</{tag}>");
    }
    fn text(&mut self, tag: &str, text: &str) {
        let _ = write!(self.0, "<{tag}>{}</{tag}>", esc(text));
    }
    fn attr_text(&mut self, tag: &str, attr: &str, value: &str, text: &str) {
        let _ = write!(
            self.0,
            "<{tag} {attr}=\"{}\">{}</{tag}>",
            esc(value),
            esc(text)
        );
    }
    fn date(&mut self, tag: &str, d: Date) {
        let _ = write!(
            self.0,
            "<{tag}><udt:DateTimeString format=\"102\">{}</udt:DateTimeString></{tag}>",
            date102(d)
        );
    }
}

pub(crate) fn render(inv: &Invoice, seller: &Seller) -> String {
    // EN 16931 amounts of a credit note are positive: flip the model's negative ones.
    let sign: i64 = match inv.kind {
        Kind::Invoice => 1,
        Kind::CreditNote { .. } => -1,
    };
    let xrechnung = inv.buyer.leitweg_id.is_some();
    let mut w = W(String::with_capacity(4096 + inv.lines.len() * 900));
    w.0.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.0.push_str(concat!(
        "<rsm:CrossIndustryInvoice",
        " xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"",
        " xmlns:qdt=\"urn:un:unece:uncefact:data:standard:QualifiedDataType:100\"",
        " xmlns:ram=\"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100\"",
        " xmlns:udt=\"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100\">"
    ));

    w.open("rsm:ExchangedDocumentContext");
    if xrechnung {
        w.open("ram:BusinessProcessSpecifiedDocumentContextParameter");
        w.text("ram:ID", BUSINESS_PROCESS);
        w.close("ram:BusinessProcessSpecifiedDocumentContextParameter");
    }
    w.open("ram:GuidelineSpecifiedDocumentContextParameter");
    w.text(
        "ram:ID",
        if xrechnung {
            GUIDELINE_XRECHNUNG
        } else {
            GUIDELINE_EN16931
        },
    );
    w.close("ram:GuidelineSpecifiedDocumentContextParameter");
    w.close("rsm:ExchangedDocumentContext");

    w.open("rsm:ExchangedDocument");
    w.text("ram:ID", &inv.number);
    w.text("ram:TypeCode", if sign > 0 { "380" } else { "381" });
    w.date("ram:IssueDateTime", inv.issued_on);
    if inv.reverse_charge {
        w.open("ram:IncludedNote");
        w.text(
            "ram:Content",
            texts::texts(inv.language).reverse_charge_note,
        );
        w.close("ram:IncludedNote");
    }
    let mut legal = vec![seller.address.name.clone()];
    legal.extend(seller.register.clone());
    legal.extend(
        seller
            .managing_directors
            .as_ref()
            .map(|m| format!("{} {m}", texts::texts(inv.language).managing_directors)),
    );
    w.open("ram:IncludedNote");
    w.text("ram:Content", &legal.join(", "));
    w.text("ram:SubjectCode", "REG");
    w.close("ram:IncludedNote");
    w.close("rsm:ExchangedDocument");

    w.open("rsm:SupplyChainTradeTransaction");
    for line in &inv.lines {
        let price_sign = if line.unit_price_cents < 0 { -1 } else { 1 };
        w.open("ram:IncludedSupplyChainTradeLineItem");
        w.open("ram:AssociatedDocumentLineDocument");
        w.text("ram:LineID", &line.position.to_string());
        w.close("ram:AssociatedDocumentLineDocument");
        w.open("ram:SpecifiedTradeProduct");
        w.text("ram:Name", &line.description);
        w.close("ram:SpecifiedTradeProduct");
        w.open("ram:SpecifiedLineTradeAgreement");
        w.open("ram:NetPriceProductTradePrice");
        w.text(
            "ram:ChargeAmount",
            &decimal(line.unit_price_cents.saturating_abs()),
        );
        w.close("ram:NetPriceProductTradePrice");
        w.close("ram:SpecifiedLineTradeAgreement");
        w.open("ram:SpecifiedLineTradeDelivery");
        w.attr_text(
            "ram:BilledQuantity",
            "unitCode",
            "C62",
            &(sign * price_sign * line.quantity).to_string(),
        );
        w.close("ram:SpecifiedLineTradeDelivery");
        w.open("ram:SpecifiedLineTradeSettlement");
        tax_category(&mut w, inv.reverse_charge, line.vat_rate_bp, None);
        if let Some((start, end)) = line.period {
            period(&mut w, start, end);
        }
        w.open("ram:SpecifiedTradeSettlementLineMonetarySummation");
        w.text("ram:LineTotalAmount", &decimal(sign * line.net_cents));
        w.close("ram:SpecifiedTradeSettlementLineMonetarySummation");
        w.close("ram:SpecifiedLineTradeSettlement");
        w.close("ram:IncludedSupplyChainTradeLineItem");
    }

    w.open("ram:ApplicableHeaderTradeAgreement");
    if let Some(leitweg) = &inv.buyer.leitweg_id {
        w.text("ram:BuyerReference", leitweg);
    }
    // Seller
    w.open("ram:SellerTradeParty");
    w.text("ram:Name", &seller.address.name);
    w.open("ram:DefinedTradeContact");
    w.text(
        "ram:PersonName",
        seller
            .address
            .addressee
            .as_deref()
            .unwrap_or(&seller.address.name),
    );
    if let Some(phone) = &seller.phone {
        w.open("ram:TelephoneUniversalCommunication");
        w.text("ram:CompleteNumber", phone);
        w.close("ram:TelephoneUniversalCommunication");
    }
    w.open("ram:EmailURIUniversalCommunication");
    w.text("ram:URIID", &seller.email);
    w.close("ram:EmailURIUniversalCommunication");
    w.close("ram:DefinedTradeContact");
    address(&mut w, &seller.address);
    w.open("ram:URIUniversalCommunication");
    w.attr_text("ram:URIID", "schemeID", "EM", &seller.email);
    w.close("ram:URIUniversalCommunication");
    w.open("ram:SpecifiedTaxRegistration");
    w.attr_text("ram:ID", "schemeID", "VA", &seller.vat_id);
    w.close("ram:SpecifiedTaxRegistration");
    if let Some(tax_number) = &seller.tax_number {
        w.open("ram:SpecifiedTaxRegistration");
        w.attr_text("ram:ID", "schemeID", "FC", tax_number);
        w.close("ram:SpecifiedTaxRegistration");
    }
    w.close("ram:SellerTradeParty");
    // Buyer
    let buyer = &inv.buyer;
    w.open("ram:BuyerTradeParty");
    w.text("ram:ID", &buyer.customer_number);
    w.text("ram:Name", &buyer.address.name);
    if let Some(addressee) = &buyer.address.addressee {
        w.open("ram:DefinedTradeContact");
        w.text("ram:PersonName", addressee);
        w.close("ram:DefinedTradeContact");
    }
    address(&mut w, &buyer.address);
    if let Some(email) = buyer.emails.first() {
        w.open("ram:URIUniversalCommunication");
        w.attr_text("ram:URIID", "schemeID", "EM", email);
        w.close("ram:URIUniversalCommunication");
    }
    if let Some(vat_id) = &buyer.vat_id {
        w.open("ram:SpecifiedTaxRegistration");
        w.attr_text("ram:ID", "schemeID", "VA", vat_id);
        w.close("ram:SpecifiedTaxRegistration");
    }
    w.close("ram:BuyerTradeParty");
    if let Some(po) = &buyer.po_reference {
        w.open("ram:BuyerOrderReferencedDocument");
        w.text("ram:IssuerAssignedID", po);
        w.close("ram:BuyerOrderReferencedDocument");
    }
    w.close("ram:ApplicableHeaderTradeAgreement");

    w.open("ram:ApplicableHeaderTradeDelivery");
    w.close("ram:ApplicableHeaderTradeDelivery");

    w.open("ram:ApplicableHeaderTradeSettlement");
    if let Payment::SepaDebit { creditor_id, .. } = &inv.payment {
        w.text("ram:CreditorReferenceID", creditor_id);
    }
    w.text("ram:PaymentReference", &inv.number);
    w.text("ram:InvoiceCurrencyCode", &inv.currency);
    w.open("ram:SpecifiedTradeSettlementPaymentMeans");
    match &inv.payment {
        Payment::SepaDebit { iban_masked, .. } => {
            w.text("ram:TypeCode", "59");
            w.open("ram:PayerPartyDebtorFinancialAccount");
            w.text("ram:IBANID", iban_masked);
            w.close("ram:PayerPartyDebtorFinancialAccount");
        }
        Payment::Transfer => {
            w.text("ram:TypeCode", "58");
            w.open("ram:PayeePartyCreditorFinancialAccount");
            w.text("ram:IBANID", &seller.bank.iban.replace(' ', ""));
            w.text("ram:AccountName", &seller.bank.holder);
            w.close("ram:PayeePartyCreditorFinancialAccount");
            if let Some(bic) = &seller.bank.bic {
                w.open("ram:PayeeSpecifiedCreditorFinancialInstitution");
                w.text("ram:BICID", bic);
                w.close("ram:PayeeSpecifiedCreditorFinancialInstitution");
            }
        }
    }
    w.close("ram:SpecifiedTradeSettlementPaymentMeans");
    for (rate, (net, vat)) in by_rate(inv) {
        tax_category(
            &mut w,
            inv.reverse_charge,
            rate,
            Some((sign * net, sign * vat)),
        );
    }
    period(&mut w, inv.period_start, inv.period_end);
    w.open("ram:SpecifiedTradePaymentTerms");
    w.text(
        "ram:Description",
        &texts::payment_terms(inv, seller, inv.language),
    );
    if sign > 0 {
        w.date("ram:DueDateDateTime", inv.due_on);
    }
    if let Payment::SepaDebit {
        mandate_reference, ..
    } = &inv.payment
    {
        w.text("ram:DirectDebitMandateID", mandate_reference);
    }
    w.close("ram:SpecifiedTradePaymentTerms");
    w.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    w.text("ram:LineTotalAmount", &decimal(sign * inv.net_cents));
    w.text("ram:TaxBasisTotalAmount", &decimal(sign * inv.net_cents));
    w.attr_text(
        "ram:TaxTotalAmount",
        "currencyID",
        &inv.currency,
        &decimal(sign * inv.vat_cents),
    );
    w.text("ram:GrandTotalAmount", &decimal(sign * inv.gross_cents));
    w.text("ram:DuePayableAmount", &decimal(sign * inv.gross_cents));
    w.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    if let Kind::CreditNote {
        corrects_number,
        corrects_issued_on,
    } = &inv.kind
    {
        w.open("ram:InvoiceReferencedDocument");
        w.text("ram:IssuerAssignedID", corrects_number);
        let _ = write!(
            w.0,
            "<ram:FormattedIssueDateTime><qdt:DateTimeString format=\"102\">{}</qdt:DateTimeString></ram:FormattedIssueDateTime>",
            date102(*corrects_issued_on)
        );
        w.close("ram:InvoiceReferencedDocument");
    }
    w.close("ram:ApplicableHeaderTradeSettlement");
    w.close("rsm:SupplyChainTradeTransaction");
    w.close("rsm:CrossIndustryInvoice");
    w.0.push('\n');
    w.0
}

fn address(w: &mut W, a: &crate::Address) {
    w.open("ram:PostalTradeAddress");
    w.text("ram:PostcodeCode", &a.postal_code);
    w.text("ram:LineOne", &a.street);
    if let Some(street2) = &a.street2 {
        w.text("ram:LineTwo", street2);
    }
    w.text("ram:CityName", &a.city);
    w.text("ram:CountryID", &a.country);
    w.close("ram:PostalTradeAddress");
}

fn period(w: &mut W, start: Date, end: Date) {
    w.open("ram:BillingSpecifiedPeriod");
    w.date("ram:StartDateTime", start);
    w.date("ram:EndDateTime", end);
    w.close("ram:BillingSpecifiedPeriod");
}

/// A VAT breakdown (`amounts` = basis and tax, header) or a line's VAT category (`None`).
fn tax_category(w: &mut W, reverse_charge: bool, rate_bp: u32, amounts: Option<(i64, i64)>) {
    w.open("ram:ApplicableTradeTax");
    if let Some((_, vat)) = amounts {
        w.text("ram:CalculatedAmount", &decimal(vat));
    }
    w.text("ram:TypeCode", "VAT");
    if reverse_charge && amounts.is_some() {
        w.text("ram:ExemptionReason", "Reverse charge");
    }
    if let Some((basis, _)) = amounts {
        w.text("ram:BasisAmount", &decimal(basis));
    }
    w.text("ram:CategoryCode", if reverse_charge { "AE" } else { "S" });
    if reverse_charge && amounts.is_some() {
        w.text("ram:ExemptionReasonCode", "VATEX-EU-AE");
    }
    w.text("ram:RateApplicablePercent", &percent(rate_bp));
    w.close("ram:ApplicableTradeTax");
}
