//! Fuzz target `parse_verify`: the license and activation-request parsers must never panic, on raw input and
//! on a valid license with fuzzer-chosen edits, and an edited license must never be accepted.
#![no_main]

use std::sync::OnceLock;

use kontor_license::{
    sign, verify, ActivationRequest, Entitlement, LicensePayload, PublicKey, SigningKey,
    VerifyOptions,
};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    trusted: [PublicKey; 1],
    license: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let key = SigningKey::from_bytes(&[0x5a; 32]);
        let payload = LicensePayload {
            format: kontor_license::FORMAT_VERSION,
            license_id: "LIC-FUZZ".into(),
            account_id: "ACC-1".into(),
            customer_name: "Fuzz GmbH".into(),
            products: vec![Entitlement {
                product_code: "P".into(),
                product_name: "Product".into(),
                seats: 3,
                features: vec!["a".into()],
            }],
            issued_at: 0,
            not_before: 0,
            expires_at: 1000,
            machine: None,
        };
        Fixture {
            trusted: [PublicKey::from_signing_key(&key)],
            license: sign(&payload, &key),
        }
    })
}

const OPTIONS: VerifyOptions<'static> = VerifyOptions {
    now: 500,
    machine: None,
};

fn canonical(text: &str) -> String {
    text.trim_ascii()
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    // 1. The input itself as a license file and as an activation request.
    let text = String::from_utf8_lossy(data);
    let _ = verify(&text, &f.trusted, OPTIONS);
    let _ = ActivationRequest::parse(&text);

    // 2. A valid license with an edit: the first two bytes choose a position, the third a length, the rest
    //    replaces that range. The result must be rejected unless the edit only touched tolerated whitespace.
    if data.len() >= 3 {
        let license = f.license.as_bytes();
        let at = usize::from(u16::from_le_bytes([data[0], data[1]])) % (license.len() + 1);
        let end = (at + usize::from(data[2] % 16)).min(license.len());
        let mut edited = license[..at].to_vec();
        edited.extend_from_slice(&data[3..]);
        edited.extend_from_slice(&license[end..]);
        let edited = String::from_utf8_lossy(&edited);
        if verify(&edited, &f.trusted, OPTIONS).is_ok() {
            assert_eq!(
                canonical(&edited),
                canonical(&f.license),
                "an edited license was accepted"
            );
        }
    }
});
