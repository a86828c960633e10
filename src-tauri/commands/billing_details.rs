//! Billing-details commands (issue 8, sepa8): the billing address, the payment details with the masked
//! IBAN, new bank details (a new SEPA mandate), paying by invoice, and the mandate text. The portal checks
//! every field and answers located errors, passed through unchanged.

use kontor_api::ipc::NoArgs;
use kontor_api::{
    BankAccount, BillingAddress, BillingAddressState, MandateText, MandateTextArgs, PaymentDetails,
    PaymentMethod, PaymentMethodChange,
};
use tauri::State;

use crate::commands::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn billing_address(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<BillingAddressState> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.billing_address(&a, &me.account_id).await })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn save_billing_address(
    state: State<'_, AppState>,
    req: BillingAddress,
) -> CommandResult<BillingAddress> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let req = req.clone();
            async move { c.save_billing_address(&a, &me.account_id, &req).await }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn payment_details(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<PaymentDetails> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.payment_details(&a, &me.account_id).await })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn save_bank_account(
    state: State<'_, AppState>,
    req: BankAccount,
) -> CommandResult<PaymentDetails> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let req = req.clone();
            async move { c.save_bank_account(&a, &me.account_id, &req).await }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn pay_by_invoice(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<PaymentDetails> {
    let _ = req;
    let portal = state.portal()?;
    let change = PaymentMethodChange {
        method: PaymentMethod::Invoice,
    };
    portal
        .call(|c, a, me| async move { c.change_payment_method(&a, &me.account_id, &change).await })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn mandate_text(
    state: State<'_, AppState>,
    req: MandateTextArgs,
) -> CommandResult<MandateText> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.mandate_text(&a, &me.account_id, req.language).await })
        .await
        .map_err(Into::into)
}
