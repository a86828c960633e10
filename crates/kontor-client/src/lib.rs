//! The typed HTTP client of the Kontor portal API: one method per endpoint, errors as [`ClientError`].
//!
//! API boundary: the desktop app reaches the portal only through this crate, and the server's tests drive
//! the real server through it, so both sides of the wire are exercised by the same code.

use std::time::Duration;

use kontor_api::{
    Account, AuditPage, ChangePassword, CreateUsers, CreateUsersResult, DashboardSummary,
    ErrorBody, ErrorCode, ExistingEmails, ExistingEmailsRequest, ImportBatch, ImportBatchResult,
    LicenseChange, LicenseChangeResult, LicensePool, Location, Me, PasswordLogin, PortalInfo,
    RefreshRequest, RestoreResult, RestoreUsers, SessionTokens, TemporaryPassword, TokenLogin,
    UpdateUser, UserPage, UserQuery, UserSummary, API_PREFIX,
};
use kontor_api::{ActivationRequestUpload, LicensePublicKey, OfflineLicense, OfflineLicenseStatus};
use kontor_api::{
    ChangeBooked, ChangePreview, ChangePreviewRequest, ChangeRequest, PackageCatalog, Subscription,
};
use kontor_api::{InstallerList, UpdateManifest};
use serde::{de::DeserializeOwned, Serialize};

mod billing_details; // sepa8
pub mod download;
mod email_change;
mod mail;
mod profile;
mod support; // support9

/// The HTTP crate the client is built on, for callers that handle raw responses (file downloads).
pub use reqwest;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The portal answered with an error body.
    #[error("portal answered {status}: {body}")]
    Api { status: u16, body: ErrorBody },
    /// The portal could not be reached (DNS, refused, timeout, TLS).
    #[error("portal not reachable: {0}")]
    Network(String),
    /// The portal answered with something that is not the expected JSON.
    #[error("unexpected answer from the portal: {0}")]
    BadResponse(String),
}

impl ClientError {
    /// The error code the app shows, whichever side the failure came from.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClientError::Api { body, .. } => body.code,
            ClientError::Network(_) => ErrorCode::Network,
            ClientError::BadResponse(_) => ErrorCode::BadResponse,
        }
    }

    /// The HTTP status, if the portal answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// TLS for the portal: rustls with ring, certificates checked against the Mozilla roots (webpki-roots), TLS
/// 1.2 and 1.3. Built here rather than by reqwest, which without a bundled provider would need a process-wide
/// default and would read the OS trust store on every client it builds (on the start-up path).
fn tls_config() -> Result<rustls::ClientConfig, ClientError> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ClientError::Network(format!("TLS set-up: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(config)
}

/// A client bound to one portal base address (e.g. `https://portal.example.com`).
#[derive(Debug, Clone)]
pub struct PortalClient {
    base: String,
    http: reqwest::Client,
    /// For file routes only: no total timeout (a large download may take long), but a read timeout.
    files: reqwest::Client,
}

impl PortalClient {
    /// `base_url` is the portal's address without the `/api/v1` prefix.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        Self::with_user_agent(
            base_url,
            concat!("kontor-client/", env!("CARGO_PKG_VERSION")),
        )
    }

    /// As [`PortalClient::new`], sending `user_agent` (acct9: the app names its device this way; the portal
    /// shows it in the profile's session list).
    pub fn with_user_agent(base_url: &str, user_agent: &str) -> Result<Self, ClientError> {
        let parsed = url::Url::parse(base_url).map_err(|e| {
            ClientError::BadResponse(format!("bad portal address {base_url:?}: {e}"))
        })?;
        let tls = tls_config()?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls.clone())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(user_agent)
            .build()
            .map_err(|e| ClientError::Network(e.to_string()))?;
        let files = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(30))
            .user_agent(user_agent)
            .build()
            .map_err(|e| ClientError::Network(e.to_string()))?;
        Ok(Self {
            base: parsed.as_str().trim_end_matches('/').to_string(),
            http,
            files,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base, API_PREFIX, path)
    }

    pub async fn info(&self) -> Result<PortalInfo, ClientError> {
        self.send(self.http.get(self.url("/info"))).await
    }

    pub async fn login_password(&self, req: &PasswordLogin) -> Result<SessionTokens, ClientError> {
        self.post("/auth/login", None, req).await
    }

    pub async fn login_token(&self, req: &TokenLogin) -> Result<SessionTokens, ClientError> {
        self.post("/auth/token-login", None, req).await
    }

    /// Rotates the session: the old refresh token stops working.
    pub async fn refresh(&self, refresh_token: &str) -> Result<SessionTokens, ClientError> {
        let req = RefreshRequest {
            refresh_token: refresh_token.to_string(),
        };
        self.post("/auth/refresh", None, &req).await
    }

    /// Revokes the session the refresh token belongs to (its access token dies with it).
    pub async fn logout(&self, refresh_token: &str) -> Result<(), ClientError> {
        let req = RefreshRequest {
            refresh_token: refresh_token.to_string(),
        };
        self.send_empty(self.http.post(self.url("/auth/logout")).json(&req))
            .await
    }

    pub async fn me(&self, access_token: &str) -> Result<Me, ClientError> {
        self.get("/me", access_token).await
    }

    pub async fn account(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<Account, ClientError> {
        self.get(&format!("/accounts/{}", seg(account_id)), access_token)
            .await
    }

    pub async fn dashboard(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<DashboardSummary, ClientError> {
        self.get(
            &format!("/accounts/{}/summary", seg(account_id)),
            access_token,
        )
        .await
    }

    /// Seat pools per product.
    pub async fn licenses(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<Vec<LicensePool>, ClientError> {
        self.get(
            &format!("/accounts/{}/licenses", seg(account_id)),
            access_token,
        )
        .await
    }

    pub async fn locations(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<Vec<Location>, ClientError> {
        self.get(
            &format!("/accounts/{}/locations", seg(account_id)),
            access_token,
        )
        .await
    }

    /// One page of the users list; pass the previous page's `next` as `query.after`.
    pub async fn users(
        &self,
        access_token: &str,
        account_id: &str,
        query: &UserQuery,
    ) -> Result<UserPage, ClientError> {
        let url = self.url(&format!("/accounts/{}/users", seg(account_id)));
        self.send(self.http.get(url).query(query).bearer_auth(access_token))
            .await
    }

    /// Creates all users or none; the answer holds their temporary passwords (shown once).
    pub async fn create_users(
        &self,
        access_token: &str,
        account_id: &str,
        req: &CreateUsers,
    ) -> Result<CreateUsersResult, ClientError> {
        self.post(
            &format!("/accounts/{}/users", seg(account_id)),
            Some(access_token),
            req,
        )
        .await
    }

    pub async fn user(
        &self,
        access_token: &str,
        account_id: &str,
        user_id: &str,
    ) -> Result<UserSummary, ClientError> {
        self.get(
            &format!("/accounts/{}/users/{}", seg(account_id), seg(user_id)),
            access_token,
        )
        .await
    }

    pub async fn update_user(
        &self,
        access_token: &str,
        account_id: &str,
        user_id: &str,
        req: &UpdateUser,
    ) -> Result<UserSummary, ClientError> {
        let url = self.url(&format!(
            "/accounts/{}/users/{}",
            seg(account_id),
            seg(user_id)
        ));
        self.send(self.http.patch(url).json(req).bearer_auth(access_token))
            .await
    }

    /// A new temporary password for the user; their sessions end.
    pub async fn reset_password(
        &self,
        access_token: &str,
        account_id: &str,
        user_id: &str,
    ) -> Result<TemporaryPassword, ClientError> {
        let url = self.url(&format!(
            "/accounts/{}/users/{}/reset-password",
            seg(account_id),
            seg(user_id)
        ));
        self.send(self.http.post(url).bearer_auth(access_token))
            .await
    }

    /// Soft delete (restorable for 30 days).
    pub async fn delete_user(
        &self,
        access_token: &str,
        account_id: &str,
        user_id: &str,
    ) -> Result<(), ClientError> {
        let url = self.url(&format!(
            "/accounts/{}/users/{}",
            seg(account_id),
            seg(user_id)
        ));
        self.send_empty(self.http.delete(url).bearer_auth(access_token))
            .await
    }

    pub async fn restore_users(
        &self,
        access_token: &str,
        account_id: &str,
        req: &RestoreUsers,
    ) -> Result<RestoreResult, ClientError> {
        self.post(
            &format!("/accounts/{}/users/restore", seg(account_id)),
            Some(access_token),
            req,
        )
        .await
    }

    /// Revoke, then assign licenses for many users; all or nothing.
    pub async fn change_licenses(
        &self,
        access_token: &str,
        account_id: &str,
        req: &LicenseChange,
    ) -> Result<LicenseChangeResult, ClientError> {
        self.post(
            &format!("/accounts/{}/licenses/change", seg(account_id)),
            Some(access_token),
            req,
        )
        .await
    }

    /// The audit log, newest first; pass the previous page's `next_before` as `before`.
    pub async fn audit(
        &self,
        access_token: &str,
        account_id: &str,
        before: Option<i64>,
        limit: Option<u32>,
    ) -> Result<AuditPage, ClientError> {
        let query = kontor_api::AuditQuery {
            before,
            limit,
            ..Default::default()
        };
        self.audit_query(access_token, account_id, &query).await
    }

    /// One page of the audit log matching the query's filters.
    pub async fn audit_query(
        &self,
        access_token: &str,
        account_id: &str,
        query: &kontor_api::AuditQuery,
    ) -> Result<AuditPage, ClientError> {
        let url = self.url(&format!("/accounts/{}/audit", seg(account_id)));
        self.send(self.http.get(url).query(query).bearer_auth(access_token))
            .await
    }

    /// The locations with address and user count (the same list as [`Self::locations`]).
    pub async fn location_infos(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<Vec<kontor_api::LocationInfo>, ClientError> {
        self.get(
            &format!("/accounts/{}/locations", seg(account_id)),
            access_token,
        )
        .await
    }

    pub async fn create_location(
        &self,
        access_token: &str,
        account_id: &str,
        req: &kontor_api::LocationInput,
    ) -> Result<kontor_api::LocationInfo, ClientError> {
        let url = self.url(&format!("/accounts/{}/locations", seg(account_id)));
        self.send(self.http.post(url).json(req).bearer_auth(access_token))
            .await
    }

    /// Renames a location and/or changes its address (`req` is the new state).
    pub async fn update_location(
        &self,
        access_token: &str,
        account_id: &str,
        location_id: &str,
        req: &kontor_api::LocationInput,
    ) -> Result<kontor_api::LocationInfo, ClientError> {
        let url = self.url(&format!(
            "/accounts/{}/locations/{}",
            seg(account_id),
            seg(location_id)
        ));
        self.send(self.http.patch(url).json(req).bearer_auth(access_token))
            .await
    }

    /// Deletes a location, moving its users to `move_to` (required while it has users).
    pub async fn delete_location(
        &self,
        access_token: &str,
        account_id: &str,
        location_id: &str,
        move_to: Option<&str>,
    ) -> Result<kontor_api::LocationDeleted, ClientError> {
        let url = self.url(&format!(
            "/accounts/{}/locations/{}",
            seg(account_id),
            seg(location_id)
        ));
        let query: Vec<(&str, &str)> = move_to.map(|m| ("move_to", m)).into_iter().collect();
        self.send(
            self.http
                .delete(url)
                .query(&query)
                .bearer_auth(access_token),
        )
        .await
    }

    /// Replaces the signed-in user's own (temporary) password.
    pub async fn change_password(
        &self,
        access_token: &str,
        req: &ChangePassword,
    ) -> Result<(), ClientError> {
        self.send_empty(
            self.http
                .post(self.url("/me/password"))
                .json(req)
                .bearer_auth(access_token),
        )
        .await
    }

    /// Commits one import batch; a retry of a committed batch answers `already_done`.
    pub async fn import_batch(
        &self,
        access_token: &str,
        account_id: &str,
        req: &ImportBatch,
    ) -> Result<ImportBatchResult, ClientError> {
        self.post(
            &format!("/accounts/{}/users/import", seg(account_id)),
            Some(access_token),
            req,
        )
        .await
    }

    /// The addresses among `emails` that a live user of the portal already has (lower case, sorted); invalid
    /// entries are ignored. For the import preview; at most `kontor_api::MAX_EXISTING_EMAILS` per call.
    pub async fn existing_emails(
        &self,
        access_token: &str,
        account_id: &str,
        emails: &[String],
    ) -> Result<Vec<String>, ClientError> {
        let req = ExistingEmailsRequest {
            emails: emails.to_vec(),
        };
        let answer: ExistingEmails = self
            .post(
                &format!("/accounts/{}/users/existing", seg(account_id)),
                Some(access_token),
                &req,
            )
            .await?;
        Ok(answer.existing)
    }

    /// The portal's license-signing public key (no sign-in needed).
    pub async fn license_public_key(&self) -> Result<LicensePublicKey, ClientError> {
        let url = format!("{}/api/license/public-key", self.base);
        self.send(self.http.get(url)).await
    }

    /// The account's offline-license status and issued licenses.
    pub async fn offline_license_status(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<OfflineLicenseStatus, ClientError> {
        self.get(
            &format!("/accounts/{}/offline-license", seg(account_id)),
            access_token,
        )
        .await
    }

    /// Issues the account-wide offline license (not bound to a machine).
    pub async fn issue_offline_license(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<OfflineLicense, ClientError> {
        self.post(
            &format!("/accounts/{}/offline-license", seg(account_id)),
            Some(access_token),
            &serde_json::json!({}),
        )
        .await
    }

    /// Issues a license bound to the machine of an activation request (counts against the limit).
    pub async fn activate_machine(
        &self,
        access_token: &str,
        account_id: &str,
        req: &ActivationRequestUpload,
    ) -> Result<OfflineLicense, ClientError> {
        self.post(
            &format!("/accounts/{}/offline-license/activate", seg(account_id)),
            Some(access_token),
            req,
        )
        .await
    }

    /// Revokes an issued license (frees its activation).
    pub async fn revoke_offline_license(
        &self,
        access_token: &str,
        account_id: &str,
        license_id: &str,
    ) -> Result<(), ClientError> {
        let resp = self
            .http
            .post(self.url(&format!(
                "/accounts/{}/offline-license/{}/revoke",
                seg(account_id),
                seg(license_id)
            )))
            .bearer_auth(access_token)
            .send()
            .await
            .map_err(network)?;
        check(resp).await.map(|_| ())
    }

    /// The installers of the products in the account's package (Owner and Admin).
    pub async fn installers(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<InstallerList, ClientError> {
        self.get(
            &format!("/accounts/{}/installers", seg(account_id)),
            access_token,
        )
        .await
    }

    /// Starts (or resumes) an installer download: sends `Range: bytes={from}-` when `from > 0`, and
    /// `If-Range` when given (the ETag of the part already downloaded; another ETag on the portal answers 200
    /// with the whole file). Non-2xx answers are [`ClientError::Api`]; the response is returned unread for
    /// streaming (200 whole file, 206 from `from` with `Content-Range`). Uses a client without total timeout
    /// (30 s read timeout).
    pub async fn installer_file(
        &self,
        access_token: &str,
        account_id: &str,
        installer_id: &str,
        from: u64,
        if_range: Option<&str>,
    ) -> Result<reqwest::Response, ClientError> {
        let url = self.url(&format!(
            "/accounts/{}/installers/{}/file",
            seg(account_id),
            seg(installer_id)
        ));
        let mut rb = self.files.get(url).bearer_auth(access_token);
        if from > 0 {
            rb = rb.header(reqwest::header::RANGE, format!("bytes={from}-"));
            if let Some(tag) = if_range {
                rb = rb.header(reqwest::header::IF_RANGE, tag);
            }
        }
        check(rb.send().await.map_err(network)?).await
    }

    /// The app's update (no sign-in): `None` when the portal has nothing newer for `target`-`arch`
    /// (204).
    pub async fn update_manifest(
        &self,
        target: &str,
        arch: &str,
        current_version: &str,
    ) -> Result<Option<UpdateManifest>, ClientError> {
        self.update_manifest_in(target, arch, current_version, None)
            .await
    }

    /// Like [`Self::update_manifest`], with the release notes in `lang` (`de`, `en`; English when the
    /// release has none in that language), as the app asks with `?lang=`.
    pub async fn update_manifest_in(
        &self,
        target: &str,
        arch: &str,
        current_version: &str,
        lang: Option<&str>,
    ) -> Result<Option<UpdateManifest>, ClientError> {
        let mut url = self.url(&format!(
            "/app/update/{}/{}/{}",
            seg(target),
            seg(arch),
            seg(current_version)
        ));
        if let Some(lang) = lang {
            url.push_str(&format!("?lang={}", seg(lang)));
        }
        let resp = check(self.http.get(url).send().await.map_err(network)?).await?;
        if resp.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(None);
        }
        let bytes = resp.bytes().await.map_err(network)?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| ClientError::BadResponse(e.to_string()))
    }

    /// The account's subscription (Owner and Billing).
    pub async fn subscription(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<Subscription, ClientError> {
        self.get(
            &format!("/accounts/{}/subscription", seg(account_id)),
            access_token,
        )
        .await
    }

    /// The package catalog for comparison, priced for the account's billing period.
    pub async fn packages(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<PackageCatalog, ClientError> {
        self.get(
            &format!("/accounts/{}/packages", seg(account_id)),
            access_token,
        )
        .await
    }

    /// What changing to a package would do.
    pub async fn preview_package_change(
        &self,
        access_token: &str,
        account_id: &str,
        req: &ChangePreviewRequest,
    ) -> Result<ChangePreview, ClientError> {
        self.post(
            &format!("/accounts/{}/subscription/preview", seg(account_id)),
            Some(access_token),
            req,
        )
        .await
    }

    /// Books a package change; the same idempotency key books once.
    pub async fn change_package(
        &self,
        access_token: &str,
        account_id: &str,
        req: &ChangeRequest,
    ) -> Result<ChangeBooked, ClientError> {
        self.post(
            &format!("/accounts/{}/subscription/change", seg(account_id)),
            Some(access_token),
            req,
        )
        .await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, access: &str) -> Result<T, ClientError> {
        self.send(self.http.get(self.url(path)).bearer_auth(access))
            .await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        access: Option<&str>,
        body: &B,
    ) -> Result<T, ClientError> {
        let mut rb = self.http.post(self.url(path)).json(body);
        if let Some(a) = access {
            rb = rb.bearer_auth(a);
        }
        self.send(rb).await
    }

    // inv8: invoices.
    /// One page of the account's invoices (newest first), filtered by year and status.
    pub async fn invoices(
        &self,
        access_token: &str,
        account_id: &str,
        q: &kontor_api::InvoiceQuery,
    ) -> Result<kontor_api::InvoicePage, ClientError> {
        let url = self.url(&format!("/accounts/{}/invoices", seg(account_id)));
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(y) = q.year {
            query.push(("year", y.to_string()));
        }
        if let Some(s) = q.status {
            query.push(("status", s.as_str().to_string()));
        }
        if let Some(l) = q.limit {
            query.push(("limit", l.to_string()));
        }
        if let Some(b) = &q.before {
            query.push(("before", b.clone()));
        }
        self.send(self.http.get(url).query(&query).bearer_auth(access_token))
            .await
    }

    /// One invoice with lines, totals, address snapshot and payment terms.
    pub async fn invoice(
        &self,
        access_token: &str,
        account_id: &str,
        invoice_id: &str,
    ) -> Result<kontor_api::InvoiceDetail, ClientError> {
        self.get(
            &format!("/accounts/{}/invoices/{}", seg(account_id), seg(invoice_id)),
            access_token,
        )
        .await
    }

    /// The invoice's document: `pdf` (Factur-X PDF) or `xml` (CII XML). Returns the bytes and the file
    /// name from `Content-Disposition` (`RE-2026-000123.pdf`).
    pub async fn invoice_document(
        &self,
        access_token: &str,
        account_id: &str,
        invoice_id: &str,
        format: InvoiceFormat,
    ) -> Result<(Vec<u8>, String), ClientError> {
        let ext = match format {
            InvoiceFormat::Pdf => "pdf",
            InvoiceFormat::Xml => "xml",
        };
        let url = self.url(&format!(
            "/accounts/{}/invoices/{}/{ext}",
            seg(account_id),
            seg(invoice_id)
        ));
        let resp = check(
            self.files
                .get(url)
                .bearer_auth(access_token)
                .send()
                .await
                .map_err(network)?,
        )
        .await?;
        let name = resp
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split("filename=\"").nth(1))
            .and_then(|v| v.split('"').next())
            .filter(|n| !n.is_empty() && !n.contains(['/', '\\']))
            .map(str::to_string)
            .unwrap_or_else(|| format!("invoice.{ext}"));
        let bytes = resp.bytes().await.map_err(network)?;
        Ok((bytes.to_vec(), name))
    }

    /// Sends a request whose success answer carries nothing the caller needs.
    async fn send_empty(&self, rb: reqwest::RequestBuilder) -> Result<(), ClientError> {
        check(rb.send().await.map_err(network)?).await.map(|_| ())
    }

    async fn send<T: DeserializeOwned>(
        &self,
        rb: reqwest::RequestBuilder,
    ) -> Result<T, ClientError> {
        let resp = check(rb.send().await.map_err(network)?).await?;
        let bytes = resp.bytes().await.map_err(network)?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::BadResponse(e.to_string()))
    }

    // harden10
    /// Signs in to one of the accounts a password sign-in offered (`ErrorDetail::ChooseAccount`).
    pub async fn login_choose(
        &self,
        req: &kontor_api::ChooseAccount,
    ) -> Result<SessionTokens, ClientError> {
        self.post("/auth/login/choose", None, req).await
    }
}

/// Percent-encodes one path segment.
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn network(e: reqwest::Error) -> ClientError {
    ClientError::Network(e.to_string())
}

async fn check(resp: reqwest::Response) -> Result<reqwest::Response, ClientError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let bytes = resp.bytes().await.map_err(network)?;
    let body = serde_json::from_slice::<ErrorBody>(&bytes).unwrap_or_else(|_| {
        // A proxy or a crashed handler: no error body. Keep the status meaningful.
        let code = match status.as_u16() {
            401 => ErrorCode::Unauthorized,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            429 => ErrorCode::RateLimited,
            _ => ErrorCode::Internal,
        };
        ErrorBody::new(code, format!("HTTP {status}"))
    });
    Err(ClientError::Api {
        status: status.as_u16(),
        body,
    })
}

/// An invoice document's format (inv8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceFormat {
    Pdf,
    Xml,
}
