//! `check` and the XML without outside tools: every rule refuses what it should (with the field named),
//! the samples pass, the XML escapes text and states a credit note positive with its reference.
use kontor_invoice::testing::{self, fill_totals, line};
use kontor_invoice::{check, cii_xml, pdf, Error, Invoice, Kind, Payment};

fn field_of(inv: &Invoice) -> &'static str {
    match check(inv) {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_samples_pass() {
    for (name, inv) in testing::all() {
        assert_eq!(check(&inv), Ok(()), "{name}");
    }
}

#[test]
fn totals_must_be_the_sums_of_the_lines() {
    let mut inv = testing::domestic();
    inv.net_cents += 1;
    assert_eq!(field_of(&inv), "net_cents");
    let mut inv = testing::domestic();
    inv.vat_cents -= 1;
    assert_eq!(field_of(&inv), "vat_cents");
    let mut inv = testing::domestic();
    inv.gross_cents += 1;
    assert_eq!(field_of(&inv), "gross_cents");
}

#[test]
fn a_line_is_quantity_times_price_with_its_vat_rounded() {
    let mut inv = testing::domestic();
    inv.lines[1].net_cents += 1;
    inv.lines[1].vat_cents = inv.lines[1].net_cents * 19 / 100;
    fill_totals(&mut inv);
    assert_eq!(field_of(&inv), "lines.net_cents");

    // 3 × 3.33 = 9.99 at 19 % is 1.8981: 1.90 is right, 1.89 and 1.91 are not.
    let mut inv = testing::domestic();
    assert_eq!(inv.lines[2].vat_cents, 190);
    for wrong in [189, 191] {
        inv.lines[2].vat_cents = wrong;
        fill_totals(&mut inv);
        assert_eq!(field_of(&inv), "lines.vat_cents", "{wrong}");
    }
    // An exact half cent may go either way (half up or half even): 2.50 at 7 % is 0.175.
    let mut inv = testing::domestic();
    inv.lines = vec![line(1, "x", 1, 250, 700)];
    for vat in [17, 18] {
        inv.lines[0].vat_cents = vat;
        fill_totals(&mut inv);
        assert_eq!(check(&inv), Ok(()), "{vat}");
    }

    let mut inv = testing::domestic();
    inv.lines[0].quantity = 0;
    inv.lines[0].net_cents = 0;
    inv.lines[0].vat_cents = 0;
    fill_totals(&mut inv);
    assert_eq!(field_of(&inv), "lines.quantity");

    let mut inv = testing::domestic();
    inv.lines[1].position = inv.lines[0].position;
    assert_eq!(field_of(&inv), "lines.position");

    let mut inv = testing::domestic();
    inv.lines.clear();
    fill_totals(&mut inv);
    assert_eq!(field_of(&inv), "lines");
}

#[test]
fn reverse_charge_means_zero_vat_and_a_buyer_vat_id() {
    let mut inv = testing::reverse_charge();
    inv.lines[0] = line(1, "x", 1, 1000, 1900);
    fill_totals(&mut inv);
    assert_eq!(field_of(&inv), "lines.vat_rate_bp");

    let mut inv = testing::reverse_charge();
    inv.buyer.vat_id = None;
    assert_eq!(field_of(&inv), "buyer.vat_id");

    // And 0 % without reverse charge is not a category this crate writes.
    let mut inv = testing::domestic();
    inv.lines[0] = line(1, "x", 1, 1000, 0);
    fill_totals(&mut inv);
    assert_eq!(field_of(&inv), "lines.vat_rate_bp");
}

#[test]
fn a_credit_note_is_negative_and_an_invoice_is_not() {
    let mut inv = testing::credit_note();
    inv.lines = vec![line(1, "x", 2, 2450, 1900)];
    fill_totals(&mut inv);
    assert_eq!(field_of(&inv), "net_cents");

    let mut inv = testing::domestic();
    inv.lines = vec![line(1, "x", -2, 2450, 1900)];
    fill_totals(&mut inv);
    assert_eq!(field_of(&inv), "net_cents");

    let mut inv = testing::credit_note();
    inv.kind = Kind::CreditNote {
        corrects_number: " ".into(),
        corrects_issued_on: inv.issued_on,
    };
    assert_eq!(field_of(&inv), "kind.corrects_number");
}

#[test]
fn xrechnung_needs_the_buyer_email_and_the_seller_phone() {
    let mut inv = testing::xrechnung();
    inv.buyer.emails.clear();
    assert_eq!(field_of(&inv), "buyer.emails");

    let mut seller = testing::seller();
    seller.phone = None;
    let err = cii_xml(&testing::xrechnung(), &seller).expect_err("no phone");
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "seller.phone",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        cii_xml(&testing::domestic(), &seller).is_ok(),
        "Factur-X does not need the phone"
    );
}

#[test]
fn required_fields_and_codes() {
    let mut inv = testing::domestic();
    inv.number = "".into();
    assert_eq!(field_of(&inv), "number");
    let mut inv = testing::domestic();
    inv.currency = "eur".into();
    assert_eq!(field_of(&inv), "currency");
    let mut inv = testing::domestic();
    inv.buyer.address.country = "Deutschland".into();
    assert_eq!(field_of(&inv), "buyer.address.country");
    let mut inv = testing::domestic();
    inv.period_end = inv.period_start.previous_day().expect("a day before");
    assert_eq!(field_of(&inv), "period_end");
    let mut inv = testing::sepa();
    if let Payment::SepaDebit {
        mandate_reference, ..
    } = &mut inv.payment
    {
        mandate_reference.clear();
    }
    assert_eq!(field_of(&inv), "payment.mandate_reference");
    let mut seller = testing::seller();
    seller.vat_id.clear();
    assert!(matches!(
        pdf(&testing::domestic(), &seller),
        Err(Error::Invalid {
            field: "seller.vat_id",
            ..
        })
    ));
}

#[test]
fn the_xml_escapes_text_and_writes_cents_as_decimals() {
    let xml = cii_xml(&testing::domestic(), &testing::seller()).expect("xml");
    assert!(
        xml.contains("<ram:Name>Müller &amp; Söhne &lt;Bau&gt; GmbH</ram:Name>"),
        "{xml}"
    );
    assert!(xml.contains("Gebäude &quot;Süd&quot;, 3. OG"));
    assert!(!xml.contains("<Bau>"));
    assert!(xml.contains("<ram:GrandTotalAmount>955.56</ram:GrandTotalAmount>"));
    assert!(xml.contains("<ram:TaxTotalAmount currencyID=\"EUR\">152.57</ram:TaxTotalAmount>"));
    assert!(xml.contains("<ram:ChargeAmount>3.33</ram:ChargeAmount>"));
    assert!(
        xml.contains("<udt:DateTimeString format=\"102\">20261215</udt:DateTimeString>"),
        "due date"
    );
    assert!(xml.contains("<ram:TypeCode>58</ram:TypeCode>"));
    assert!(xml.contains("<ram:IBANID>DE89370400440532013000</ram:IBANID>"));
}

#[test]
fn a_credit_note_is_381_positive_with_the_corrected_invoice() {
    let inv = testing::credit_note();
    assert!(inv.gross_cents < 0);
    let xml = cii_xml(&inv, &testing::seller()).expect("xml");
    assert!(xml.contains("<ram:TypeCode>381</ram:TypeCode>"));
    assert!(
        xml.contains("<ram:GrandTotalAmount>58.31</ram:GrandTotalAmount>"),
        "{xml}"
    );
    assert!(xml.contains("<ram:BilledQuantity unitCode=\"C62\">2</ram:BilledQuantity>"));
    assert!(xml.contains("<ram:LineTotalAmount>49.00</ram:LineTotalAmount>"));
    assert!(xml.contains(
        "<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>2026-000123</ram:IssuerAssignedID>\
         <ram:FormattedIssueDateTime><qdt:DateTimeString format=\"102\">20261201</qdt:DateTimeString>"
    ));
    assert!(!xml.contains(">-"), "no negative amount in a 381: {xml}");
}

#[test]
fn sepa_and_reverse_charge_and_xrechnung_fields() {
    let xml = cii_xml(&testing::sepa(), &testing::seller()).expect("xml");
    assert!(xml.contains("<ram:CreditorReferenceID>DE98ZZZ09999999999</ram:CreditorReferenceID>"));
    assert!(xml.contains("<ram:TypeCode>59</ram:TypeCode>"));
    assert!(xml.contains("<ram:DirectDebitMandateID>KONTOR-M-000042</ram:DirectDebitMandateID>"));
    assert!(xml
        .contains("<ram:PayerPartyDebtorFinancialAccount><ram:IBANID>DE89 •••• 3000</ram:IBANID>"));

    let xml = cii_xml(&testing::reverse_charge(), &testing::seller()).expect("xml");
    assert!(xml.contains("<ram:CategoryCode>AE</ram:CategoryCode><ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>"));
    assert!(xml.contains("<ram:RateApplicablePercent>0.00</ram:RateApplicablePercent>"));
    assert!(xml.contains("<ram:ID schemeID=\"VA\">ATU13585627</ram:ID>"));

    let xml = cii_xml(&testing::xrechnung(), &testing::seller()).expect("xml");
    assert!(xml.contains("<ram:BuyerReference>05315-12345-67</ram:BuyerReference>"));
    assert!(xml.contains("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"));
    assert_eq!(
        kontor_invoice::xml_file_name(&testing::xrechnung()),
        "xrechnung.xml"
    );
    assert_eq!(
        kontor_invoice::xml_file_name(&testing::domestic()),
        "factur-x.xml"
    );
}

#[test]
fn rendering_is_pure_the_same_invoice_gives_the_same_bytes() {
    let a = pdf(&testing::domestic(), &testing::seller()).expect("pdf");
    let b = pdf(&testing::domestic(), &testing::seller()).expect("pdf");
    assert_eq!(a, b);
    let c = pdf(&testing::sepa(), &testing::seller()).expect("pdf");
    assert_ne!(a, c);
}

#[test]
fn characters_the_font_lacks_do_not_break_the_pdf_a() {
    let mut inv = testing::domestic();
    inv.buyer.address.name = "株式会社 Kontor \u{1F600} \u{200B}".into();
    inv.lines[0].description = "Ünïcödé € – ✓ 中文".into();
    let bytes = pdf(&inv, &testing::seller()).expect("pdf");
    assert!(bytes.len() > 1000);
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The decimal number at the start of `bytes` (after spaces).
fn number(bytes: &[u8]) -> usize {
    let text: String = bytes
        .iter()
        .map(|&b| b as char)
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    text.parse().expect("a number")
}

/// Every object the cross-reference table lists starts exactly at its offset, `startxref` points at the
/// table, and the metadata stream's `/Length` is its length: the Factur-X XMP step (which grows the metadata
/// stream) left the file consistent.
#[test]
fn the_cross_reference_table_points_at_every_object() {
    for (name, inv) in testing::all() {
        let bytes = pdf(&inv, &testing::seller()).expect("pdf");
        let xref = number(&bytes[rfind(&bytes, b"startxref").expect("startxref") + 9..]);
        assert!(
            bytes[xref..].starts_with(b"xref"),
            "{name}: startxref does not point at the table"
        );
        let table_end = xref + find(&bytes[xref..], b"trailer").expect("trailer");
        let table = String::from_utf8(bytes[xref..table_end].to_vec()).expect("ASCII table");
        let mut lines = table.lines().skip(1);
        let mut checked = 0;
        while let Some(header) = lines.next() {
            let mut parts = header.split_whitespace();
            let first: usize = parts.next().expect("first").parse().expect("first");
            let count: usize = parts.next().expect("count").parse().expect("count");
            for id in first..first + count {
                let entry = lines.next().expect("entry");
                if entry.trim_end().ends_with('n') {
                    let offset: usize = entry[..10].parse().expect("offset");
                    let want = format!("{id} 0 obj");
                    assert!(
                        bytes[offset..].starts_with(want.as_bytes()),
                        "{name}: object {id} is not at {offset}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 10, "{name}: only {checked} objects");
        let meta = find(&bytes, b"<fx:DocumentFileName>").expect("fx properties in the XMP");
        let obj = rfind(&bytes[..meta], b" 0 obj").expect("the metadata object");
        let dict_end = obj + find(&bytes[obj..], b"stream").expect("stream");
        let length =
            number(&bytes[obj + find(&bytes[obj..dict_end], b"/Length ").expect("/Length") + 8..]);
        let data = dict_end + "stream".len() + 1;
        let after: Vec<u8> = bytes[data + length..]
            .iter()
            .copied()
            .skip_while(|b| b.is_ascii_whitespace())
            .take(9)
            .collect();
        assert_eq!(
            after, b"endstream",
            "{name}: the metadata stream's /Length is wrong"
        );
    }
}

#[test]
fn a_huge_description_and_huge_numbers_still_render() {
    let mut inv = testing::domestic();
    let word = "Lizenzverlängerung ";
    inv.lines[0].description = word.repeat(2_000);
    inv.lines
        .push(line(4, &"x".repeat(3_000), 9_999, 99_999_999, 1900));
    fill_totals(&mut inv);
    let bytes = pdf(&inv, &testing::seller()).expect("pdf");
    assert!(bytes.len() > 1000);
    let xml = cii_xml(&inv, &testing::seller()).expect("xml");
    assert!(
        xml.contains(&word.repeat(2_000)),
        "the XML keeps the whole text"
    );
}
