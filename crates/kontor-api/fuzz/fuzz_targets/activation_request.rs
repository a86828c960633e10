//! Fuzz target `activation_request`: the body of `POST …/offline-license/activate` as the server reads it —
//! JSON into `ActivationRequestUpload`, the armoured request inside through `ActivationRequest::parse`, its
//! hostname through `validate::activation_hostname` (what `licensing::parse_request` does) — and the body of
//! `POST …/offline-license`, which must be exactly `{}`. Never panics; what is accepted keeps the rules.
#![no_main]

use kontor_api::validate::{activation_hostname, is_invisible, MAX_HOSTNAME_LEN};
use kontor_api::ActivationRequestUpload;
use kontor_license::ActivationRequest;
use libfuzzer_sys::fuzz_target;

/// What the server accepts from an activation request: the fingerprint and the shown hostname.
fn accept(text: &str) -> Option<(ActivationRequest, String)> {
    let req = ActivationRequest::parse(text).ok()?;
    let hostname = activation_hostname(&req.hostname).ok()?.to_string();
    Some((req, hostname))
}

fn check(text: &str) {
    let Some((req, hostname)) = accept(text) else {
        return;
    };
    assert_eq!(req.fingerprint.len(), 64);
    assert!(req
        .fingerprint
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    assert!(hostname.chars().count() <= MAX_HOSTNAME_LEN);
    assert!(!hostname.chars().any(|c| c.is_control() || is_invisible(c)));
    assert_eq!(hostname, hostname.trim());
    // What was accepted, written out again, reads back as the same request.
    let again = ActivationRequest::parse(&req.to_armored()).expect("a re-armoured request parses");
    assert_eq!(again, req);
}

fuzz_target!(|data: &[u8]| {
    // 1. The HTTP body as JSON (what axum's extractor hands the handler).
    if let Ok(upload) = serde_json::from_slice::<ActivationRequestUpload>(data) {
        check(&upload.request);
        let round = serde_json::to_vec(&upload).expect("serialises");
        let back: ActivationRequestUpload = serde_json::from_slice(&round).expect("reads back");
        assert_eq!(back, upload);
    }
    // 2. The bytes as the armoured request itself (a file the user uploads, pasted into the field).
    check(&String::from_utf8_lossy(data));
    // 3. The issue body: only the empty object is accepted.
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let accepted = value.as_object().is_some_and(serde_json::Map::is_empty);
        assert_eq!(accepted, value == serde_json::json!({}));
    }
});
