//! Offline licenses for air-gapped installations: status, issuing, machine activation, revocation.

use serde::{Deserialize, Serialize};

/// The portal's license-signing public key (`GET /api/license/public-key`), in `kontor-license` text form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicensePublicKey {
    /// `kontor-ed25519:<base64>`.
    pub public_key: String,
    /// 16 hex characters, as in the `Key-Id:` line of every license file.
    pub key_id: String,
}

/// One offline license the portal issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedLicenseInfo {
    pub license_id: String,
    /// Machine fingerprint for an activation; `None` for the account-wide license.
    pub machine: Option<String>,
    /// Host name from the activation request, for people to recognise the machine.
    pub hostname: Option<String>,
    /// Unix seconds.
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// The account's offline-license state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfflineLicenseStatus {
    /// ISO date the license term ends.
    pub license_expires_on: Option<String>,
    pub products: Vec<crate::ProductSeats>,
    /// Machine activations not revoked.
    pub activations_used: i64,
    pub activations_max: i64,
    pub licenses: Vec<IssuedLicenseInfo>,
}

/// A freshly issued license file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfflineLicense {
    pub info: IssuedLicenseInfo,
    /// The armoured file content (`-----BEGIN KONTOR LICENSE-----` …).
    pub text: String,
}

/// An activation request file's content, uploaded to get a machine-bound license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivationRequestUpload {
    /// The armoured request (`-----BEGIN KONTOR ACTIVATION REQUEST-----` …), at most 256 KiB.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 262144))]
    pub request: String,
}
