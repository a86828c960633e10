//! Fuzz target: `read_table` (as CSV and as XLSX) + `validate` on arbitrary bytes must never panic.
#![no_main]

use std::collections::{HashMap, HashSet};

use kontor_import::{read_table, validate, Context, FileKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ctx = Context {
        products: vec![("OFFICE".into(), "Kontor Office".into())],
        free_seats: HashMap::from([("OFFICE".into(), 1)]),
        existing_emails: HashSet::from(["a@b.de".to_string()]),
        locations: vec![("l1".into(), "Berlin".into())],
    };
    for kind in [FileKind::Csv, FileKind::Xlsx] {
        if let Ok(table) = read_table(data, kind) {
            let preview = validate(&table, &ctx);
            assert!(preview.valid.len() <= preview.rows_found);
        }
    }
});
