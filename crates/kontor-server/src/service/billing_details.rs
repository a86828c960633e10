//! Billing details (issue 8): the rules for the billing address, the SEPA mandate and the payment method.
//! Validation is `kontor_api::billing_rules` (shared with the app, authoritative here); every problem of a
//! form is refused at once as `ErrorDetail::BillingFields`. The full IBAN goes into storage and nowhere
//! else: what this module hands back shows it masked (`mask_iban`).
//!
//! The mandate text is the server's ([`mandate_text`]): it names the vendor and its creditor identifier,
//! which only the server's configuration knows, and it is the vendor's legal text, which the vendor can
//! change without an app release; the mandate records the language the user accepted it in.

use kontor_api::billing_rules::{self, mask_iban};
use kontor_api::{
    BankAccount, BillingAddress, BillingFieldError, ErrorDetail, MandateLanguage, MandateText,
    PaymentDetails, PaymentMethod, Resource, SepaMandate,
};

use crate::db::billing_details::{MandateRecord, NewMandate, PaymentRecord};
use crate::db::Database;
use crate::domain::{Actor, Outcome, Refusal};

fn refuse(errors: Vec<BillingFieldError>) -> Refusal {
    Refusal::because(ErrorDetail::BillingFields { errors })
}

/// The SEPA Core mandate text in `lang`, naming the creditor.
pub fn mandate_text(lang: MandateLanguage, creditor_name: &str, creditor_id: &str) -> MandateText {
    let paragraphs = match lang {
        MandateLanguage::De => vec![
            "SEPA-Lastschriftmandat".to_string(),
            format!(
                "Ich ermächtige / Wir ermächtigen {creditor_name} (Gläubiger-Identifikationsnummer \
                 {creditor_id}), Zahlungen von meinem / unserem Konto mittels Lastschrift einzuziehen. \
                 Zugleich weise ich mein / weisen wir unser Kreditinstitut an, die von {creditor_name} auf \
                 mein / unser Konto gezogenen Lastschriften einzulösen."
            ),
            "Hinweis: Ich kann / Wir können innerhalb von acht Wochen, beginnend mit dem Belastungsdatum, \
             die Erstattung des belasteten Betrages verlangen. Es gelten dabei die mit meinem / unserem \
             Kreditinstitut vereinbarten Bedingungen."
                .to_string(),
            "Die Mandatsreferenz wird nach dem Speichern angezeigt. Betrag und Fälligkeitstag jeder \
             Lastschrift stehen vorab auf der Rechnung."
                .to_string(),
        ],
        MandateLanguage::En => vec![
            "SEPA Direct Debit Mandate".to_string(),
            format!(
                "By accepting this mandate, you authorise (A) {creditor_name} (creditor identifier \
                 {creditor_id}) to send instructions to your bank to debit your account and (B) your bank \
                 to debit your account in accordance with the instructions from {creditor_name}."
            ),
            "As part of your rights, you are entitled to a refund from your bank under the terms and \
             conditions of your agreement with your bank. A refund must be claimed within eight weeks \
             starting from the date on which your account was debited."
                .to_string(),
            "The mandate reference is shown once the mandate is saved. Each invoice states the amount \
             and the date of the debit in advance."
                .to_string(),
        ],
    };
    MandateText {
        language: lang,
        creditor_name: creditor_name.to_string(),
        creditor_id: creditor_id.to_string(),
        paragraphs,
    }
}

/// Validates and saves the billing address; answers what was saved.
pub async fn save_address(
    db: &dyn Database,
    actor: &Actor,
    address: &BillingAddress,
) -> Outcome<BillingAddress> {
    let clean = match billing_rules::address(address) {
        Ok(a) => a,
        Err(errors) => return Ok(Err(refuse(errors))),
    };
    db.save_billing_address(actor, &clean).await?;
    Ok(Ok(clean))
}

/// The mandate as the app sees it: the IBAN masked.
pub fn mandate_view(m: &MandateRecord) -> SepaMandate {
    SepaMandate {
        reference: m.reference.clone(),
        account_holder: m.account_holder.clone(),
        iban_masked: mask_iban(&m.iban),
        bic: m.bic.clone(),
        signed_on: m.signed_on.clone(),
        creditor_id: m.creditor_id.clone(),
        accepted_by: m.accepted_by.clone(),
        language: MandateLanguage::parse(&m.language).unwrap_or_default(),
    }
}

/// The payment details as the app sees them.
pub fn payment_view(p: &PaymentRecord) -> PaymentDetails {
    PaymentDetails {
        method: p.method,
        mandate: p.mandate.as_ref().map(mandate_view),
    }
}

/// The payment method and active mandate; no subscription: `NotFound`.
pub async fn payment(db: &dyn Database, account_id: &str) -> Outcome<PaymentDetails> {
    Ok(match db.payment(account_id).await? {
        Some(p) => Ok(payment_view(&p)),
        None => Err(Refusal::not_found(Resource::Subscription)),
    })
}

/// The ISO date of a Unix time (UTC).
fn iso_date(at: i64) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(at)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// New bank details: validated (every problem at once; a bad IBAN is `invalid_iban`), then a new mandate
/// with `creditor_id` replaces the active one and the method becomes `sepa`.
pub async fn save_bank_account(
    db: &dyn Database,
    actor: &Actor,
    creditor_id: &str,
    req: &BankAccount,
) -> Outcome<PaymentDetails> {
    let (account_holder, iban, bic) = match billing_rules::bank_account(req) {
        Ok(v) => v,
        Err(errors) => return Ok(Err(refuse(errors))),
    };
    let mandate = NewMandate {
        id: uuid::Uuid::new_v4().to_string(),
        account_holder,
        iban,
        bic,
        creditor_id: creditor_id.to_string(),
        language: req.language.unwrap_or_default(),
        signed_on: iso_date(actor.at),
    };
    Ok(db
        .save_mandate(actor, &mandate)
        .await?
        .map(|p| payment_view(&p)))
}

/// Switches the payment method. Only `invoice` is taken here (it ends the mandate); `sepa` is chosen by
/// saving bank details.
pub async fn change_method(
    db: &dyn Database,
    actor: &Actor,
    method: PaymentMethod,
) -> Outcome<PaymentDetails> {
    if method == PaymentMethod::Sepa {
        return Ok(Err(refuse(vec![BillingFieldError::new(
            kontor_api::BillingField::Method,
            kontor_api::BillingProblem::SepaNeedsBankAccount,
        )])));
    }
    Ok(db.pay_by_invoice(actor).await?.map(|p| payment_view(&p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mandate_text_names_the_creditor_in_both_languages() {
        for lang in [MandateLanguage::De, MandateLanguage::En] {
            let t = mandate_text(lang, "Test Vendor", "DE98ZZZ09999999999");
            assert_eq!(t.language, lang);
            assert!(t
                .paragraphs
                .iter()
                .any(|p| p.contains("DE98ZZZ09999999999")));
            assert!(t.paragraphs.iter().any(|p| p.contains("Test Vendor")));
        }
        let de = mandate_text(MandateLanguage::De, "V", "C");
        assert!(de.paragraphs[1].contains("Lastschrift"));
        assert_ne!(
            de.paragraphs,
            mandate_text(MandateLanguage::En, "V", "C").paragraphs
        );
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(iso_date(1_780_000_000), "2026-05-28");
        assert_eq!(iso_date(0), "1970-01-01");
    }
}
