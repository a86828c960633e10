//! Import commands: preview a dropped or picked file, commit it with progress and cancel, resume or discard
//! an interrupted import, save the import template (its examples with the account's products and a
//! location) and the rows an import skipped as CSV.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use kontor_api::ipc::{
    ImportFile, ImportOutcome, ImportPreview, ImportProblem, ImportProgress, NoArgs, PendingImport,
    SaveImportProblems, SavedFile, IMPORT_PROGRESS_EVENT,
};
use kontor_api::ErrorCode;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::commands::error::{CommandError, CommandResult};
use crate::import::{self, ImportPlan, PlanStore};
use crate::state::AppState;

async fn preview_path(state: &AppState, path: PathBuf) -> CommandResult<ImportPreview> {
    let portal = state.portal()?;
    let (shown, previewed) = import::preview(&portal, &path).await?;
    *state.import.previewed.lock().await = Some(previewed);
    Ok(shown)
}

/// Reads and validates a file the user dropped onto the window. Nothing is written to the portal.
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    req: ImportFile,
) -> CommandResult<ImportPreview> {
    preview_path(&state, PathBuf::from(req.path)).await
}

/// Asks for a file with the native open dialog, then previews it; `None` if the user cancelled.
#[tauri::command]
pub async fn import_pick(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<Option<ImportPreview>> {
    let _ = req;
    match crate::dialogs::open_path("Excel / CSV", &["csv", "txt", "xlsx"]).await {
        Some(path) => preview_path(&state, path).await.map(Some),
        None => Ok(None),
    }
}

/// Commits the previewed file (or resumes the interrupted import when nothing is previewed), emitting
/// [`IMPORT_PROGRESS_EVENT`] after every batch.
#[tauri::command]
pub async fn import_commit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<ImportOutcome> {
    let _ = req;
    let portal = state.portal()?;
    let store = PlanStore::new(&state.data_dir);
    let me = portal.call(|c, a, _| async move { c.me(&a).await }).await?;
    let previewed = state.import.previewed.lock().await.take();
    let mut plan = match previewed {
        Some(p) => {
            let plan = ImportPlan::new(
                portal.client().base_url(),
                &me.account_id,
                &p.file_name,
                p.users,
            );
            store.save(&plan)?;
            plan
        }
        None => store
            .load()
            .filter(|p| p.account_id == me.account_id && p.portal_url == portal.client().base_url())
            .ok_or_else(|| {
                CommandError::new(ErrorCode::NotFound, "there is no import to commit")
            })?,
    };
    state.import.cancel.store(false, Ordering::SeqCst);
    import::run(
        &portal,
        &store,
        &mut plan,
        &state.import.cancel,
        |done, total| {
            if let Err(e) = app.emit(IMPORT_PROGRESS_EVENT, ImportProgress { done, total }) {
                tracing::warn!("import progress not shown: {e}");
            }
        },
    )
    .await
    .map_err(Into::into)
}

/// Stops the running import: the batches on their way are answered, no further one is sent; what was
/// committed stays and can be resumed.
#[tauri::command]
pub fn import_cancel(state: State<'_, AppState>, req: NoArgs) -> CommandResult<()> {
    let _ = req;
    state.import.cancel.store(true, Ordering::SeqCst);
    Ok(())
}

/// An interrupted import of this portal, if any.
#[tauri::command]
pub fn import_pending(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<Option<PendingImport>> {
    let _ = req;
    let url = state.portal_url().unwrap_or_default();
    Ok(PlanStore::new(&state.data_dir)
        .load()
        .filter(|p| p.portal_url.trim_end_matches('/') == url.trim_end_matches('/'))
        .map(|p| PendingImport {
            file_name: p.file_name.clone(),
            total: p.total() as u64,
            done: p.done_users() as u64,
        }))
}

/// Forgets an interrupted import (what was committed stays on the portal).
#[tauri::command]
pub fn import_discard(state: State<'_, AppState>, req: NoArgs) -> CommandResult<()> {
    let _ = req;
    Ok(PlanStore::new(&state.data_dir).delete()?)
}

/// Saves Kontor's import template (CSV for Excel, in the UI language) through the native save dialog.
#[tauri::command]
pub async fn save_import_template(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<SavedFile> {
    let _ = req;
    let german = state.german();
    let name = if german {
        "kontor-benutzer-vorlage.csv"
    } else {
        "kontor-users-template.csv"
    };
    // The examples show the Licenses and Location format with the account's own products (those with the
    // most free seats first) and first location; without them (portal unreachable) the cells stay empty.
    let (products, location) = match state.portal() {
        Ok(portal) => {
            let pools = portal
                .call(|c, a, me| async move { c.licenses(&a, &me.account_id).await })
                .await
                .unwrap_or_default();
            let locations = portal
                .call(|c, a, me| async move { c.locations(&a, &me.account_id).await })
                .await
                .unwrap_or_default();
            let mut pools: Vec<_> = pools
                .into_iter()
                .filter(|p| p.seats_total - p.seats_used >= 2)
                .collect();
            pools.sort_by_key(|p| std::cmp::Reverse(p.seats_total - p.seats_used));
            let names: Vec<String> = pools.into_iter().map(|p| p.product_name).collect();
            (names, locations.into_iter().next().map(|l| l.name))
        }
        Err(_) => (Vec::new(), None),
    };
    let names: Vec<&str> = products.iter().map(String::as_str).collect();
    let csv = kontor_import::template_csv_for(german, &names, location.as_deref());
    let Some(path) = crate::dialogs::save_path(&state, name, "CSV", &["csv"]).await else {
        return Ok(SavedFile { path: None });
    };
    kontor_fs::Options::new()
        .create_dirs(true)
        .write(&path, csv.as_bytes())?;
    Ok(SavedFile {
        path: Some(path.display().to_string()),
    })
}

/// Saves the rows an import skipped (row, column, reason) as CSV through the native save dialog, so they can
/// be fixed and imported again after the valid rows were committed.
#[tauri::command]
pub async fn save_import_problems(
    state: State<'_, AppState>,
    req: SaveImportProblems,
) -> CommandResult<SavedFile> {
    let german = state.german();
    let csv = problems_csv(&req.problems, german);
    let Some(path) = crate::dialogs::save_path(&state, &req.file_name, "CSV", &["csv"]).await
    else {
        return Ok(SavedFile { path: None });
    };
    kontor_fs::Options::new()
        .create_dirs(true)
        .write(&path, csv.as_bytes())?;
    Ok(SavedFile {
        path: Some(path.display().to_string()),
    })
}

/// The skipped rows as CSV for Excel: UTF-8 with BOM, `;` (German) or `,` between fields, CRLF lines,
/// spreadsheet formulas defused.
pub fn problems_csv(problems: &[ImportProblem], german: bool) -> String {
    let sep = if german { ';' } else { ',' };
    let field = |s: &str| {
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([sep, '"', '\n', '\r', '\'']) || s.starts_with(' ') {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let header = if german {
        ["Zeile", "Spalte", "Code", "Grund"]
    } else {
        ["Row", "Column", "Code", "Reason"]
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(&sep.to_string()));
    out.push_str("\r\n");
    for p in problems {
        let row = [
            p.row.to_string(),
            field(&p.column),
            field(&p.code),
            field(&p.message),
        ];
        out.push_str(&row.join(&sep.to_string()));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_csv_lists_every_row_and_defuses_formulas() {
        let problems = vec![
            ImportProblem {
                row: 3,
                column: "E-mail".into(),
                code: "invalid_email".into(),
                message: "is not a valid e-mail address; check it".into(),
                field: None,
                reason: None,
            },
            ImportProblem {
                row: 7,
                column: "Name".into(),
                code: "required".into(),
                message: "=HYPERLINK(\"x\")".into(),
                field: None,
                reason: None,
            },
        ];
        let csv = problems_csv(&problems, true);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Zeile;Spalte;Code;Grund");
        assert_eq!(
            lines[1],
            "3;E-mail;invalid_email;\"is not a valid e-mail address; check it\""
        );
        assert_eq!(lines[2], "7;Name;required;\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(lines.len(), 4);
        assert!(problems_csv(&problems, false).contains("Row,Column,Code,Reason\r\n"));
    }
}
