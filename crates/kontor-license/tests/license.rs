//! Library tests: round trip, every `LicenseError` variant, tampering, truncation, foreign keys, boundaries.

mod common;

use common::*;
use kontor_license::{sign, verify, LicenseError, LicensePayload, PublicKey, VerifyOptions};

fn opts(now: i64) -> VerifyOptions<'static> {
    VerifyOptions { now, machine: None }
}

fn check(text: &str) -> Result<LicensePayload, LicenseError> {
    verify(text, &[public(&key_a())], opts(NOW))
}

#[test]
fn round_trip() {
    let text = sign(&payload(), &key_a());
    assert_eq!(check(&text).unwrap(), payload());
}

#[test]
fn armour_layout() {
    let text = sign(&payload(), &key_a());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "-----BEGIN KONTOR LICENSE-----");
    assert_eq!(lines[1], "Version: 1");
    assert_eq!(lines[2], format!("Key-Id: {}", public(&key_a()).key_id()));
    assert_eq!(lines[3], "");
    assert_eq!(*lines.last().unwrap(), "-----END KONTOR LICENSE-----");
    let body_lines = &lines[4..lines.len() - 1];
    for l in &body_lines[..body_lines.len() - 1] {
        assert_eq!(l.len(), 64);
    }
    assert!(text.ends_with("-----\n"));
    // The body is the exact JSON payload followed by the 64-byte signature.
    let body = body_of(&text);
    let json = &body[..body.len() - 64];
    assert_eq!(
        serde_json::from_slice::<LicensePayload>(json).unwrap(),
        payload()
    );
}

#[test]
fn whitespace_and_crlf_are_tolerated() {
    let text = sign(&payload(), &key_a());
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(check(&crlf).unwrap(), payload());
    assert_eq!(check(&format!("\n\t  {text}\n\n  ")).unwrap(), payload());
    assert_eq!(check(text.trim_end()).unwrap(), payload());
}

#[test]
fn key_rotation_several_trusted_keys() {
    let trusted = [public(&key_b()), public(&key_a())];
    let by_a = sign(&payload(), &key_a());
    let by_b = sign(&payload(), &key_b());
    assert_eq!(verify(&by_a, &trusted, opts(NOW)).unwrap(), payload());
    assert_eq!(verify(&by_b, &trusted, opts(NOW)).unwrap(), payload());
}

#[test]
fn bad_armour() {
    let text = sign(&payload(), &key_a());
    for bad in [
        String::new(),
        "   \n ".into(),
        "hello".into(),
        text.replace("BEGIN KONTOR LICENSE", "BEGIN KONTOR LIZENZ"),
        text.replace("-----END KONTOR LICENSE-----", ""),
        text.replace("Version: 1\n", ""),
        text.replace("Key-Id:", "Key-ID:"),
        text.replace("\n\n", "\nComment: hi\n\n"),
        format!("{text}trailing garbage"),
        format!("{text}\n{text}"),
        format!("garbage\n{text}"),
        text.replace(
            &public(&key_a()).key_id(),
            &public(&key_a()).key_id().to_uppercase(),
        ),
        text.replace("Version: 1", "Version: one"),
        text.replace("Version: 1", "Version: 01"),
        "x".repeat(kontor_license::MAX_TEXT_LEN + 1),
    ] {
        assert!(
            matches!(check(&bad), Err(LicenseError::BadArmour(_))),
            "{bad:?} -> {:?}",
            check(&bad)
        );
    }
}

#[test]
fn bad_encoding() {
    let text = sign(&payload(), &key_a());
    // A character outside the base64 alphabet, keeping the line layout.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[5].replace_range(10..11, "*");
    let bad_char = lines.join("\n");
    assert!(matches!(
        check(&bad_char),
        Err(LicenseError::BadEncoding(_))
    ));

    let id = public(&key_a()).key_id();
    // Too short to hold a signature.
    let short = armour("1", &id, &[0u8; 64]);
    assert!(matches!(check(&short), Err(LicenseError::BadEncoding(_))));
    // Correctly signed, but the payload is not license JSON.
    for garbage in [&b"not json"[..], b"{}", b"{\"format\":1}", b"\xff\xfe"] {
        let t = armour("1", &id, &signed_body(&key_a(), 1, garbage));
        assert!(
            matches!(check(&t), Err(LicenseError::BadEncoding(_))),
            "{garbage:?}"
        );
    }
    // Correctly signed JSON whose `format` contradicts the Version header.
    let mut p = payload();
    p.format = 9;
    let json = serde_json::to_vec(&p).unwrap();
    let t = armour("1", &id, &signed_body(&key_a(), 1, &json));
    assert!(matches!(check(&t), Err(LicenseError::BadEncoding(_))));
    // Non-canonical base64 (non-zero trailing bits before the padding) is refused. 100 bytes encode to
    // 34 characters and `==`; the last character carries 2 data bits and 4 bits that must be zero.
    let good = armour("1", &id, &[0u8; 100]);
    let pad_at = good.find("==").unwrap();
    assert_eq!(&good[pad_at - 1..pad_at], "A");
    let t = format!("{}B{}", &good[..pad_at - 1], &good[pad_at..]);
    assert!(matches!(check(&t), Err(LicenseError::BadEncoding(_))));
}

#[test]
fn unsupported_version() {
    let mut p = payload();
    p.format = 2;
    let t = sign(&p, &key_a());
    assert_eq!(
        check(&t),
        Err(LicenseError::UnsupportedVersion { found: 2 })
    );
    let t = sign(&payload(), &key_a()).replace("Version: 1", "Version: 4294967295");
    assert_eq!(
        check(&t),
        Err(LicenseError::UnsupportedVersion { found: u32::MAX })
    );
}

#[test]
fn another_key_is_unknown() {
    let by_b = sign(&payload(), &key_b());
    assert_eq!(
        check(&by_b),
        Err(LicenseError::UnknownKey {
            key_id: public(&key_b()).key_id()
        })
    );
    assert_eq!(
        verify(&by_b, &[], opts(NOW)),
        Err(LicenseError::UnknownKey {
            key_id: public(&key_b()).key_id()
        })
    );
}

#[test]
fn forged_key_id_is_bad_signature() {
    // Signed by B, but claiming to be A's: the key id matches a trusted key, the signature does not.
    let by_b = sign(&payload(), &key_b());
    let forged = by_b.replace(&public(&key_b()).key_id(), &public(&key_a()).key_id());
    assert_eq!(check(&forged), Err(LicenseError::BadSignature));
}

#[test]
fn tampered_payload_is_bad_signature() {
    let text = sign(&payload(), &key_a());
    let mut body = body_of(&text);
    let json_len = body.len() - 64;
    let json = String::from_utf8(body[..json_len].to_vec()).unwrap();
    let more_seats = json.replace("\"seats\":25", "\"seats\":99");
    assert_ne!(json, more_seats);
    body.splice(..json_len, more_seats.into_bytes());
    let t = armour("1", &public(&key_a()).key_id(), &body);
    assert_eq!(check(&t), Err(LicenseError::BadSignature));
}

#[test]
fn validity_boundaries_are_exact() {
    let text = sign(&payload(), &key_a());
    let at = |now| verify(&text, &[public(&key_a())], opts(now));
    assert_eq!(
        at(NOT_BEFORE - 1),
        Err(LicenseError::NotYetValid {
            not_before: NOT_BEFORE,
            now: NOT_BEFORE - 1
        })
    );
    assert_eq!(
        at(i64::MIN).unwrap_err().to_string().split(':').next(),
        Some("not yet valid")
    );
    assert_eq!(at(NOT_BEFORE).unwrap(), payload());
    assert_eq!(at(EXPIRES_AT - 1).unwrap(), payload());
    assert_eq!(
        at(EXPIRES_AT),
        Err(LicenseError::Expired {
            expires_at: EXPIRES_AT,
            now: EXPIRES_AT
        })
    );
    assert!(matches!(at(i64::MAX), Err(LicenseError::Expired { .. })));
}

#[test]
fn machine_binding() {
    let fp = kontor_license::fingerprint_from_machine_id("machine-1");
    let other = kontor_license::fingerprint_from_machine_id("machine-2");
    let mut p = payload();
    p.machine = Some(fp.clone());
    let bound = sign(&p, &key_a());
    let keys = [public(&key_a())];
    let on = |machine| verify(&bound, &keys, VerifyOptions { now: NOW, machine });
    assert_eq!(on(Some(&fp)).unwrap(), p);
    assert_eq!(
        on(Some(&other)),
        Err(LicenseError::BoundToOtherMachine {
            licensed: fp.clone(),
            actual: other.clone()
        })
    );
    // `None` skips the check.
    assert_eq!(on(None).unwrap(), p);
    // An unbound license is valid on any machine.
    let unbound = sign(&payload(), &key_a());
    assert!(verify(
        &unbound,
        &keys,
        VerifyOptions {
            now: NOW,
            machine: Some(&other)
        }
    )
    .is_ok());
}

#[test]
fn error_texts_are_clear() {
    let texts = [
        LicenseError::BadSignature.to_string(),
        LicenseError::UnknownKey {
            key_id: "0011223344556677".into(),
        }
        .to_string(),
        LicenseError::Expired {
            expires_at: 10,
            now: 11,
        }
        .to_string(),
        LicenseError::UnsupportedVersion { found: 3 }.to_string(),
        LicenseError::BoundToOtherMachine {
            licensed: "a".into(),
            actual: "b".into(),
        }
        .to_string(),
    ];
    assert!(texts[0].starts_with("bad signature"));
    assert!(texts[1].contains("unknown key") && texts[1].contains("0011223344556677"));
    assert!(texts[2].starts_with("expired"));
    assert!(texts[3].contains("version 3"));
    assert!(texts[4].starts_with("bound to another machine"));
}

/// Every single-byte change anywhere in the armoured text is rejected (never accepted, never a panic),
/// unless it only changes the whitespace that is tolerated around the text.
#[test]
fn every_tampered_text_byte_is_rejected() {
    let text = sign(&payload(), &key_a());
    let keys = [public(&key_a())];
    let mut checked = 0;
    for i in 0..text.len() {
        for mask in [0x01u8, 0x20, 0x80] {
            let mut bytes = text.clone().into_bytes();
            bytes[i] ^= mask;
            let mutated = String::from_utf8_lossy(&bytes);
            if canonical(&mutated) == canonical(&text) {
                continue;
            }
            let result = verify(&mutated, &keys, opts(NOW));
            assert!(result.is_err(), "byte {i} ^ {mask:#x} was accepted");
            checked += 1;
        }
    }
    assert!(checked >= 3 * (text.len() - 1));
}

/// Every single-byte change of the decoded body (payload or signature), re-armoured, is rejected.
#[test]
fn every_tampered_body_byte_is_rejected() {
    let text = sign(&payload(), &key_a());
    let body = body_of(&text);
    let id = public(&key_a()).key_id();
    for i in 0..body.len() {
        let mut b = body.clone();
        b[i] ^= 0x01;
        assert_eq!(
            check(&armour("1", &id, &b)),
            Err(LicenseError::BadSignature),
            "body byte {i}"
        );
    }
}

/// A file cut off at any length is rejected; only dropping trailing whitespace keeps it valid.
#[test]
fn truncated_at_every_length_is_rejected() {
    let text = sign(&payload(), &key_a());
    let significant = text.trim_end().len();
    for n in 0..text.len() {
        let result = check(&text[..n]);
        if n < significant {
            assert!(result.is_err(), "truncated to {n} bytes was accepted");
        } else {
            assert_eq!(result.unwrap(), payload());
        }
    }
    // The same for the decoded body, re-armoured.
    let body = body_of(&text);
    let id = public(&key_a()).key_id();
    for n in 0..body.len() {
        assert!(
            check(&armour("1", &id, &body[..n])).is_err(),
            "body cut at {n}"
        );
    }
}

#[test]
fn public_key_from_bytes_rejects_non_points() {
    // Not every 32-byte string is a curve point; find one that is not.
    let bad = (0u8..=255)
        .map(|b| {
            let mut k = [0u8; 32];
            k[0] = b;
            k[31] = 0x7f;
            k
        })
        .find(|k| PublicKey::from_bytes(k).is_err());
    assert!(bad.is_some());
}
