//! Kontor offline license files: the armoured, Ed25519-signed format, signing (feature `sign`) and offline verification.
//!
//! A vendor embeds this crate in its (possibly air-gapped) product and verifies license files with
//! [`verify`], passing its own trusted public key(s) and the current time; nothing here touches the
//! network or a network clock. The vendor's server enables the `sign` feature to issue licenses with
//! `sign`. The `kontor-license` CLI and what only it needs (clap, `kontor-fs`) are the default feature
//! `cli`; a product embedding the verifier alone uses `default-features = false`.
//!
//! # Format (version 1)
//!
//! ```text
//! -----BEGIN KONTOR LICENSE-----
//! Version: 1
//! Key-Id: 3f2a9c0e5b7d1a44
//!
//! eyJmb3JtYXQiOjEsImxpY2Vuc2VfaWQiOiJMSUMtMDAwMSIsImFjY291bnRfaWQiOiJBQ0MtNDIi
//! ...base64 (standard alphabet, padded), 64 characters per line...
//! -----END KONTOR LICENSE-----
//! ```
//!
//! * `Version` is the format version (decimal, currently `1`); any other number is
//!   [`LicenseError::UnsupportedVersion`].
//! * `Key-Id` is the first 8 bytes of SHA-256 over the signer's 32-byte Ed25519 public key, as 16 lowercase
//!   hex digits ([`PublicKey::key_id`]); it selects the trusted key, so keys can be rotated.
//! * The base64 body decodes to `payload || signature`: the payload is the UTF-8 JSON of
//!   [`LicensePayload`] exactly as signed, the last 64 bytes are the Ed25519 signature.
//! * The signature covers `"KONTOR LICENSE v1\n" || payload` (a fixed context prefix plus the exact payload
//!   bytes, so nothing is ever re-serialised) and is checked with `verify_strict`.
//! * The payload JSON is parsed only after the signature checked out.
//!
//! Parsing is strict: exactly these headers in this order, lowercase hex, canonical base64 with every line but
//! the last exactly 64 characters, nothing after the END line. Leading and trailing whitespace around the
//! whole text and CRLF line ends are tolerated. `FORMAT.md` in the crate describes the same in more detail.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "sign")] {
//! use kontor_license::{sign, verify, Entitlement, LicensePayload, SigningKey, PublicKey, VerifyOptions};
//! let key = SigningKey::from_bytes(&[7; 32]);
//! let payload = LicensePayload {
//!     format: kontor_license::FORMAT_VERSION,
//!     license_id: "LIC-1".into(),
//!     account_id: "ACC-1".into(),
//!     customer_name: "Muster GmbH".into(),
//!     products: vec![Entitlement {
//!         product_code: "KONTOR-PRO".into(),
//!         product_name: "Kontor Pro".into(),
//!         seats: 5,
//!         features: vec!["export".into()],
//!     }],
//!     issued_at: 1_700_000_000,
//!     not_before: 1_700_000_000,
//!     expires_at: 1_800_000_000,
//!     machine: None,
//! };
//! let text = sign(&payload, &key);
//! let trusted = [PublicKey::from_signing_key(&key)];
//! let ok = verify(&text, &trusted, VerifyOptions { now: 1_750_000_000, machine: None }).unwrap();
//! assert_eq!(ok, payload);
//! # }
//! ```

mod armor;
mod keys;
mod license;
mod machine;

#[cfg(feature = "sign")]
pub use keys::{format_secret_key, generate_signing_key, parse_secret_key, SECRET_KEY_PREFIX};
pub use keys::{KeyParseError, PublicKey, PUBLIC_KEY_PREFIX};
#[cfg(feature = "sign")]
pub use license::sign;
pub use license::{
    verify, Entitlement, LicenseError, LicensePayload, VerifyOptions, FORMAT_VERSION,
    LICENSE_LABEL, MAX_TEXT_LEN,
};
pub use machine::{
    fingerprint_from_machine_id, machine_fingerprint, ActivationRequest, MachineIdError,
    ACTIVATION_REQUEST_LABEL, MACHINE_ID_ENV,
};

/// The Ed25519 signing key type used by [`sign`] (re-exported from `ed25519-dalek`).
#[cfg(feature = "sign")]
pub use ed25519_dalek::SigningKey;
