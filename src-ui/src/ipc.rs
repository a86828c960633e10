//! Typed wrappers of the desktop shell's commands: the only way the UI reaches anything outside the webview.
//!
//! Invariant: the UI never holds a secret. Tokens stay in the shell; these calls carry form input in and
//! display data out.

use kontor_api::ipc::{
    cmd, DeleteUsersResult, DownloadStarted, DownloadStatus, ImportFile, ImportOutcome,
    ImportPreview, InstallerId, LicenseId, NoArgs, PendingImport, SaveCredentials, SavedFile,
    SavedLicense, SetLanguage, SetPortalUrl, Startup, UpdateCheck, UpdateInstalled, UpdateUserArgs,
    UserId, UserIds, ARG,
};
use kontor_api::{
    ChangePassword, CreateUsers, CreateUsersResult, CreatedUser, DashboardSummary, ErrorBody,
    ErrorCode, InstallerList, LicenseChange, LicenseChangeResult, LicensePool, Location, Me,
    OfflineLicenseStatus, PasswordLogin, PortalInfo, RestoreResult, RestoreUsers,
    TemporaryPassword, TokenLogin, UpdateUser, UserPage, UserQuery, UserSummary,
};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(event: &str, handler: &js_sys::Function) -> Result<JsValue, JsValue>;
}

/// Listens to a shell event until [`Listener::stop`] is called or the guard is dropped (keep it in the
/// page and stop it from `on_cleanup`). Stopping before the registration has finished unregisters as soon as
/// it has, and the callback stays alive until then.
pub struct Listener {
    state: std::rc::Rc<std::cell::RefCell<ListenState>>,
}

#[derive(Default)]
struct ListenState {
    unlisten: Option<js_sys::Function>,
    stopped: bool,
    closure: Option<Closure<dyn FnMut(JsValue)>>,
}

impl ListenState {
    fn stop(&mut self) {
        self.stopped = true;
        if let Some(f) = self.unlisten.take() {
            let _ = f.call0(&JsValue::NULL);
            self.closure = None;
        }
    }
}

impl Listener {
    pub fn stop(&self) {
        self.state.borrow_mut().stop();
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Calls `f` with each event's payload; malformed payloads are logged and skipped.
pub fn listen<T: DeserializeOwned + 'static>(
    event: &'static str,
    f: impl Fn(T) + 'static,
) -> Listener {
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
        let payload =
            js_sys::Reflect::get(&ev, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL);
        match serde_wasm_bindgen::from_value::<T>(payload) {
            Ok(p) => f(p),
            Err(e) => leptos::logging::warn!("event {event}: {e}"),
        }
    });
    let func: js_sys::Function = closure.as_ref().unchecked_ref::<js_sys::Function>().clone();
    let state = std::rc::Rc::new(std::cell::RefCell::new(ListenState {
        closure: Some(closure),
        ..ListenState::default()
    }));
    let slot = state.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match tauri_listen(event, &func).await {
            Ok(u) => {
                let mut st = slot.borrow_mut();
                st.unlisten = u.dyn_into::<js_sys::Function>().ok();
                if st.stopped {
                    st.stop();
                }
            }
            Err(e) => leptos::logging::warn!("cannot listen to {event}: {e:?}"),
        }
    });
    Listener { state }
}

/// Calls one command with its single argument under `req`, decoding `{code, message}` failures.
async fn invoke<A: Serialize, T: DeserializeOwned>(name: &str, arg: &A) -> Result<T, ErrorBody> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    let arg = arg
        .serialize(&ser)
        .map_err(|e| ErrorBody::new(ErrorCode::Internal, e.to_string()))?;
    let args = js_sys::Object::new();
    js_sys::Reflect::set(&args, &JsValue::from_str(ARG), &arg)
        .map_err(|_| ErrorBody::new(ErrorCode::Internal, "could not build the call"))?;
    decode(tauri_invoke(name, args.into()).await)
}

/// A command's answer: the value, or the `{code, message}` it failed with.
fn decode<T: DeserializeOwned>(answer: Result<JsValue, JsValue>) -> Result<T, ErrorBody> {
    match answer {
        Ok(v) => serde_wasm_bindgen::from_value(v)
            .map_err(|e| ErrorBody::new(ErrorCode::BadResponse, e.to_string())),
        Err(e) => Err(
            serde_wasm_bindgen::from_value::<ErrorBody>(e.clone()).unwrap_or_else(|_| {
                ErrorBody::new(
                    ErrorCode::Internal,
                    e.as_string().unwrap_or_else(|| format!("{e:?}")),
                )
            }),
        ),
    }
}

/// The `startup` call `main.js` began before the UI's code had loaded, taken once: later calls (the retry
/// button) ask the shell again.
fn early_startup() -> Option<js_sys::Promise> {
    let window: JsValue = web_sys::window()?.into();
    let key = JsValue::from_str(EARLY_STARTUP);
    let call = js_sys::Reflect::get(&window, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(window.unchecked_ref::<js_sys::Object>(), &key);
    call.dyn_into::<js_sys::Promise>().ok()
}

/// Where `main.js` keeps its early `startup` call.
const EARLY_STARTUP: &str = "__kontorStartup";

pub type IpcResult<T> = Result<T, ErrorBody>;

/// Configuration, portal and resumed session in one answer (the shell asked the portal at launch).
pub async fn startup() -> IpcResult<Startup> {
    match early_startup() {
        Some(call) => decode(wasm_bindgen_futures::JsFuture::from(call).await),
        None => invoke(cmd::STARTUP, &NoArgs {}).await,
    }
}

pub async fn set_portal_url(url: String) -> IpcResult<PortalInfo> {
    invoke(cmd::SET_PORTAL_URL, &SetPortalUrl { url }).await
}

pub async fn set_language(language: String) -> IpcResult<()> {
    invoke(cmd::SET_LANGUAGE, &SetLanguage { language }).await
}

pub async fn login_password(req: PasswordLogin) -> IpcResult<Me> {
    invoke(cmd::LOGIN_PASSWORD, &req).await
}

pub async fn login_token(req: TokenLogin) -> IpcResult<Me> {
    invoke(cmd::LOGIN_TOKEN, &req).await
}

pub async fn logout() -> IpcResult<()> {
    invoke(cmd::LOGOUT, &NoArgs {}).await
}

pub async fn dashboard() -> IpcResult<DashboardSummary> {
    invoke(cmd::DASHBOARD, &NoArgs {}).await
}

pub async fn subscription() -> IpcResult<kontor_api::Subscription> {
    invoke(cmd::SUBSCRIPTION, &NoArgs {}).await
}

pub async fn packages() -> IpcResult<kontor_api::PackageCatalog> {
    invoke(cmd::PACKAGES, &NoArgs {}).await
}

pub async fn package_preview(package: String) -> IpcResult<kontor_api::ChangePreview> {
    invoke(
        cmd::PACKAGE_PREVIEW,
        &kontor_api::ChangePreviewRequest { package },
    )
    .await
}

/// Books the change once per `idempotency_key` (one per opened preview).
pub async fn package_change(
    package: String,
    idempotency_key: String,
) -> IpcResult<kontor_api::ChangeBooked> {
    invoke(
        cmd::PACKAGE_CHANGE,
        &kontor_api::ChangeRequest {
            package,
            idempotency_key: Some(idempotency_key),
        },
    )
    .await
}

pub async fn licenses() -> IpcResult<Vec<LicensePool>> {
    invoke(cmd::LICENSES, &NoArgs {}).await
}

pub async fn locations() -> IpcResult<Vec<Location>> {
    invoke(cmd::LOCATIONS, &NoArgs {}).await
}

pub async fn users(query: UserQuery) -> IpcResult<UserPage> {
    invoke(cmd::USERS, &query).await
}

pub async fn create_users(req: CreateUsers) -> IpcResult<CreateUsersResult> {
    invoke(cmd::CREATE_USERS, &req).await
}

pub async fn update_user(user_id: String, update: UpdateUser) -> IpcResult<UserSummary> {
    invoke(cmd::UPDATE_USER, &UpdateUserArgs { user_id, update }).await
}

pub async fn reset_password(user_id: String) -> IpcResult<TemporaryPassword> {
    invoke(cmd::RESET_PASSWORD, &UserId { user_id }).await
}

/// The own profile.
pub async fn profile() -> IpcResult<kontor_api::Profile> {
    invoke(cmd::PROFILE, &NoArgs {}).await
}

/// Changes the own name and mail language.
pub async fn update_profile(req: kontor_api::UpdateProfile) -> IpcResult<kontor_api::Profile> {
    invoke(cmd::UPDATE_PROFILE, &req).await
}

/// Where the user is signed in.
pub async fn sessions() -> IpcResult<kontor_api::SessionList> {
    invoke(cmd::SESSIONS, &NoArgs {}).await
}

/// Signs out everywhere else.
pub async fn end_other_sessions() -> IpcResult<kontor_api::SessionsEnded> {
    invoke(cmd::END_OTHER_SESSIONS, &NoArgs {}).await
}

// acct9
/// Asks for a code at the new e-mail address.
pub async fn request_email_change(new_email: String) -> IpcResult<()> {
    invoke(
        cmd::REQUEST_EMAIL_CHANGE,
        &kontor_api::RequestEmailChange { new_email },
    )
    .await
}

/// Sets the new e-mail address with the mailed code.
pub async fn confirm_email_change(code: String) -> IpcResult<kontor_api::Profile> {
    invoke(
        cmd::CONFIRM_EMAIL_CHANGE,
        &kontor_api::ConfirmEmailChange { code },
    )
    .await
}

/// Asks the portal to mail a forgotten-password code.
pub async fn request_password_reset(email: String) -> IpcResult<()> {
    invoke(
        cmd::REQUEST_PASSWORD_RESET,
        &kontor_api::PasswordResetRequest { email },
    )
    .await
}

/// Sets a new password with the mailed code and signs in with it.
pub async fn reset_password_with_code(req: kontor_api::ResetWithCode) -> IpcResult<Me> {
    invoke(cmd::RESET_PASSWORD_WITH_CODE, &req).await
}

/// Mails a user their temporary password.
pub async fn mail_temporary_password(user_id: String, temporary_password: String) -> IpcResult<()> {
    invoke(
        cmd::MAIL_TEMPORARY_PASSWORD,
        &kontor_api::MailTemporaryPasswordArgs {
            user_id,
            temporary_password,
        },
    )
    .await
}

pub async fn delete_users(user_ids: Vec<String>) -> IpcResult<DeleteUsersResult> {
    invoke(cmd::DELETE_USERS, &UserIds { user_ids }).await
}

pub async fn restore_users(user_ids: Vec<String>) -> IpcResult<RestoreResult> {
    invoke(cmd::RESTORE_USERS, &RestoreUsers { user_ids }).await
}

pub async fn change_licenses(req: LicenseChange) -> IpcResult<LicenseChangeResult> {
    invoke(cmd::CHANGE_LICENSES, &req).await
}

pub async fn save_credentials_csv(
    users: Vec<CreatedUser>,
    file_name: String,
) -> IpcResult<SavedFile> {
    invoke(
        cmd::SAVE_CREDENTIALS_CSV,
        &SaveCredentials { users, file_name },
    )
    .await
}

pub async fn change_password(req: ChangePassword) -> IpcResult<Me> {
    invoke(cmd::CHANGE_PASSWORD, &req).await
}

pub async fn import_preview(path: String) -> IpcResult<ImportPreview> {
    invoke(cmd::IMPORT_PREVIEW, &ImportFile { path }).await
}

pub async fn import_pick() -> IpcResult<Option<ImportPreview>> {
    invoke(cmd::IMPORT_PICK, &NoArgs {}).await
}

pub async fn import_commit() -> IpcResult<ImportOutcome> {
    invoke(cmd::IMPORT_COMMIT, &NoArgs {}).await
}

pub async fn import_cancel() -> IpcResult<()> {
    invoke(cmd::IMPORT_CANCEL, &NoArgs {}).await
}

pub async fn import_pending() -> IpcResult<Option<PendingImport>> {
    invoke(cmd::IMPORT_PENDING, &NoArgs {}).await
}

pub async fn import_discard() -> IpcResult<()> {
    invoke(cmd::IMPORT_DISCARD, &NoArgs {}).await
}

pub async fn save_import_template() -> IpcResult<SavedFile> {
    invoke(cmd::SAVE_IMPORT_TEMPLATE, &NoArgs {}).await
}

pub async fn offline_license_status() -> IpcResult<OfflineLicenseStatus> {
    invoke(cmd::OFFLINE_LICENSE_STATUS, &NoArgs {}).await
}

pub async fn save_offline_license() -> IpcResult<SavedLicense> {
    invoke(cmd::SAVE_OFFLINE_LICENSE, &NoArgs {}).await
}

pub async fn activate_machine(path: String) -> IpcResult<SavedLicense> {
    invoke(cmd::ACTIVATE_MACHINE, &ImportFile { path }).await
}

pub async fn revoke_offline_license(license_id: String) -> IpcResult<()> {
    invoke(cmd::REVOKE_OFFLINE_LICENSE, &LicenseId { license_id }).await
}

pub async fn installers() -> IpcResult<InstallerList> {
    invoke(cmd::INSTALLERS, &NoArgs {}).await
}

pub async fn downloads() -> IpcResult<Vec<DownloadStatus>> {
    invoke(cmd::DOWNLOADS, &NoArgs {}).await
}

/// Opens the native save dialog, then starts the download; `download: None` if the user cancelled.
pub async fn download_start(installer_id: String) -> IpcResult<DownloadStarted> {
    invoke(cmd::DOWNLOAD_START, &InstallerId { installer_id }).await
}

pub async fn download_pause(installer_id: String) -> IpcResult<DownloadStatus> {
    invoke(cmd::DOWNLOAD_PAUSE, &InstallerId { installer_id }).await
}

pub async fn download_resume(installer_id: String) -> IpcResult<DownloadStatus> {
    invoke(cmd::DOWNLOAD_RESUME, &InstallerId { installer_id }).await
}

pub async fn download_cancel(installer_id: String) -> IpcResult<()> {
    invoke(cmd::DOWNLOAD_CANCEL, &InstallerId { installer_id }).await
}

pub async fn update_check() -> IpcResult<UpdateCheck> {
    invoke(cmd::UPDATE_CHECK, &NoArgs {}).await
}

pub async fn update_install() -> IpcResult<UpdateInstalled> {
    invoke(cmd::UPDATE_INSTALL, &NoArgs {}).await
}

pub async fn app_restart() -> IpcResult<()> {
    invoke(cmd::APP_RESTART, &NoArgs {}).await
}

/// Shows a file the app saved (through a save dialog, or a finished download) in the file manager.
pub async fn show_in_folder(path: String) -> IpcResult<()> {
    invoke(cmd::SHOW_IN_FOLDER, &kontor_api::ipc::ShowInFolder { path }).await
}

/// Picks an activation request with the open dialog and activates; `None` if the user cancelled.
pub async fn activate_machine_pick() -> IpcResult<Option<SavedLicense>> {
    invoke(cmd::ACTIVATE_MACHINE_PICK, &NoArgs {}).await
}

/// Saves the rows an import skipped as CSV through the save dialog.
pub async fn save_import_problems(
    problems: Vec<kontor_api::ipc::ImportProblem>,
    file_name: String,
) -> IpcResult<SavedFile> {
    invoke(
        cmd::SAVE_IMPORT_PROBLEMS,
        &kontor_api::ipc::SaveImportProblems {
            problems,
            file_name,
        },
    )
    .await
}

/// Whether the shell kept the temporary password from this sign-in (the first-login screen then does not
/// ask for it).
pub async fn temporary_password_kept() -> IpcResult<bool> {
    invoke(cmd::TEMPORARY_PASSWORD_KEPT, &NoArgs {}).await
}

// --- sepa8: billing details ---

pub async fn billing_address() -> IpcResult<kontor_api::BillingAddressState> {
    invoke(cmd::BILLING_ADDRESS, &NoArgs {}).await
}

pub async fn save_billing_address(
    address: kontor_api::BillingAddress,
) -> IpcResult<kontor_api::BillingAddress> {
    invoke(cmd::SAVE_BILLING_ADDRESS, &address).await
}

pub async fn payment_details() -> IpcResult<kontor_api::PaymentDetails> {
    invoke(cmd::PAYMENT_DETAILS, &NoArgs {}).await
}

pub async fn save_bank_account(
    bank: kontor_api::BankAccount,
) -> IpcResult<kontor_api::PaymentDetails> {
    invoke(cmd::SAVE_BANK_ACCOUNT, &bank).await
}

pub async fn pay_by_invoice() -> IpcResult<kontor_api::PaymentDetails> {
    invoke(cmd::PAY_BY_INVOICE, &NoArgs {}).await
}

pub async fn mandate_text(
    language: kontor_api::MandateLanguage,
) -> IpcResult<kontor_api::MandateText> {
    invoke(cmd::MANDATE_TEXT, &kontor_api::MandateTextArgs { language }).await
}

// --- Locations and the audit log ---

pub async fn location_infos() -> IpcResult<Vec<kontor_api::LocationInfo>> {
    invoke(cmd::LOCATION_INFOS, &NoArgs {}).await
}

pub async fn create_location(
    location: kontor_api::LocationInput,
) -> IpcResult<kontor_api::LocationInfo> {
    invoke(cmd::CREATE_LOCATION, &location).await
}

pub async fn update_location(
    id: String,
    location: kontor_api::LocationInput,
) -> IpcResult<kontor_api::LocationInfo> {
    invoke(
        cmd::UPDATE_LOCATION,
        &kontor_api::UpdateLocationArgs { id, location },
    )
    .await
}

pub async fn delete_location(
    id: String,
    move_to: Option<String>,
) -> IpcResult<kontor_api::LocationDeleted> {
    invoke(
        cmd::DELETE_LOCATION,
        &kontor_api::DeleteLocationArgs { id, move_to },
    )
    .await
}

pub async fn audit_page(query: kontor_api::AuditQuery) -> IpcResult<kontor_api::AuditPage> {
    invoke(cmd::AUDIT_PAGE, &query).await
}

pub async fn save_audit_csv(
    query: kontor_api::AuditQuery,
    file_name: String,
) -> IpcResult<kontor_api::SavedAuditCsv> {
    invoke(
        cmd::SAVE_AUDIT_CSV,
        &kontor_api::SaveAuditCsv { query, file_name },
    )
    .await
}

// inv8: invoices.
/// One page of the account's invoices (Owner and Billing).
pub async fn invoices(query: kontor_api::InvoiceQuery) -> IpcResult<kontor_api::InvoicePage> {
    invoke(cmd::INVOICES, &query).await
}

/// One invoice with lines, totals, address snapshot and payment terms.
pub async fn invoice(invoice_id: String) -> IpcResult<kontor_api::InvoiceDetail> {
    let req = kontor_api::InvoiceDocumentRequest {
        invoice_id,
        format: kontor_api::InvoiceDocumentFormat::Pdf,
    };
    invoke(cmd::INVOICE, &req).await
}

/// Saves the invoice's PDF or e-invoice XML through the save dialog; `path: None` if cancelled.
pub async fn save_invoice_document(
    invoice_id: String,
    format: kontor_api::InvoiceDocumentFormat,
) -> IpcResult<kontor_api::SavedInvoiceDocument> {
    let req = kontor_api::InvoiceDocumentRequest { invoice_id, format };
    invoke(cmd::SAVE_INVOICE_DOCUMENT, &req).await
}

// harden10
/// Signs in to the account chosen after a password sign-in matched several.
pub async fn login_choose(req: kontor_api::LoginChoice) -> IpcResult<Me> {
    invoke(cmd::LOGIN_CHOOSE, &req).await
}

// support9: help and support.
/// The vendor's help links.
pub async fn help_links() -> IpcResult<kontor_api::HelpLinks> {
    invoke(cmd::HELP_LINKS, &NoArgs {}).await
}

/// Opens one of the help links in the system browser.
pub async fn open_help_link(url: String) -> IpcResult<()> {
    invoke(cmd::OPEN_HELP_LINK, &kontor_api::ipc::OpenHelpLink { url }).await
}

/// Files for a ticket from the native open dialog (empty if cancelled).
pub async fn support_pick_files() -> IpcResult<Vec<kontor_api::ipc::SupportFile>> {
    invoke(cmd::SUPPORT_PICK_FILES, &NoArgs {}).await
}

/// Name and size of dropped files.
pub async fn support_file_info(paths: Vec<String>) -> IpcResult<Vec<kontor_api::ipc::SupportFile>> {
    invoke(
        cmd::SUPPORT_FILE_INFO,
        &kontor_api::ipc::SupportPaths { paths },
    )
    .await
}

/// The signed-in user's tickets.
pub async fn support_tickets() -> IpcResult<kontor_api::TicketList> {
    invoke(cmd::SUPPORT_TICKETS, &NoArgs {}).await
}

/// Files a ticket (the shell reads the files and adds the diagnostics).
pub async fn create_support_ticket(
    req: kontor_api::ipc::SupportDraft,
) -> IpcResult<kontor_api::Ticket> {
    invoke(cmd::CREATE_SUPPORT_TICKET, &req).await
}

// support9b
/// Saves attachment `index` of the own ticket through the save dialog.
pub async fn save_support_attachment(
    req: kontor_api::ipc::SupportAttachmentRequest,
) -> IpcResult<kontor_api::ipc::SavedSupportAttachment> {
    invoke(cmd::SAVE_SUPPORT_ATTACHMENT, &req).await
}
