//! Property test: `read_table` + `validate` never panic, whatever the bytes.

use kontor_import::{read_table, validate, Context, FileKind};
use proptest::prelude::*;

fn run(bytes: &[u8]) {
    for kind in [FileKind::Csv, FileKind::Xlsx] {
        if let Ok(t) = read_table(bytes, kind) {
            let p = validate(&t, &Context::default());
            assert!(p.valid.len() <= p.rows_found);
            assert!(t.rows.iter().all(|(row, _)| *row > t.header_row));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        run(&bytes);
    }

    /// Bytes from CSV's alphabet, so the quoting and header paths are reached, not just "binary".
    #[test]
    fn csv_like(
        head in prop::sample::select(vec!["E-mail;Name;Role;Licenses;Location\n", "User Name,Display Name\n", "E-Mail\tVorname\tNachname\r\n", ""]),
        body in proptest::collection::vec(
            prop::sample::select(vec!["a@b.de", "x", ";", ",", "\t", "\"", "\"\"", "\n", "\r\n", "\r", " ", "ä", "\u{feff}", "owner", "OFFICE|CAD", "sep="]),
            0..60,
        ),
    ) {
        let text = format!("{head}{}", body.concat());
        run(text.as_bytes());
        // The same text as UTF-16LE and Windows-1252.
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        run(&utf16);
        let latin: Vec<u8> = text.chars().map(|c| if (c as u32) < 256 { c as u8 } else { b'?' }).collect();
        run(&latin);
    }
}

/// The crafted `.xlsx` the fuzzer found (2026-12-02): a cell reference whose column letters overflow
/// calamine 0.38's `u32` arithmetic (`xlsx/mod.rs`, `get_row_and_optional_column`). With overflow checks on
/// (the dev profile and the fuzzer) calamine panicked; the workspace turns overflow checks off for calamine
/// alone (`[profile.dev.package.calamine]` in the root `Cargo.toml`, the fuzz workspace likewise), as release
/// builds always had them. Reading the file must give a table or an error, never a panic.
#[test]
fn crafted_xlsx_with_an_overflowing_cell_reference() {
    let bytes = include_bytes!("../fuzz/seeds/import/calamine-overflow.xlsx");
    run(bytes);
}
