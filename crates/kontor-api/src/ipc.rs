//! What crosses Tauri IPC between the UI and the desktop shell, besides the portal's own types.
//!
//! API boundary: the command names and argument shapes live here once; the shell registers them and the
//! UI's typed wrappers call them, so a rename breaks the build instead of a button. Every command takes its
//! argument under the key [`ARG`] and fails with `ErrorBody {code, message}`.

use serde::{Deserialize, Serialize};

use crate::account::DashboardSummary;
use crate::auth::{Me, PortalInfo};
use crate::error::ErrorBody;

/// The one argument key of every command: `invoke(name, { req: ... })`.
pub const ARG: &str = "req";

/// Command names, as registered by `src-tauri`.
pub mod cmd {
    pub const STARTUP: &str = "startup";
    pub const SET_PORTAL_URL: &str = "set_portal_url";
    pub const SET_LANGUAGE: &str = "set_language";
    pub const LOGIN_PASSWORD: &str = "login_password";
    pub const LOGIN_TOKEN: &str = "login_token";
    pub const LOGOUT: &str = "logout";
    pub const DASHBOARD: &str = "dashboard";
    pub const LICENSES: &str = "licenses";
    pub const LOCATIONS: &str = "locations";
    pub const USERS: &str = "users";
    pub const CREATE_USERS: &str = "create_users";
    pub const UPDATE_USER: &str = "update_user";
    pub const RESET_PASSWORD: &str = "reset_password";
    pub const DELETE_USERS: &str = "delete_users";
    pub const RESTORE_USERS: &str = "restore_users";
    pub const CHANGE_LICENSES: &str = "change_licenses";
    pub const SAVE_CREDENTIALS_CSV: &str = "save_credentials_csv";
    pub const CHANGE_PASSWORD: &str = "change_password";
    pub const IMPORT_PREVIEW: &str = "import_preview";
    pub const IMPORT_PICK: &str = "import_pick";
    pub const IMPORT_COMMIT: &str = "import_commit";
    pub const IMPORT_CANCEL: &str = "import_cancel";
    pub const IMPORT_PENDING: &str = "import_pending";
    pub const IMPORT_DISCARD: &str = "import_discard";
    pub const SAVE_IMPORT_TEMPLATE: &str = "save_import_template";
    pub const OFFLINE_LICENSE_STATUS: &str = "offline_license_status";
    pub const SAVE_OFFLINE_LICENSE: &str = "save_offline_license";
    pub const ACTIVATE_MACHINE: &str = "activate_machine";
    pub const REVOKE_OFFLINE_LICENSE: &str = "revoke_offline_license";
    pub const INSTALLERS: &str = "installers";
    pub const DOWNLOADS: &str = "downloads";
    pub const DOWNLOAD_START: &str = "download_start";
    pub const DOWNLOAD_PAUSE: &str = "download_pause";
    pub const DOWNLOAD_RESUME: &str = "download_resume";
    pub const DOWNLOAD_CANCEL: &str = "download_cancel";
    pub const UPDATE_CHECK: &str = "update_check";
    pub const UPDATE_INSTALL: &str = "update_install";
    pub const APP_RESTART: &str = "app_restart";
    pub const SHOW_IN_FOLDER: &str = "show_in_folder";
    pub const ACTIVATE_MACHINE_PICK: &str = "activate_machine_pick";
    pub const SAVE_IMPORT_PROBLEMS: &str = "save_import_problems";
    pub const TEMPORARY_PASSWORD_KEPT: &str = "temporary_password_kept";
    // sepa8: billing details.
    pub const BILLING_ADDRESS: &str = "billing_address";
    pub const SAVE_BILLING_ADDRESS: &str = "save_billing_address";
    pub const PAYMENT_DETAILS: &str = "payment_details";
    pub const SAVE_BANK_ACCOUNT: &str = "save_bank_account";
    pub const PAY_BY_INVOICE: &str = "pay_by_invoice";
    pub const MANDATE_TEXT: &str = "mandate_text";
    // Locations and the audit log (issue 9).
    pub const LOCATION_INFOS: &str = "location_infos";
    pub const CREATE_LOCATION: &str = "create_location";
    pub const UPDATE_LOCATION: &str = "update_location";
    pub const DELETE_LOCATION: &str = "delete_location";
    pub const AUDIT_PAGE: &str = "audit_page";
    pub const SAVE_AUDIT_CSV: &str = "save_audit_csv";
    pub const REQUEST_PASSWORD_RESET: &str = "request_password_reset";
    pub const RESET_PASSWORD_WITH_CODE: &str = "reset_password_with_code";
    pub const MAIL_TEMPORARY_PASSWORD: &str = "mail_temporary_password";
    pub const PROFILE: &str = "profile";
    pub const UPDATE_PROFILE: &str = "update_profile";
    pub const SESSIONS: &str = "sessions";
    pub const END_OTHER_SESSIONS: &str = "end_other_sessions";
    // inv8: invoices.
    pub const INVOICES: &str = "invoices";
    pub const INVOICE: &str = "invoice";
    pub const SAVE_INVOICE_DOCUMENT: &str = "save_invoice_document";
    pub const SUBSCRIPTION: &str = "subscription";
    pub const PACKAGES: &str = "packages";
    pub const PACKAGE_PREVIEW: &str = "package_preview";
    pub const PACKAGE_CHANGE: &str = "package_change";
    // acct9: the own e-mail address changed by a code.
    pub const REQUEST_EMAIL_CHANGE: &str = "request_email_change";
    pub const CONFIRM_EMAIL_CHANGE: &str = "confirm_email_change";
    // support9: help and support.
    pub const HELP_LINKS: &str = "help_links";
    pub const OPEN_HELP_LINK: &str = "open_help_link";
    pub const SUPPORT_PICK_FILES: &str = "support_pick_files";
    pub const SUPPORT_FILE_INFO: &str = "support_file_info";
    pub const SUPPORT_TICKETS: &str = "support_tickets";
    pub const CREATE_SUPPORT_TICKET: &str = "create_support_ticket";
    // harden10: sign in to the chosen account (one address, several accounts).
    pub const LOGIN_CHOOSE: &str = "login_choose";
    // support9b: save an attachment of the own ticket.
    pub const SAVE_SUPPORT_ATTACHMENT: &str = "save_support_attachment";

    /// Every command name, so the shell's tests can prove each one is registered.
    pub const ALL: &[&str] = &[
        STARTUP,
        SET_PORTAL_URL,
        SET_LANGUAGE,
        LOGIN_PASSWORD,
        LOGIN_TOKEN,
        LOGOUT,
        DASHBOARD,
        LICENSES,
        LOCATIONS,
        USERS,
        CREATE_USERS,
        UPDATE_USER,
        RESET_PASSWORD,
        DELETE_USERS,
        RESTORE_USERS,
        CHANGE_LICENSES,
        SAVE_CREDENTIALS_CSV,
        CHANGE_PASSWORD,
        IMPORT_PREVIEW,
        IMPORT_PICK,
        IMPORT_COMMIT,
        IMPORT_CANCEL,
        IMPORT_PENDING,
        IMPORT_DISCARD,
        SAVE_IMPORT_TEMPLATE,
        OFFLINE_LICENSE_STATUS,
        SAVE_OFFLINE_LICENSE,
        ACTIVATE_MACHINE,
        REVOKE_OFFLINE_LICENSE,
        INSTALLERS,
        DOWNLOADS,
        DOWNLOAD_START,
        DOWNLOAD_PAUSE,
        DOWNLOAD_RESUME,
        DOWNLOAD_CANCEL,
        UPDATE_CHECK,
        UPDATE_INSTALL,
        APP_RESTART,
        SHOW_IN_FOLDER,
        ACTIVATE_MACHINE_PICK,
        SAVE_IMPORT_PROBLEMS,
        TEMPORARY_PASSWORD_KEPT,
        // sepa8
        BILLING_ADDRESS,
        SAVE_BILLING_ADDRESS,
        PAYMENT_DETAILS,
        SAVE_BANK_ACCOUNT,
        PAY_BY_INVOICE,
        MANDATE_TEXT,
        LOCATION_INFOS,
        CREATE_LOCATION,
        UPDATE_LOCATION,
        DELETE_LOCATION,
        AUDIT_PAGE,
        SAVE_AUDIT_CSV,
        REQUEST_PASSWORD_RESET,
        RESET_PASSWORD_WITH_CODE,
        MAIL_TEMPORARY_PASSWORD,
        PROFILE,
        UPDATE_PROFILE,
        SESSIONS,
        END_OTHER_SESSIONS,
        INVOICES,
        INVOICE,
        SAVE_INVOICE_DOCUMENT,
        SUBSCRIPTION,
        PACKAGES,
        PACKAGE_PREVIEW,
        PACKAGE_CHANGE,
        // acct9
        REQUEST_EMAIL_CHANGE,
        CONFIRM_EMAIL_CHANGE,
        // support9
        HELP_LINKS,
        OPEN_HELP_LINK,
        SUPPORT_PICK_FILES,
        SUPPORT_FILE_INFO,
        SUPPORT_TICKETS,
        CREATE_SUPPORT_TICKET,
        LOGIN_CHOOSE,            // harden10
        SAVE_SUPPORT_ATTACHMENT, // support9b
    ];
}

/// The app's configuration as the UI needs it at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppConfig {
    /// The portal address, if known.
    pub portal_url: Option<String>,
    /// The address comes from the vendor's build (or the launcher) and cannot be changed in the app.
    pub portal_locked: bool,
    /// The user's chosen language (`de`/`en`), if any.
    pub language: Option<String>,
    /// The OS locale, e.g. `de-DE`, used when no language was chosen.
    pub os_locale: String,
    pub app_version: String,
    /// The shell is a debug build with its test hooks on: the UI installs its own (`window.__kontorDrop`).
    #[serde(default)]
    pub test_hooks: bool,
}

/// The answer of `startup`, the UI's first command: everything the first screen needs, in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Startup {
    pub config: AppConfig,
    pub portal: PortalStart,
}

/// Where the configured portal stands at start. The shell asks it while the webview starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PortalStart {
    /// No portal address yet: the user gives one.
    NotConfigured,
    /// The portal could not be asked (network down, server error); the remembered session is kept for a retry.
    Failed {
        info: Option<PortalInfo>,
        error: ErrorBody,
    },
    /// No remembered session (or the portal refused it): sign in.
    SignIn { info: PortalInfo },
    /// The remembered session was resumed. `dashboard` is the summary fetched with it, when that succeeded
    /// (otherwise the dashboard asks again and shows its own error).
    SignedIn {
        info: PortalInfo,
        me: Me,
        dashboard: Option<Box<DashboardSummary>>,
    },
}

/// Argument of `set_portal_url`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetPortalUrl {
    pub url: String,
}

/// Argument of `set_language`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetLanguage {
    pub language: String,
}

/// The empty argument of commands that need none.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NoArgs {}

/// Argument of commands acting on one user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserId {
    pub user_id: String,
}

/// Argument of `update_user`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateUserArgs {
    pub user_id: String,
    pub update: crate::UpdateUser,
}

/// Argument of `delete_users`: soft-deletes each; the answer says which failed and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserIds {
    pub user_ids: Vec<String>,
}

/// One user `delete_users` could not delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFailure {
    pub user_id: String,
    pub error: crate::ErrorBody,
}

/// Answer of `delete_users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteUsersResult {
    pub deleted: Vec<String>,
    pub failed: Vec<UserFailure>,
}

/// Argument of `save_credentials_csv`: the confirmation screen's users and temporary passwords.
#[derive(Clone, Serialize, Deserialize)]
pub struct SaveCredentials {
    pub users: Vec<crate::CreatedUser>,
    /// Suggested file name.
    pub file_name: String,
}

/// Where a file was saved; `None` when the user cancelled the dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    pub path: Option<String>,
}

/// The event the shell emits while an import commits: payload [`ImportProgress`].
pub const IMPORT_PROGRESS_EVENT: &str = "kontor://import-progress";

/// Argument of `import_preview`: a file the user dropped onto the window.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportFile {
    pub path: String,
}

/// One problem of one row: where (row as the spreadsheet shows it, column header) and why.
/// `field` and `reason` are the typed form the app puts into words; `code` and `message` (English) stay for
/// older callers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    pub row: u64,
    pub column: String,
    pub code: String,
    pub message: String,
    /// Which field the column holds, if its header is a known one.
    #[serde(default)]
    pub field: Option<ImportField>,
    #[serde(default)]
    pub reason: Option<ImportReason>,
}

/// A field Kontor reads from an import file (recognised by its header, German or English).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    Email,
    /// The Microsoft 365 template's `User Name` (the sign-in address).
    UserName,
    DisplayName,
    FirstName,
    LastName,
    Role,
    Licenses,
    Location,
}

/// Why a row (or the file) cannot be imported. Serialised as `{"code": "snake_case", "detail": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum ImportReason {
    /// The cell is empty but the field is required (e-mail, name).
    Required,
    InvalidEmail,
    /// Longer than the field allows (e-mail 254 bytes, name 200 characters).
    TooLong,
    /// Contains characters the field does not accept (control characters).
    InvalidCharacters,
    /// The same e-mail address is on an earlier row.
    DuplicateInFile {
        first_row: usize,
    },
    /// A user with this e-mail address exists in the account already.
    AlreadyExists,
    UnknownRole(String),
    /// Owners are not created by import.
    OwnerNotAllowed,
    UnknownLicense(String),
    UnknownLocation(String),
    /// The product has fewer free seats than the file's valid rows ask for; `missing` is the shortfall for
    /// the whole file. Seats go to rows first come, first served, so the later rows get this problem.
    NotEnoughSeats {
        product: String,
        missing: i64,
    },
    /// File level: a required column is missing (only for a table built by hand; `kontor_import::read_table`
    /// refuses such files).
    MissingColumn(String),
    /// File level: two columns mean the same field (only for a hand-built table).
    DuplicateColumn(String),
    /// File level: no header is known.
    NoKnownHeaders,
    /// A reason this build does not know (a newer shell); the app shows the English `message`.
    #[serde(other)]
    Other,
}

impl std::fmt::Display for ImportReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportReason::Required => write!(f, "is required"),
            ImportReason::InvalidEmail => write!(f, "is not a valid e-mail address"),
            ImportReason::TooLong => write!(f, "is too long"),
            ImportReason::InvalidCharacters => write!(f, "contains characters that are not allowed"),
            ImportReason::DuplicateInFile { first_row } => {
                write!(f, "this e-mail address is already on row {first_row}")
            }
            ImportReason::AlreadyExists => write!(f, "a user with this e-mail address already exists"),
            ImportReason::UnknownRole(r) => write!(
                f,
                "unknown role \"{r}\" (use user, admin or billing — Benutzer, Administrator, Buchhaltung)"
            ),
            ImportReason::OwnerNotAllowed => write!(f, "an owner cannot be created by import"),
            ImportReason::UnknownLicense(l) => write!(f, "unknown product \"{l}\""),
            ImportReason::UnknownLocation(l) => write!(f, "unknown location \"{l}\""),
            ImportReason::NotEnoughSeats { product, missing } => write!(
                f,
                "not enough free seats for {product} ({missing} more needed for this file)"
            ),
            ImportReason::MissingColumn(c) => write!(f, "the column \"{c}\" is missing"),
            ImportReason::DuplicateColumn(c) => write!(f, "the column \"{c}\" appears twice"),
            ImportReason::NoKnownHeaders => write!(f, "none of the column headers is known"),
            ImportReason::Other => write!(f, "cannot be imported"),
        }
    }
}

/// What an import file holds, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub file_name: String,
    pub rows_found: u64,
    pub valid: u64,
    /// The first problems (at most [`MAX_PREVIEW_PROBLEMS`]); `problems_total` counts all.
    pub problems: Vec<ImportProblem>,
    pub problems_total: u64,
    /// `kontor` or `microsoft365`.
    pub template: String,
    pub encoding: String,
}

/// Most problems one preview lists.
pub const MAX_PREVIEW_PROBLEMS: usize = 2000;

/// Payload of [`IMPORT_PROGRESS_EVENT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub done: u64,
    pub total: u64,
}

/// The end of an import: the users it created (the confirmation screen) or where it stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub created: Vec<crate::CreatedUser>,
    pub total: u64,
    /// Stopped by the user; committed batches stay, the rest can be resumed.
    pub cancelled: bool,
}

/// An import that was interrupted (app closed, network lost) and can be resumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingImport {
    pub file_name: String,
    pub total: u64,
    pub done: u64,
}

/// What a saved license file contains, as verified by `kontor-license` against the portal's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedLicense {
    pub license_id: String,
    pub customer_name: String,
    /// `(product name, seats)`.
    pub products: Vec<(String, u32)>,
    /// Unix seconds.
    pub not_before: i64,
    pub expires_at: i64,
    /// The machine fingerprint it is bound to, if any.
    pub machine: Option<String>,
}

/// Answer of `save_offline_license` and `activate_machine`: where the file went and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedLicense {
    /// `None` when the user cancelled the save dialog (the license was issued all the same).
    pub path: Option<String>,
    pub license: VerifiedLicense,
}

/// Argument of `revoke_offline_license`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LicenseId {
    pub license_id: String,
}

/// The event the shell emits while a download runs or changes state: payload [`DownloadStatus`].
pub const DOWNLOAD_PROGRESS_EVENT: &str = "kontor://download-progress";

/// Argument of the download commands: which installer (one download per installer at a time).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstallerId {
    pub installer_id: String,
}

/// Where a download stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DownloadState {
    Running,
    /// Paused by the user, or found unfinished when the app started.
    Paused,
    /// The connection dropped; the shell tries again by itself.
    Retrying,
    /// Stopped with an error (see `error`); a resume starts again.
    Failed,
    /// Verified and saved under its final name.
    Done,
}

/// One download the app knows of (running, paused, failed or done), as the Downloads page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadStatus {
    pub installer: crate::Installer,
    /// The path chosen in the save dialog (the final name).
    pub dest: String,
    pub state: DownloadState,
    /// Bytes on disk.
    pub received: u64,
    pub total: u64,
    /// Over the last seconds; 0 when not running.
    pub bytes_per_sec: u64,
    /// Seconds left at the current rate, when running.
    pub eta_secs: Option<u64>,
    pub error: Option<crate::ErrorBody>,
    /// Grows with every change: events and command answers may arrive out of order, the UI keeps the
    /// highest.
    pub revision: u64,
    /// The download's key in the app's list, which pause, resume and cancel take as `installer_id`: the
    /// installer id for its current download, another one for an earlier completed download that is kept
    /// when the installer is downloaded again. Empty from an older shell: the installer id.
    #[serde(default)]
    pub key: String,
    /// While a resumed download re-checks its partial file before continuing: the bytes checked so far
    /// (of `received`, the partial file's length). `None` otherwise.
    #[serde(default)]
    pub checked: Option<u64>,
}

/// Answer of `download_start`: `None` when the user cancelled the save dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadStarted {
    pub download: Option<DownloadStatus>,
}

/// An update the portal offers for this app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateOffer {
    pub version: String,
    pub current_version: String,
    pub notes: String,
    /// RFC 3339, if the portal said.
    pub date: Option<String>,
}

/// Answer of `update_check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCheck {
    /// `None`: this is the newest version.
    pub offer: Option<UpdateOffer>,
}

/// The event the shell emits while an update downloads: payload [`UpdateProgress`].
pub const UPDATE_PROGRESS_EVENT: &str = "kontor://update-progress";

/// Payload of [`UPDATE_PROGRESS_EVENT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateProgress {
    pub received: u64,
    pub total: Option<u64>,
}

/// Answer of `update_install`: the signature was valid and the new version is in place; it runs after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateInstalled {
    pub version: String,
}

/// Argument of `show_in_folder`: a file the app saved (through a save dialog, or a finished download).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShowInFolder {
    pub path: String,
}

/// Argument of `save_import_problems`: the rows an import skipped, saved as CSV through the save dialog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SaveImportProblems {
    pub problems: Vec<ImportProblem>,
    /// Suggested file name.
    pub file_name: String,
}

// support9: help and support.

/// Argument of `open_help_link`: one of the URLs `help_links` answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenHelpLink {
    pub url: String,
}

/// A file the user chose (dialog) or dropped for a support ticket; the shell reads it only when sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportFile {
    pub path: String,
    pub file_name: String,
    pub size: u64,
}

/// Argument of `support_file_info`: dropped paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportPaths {
    pub paths: Vec<String>,
}

/// Argument of `create_support_ticket`: the form; the shell reads the files and adds the diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportDraft {
    pub category: crate::support::SupportCategory,
    pub subject: String,
    pub message: String,
    pub contact_phone: Option<String>,
    /// Paths from `support_pick_files` / `support_file_info`.
    pub files: Vec<String>,
    /// Attach app version, OS and portal address.
    pub diagnostics: bool,
}

// support9b: an attachment of the own ticket saved through the save dialog.

/// Argument of `save_support_attachment`: the ticket, the attachment's place in `Ticket::attachments` and
/// its name (the save dialog's suggestion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportAttachmentRequest {
    pub ticket_id: String,
    pub index: u32,
    pub file_name: String,
}

/// Where `save_support_attachment` saved the file; `None` when the user cancelled the dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSupportAttachment {
    pub path: Option<String>,
}
