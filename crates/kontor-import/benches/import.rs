//! Benchmark: a generated 100,000-row Kontor-template CSV through `read_table` + `validate` (goal ≤ 1 s),
//! against the bare `csv` crate reading the same bytes into `StringRecord`s. Median of 5 runs each.
//! Run: `cargo bench -p kontor-import`.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use kontor_import::{read_table, validate, Context, FileKind};

const ROWS: usize = 100_000;

const FIRST: &[&str] = &[
    "Jürgen", "Anna", "Özlem", "Björn", "Käthe", "Lukas", "Sören", "Marie", "Jörg", "Lea",
];
const LAST: &[&str] = &[
    "Müller", "Schäfer", "Weiß", "Groß", "Bäcker", "Schmidt", "Köhler", "Fuß", "Meier", "Brügge",
];
const ROLES: &[&str] = &[
    "Benutzer",
    "Benutzer",
    "Benutzer",
    "Administrator",
    "Buchhaltung",
    "",
];
const LICENSES: &[&str] = &[
    "OFFICE",
    "CAD",
    "OFFICE, CAD",
    "Kontor Office",
    "OFFICE|PDF",
    "PDF",
];
const LOCATIONS: &[&str] = &["Berlin", "München", "", "Köln", "Hamburg"];

/// The Kontor template (German), UTF-8 with BOM, `;`, CRLF; about 8 MB.
fn generate() -> Vec<u8> {
    let mut s = String::from("\u{FEFF}E-Mail;Anzeigename;Rolle;Lizenzen;Standort\r\n");
    for i in 0..ROWS {
        let (f, l) = (FIRST[i % FIRST.len()], LAST[(i / 7) % LAST.len()]);
        let lic = LICENSES[i % LICENSES.len()];
        let lic = if lic.contains(',') {
            format!("\"{lic}\"")
        } else {
            lic.to_string()
        };
        s.push_str(&format!(
            "{}.{}{i}@firma.de;{f} {l};{};{lic};{}\r\n",
            f.to_lowercase(),
            l.to_lowercase(),
            ROLES[i % ROLES.len()],
            LOCATIONS[i % LOCATIONS.len()],
        ));
    }
    s.into_bytes()
}

fn context() -> Context {
    Context {
        products: vec![
            ("OFFICE".into(), "Kontor Office".into()),
            ("CAD".into(), "Kontor CAD".into()),
            ("PDF".into(), "Kontor PDF".into()),
        ],
        free_seats: HashMap::from([
            ("OFFICE".into(), 200_000),
            ("CAD".into(), 200_000),
            ("PDF".into(), 200_000),
        ]),
        existing_emails: (0..1000)
            .map(|i| format!("user{i}@firma.de"))
            .collect::<HashSet<_>>(),
        locations: vec![
            ("l1".into(), "Berlin".into()),
            ("l2".into(), "München".into()),
            ("l3".into(), "Köln".into()),
            ("l4".into(), "Hamburg".into()),
        ],
    }
}

fn median(mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut out = 0;
    for _ in 0..5 {
        let t = Instant::now();
        out = std::hint::black_box(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[2], out)
}

fn main() {
    let bytes = generate();
    let ctx = context();
    let (base, records) = median(|| {
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&bytes[..]);
        let mut rec = csv::StringRecord::new();
        let mut n = 0;
        while r.read_record(&mut rec).unwrap() {
            n += 1;
        }
        n
    });
    let (read, rows) = median(|| read_table(&bytes, FileKind::Csv).unwrap().rows.len());
    let table = read_table(&bytes, FileKind::Csv).unwrap();
    let (check, valid) = median(|| validate(&table, &ctx).valid.len());
    let (total, _) = median(|| {
        validate(&read_table(&bytes, FileKind::Csv).unwrap(), &ctx)
            .valid
            .len()
    });
    assert_eq!((records, rows, valid), (ROWS, ROWS, ROWS));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "input: {ROWS} rows, {:.1} MB (UTF-8 BOM, ';', Kontor template)",
        bytes.len() as f64 / 1e6
    );
    println!("baseline csv crate -> StringRecord:  {:8.1} ms", ms(base));
    println!("read_table:                          {:8.1} ms", ms(read));
    println!("validate:                            {:8.1} ms", ms(check));
    println!(
        "read_table + validate:               {:8.1} ms  (goal <= 1000 ms)",
        ms(total)
    );
    println!(
        "ratio (read_table + validate) / baseline: {:.1}x",
        ms(total) / ms(base)
    );
}
