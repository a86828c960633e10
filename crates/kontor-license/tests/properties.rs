//! Property tests: random payloads round-trip; random and mutated inputs never panic and are never accepted.

mod common;

use common::*;
use kontor_license::{
    sign, verify, ActivationRequest, Entitlement, LicensePayload, VerifyOptions, FORMAT_VERSION,
};
use proptest::prelude::*;

fn entitlement() -> impl Strategy<Value = Entitlement> {
    (
        "\\PC{0,12}",
        "\\PC{0,24}",
        any::<u32>(),
        prop::collection::vec("[a-z_]{1,10}", 0..4),
    )
        .prop_map(
            |(product_code, product_name, seats, features)| Entitlement {
                product_code,
                product_name,
                seats,
                features,
            },
        )
}

fn license_payload() -> impl Strategy<Value = LicensePayload> {
    (
        "\\PC{0,20}",
        "\\PC{0,20}",
        "\\PC{0,40}",
        prop::collection::vec(entitlement(), 0..4),
        any::<i64>(),
        (i64::MIN / 2..i64::MAX / 2),
        (1i64..1_000_000_000),
        prop::option::of("[0-9a-f]{64}"),
    )
        .prop_map(
            |(
                license_id,
                account_id,
                customer_name,
                products,
                issued_at,
                not_before,
                span,
                machine,
            )| {
                LicensePayload {
                    format: FORMAT_VERSION,
                    license_id,
                    account_id,
                    customer_name,
                    products,
                    issued_at,
                    not_before,
                    expires_at: not_before + span,
                    machine,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_payloads_round_trip(p in license_payload(), offset in 0i64..1_000_000_000) {
        let text = sign(&p, &key_a());
        let now = p.not_before + offset % (p.expires_at - p.not_before);
        let got = verify(&text, &[public(&key_a())], VerifyOptions { now, machine: p.machine.as_deref() });
        prop_assert_eq!(got, Ok(p));
    }

    #[test]
    fn mutated_license_is_never_accepted(
        pos in any::<prop::sample::Index>(),
        len in 0usize..8,
        insert in "\\PC{0,8}",
    ) {
        let text = sign(&payload(), &key_a());
        let start = pos.index(text.len());
        let end = (start + len).min(text.len());
        let mut mutated = text.clone();
        mutated.replace_range(start..end, &insert);
        let result = verify(&mutated, &[public(&key_a())], VerifyOptions { now: NOW, machine: None });
        if canonical(&mutated) != canonical(&text) {
            prop_assert!(result.is_err(), "accepted: {:?}", mutated);
        }
    }
}

fn rejected(text: &str) -> bool {
    verify(
        text,
        &[public(&key_a())],
        VerifyOptions {
            now: NOW,
            machine: None,
        },
    )
    .is_err()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_text_never_panics(s in "\\PC*") {
        prop_assert!(rejected(&s));
        prop_assert!(ActivationRequest::parse(&s).is_err());
    }

    #[test]
    fn random_armoured_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..300), version in "[0-9]{1,3}") {
        let text = armour(&version, &public(&key_a()).key_id(), &body);
        prop_assert!(rejected(&text));
        let req = text.replace("KONTOR LICENSE", "KONTOR ACTIVATION REQUEST").replace(
            &format!("Key-Id: {}\n", public(&key_a()).key_id()), "");
        let _ = ActivationRequest::parse(&req);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let s = String::from_utf8_lossy(&bytes);
        prop_assert!(rejected(&s));
    }
}
