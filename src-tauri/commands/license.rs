//! Offline license commands: the account's license status, saving the account-wide license file, turning an
//! activation request from an air-gapped machine into a machine-bound license, and revoking. Every file
//! written is verified with `kontor-license` against the portal's published key, and written atomically.

use std::path::PathBuf;

use kontor_api::ipc::{ImportFile, LicenseId, NoArgs, SavedLicense, VerifiedLicense};
use kontor_api::{ActivationRequestUpload, ErrorCode, OfflineLicense, OfflineLicenseStatus};
use tauri::State;

use crate::commands::error::{CommandError, CommandResult};
use crate::session::Portal;
use crate::state::AppState;

/// Activation request files are a few hundred bytes; anything much larger is not one.
const MAX_REQUEST_BYTES: u64 = 64 * 1024;

#[tauri::command]
pub async fn offline_license_status(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<OfflineLicenseStatus> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.offline_license_status(&a, &me.account_id).await })
        .await
        .map_err(Into::into)
}

/// Issues the account-wide offline license and saves it where the user chooses.
#[tauri::command]
pub async fn save_offline_license(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<SavedLicense> {
    let _ = req;
    let portal = state.portal()?;
    let license = portal
        .call(|c, a, me| async move { c.issue_offline_license(&a, &me.account_id).await })
        .await?;
    save_verified(&state, &portal, license, "kontor-offline-license.txt", None).await
}

/// Reads an activation request file (dropped onto the window), gets the machine-bound license and saves it.
#[tauri::command]
pub async fn activate_machine(
    state: State<'_, AppState>,
    req: ImportFile,
) -> CommandResult<SavedLicense> {
    activate_path(&state, PathBuf::from(&req.path)).await
}

/// Asks for the activation request file with the native open dialog, then activates as
/// [`activate_machine`] does; `None` if the user cancelled.
#[tauri::command]
pub async fn activate_machine_pick(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<Option<SavedLicense>> {
    let _ = req;
    match crate::dialogs::open_path("Activation request", &["txt", "req"]).await {
        Some(path) => activate_path(&state, path).await.map(Some),
        None => Ok(None),
    }
}

async fn activate_path(state: &AppState, path: PathBuf) -> CommandResult<SavedLicense> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = tokio::fs::metadata(&path).await?;
    if meta.len() > MAX_REQUEST_BYTES {
        return Err(CommandError::new(
            ErrorCode::Validation,
            format!("{name}: this is not an activation request (too large)"),
        ));
    }
    let bytes = tokio::fs::read(&path).await?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CommandError::new(
            ErrorCode::Validation,
            format!("{name}: this is not an activation request (not text)"),
        )
    })?;
    let request = kontor_license::ActivationRequest::parse(&text).map_err(|e| {
        CommandError::new(
            ErrorCode::Validation,
            format!("{name}: this is not a valid activation request: {e}"),
        )
    })?;
    let portal = state.portal()?;
    let upload = ActivationRequestUpload { request: text };
    let license = portal
        .call(|c, a, me| {
            let upload = upload.clone();
            async move { c.activate_machine(&a, &me.account_id, &upload).await }
        })
        .await?;
    let host: String = request
        .hostname
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    let file = if host.is_empty() {
        "kontor-license.txt".to_string()
    } else {
        format!("kontor-license-{host}.txt")
    };
    save_verified(state, &portal, license, &file, Some(&request.fingerprint)).await
}

#[tauri::command]
pub async fn revoke_offline_license(
    state: State<'_, AppState>,
    req: LicenseId,
) -> CommandResult<()> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let id = req.license_id.clone();
            async move { c.revoke_offline_license(&a, &me.account_id, &id).await }
        })
        .await
        .map_err(Into::into)
}

/// Verifies `license` with the portal's public key (as the air-gapped product will), asks where to save it
/// and writes it atomically. A license that does not verify is never written.
async fn save_verified(
    state: &AppState,
    portal: &Portal,
    license: OfflineLicense,
    suggested: &str,
    machine: Option<&str>,
) -> CommandResult<SavedLicense> {
    let key = portal.client().license_public_key().await?;
    let verified = verify(&license.text, &key.public_key, machine)?;
    let Some(path) =
        crate::dialogs::save_path(state, suggested, "Kontor license", &["txt", "lic"]).await
    else {
        return Ok(SavedLicense {
            path: None,
            license: verified,
        });
    };
    kontor_fs::Options::new()
        .create_dirs(true)
        .write(&path, license.text.as_bytes())?;
    // Read back what is on disk: the page shows the file, not the answer we hoped to write.
    let on_disk = tokio::fs::read_to_string(&path).await?;
    let verified = verify(&on_disk, &key.public_key, machine)?;
    Ok(SavedLicense {
        path: Some(path.display().to_string()),
        license: verified,
    })
}

/// Verifies a license file's text against `public_key` (text form) at the current time.
pub fn verify(
    text: &str,
    public_key: &str,
    machine: Option<&str>,
) -> CommandResult<VerifiedLicense> {
    let key = kontor_license::PublicKey::parse(public_key).map_err(|e| {
        CommandError::new(
            ErrorCode::BadResponse,
            format!("the portal's license key: {e}"),
        )
    })?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let payload =
        kontor_license::verify(text, &[key], kontor_license::VerifyOptions { now, machine })
            .map_err(|e| {
                CommandError::new(
                    ErrorCode::BadResponse,
                    format!("the license file does not verify: {e}"),
                )
            })?;
    Ok(VerifiedLicense {
        license_id: payload.license_id,
        customer_name: payload.customer_name,
        products: payload
            .products
            .into_iter()
            .map(|p| (p.product_name, p.seats))
            .collect(),
        not_before: payload.not_before,
        expires_at: payload.expires_at,
        machine: payload.machine,
    })
}
