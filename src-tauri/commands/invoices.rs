//! Invoice commands (issue 8): the list, one invoice, and saving its PDF or e-invoice XML through the native
//! save dialog (suggested name `<number>.pdf` / `.xml`), written atomically; the saved file may then be
//! opened or shown in its folder.

use kontor_api::{
    InvoiceDetail, InvoiceDocumentFormat, InvoiceDocumentRequest, InvoicePage, InvoiceQuery,
    SavedInvoiceDocument,
};
use kontor_client::InvoiceFormat;
use tauri::State;

use crate::commands::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn invoices(state: State<'_, AppState>, req: InvoiceQuery) -> CommandResult<InvoicePage> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let q = req.clone();
            async move { c.invoices(&a, &me.account_id, &q).await }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn invoice(
    state: State<'_, AppState>,
    req: InvoiceDocumentRequest,
) -> CommandResult<InvoiceDetail> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let id = req.invoice_id.clone();
            async move { c.invoice(&a, &me.account_id, &id).await }
        })
        .await
        .map_err(Into::into)
}

/// Fetches the document, asks where to save it and writes it atomically (temp file, fsync, rename).
#[tauri::command]
pub async fn save_invoice_document(
    state: State<'_, AppState>,
    req: InvoiceDocumentRequest,
) -> CommandResult<SavedInvoiceDocument> {
    let portal = state.portal()?;
    let format = match req.format {
        InvoiceDocumentFormat::Pdf => InvoiceFormat::Pdf,
        InvoiceDocumentFormat::Xml => InvoiceFormat::Xml,
    };
    let (bytes, file_name) = portal
        .call(|c, a, me| {
            let id = req.invoice_id.clone();
            async move { c.invoice_document(&a, &me.account_id, &id, format).await }
        })
        .await?;
    let (filter, ext) = match format {
        InvoiceFormat::Pdf => ("PDF", "pdf"),
        InvoiceFormat::Xml => ("E-invoice XML", "xml"),
    };
    let Some(path) = crate::dialogs::save_path(&state, &file_name, filter, &[ext]).await else {
        return Ok(SavedInvoiceDocument {
            path: None,
            file_name,
        });
    };
    kontor_fs::Options::new()
        .create_dirs(true)
        .write(&path, &bytes)?;
    Ok(SavedInvoiceDocument {
        path: Some(path.display().to_string()),
        file_name,
    })
}
