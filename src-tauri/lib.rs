//! The Kontor desktop shell: Tauri wiring, commands, OS keyring and settings.
//!
//! Architecture invariant: this is the only code that knows Tauri IPC. It reaches the portal only through
//! `kontor-client`; no server or SQL code is linked in. Secrets never cross into the webview.

pub mod build_kind;
pub mod commands;
pub mod dialogs;
pub mod downloads;
pub mod import;
pub mod render;
pub mod secrets;
pub mod session;
pub mod settings;
pub mod startup;
pub mod state;

#[cfg(test)]
mod ipc_tests;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

use crate::state::{AppState, Launch};

/// Registers Kontor's commands and state on any runtime, so the wiring can be tested with
/// `tauri::test::mock_builder()`.
pub fn run_app<R: Runtime>(
    builder: tauri::Builder<R>,
    data_dir: Option<PathBuf>,
) -> tauri::Builder<R> {
    let builder = match data_dir {
        Some(dir) => builder.manage(launch_state(dir)),
        None => builder.setup(|app| {
            let dir = app.path().app_config_dir()?;
            app.manage(launch_state(dir));
            Ok(())
        }),
    };
    let builder = builder.plugin(tauri_plugin_updater::Builder::new().build());
    builder.invoke_handler(tauri::generate_handler![
        commands::startup::startup,
        commands::config::set_portal_url,
        commands::config::set_language,
        commands::auth::login_password,
        commands::auth::login_token,
        commands::auth::logout,
        commands::auth::change_password,
        commands::dashboard::dashboard,
        commands::users::licenses,
        commands::users::locations,
        commands::users::users,
        commands::users::create_users,
        commands::users::update_user,
        commands::users::reset_password,
        commands::users::delete_users,
        commands::users::restore_users,
        commands::users::change_licenses,
        commands::users::save_credentials_csv,
        commands::import::import_preview,
        commands::import::import_pick,
        commands::import::import_commit,
        commands::import::import_cancel,
        commands::import::import_pending,
        commands::import::import_discard,
        commands::import::save_import_template,
        commands::license::offline_license_status,
        commands::license::save_offline_license,
        commands::license::activate_machine,
        commands::license::revoke_offline_license,
        commands::downloads::installers,
        commands::downloads::downloads,
        commands::downloads::download_start,
        commands::downloads::download_pause,
        commands::downloads::download_resume,
        commands::downloads::download_cancel,
        commands::update::update_check,
        commands::update::update_install,
        commands::update::app_restart,
        commands::files::show_in_folder,
        commands::license::activate_machine_pick,
        commands::import::save_import_problems,
        commands::auth::temporary_password_kept,
        // sepa8
        commands::billing_details::billing_address,
        commands::billing_details::save_billing_address,
        commands::billing_details::payment_details,
        commands::billing_details::save_bank_account,
        commands::billing_details::pay_by_invoice,
        commands::billing_details::mandate_text,
        commands::locations::location_infos,
        commands::locations::create_location,
        commands::locations::update_location,
        commands::locations::delete_location,
        commands::audit::audit_page,
        commands::audit::save_audit_csv,
        commands::mail::request_password_reset,
        commands::mail::reset_password_with_code,
        commands::mail::mail_temporary_password,
        commands::profile::profile,
        commands::profile::update_profile,
        commands::profile::sessions,
        commands::profile::end_other_sessions,
        commands::invoices::invoices,
        commands::invoices::invoice,
        commands::invoices::save_invoice_document,
        commands::subscription::subscription,
        commands::subscription::packages,
        commands::subscription::package_preview,
        commands::subscription::package_change,
        // acct9
        commands::profile::request_email_change,
        commands::profile::confirm_email_change,
        commands::auth::login_choose, // harden10
        // support9
        commands::support::help_links,
        commands::support::open_help_link,
        commands::support::support_pick_files,
        commands::support::support_file_info,
        commands::support::support_tickets,
        commands::support::create_support_ticket,
        commands::support::save_support_attachment, // support9b
    ])
}

/// The app's state at launch; with a portal configured, the session's resume has begun in the background
/// (`startup`), so it runs while WebKit starts instead of after the UI asks.
fn launch_state(data_dir: PathBuf) -> AppState {
    let state = AppState::new(data_dir, Launch::from_env());
    if let Ok(portal) = state.portal() {
        state.prefetch.start(portal);
    }
    state
}

/// Starts the app. `KONTOR_DATA_DIR` moves its settings elsewhere (demo runs and tests).
pub fn run() {
    {
        // `Targets`, not `EnvFilter`: the same `RUST_LOG=info,kontor_app=debug` levels per target, without
        // the regex engine (binary size).
        use tracing_subscriber::{filter::Targets, layer::SubscriberExt, util::SubscriberInitExt};
        let filter = std::env::var("RUST_LOG")
            .ok()
            .and_then(|s| s.parse::<Targets>().ok())
            .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
        tracing_subscriber::fmt().finish().with(filter).init();
    }
    render::configure();
    let data_dir = std::env::var_os("KONTOR_DATA_DIR").map(PathBuf::from);
    let context = tauri::generate_context!();
    if let Err(refusal) = build_kind::check_updater_key(
        build_kind::current(),
        build_kind::configured_pubkey(context.config()),
    ) {
        eprintln!("kontor: refusing to start: {refusal}");
        std::process::exit(1);
    }
    if let Err(e) = run_app(tauri::Builder::default(), data_dir).run(context) {
        eprintln!("kontor: could not start: {e}");
        std::process::exit(1);
    }
}
