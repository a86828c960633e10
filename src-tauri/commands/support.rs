//! support9: Help and support. The vendor's help links (only links the portal gave, and only `https://` or
//! loopback `http://`, are opened, in the system browser), files for a ticket (the native open dialog or a
//! drop; the shell reads them only when sending, checked against the same limits as the portal), the
//! user's tickets, and filing one with the opt-in diagnostics (app version, OS, portal address: no secrets).
//! support9b: an attachment of the user's own ticket saved through the native save dialog, atomically.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use base64::Engine;
use kontor_api::ipc::{
    NoArgs, OpenHelpLink, SavedSupportAttachment, SupportAttachmentRequest, SupportDraft,
    SupportFile, SupportPaths,
};
use kontor_api::support::{
    attachment_type, check_attachments, check_ticket, is_help_url, AttachmentProblem,
    MAX_ATTACHMENTS_BYTES,
};
use kontor_api::{
    Diagnostics, ErrorCode, ErrorDetail, FieldProblem, HelpLinks, NewAttachment, NewTicket, Ticket,
    TicketList,
};
use tauri::State;

use crate::commands::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The help links the portal answered in this run: the only URLs `open_help_link` opens.
fn given_links() -> &'static Mutex<HashSet<String>> {
    static LINKS: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    LINKS.get_or_init(|| Mutex::new(HashSet::new()))
}

fn attachments_error(file_name: Option<String>, problem: AttachmentProblem) -> CommandError {
    let detail = ErrorDetail::Attachments { file_name, problem };
    CommandError {
        code: ErrorCode::Validation,
        message: detail.english(),
        detail: Some(detail),
    }
}

/// The vendor's help links (remembered as the links that may be opened).
#[tauri::command]
pub async fn help_links(state: State<'_, AppState>, req: NoArgs) -> CommandResult<HelpLinks> {
    let _ = req;
    let portal = state.portal()?;
    let links = portal
        .call(|c, a, _| async move { c.help_links(&a).await })
        .await?;
    if let Ok(mut g) = given_links().lock() {
        g.extend(
            links
                .all()
                .into_iter()
                .filter(|l| is_help_url(l))
                .map(str::to_string),
        );
    }
    Ok(links)
}

/// Opens a help link in the system browser: only a link `help_links` answered, `https://` (or `http://`
/// on loopback). Debug builds with `KONTOR_TEST_DIALOG_LOG`: records `browse<TAB><url>` instead.
#[tauri::command]
pub async fn open_help_link(req: OpenHelpLink) -> CommandResult<()> {
    let given = given_links().lock().is_ok_and(|g| g.contains(&req.url));
    if !given || !is_help_url(&req.url) {
        return Err(CommandError::from(kontor_api::FieldError {
            field: "url",
            reason: FieldProblem::InvalidUrl,
        }));
    }
    crate::dialogs::browse(&req.url).await?;
    Ok(())
}

/// A file's name and size, if it is a readable regular file.
fn file_info(path: &Path) -> CommandResult<SupportFile> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = std::fs::metadata(path)
        .map_err(|_| attachments_error(Some(file_name.clone()), AttachmentProblem::Unreadable))?;
    if !meta.is_file() {
        return Err(attachments_error(
            Some(file_name),
            AttachmentProblem::Unreadable,
        ));
    }
    if attachment_type(&file_name).is_none() {
        return Err(attachments_error(
            Some(file_name),
            AttachmentProblem::NotAllowed,
        ));
    }
    Ok(SupportFile {
        path: path.display().to_string(),
        file_name,
        size: meta.len(),
    })
}

/// Files chosen with the native open dialog (empty if the user cancelled).
#[tauri::command]
pub async fn support_pick_files(req: NoArgs) -> CommandResult<Vec<SupportFile>> {
    let _ = req;
    let exts: Vec<&str> = kontor_api::support::ATTACHMENT_TYPES
        .iter()
        .map(|(e, _)| *e)
        .collect();
    let paths = crate::dialogs::open_paths("Attachments", &exts).await;
    paths.iter().map(|p| file_info(p)).collect()
}

/// Name and size of dropped files (each checked: a regular file of an allowed type).
#[tauri::command]
pub async fn support_file_info(req: SupportPaths) -> CommandResult<Vec<SupportFile>> {
    req.paths.iter().map(|p| file_info(Path::new(p))).collect()
}

/// The signed-in user's tickets.
#[tauri::command]
pub async fn support_tickets(state: State<'_, AppState>, req: NoArgs) -> CommandResult<TicketList> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.support_tickets(&a, &me.account_id).await })
        .await
        .map_err(Into::into)
}

/// Files a ticket: the form checked as the portal checks it, the files read (at most 10 MB together),
/// and, if the user opted in, the diagnostics added.
#[tauri::command]
pub async fn create_support_ticket(
    state: State<'_, AppState>,
    req: SupportDraft,
) -> CommandResult<Ticket> {
    let phone = req
        .contact_phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    if let Some(e) = check_ticket(&req.subject, &req.message, phone.as_deref())
        .into_iter()
        .next()
    {
        return Err(e.into());
    }
    let files: Vec<SupportFile> = req
        .files
        .iter()
        .map(|p| file_info(Path::new(p)))
        .collect::<CommandResult<_>>()?;
    if let Some((name, problem)) =
        check_attachments(files.iter().map(|f| (f.file_name.as_str(), f.size)))
    {
        return Err(attachments_error(name, problem));
    }
    let mut attachments = Vec::with_capacity(files.len());
    let mut total: u64 = 0;
    for f in &files {
        let bytes = tokio::fs::read(PathBuf::from(&f.path)).await.map_err(|_| {
            attachments_error(Some(f.file_name.clone()), AttachmentProblem::Unreadable)
        })?;
        total += bytes.len() as u64;
        if total > MAX_ATTACHMENTS_BYTES {
            return Err(attachments_error(
                None,
                AttachmentProblem::TooLarge {
                    max_bytes: MAX_ATTACHMENTS_BYTES,
                },
            ));
        }
        attachments.push(NewAttachment {
            file_name: f.file_name.clone(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        });
    }
    let diagnostics = req.diagnostics.then(|| Diagnostics {
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        portal_url: state.portal_url().unwrap_or_default(),
    });
    let ticket = NewTicket {
        category: req.category,
        subject: req.subject.trim().to_string(),
        message: req.message.trim().to_string(),
        contact_phone: phone,
        attachments,
        diagnostics,
    };
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let t = ticket.clone();
            async move { c.create_support_ticket(&a, &me.account_id, &t).await }
        })
        .await
        .map_err(Into::into)
}

/// support9b: the file name to suggest in the save dialog: the attachment's name if it is still one a
/// ticket may carry (a plain name), else `attachment`.
fn suggested_name(file_name: &str) -> String {
    if attachment_type(file_name).is_some() {
        file_name.to_string()
    } else {
        "attachment".to_string()
    }
}

/// support9b: asks where to save attachment `index` of the user's own ticket (the dialog suggests its name),
/// then fetches it and writes it atomically (temp file, fsync, rename).
#[tauri::command]
pub async fn save_support_attachment(
    state: State<'_, AppState>,
    req: SupportAttachmentRequest,
) -> CommandResult<SavedSupportAttachment> {
    let name = suggested_name(&req.file_name);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let exts: Vec<&str> = if ext.is_empty() {
        Vec::new()
    } else {
        vec![ext.as_str()]
    };
    let Some(path) = crate::dialogs::save_path(&state, &name, "Attachment", &exts).await else {
        return Ok(SavedSupportAttachment { path: None });
    };
    // Fetched only once the user chose where to save it: a cancelled dialog costs no download.
    let portal = state.portal()?;
    let index = req.index;
    let bytes = portal
        .call(|c, a, me| {
            let id = req.ticket_id.clone();
            async move { c.support_attachment(&a, &me.account_id, &id, index).await }
        })
        .await?;
    kontor_fs::Options::new()
        .create_dirs(true)
        .write(&path, &bytes)?;
    Ok(SavedSupportAttachment {
        path: Some(path.display().to_string()),
    })
}

#[cfg(test)]
mod support9b_tests {
    use super::suggested_name;

    #[test]
    fn the_dialog_suggests_only_a_plain_allowed_name() {
        assert_eq!(
            suggested_name("Bildschirmfoto 1.PNG"),
            "Bildschirmfoto 1.PNG"
        );
        assert_eq!(suggested_name("../../etc/passwd.txt"), "attachment");
        assert_eq!(suggested_name("run.exe"), "attachment");
    }
}
