//! The billing-details endpoints (issue 8, sepa8): billing address, payment details, bank account (new SEPA
//! mandate), pay by invoice, mandate text. Owner and Billing.

use kontor_api::{
    BankAccount, BillingAddress, BillingAddressState, MandateLanguage, MandateText, PaymentDetails,
    PaymentMethodChange,
};
use serde::{de::DeserializeOwned, Serialize};

use crate::{seg, ClientError, PortalClient};

impl PortalClient {
    async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        access: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.send(self.http.put(self.url(path)).json(body).bearer_auth(access))
            .await
    }

    /// The account's billing address (`address: None` until one is saved).
    pub async fn billing_address(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<BillingAddressState, ClientError> {
        self.get(
            &format!("/accounts/{}/billing/address", seg(account_id)),
            access_token,
        )
        .await
    }

    /// Saves the billing address; answers it as saved (normalised).
    pub async fn save_billing_address(
        &self,
        access_token: &str,
        account_id: &str,
        address: &BillingAddress,
    ) -> Result<BillingAddress, ClientError> {
        self.put(
            &format!("/accounts/{}/billing/address", seg(account_id)),
            access_token,
            address,
        )
        .await
    }

    /// The payment method and the active mandate (IBAN masked).
    pub async fn payment_details(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<PaymentDetails, ClientError> {
        self.get(
            &format!("/accounts/{}/billing/payment", seg(account_id)),
            access_token,
        )
        .await
    }

    /// New bank details with the accepted mandate: a new SEPA mandate replaces the active one.
    pub async fn save_bank_account(
        &self,
        access_token: &str,
        account_id: &str,
        req: &BankAccount,
    ) -> Result<PaymentDetails, ClientError> {
        self.put(
            &format!("/accounts/{}/billing/bank-account", seg(account_id)),
            access_token,
            req,
        )
        .await
    }

    /// Changes the payment method (the portal takes `invoice` only; it ends the mandate).
    pub async fn change_payment_method(
        &self,
        access_token: &str,
        account_id: &str,
        req: &PaymentMethodChange,
    ) -> Result<PaymentDetails, ClientError> {
        self.put(
            &format!("/accounts/{}/billing/payment-method", seg(account_id)),
            access_token,
            req,
        )
        .await
    }

    /// The SEPA mandate text in `lang`.
    pub async fn mandate_text(
        &self,
        access_token: &str,
        account_id: &str,
        lang: MandateLanguage,
    ) -> Result<MandateText, ClientError> {
        self.get(
            &format!(
                "/accounts/{}/billing/mandate-text?lang={}",
                seg(account_id),
                lang.as_str()
            ),
            access_token,
        )
        .await
    }
}
