//! End-to-end tests of `read_table` + `validate` on the fixture files (tests/fixtures/, written by
//! make_fixtures.py) and on files generated here (a 10 MB line, random bytes, .xlsx via rust_xlsxwriter).

use std::collections::{HashMap, HashSet};

use kontor_api::{NewUser, Role};
use kontor_import::{
    read_table, template_csv, template_csv_for, validate, Context, FileKind, ImportError, Preview,
    Problem, Reason, Table, Template,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ctx() -> Context {
    Context {
        products: vec![
            ("OFFICE".into(), "Kontor Office".into()),
            ("CAD".into(), "Kontor CAD".into()),
        ],
        free_seats: HashMap::from([("OFFICE".into(), 10), ("CAD".into(), 1)]),
        existing_emails: HashSet::from(["boss@firma.de".to_string()]),
        locations: vec![
            ("loc-ber".into(), "Berlin".into()),
            ("loc-muc".into(), "München".into()),
        ],
    }
}

fn user(email: &str, name: &str, role: Role, loc: Option<&str>, lic: &[&str]) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: name.into(),
        role,
        location_id: loc.map(str::to_string),
        licenses: lic.iter().map(|s| s.to_string()).collect(),
    }
}

fn problem(row: usize, column: &str, reason: Reason) -> Problem {
    Problem {
        row,
        column: column.into(),
        reason,
    }
}

fn preview(name: &str) -> (Table, Preview) {
    let bytes = fixture(name);
    let table = read_table(&bytes, FileKind::detect(name, &bytes)).unwrap();
    let preview = validate(&table, &ctx());
    (table, preview)
}

/// `(row, user)` of the valid rows.
fn valid(p: &Preview) -> Vec<(usize, NewUser)> {
    p.valid.iter().map(|v| (v.row, v.user.clone())).collect()
}

fn error(name: &str) -> ImportError {
    let bytes = fixture(name);
    read_table(&bytes, FileKind::detect(name, &bytes)).unwrap_err()
}

#[test]
fn utf8_bom_comma_with_quoted_separators() {
    let (t, p) = preview("utf8_bom_comma.csv");
    assert_eq!((t.encoding, t.separator), ("UTF-8", Some(',')));
    assert_eq!(
        t.headers,
        ["E-mail", "Name", "Role", "Licenses", "Location"]
    );
    assert_eq!(p.template, Template::Kontor);
    assert_eq!(p.rows_found, 2);
    assert_eq!(p.problems, []);
    assert_eq!(
        valid(&p),
        [
            (
                2,
                user(
                    "anna@firma.de",
                    "Anna Schäfer",
                    Role::User,
                    Some("loc-ber"),
                    &["OFFICE", "CAD"]
                )
            ),
            (
                3,
                user(
                    "ben@firma.de",
                    "Müller, Ben",
                    Role::Admin,
                    Some("loc-muc"),
                    &["OFFICE"]
                )
            ),
        ]
    );
}

#[test]
fn windows1252_semicolon_german_headers_trailing_blank_rows() {
    let (t, p) = preview("windows1252_semicolon.csv");
    assert_eq!((t.encoding, t.separator), ("windows-1252", Some(';')));
    assert_eq!(p.rows_found, 2);
    assert_eq!(p.problems, []);
    assert_eq!(
        valid(&p),
        [
            (
                2,
                user(
                    "jürgen.weiß@firma.de",
                    "Jürgen Weiß",
                    Role::User,
                    Some("loc-muc"),
                    &["OFFICE"]
                )
            ),
            (
                3,
                user("öznur@firma.de", "Öznur Güler", Role::Billing, None, &[])
            ),
        ]
    );
}

#[test]
fn utf16le_bom_tab() {
    let (t, p) = preview("utf16le_bom_tab.txt");
    assert_eq!((t.encoding, t.separator), ("UTF-16LE", Some('\t')));
    assert_eq!(p.problems, []);
    assert_eq!(
        valid(&p),
        [
            (
                2,
                user("carla@firma.de", "Carla Díaz", Role::Billing, None, &[])
            ),
            (
                3,
                user("dora@firma.de", "Dora Ďurišová", Role::User, None, &[])
            ),
        ]
    );
}

#[test]
fn utf16_without_bom_and_big_endian() {
    for (name, encoding, sep) in [
        ("utf16le_nobom_semicolon.csv", "UTF-16LE", ';'),
        ("utf16be_bom_comma.csv", "UTF-16BE", ','),
    ] {
        let (t, p) = preview(name);
        assert_eq!((t.encoding, t.separator), (encoding, Some(sep)), "{name}");
        assert_eq!(p.problems, [], "{name}");
        assert_eq!(
            valid(&p),
            [(
                2,
                user("emil@firma.de", "Emil Ødegård", Role::User, None, &[])
            )],
            "{name}"
        );
    }
}

#[test]
fn quoted_fields_with_separators_line_breaks_and_seats() {
    let (t, p) = preview("utf8_quoted_multiline.csv");
    assert_eq!((t.encoding, t.separator), ("UTF-8", Some(';')));
    // The line break inside row 3's quoted name keeps it one row: Gustav is row 4, not 5.
    assert_eq!(t.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(t.rows[1].1[1], "Frida\nLine");
    assert_eq!(
        valid(&p),
        [(
            2,
            user(
                "erik@firma.de",
                "Erik \"Ricky\" Berg",
                Role::User,
                Some("loc-ber"),
                &["OFFICE", "CAD"]
            )
        )]
    );
    assert_eq!(
        p.problems,
        [
            problem(3, "Name", Reason::InvalidCharacters),
            // CAD has one free seat; Erik (row 2) takes it.
            problem(
                4,
                "Licenses",
                Reason::NotEnoughSeats {
                    product: "CAD".into(),
                    missing: 1
                }
            ),
        ]
    );
}

#[test]
fn every_row_problem() {
    let (_, p) = preview("kontor_problems.csv");
    assert_eq!(p.rows_found, 8); // row 9 is blank
    assert_eq!(
        p.problems,
        [
            problem(2, "E-mail", Reason::InvalidEmail),
            problem(3, "E-mail", Reason::Required),
            problem(4, "Name", Reason::Required),
            problem(5, "E-mail", Reason::AlreadyExists),
            problem(6, "E-mail", Reason::DuplicateInFile { first_row: 4 }),
            problem(6, "Role", Reason::UnknownRole("root".into())),
            problem(7, "Role", Reason::OwnerNotAllowed),
            problem(8, "Licenses", Reason::UnknownLicense("FOO".into())),
            problem(8, "Location", Reason::UnknownLocation("Hamburg".into())),
        ]
    );
    assert_eq!(
        valid(&p),
        [(
            10,
            user(
                "fritz@firma.de",
                "Fritz F",
                Role::Admin,
                Some("loc-ber"),
                &["OFFICE"]
            )
        )]
    );
    assert_eq!(p.rows_with_problems(), 7);
    assert_eq!(
        p.problems[4].to_string(),
        "Row 6, column \"E-mail\": this e-mail address is already on row 4"
    );
}

#[test]
fn microsoft_365_template() {
    let (t, p) = preview("m365_template.csv");
    assert_eq!(t.headers.len(), 16);
    assert_eq!(p.template, Template::Microsoft365);
    assert_eq!(p.problems, []);
    assert_eq!(
        valid(&p),
        [
            (
                2,
                user("chris@contoso.com", "Chris Green", Role::User, None, &[])
            ),
            (
                3,
                user("ben@contoso.com", "Ben Andrews", Role::User, None, &[])
            ),
        ]
    );
}

#[test]
fn file_level_errors() {
    assert_eq!(
        error("broken_quote.csv"),
        ImportError::UnterminatedQuote { row: 2 }
    );
    assert_eq!(error("empty.csv"), ImportError::Empty);
    assert_eq!(error("blank_rows_only.csv"), ImportError::Empty);
    assert_eq!(error("headers_only.csv"), ImportError::HeadersOnly);
    assert_eq!(
        error("no_headers.csv"),
        ImportError::NoKnownHeaders {
            found: vec!["anna@firma.de".into(), "Anna".into()]
        }
    );
    assert_eq!(error("png_renamed.csv"), ImportError::NotText);
    assert_eq!(
        ImportError::UnterminatedQuote { row: 2 }.to_string(),
        "row 2: a quote (\") opens a field that is never closed"
    );
}

#[test]
fn sep_hint_and_leading_blank_rows() {
    let (t, p) = preview("sep_hint.csv");
    assert_eq!((t.separator, t.header_row), (Some(','), 2));
    assert_eq!(
        valid(&p),
        [(3, user("a@firma.de", "A;B", Role::User, None, &[]))]
    );
    let (t, p) = preview("leading_blank_rows.csv");
    assert_eq!(t.header_row, 3);
    assert_eq!(
        valid(&p),
        [(4, user("a@firma.de", "A", Role::User, None, &[]))]
    );
}

#[test]
fn ten_megabyte_line() {
    let mut csv = b"E-mail;Name\r\na@firma.de;A\r\nb@firma.de;".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    csv.extend(b"\r\nc@firma.de;C\r\n");
    assert_eq!(
        read_table(&csv, FileKind::Csv),
        Err(ImportError::LineTooLong { row: 3 })
    );
    // Also inside a quoted field, and at the end of the file without a line break.
    let mut quoted = b"E-mail;Name\r\nb@firma.de;\"".to_vec();
    quoted.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    quoted.push(b'"');
    assert_eq!(
        read_table(&quoted, FileKind::Csv),
        Err(ImportError::LineTooLong { row: 2 })
    );
}

#[test]
fn long_field() {
    let mut csv = b"E-mail;Name\r\nb@firma.de;".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 70 * 1024));
    assert_eq!(
        read_table(&csv, FileKind::Csv),
        Err(ImportError::FieldTooLong {
            row: 2,
            column: "Name".into()
        })
    );
}

#[test]
fn random_binary_renamed_csv() {
    // A fixed xorshift stream: binary, no BOM, not UTF-16-looking.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..100_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    assert_eq!(
        read_table(&bytes, FileKind::detect("users.csv", &bytes)),
        Err(ImportError::NotText)
    );
}

#[test]
fn other_formats_named_csv() {
    assert_eq!(
        read_table(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", FileKind::Csv),
        Err(ImportError::LegacyXls)
    );
    // A zip that is no workbook: detected as xlsx, refused by calamine with a clear error.
    let e = read_table(
        b"PK\x03\x04garbage",
        FileKind::detect("users.csv", b"PK\x03\x04"),
    )
    .unwrap_err();
    assert!(matches!(e, ImportError::Xlsx(_)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("the Excel workbook cannot be read"),
        "{e}"
    );
    assert_eq!(FileKind::detect("Users.XLSX", b"x"), FileKind::Xlsx);
    assert_eq!(FileKind::detect("users.txt", b"x"), FileKind::Csv);
}

fn xlsx(write: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    write(book.add_worksheet());
    book.add_worksheet()
        .write_string(0, 0, "second sheet, ignored")
        .unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_first_sheet_numbers_dates_blank_rows() {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let bytes = xlsx(|s| {
        // Starts at B2 (row 2): a blank first row and column as people leave them.
        for (c, h) in [
            "E-Mail",
            "Anzeigename",
            "Rolle",
            "Lizenzen",
            "Standort",
            "Personalnummer",
            "Eintritt",
        ]
        .iter()
        .enumerate()
        {
            s.write_string(1, c as u16 + 1, *h).unwrap();
        }
        s.write_string(2, 1, "hanna@firma.de").unwrap();
        s.write_string(2, 2, "Hanna Höß").unwrap();
        s.write_string(2, 3, "Administrator").unwrap();
        s.write_string(2, 4, "Kontor Office; CAD").unwrap();
        s.write_string(2, 5, "Berlin").unwrap();
        s.write_number(2, 6, 4711.0).unwrap();
        let date = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
        s.write_datetime_with_format(2, 7, &date, &Format::new().set_num_format("dd.mm.yyyy"))
            .unwrap();
        // Row 4 blank; row 5 has a number as name and a bad e-mail.
        s.write_string(4, 1, "kein-mail").unwrap();
        s.write_number(4, 2, 12.5).unwrap();
    });
    // Named .csv by mistake: the zip magic wins.
    let kind = FileKind::detect("users.csv", &bytes);
    assert_eq!(kind, FileKind::Xlsx);
    let t = read_table(&bytes, kind).unwrap();
    assert_eq!((t.encoding, t.separator, t.header_row), ("xlsx", None, 2));
    assert_eq!(t.headers[0], "E-Mail");
    assert_eq!(
        t.rows,
        [
            (
                3,
                [
                    "hanna@firma.de",
                    "Hanna Höß",
                    "Administrator",
                    "Kontor Office; CAD",
                    "Berlin",
                    "4711",
                    "2024-03-01"
                ]
                .map(String::from)
                .to_vec()
            ),
            (
                5,
                ["kein-mail", "12.5", "", "", "", "", ""]
                    .map(String::from)
                    .to_vec()
            ),
        ]
    );
    let p = validate(&t, &ctx());
    assert_eq!(
        valid(&p),
        [(
            3,
            user(
                "hanna@firma.de",
                "Hanna Höß",
                Role::Admin,
                Some("loc-ber"),
                &["OFFICE", "CAD"]
            )
        )]
    );
    assert_eq!(p.problems, [problem(5, "E-Mail", Reason::InvalidEmail)]);
}

#[test]
fn xlsx_empty_and_headers_only() {
    assert_eq!(
        read_table(&xlsx(|_| {}), FileKind::Xlsx),
        Err(ImportError::Empty)
    );
    let only = xlsx(|s| {
        s.write_string(0, 0, "User Name").unwrap();
        s.write_string(0, 1, "Display Name").unwrap();
    });
    assert_eq!(
        read_table(&only, FileKind::Xlsx),
        Err(ImportError::HeadersOnly)
    );
}

#[test]
fn templates_round_trip() {
    for german in [false, true] {
        let csv = template_csv(german);
        assert!(csv.starts_with('\u{FEFF}'));
        let t = read_table(csv.as_bytes(), FileKind::Csv).unwrap();
        assert_eq!((t.encoding, t.separator), ("UTF-8", Some(';')));
        let p = validate(&t, &ctx());
        assert_eq!(p.template, Template::Kontor);
        assert_eq!(p.problems, []);
        assert_eq!(p.valid.len(), 2);
        assert_eq!(p.valid[1].user.display_name, "Jörg Müller");
        assert_eq!(p.valid[1].user.role, Role::Admin);
    }
    assert!(template_csv(true).contains("E-Mail;Anzeigename;Rolle;Lizenzen;Standort\r\n"));
}

#[test]
fn templates_show_licenses_and_location_with_the_accounts_values() {
    let c = ctx();
    let (code, name) = c.products[0].clone();
    let second = c.products[1].1.clone();
    let location = c.locations[0].1.clone();
    for german in [false, true] {
        let csv = template_csv_for(
            german,
            &[name.as_str(), second.as_str()],
            Some(location.as_str()),
        );
        let t = read_table(csv.as_bytes(), FileKind::Csv).unwrap();
        let p = validate(&t, &c);
        assert_eq!(p.problems, [], "{csv}");
        assert_eq!(p.valid.len(), 2);
        assert_eq!(p.valid[0].user.licenses, vec![code.clone()]);
        assert_eq!(p.valid[1].user.licenses.len(), 2, "{csv}");
        assert!(
            p.valid.iter().all(|v| v.user.location_id.is_some()),
            "{csv}"
        );
        assert!(
            csv.contains(&format!("{name}, {second};{location}\r\n")),
            "{csv}"
        );
    }
}

#[test]
fn seats_first_come_first_served() {
    let csv = "E-mail;Name;Licenses\n\
               a@f.de;A;CAD\n\
               b@f.de;B;CAD, OFFICE\n\
               c@f.de;C;OFFICE\n\
               d@f.de;D;cad\n";
    let t = read_table(csv.as_bytes(), FileKind::Csv).unwrap();
    let mut ctx = ctx();
    ctx.free_seats.insert("OFFICE".into(), 1);
    let p = validate(&t, &ctx);
    // A takes the CAD seat; B lacks CAD and so takes no OFFICE seat either; C gets OFFICE.
    assert_eq!(p.valid.iter().map(|v| v.row).collect::<Vec<_>>(), [2, 4]);
    let short = |row| {
        problem(
            row,
            "Licenses",
            Reason::NotEnoughSeats {
                product: "CAD".into(),
                missing: 2,
            },
        )
    };
    assert_eq!(p.problems, [short(3), short(5)]);
}

#[test]
fn hand_built_table_without_usable_headers() {
    let t = Table {
        headers: vec!["Foo".into()],
        header_row: 1,
        rows: vec![(2, vec!["x".into()])],
        encoding: "UTF-8",
        separator: Some(';'),
    };
    let p = validate(&t, &ctx());
    assert_eq!(p.rows_found, 1);
    assert_eq!(p.problems, [problem(1, "", Reason::NoKnownHeaders)]);
}

#[test]
fn serialised_shapes() {
    let p = problem(
        4,
        "Licenses",
        Reason::NotEnoughSeats {
            product: "CAD".into(),
            missing: 2,
        },
    );
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        serde_json::json!({
            "row": 4, "column": "Licenses",
            "reason": {"code": "not_enough_seats", "detail": {"product": "CAD", "missing": 2}},
            "message": "Row 4, column \"Licenses\": not enough free seats for CAD (2 more needed for this file)"
        })
    );
    assert_eq!(
        serde_json::to_value(Reason::Required).unwrap(),
        serde_json::json!({"code": "required"})
    );
    assert_eq!(
        serde_json::to_value(Reason::UnknownRole("root".into())).unwrap(),
        serde_json::json!({"code": "unknown_role", "detail": "root"})
    );
    assert_eq!(ImportError::LineTooLong { row: 3 }.code(), "line_too_long");
}

#[test]
fn the_email_column_is_the_one_validate_reads() {
    // Kontor's template: `E-Mail` wins over a `User Name` column before it.
    let csv = "User Name;E-Mail;Name\nx@example.com;Anna@Example.COM;Anna\n;kaputt;Bob\n";
    let table = read_table(csv.as_bytes(), FileKind::Csv).unwrap();
    assert_eq!(table.email_column(), Some(1));
    assert_eq!(table.valid_emails(), vec!["anna@example.com".to_string()]);
    let p = validate(&table, &ctx());
    assert_eq!(p.valid[0].user.email, "anna@example.com");
    // Microsoft 365: `User Name` is the address.
    let csv = "User Name,First Name,Last Name,Display Name\nboss@firma.de,A,B,A B\n";
    let table = read_table(csv.as_bytes(), FileKind::Csv).unwrap();
    assert_eq!(table.email_column(), Some(0));
    assert_eq!(table.valid_emails(), vec!["boss@firma.de".to_string()]);
}
