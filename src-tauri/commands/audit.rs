//! Audit log commands: one filtered page, and the CSV export of every entry the filter matches, fetched
//! page by page (keyset, 200 per request) and written atomically where the native save dialog says.

use kontor_api::{AuditEvent, AuditPage, AuditQuery, SaveAuditCsv, SavedAuditCsv};
use tauri::State;

use crate::commands::error::CommandResult;
use crate::state::AppState;

/// Entries per request of the export.
const EXPORT_PAGE: u32 = 200;

#[tauri::command]
pub async fn audit_page(state: State<'_, AppState>, req: AuditQuery) -> CommandResult<AuditPage> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let q = req.clone();
            async move { c.audit_query(&a, &me.account_id, &q).await }
        })
        .await
        .map_err(Into::into)
}

/// Asks where to save, then writes every entry matching the filter as CSV (newest first), atomically.
#[tauri::command]
pub async fn save_audit_csv(
    state: State<'_, AppState>,
    req: SaveAuditCsv,
) -> CommandResult<SavedAuditCsv> {
    let separator = if state.german() { ';' } else { ',' };
    let Some(path) = crate::dialogs::save_path(&state, &req.file_name, "CSV", &["csv"]).await
    else {
        return Ok(SavedAuditCsv {
            path: None,
            entries: 0,
        });
    };
    let portal = state.portal()?;
    let mut entries = Vec::new();
    let mut query = AuditQuery {
        before: None,
        limit: Some(EXPORT_PAGE),
        ..req.query
    };
    loop {
        let page = portal
            .call(|c, a, me| {
                let q = query.clone();
                async move { c.audit_query(&a, &me.account_id, &q).await }
            })
            .await?;
        entries.extend(page.events);
        match page.next_before {
            Some(b) => query.before = Some(b),
            None => break,
        }
    }
    let csv = audit_csv(&entries, separator);
    kontor_fs::Options::new()
        .create_dirs(true)
        .write(&path, csv.as_bytes())?;
    Ok(SavedAuditCsv {
        path: Some(path.display().to_string()),
        entries: entries.len() as u64,
    })
}

/// A Unix time as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| at.to_string())
}

/// The entries as CSV for Excel: UTF-8 with BOM, `separator` between fields, CRLF lines, every field that
/// could start a spreadsheet formula defused with a leading `'` (as the credentials CSV does).
pub fn audit_csv(entries: &[AuditEvent], separator: char) -> String {
    let field = |s: &str| {
        if s.contains([separator, '"', '\n', '\r'])
            || s.starts_with([' ', '=', '+', '-', '@', '\t'])
        {
            let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{s}")
            } else {
                s.to_string()
            };
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let sep = separator.to_string();
    let mut out = String::from("\u{feff}");
    out.push_str(&["Time (UTC)", "User", "Event", "Target", "IP address"].join(&sep));
    out.push_str("\r\n");
    for e in entries {
        let row = [
            field(&utc(e.at)),
            field(e.actor.as_deref().unwrap_or("")),
            field(&e.event),
            field(&e.target),
            field(e.ip.as_deref().unwrap_or("")),
        ];
        out.push_str(&row.join(&sep));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_csv_has_a_header_utc_times_and_defused_formulas() {
        let e = |id, target: &str| AuditEvent {
            id,
            at: 1_780_000_000,
            actor: Some("anna@example.com".into()),
            event: "user.created".into(),
            target: target.into(),
            ip: Some("192.0.2.1".into()),
        };
        let csv = audit_csv(&[e(2, "=HYPERLINK(\"x\")"), e(1, "a;b")], ';');
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Time (UTC);User;Event;Target;IP address");
        assert_eq!(
            lines[1],
            "2026-05-28T20:26:40Z;anna@example.com;user.created;\"'=HYPERLINK(\"\"x\"\")\";192.0.2.1"
        );
        assert_eq!(
            lines[2],
            "2026-05-28T20:26:40Z;anna@example.com;user.created;\"a;b\";192.0.2.1"
        );
        assert_eq!(lines.len(), 4, "CRLF after the last row");
    }
}
