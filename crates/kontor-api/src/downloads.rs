//! Installer downloads and the app's self-update: the catalog an account may download and the updater manifest.
//!
//! Routes (under [`crate::API_PREFIX`]):
//! - `GET /accounts/{account}/installers` → [`InstallerList`]: the installers of the products in the
//!   account's package, newest version first. Other products' installers are not listed.
//! - `GET /accounts/{account}/installers/{installer}/file` → the bytes. `Accept-Ranges: bytes`,
//!   `ETag: "<sha256>"`; a single `Range: bytes=a-b | a- | -n` answers 206 with `Content-Range`;
//!   an unsatisfiable or malformed range answers 416 with `Content-Range: bytes */<size>`;
//!   `If-Range` with another ETag answers 200 with the whole file. An installer of a product the
//!   account does not have answers 404, exactly as an unknown one.
//! - `GET /app/update/{target}/{arch}/{current_version}` (no sign-in): [`UpdateManifest`] of the newest
//!   release in the server's releases folder for that platform, or 204 when there is nothing newer.
//! - `GET /app/releases/{version}/{file}` (no sign-in): a release file, with the same Range support.

use serde::{Deserialize, Serialize};

/// One installer in the vendor's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Installer {
    /// Stable id, used in the file route.
    pub id: String,
    /// Product code, e.g. `cmdb`.
    pub product: String,
    pub product_name: String,
    pub version: String,
    /// `windows`, `macos` or `linux`.
    pub platform: String,
    /// `x86_64` or `aarch64`.
    pub arch: String,
    /// The name the file is offered under in the save dialog.
    pub file_name: String,
    /// Bytes.
    pub size: u64,
    /// 64 lowercase hex characters.
    pub sha256: String,
    pub notes: String,
    /// ISO date of the release.
    pub released_on: String,
}

/// What an account may download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstallerList {
    pub installers: Vec<Installer>,
}

/// The update manifest in the form tauri-plugin-updater reads from a dynamic update server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateManifest {
    /// Semantic version of the release, e.g. `0.2.0`.
    pub version: String,
    pub notes: String,
    /// RFC 3339 date-time.
    pub pub_date: String,
    /// Absolute URL of the update bundle.
    pub url: String,
    /// The content of the bundle's minisign `.sig` file (base64, as the Tauri signer writes it).
    pub signature: String,
}
