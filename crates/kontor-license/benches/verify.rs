//! Verify benchmark: median time of `kontor_license::verify` vs a bare Ed25519 `verify_strict` (goal ≤ 100 µs).
//!
//! Plain `std::time::Instant`, no criterion. Run with `cargo bench -p kontor-license`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, Signer as _};
use kontor_license::{
    sign, verify, Entitlement, LicensePayload, PublicKey, SigningKey, VerifyOptions,
};

const ROUNDS: usize = 101;
const ITERATIONS_PER_ROUND: usize = 50;

/// Median per-call time over `ROUNDS` rounds of `ITERATIONS_PER_ROUND` calls.
fn median_per_call(mut f: impl FnMut()) -> Duration {
    for _ in 0..ITERATIONS_PER_ROUND {
        f();
    }
    let mut rounds: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..ITERATIONS_PER_ROUND {
                f();
            }
            start.elapsed() / ITERATIONS_PER_ROUND as u32
        })
        .collect();
    rounds.sort();
    rounds[ROUNDS / 2]
}

fn main() {
    let key = SigningKey::from_bytes(&[0x42; 32]);
    let trusted = [
        PublicKey::from_signing_key(&SigningKey::from_bytes(&[0x43; 32])),
        PublicKey::from_signing_key(&key),
    ];
    let payload = LicensePayload {
        format: kontor_license::FORMAT_VERSION,
        license_id: "LIC-2024-000123".into(),
        account_id: "ACC-000042".into(),
        customer_name: "Muster Maschinenbau GmbH & Co. KG".into(),
        products: (0..3)
            .map(|i| Entitlement {
                product_code: format!("KONTOR-MOD-{i}"),
                product_name: format!("Kontor Modul {i}"),
                seats: 25 + i,
                features: vec!["export".into(), "sso".into(), "audit-log".into()],
            })
            .collect(),
        issued_at: 1_700_000_000,
        not_before: 1_700_000_000,
        expires_at: 1_800_000_000,
        machine: Some(kontor_license::fingerprint_from_machine_id("bench-machine")),
    };
    let fingerprint = payload.machine.clone().unwrap();
    let text = sign(&payload, &key);
    let options = VerifyOptions {
        now: 1_750_000_000,
        machine: Some(&fingerprint),
    };
    assert_eq!(verify(&text, &trusted, options).unwrap(), payload);

    // The baseline: the same message and signature, checked with nothing around it.
    let json = serde_json::to_vec(&payload).unwrap();
    let mut message = b"KONTOR LICENSE v1\n".to_vec();
    message.extend_from_slice(&json);
    let signature: Signature = key.sign(&message);
    let verifying_key = key.verifying_key();
    verifying_key.verify_strict(&message, &signature).unwrap();

    let full = median_per_call(|| {
        black_box(verify(black_box(&text), black_box(&trusted), options).unwrap());
    });
    let bare = median_per_call(|| {
        verifying_key
            .verify_strict(black_box(&message), black_box(&signature))
            .unwrap();
    });
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "license: {} bytes of text, {} bytes of payload",
        text.len(),
        json.len()
    );
    println!("kontor_license::verify      median {:8.2} µs", micros(full));
    println!("ed25519 verify_strict only  median {:8.2} µs", micros(bare));
    println!(
        "ratio {:.2}  (goal: verify <= 100 µs: {})",
        full.as_secs_f64() / bare.as_secs_f64(),
        if micros(full) <= 100.0 {
            "met"
        } else {
            "NOT met"
        }
    );
}
