//! The billing validators (issue 8), pure and table-driven, shared by the server (authoritative) and
//! whoever wants to check while typing: IBAN (ISO 13616, every SEPA country's length and BBAN format,
//! mod-97), BIC (ISO 9362, country consistent with the IBAN's), EU VAT IDs (27 countries and `XI`, with the
//! check digit where one is defined), postal codes, SEPA creditor identifiers, Leitweg-IDs (XRechnung
//! routing, ISO 7064 MOD 97-10) and the masked IBAN that is all that leaves the server.
//!
//! Normalising is limited to what people type: ASCII spaces (and for VAT IDs dots and hyphens) go and
//! lower case becomes upper case. Anything else that is not plain ASCII — a Cyrillic `А`, a full-width
//! digit, a zero-width space — is refused, never "fixed".

use crate::billing_details::{
    BankAccount, BillingAddress, BillingField, BillingFieldError, BillingProblem,
    MAX_ACCOUNT_HOLDER, MAX_ADDRESS_TEXT, MAX_BIC_INPUT, MAX_INVOICE_EMAILS, MAX_LEITWEG_ID,
    MAX_POSTAL_CODE, MAX_PO_REFERENCE,
};

/// The SEPA countries and territories with their own IBAN prefix: country, IBAN length, BBAN format in
/// the IBAN registry's notation (`n` digit, `a` upper-case letter, `c` letter or digit, each with a count).
/// The 36 SEPA countries (EU 27, IS, LI, NO, CH, GB, MC, SM, AD, VA) and Gibraltar (`GI`).
pub const SEPA_IBAN_FORMATS: [(&str, usize, &str); 37] = [
    ("AD", 24, "4n4n12c"),
    ("AT", 20, "5n11n"),
    ("BE", 16, "3n7n2n"),
    ("BG", 22, "4a4n2n8c"),
    ("CH", 21, "5n12c"),
    ("CY", 28, "3n5n16c"),
    ("CZ", 24, "4n6n10n"),
    ("DE", 22, "8n10n"),
    ("DK", 18, "4n9n1n"),
    ("EE", 20, "2n2n11n1n"),
    ("ES", 24, "4n4n1n1n10n"),
    ("FI", 18, "3n11n"),
    ("FR", 27, "5n5n11c2n"),
    ("GB", 22, "4a6n8n"),
    ("GI", 23, "4a15c"),
    ("GR", 27, "3n4n16c"),
    ("HR", 21, "7n10n"),
    ("HU", 28, "3n4n1n15n1n"),
    ("IE", 22, "4a6n8n"),
    ("IS", 26, "4n2n6n10n"),
    ("IT", 27, "1a5n5n12c"),
    ("LI", 21, "5n12c"),
    ("LT", 20, "5n11n"),
    ("LU", 20, "3n13c"),
    ("LV", 21, "4a13c"),
    ("MC", 27, "5n5n11c2n"),
    ("MT", 31, "4a5n18c"),
    ("NL", 18, "4a10n"),
    ("NO", 15, "4n6n1n"),
    ("PL", 28, "8n16n"),
    ("PT", 25, "4n4n11n2n"),
    ("RO", 24, "4a16c"),
    ("SE", 24, "3n16n1n"),
    ("SI", 19, "5n8n2n"),
    ("SK", 24, "4n6n10n"),
    ("SM", 27, "1a5n5n12c"),
    ("VA", 22, "3n15n"),
];

/// Longest IBAN input accepted before normalising (34 characters plus spaces).
pub const MAX_IBAN_INPUT: usize = 64;

/// Why an IBAN is refused (all are `invalid_iban` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IbanError {
    Empty,
    /// A character that is not an ASCII letter, digit or space (look-alikes, zero-width, punctuation).
    Characters,
    /// Not the code of a SEPA country.
    Country,
    /// Not this country's length.
    Length,
    /// The BBAN does not have the country's format (e.g. the letter O where a digit belongs).
    Format,
    /// The mod-97 check fails.
    Checksum,
}

impl IbanError {
    pub fn problem(self) -> BillingProblem {
        match self {
            IbanError::Empty => BillingProblem::Required,
            IbanError::Characters => BillingProblem::IbanCharacters,
            IbanError::Country => BillingProblem::IbanCountry,
            IbanError::Length => BillingProblem::IbanLength,
            IbanError::Format | IbanError::Checksum => BillingProblem::IbanChecksum,
        }
    }
}

/// Does `s` match a format like `4a6n8n` exactly?
fn matches_format(s: &str, format: &str) -> bool {
    let bytes = s.as_bytes();
    let mut pos = 0usize;
    let mut count = 0usize;
    for f in format.bytes() {
        if f.is_ascii_digit() {
            count = count * 10 + usize::from(f - b'0');
            continue;
        }
        let ok = |b: u8| match f {
            b'n' => b.is_ascii_digit(),
            b'a' => b.is_ascii_uppercase(),
            _ => b.is_ascii_uppercase() || b.is_ascii_digit(),
        };
        for _ in 0..count {
            match bytes.get(pos) {
                Some(&b) if ok(b) => pos += 1,
                _ => return false,
            }
        }
        count = 0;
    }
    pos == bytes.len()
}

/// ISO 7064 MOD 97-10 over upper-case letters and digits (letters count as 10..35); `None` for any other
/// character.
fn mod97(s: &str) -> Option<u32> {
    let mut r: u32 = 0;
    for c in s.chars() {
        let v = c.to_digit(36)?;
        if c.is_ascii_lowercase() {
            return None;
        }
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    Some(r)
}

/// Drops ASCII spaces and upper-cases ASCII letters; any other non-alphanumeric character is an error.
fn compact(raw: &str, also_drop: &[char]) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for c in raw.trim_matches(' ').chars() {
        if c == ' ' || also_drop.contains(&c) {
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            return None;
        }
        out.push(c.to_ascii_uppercase());
    }
    Some(out)
}

/// The IBAN in its electronic form (no spaces, upper case), or why not.
pub fn iban(raw: &str) -> Result<String, IbanError> {
    if raw.trim().is_empty() {
        return Err(IbanError::Empty);
    }
    if raw.len() > MAX_IBAN_INPUT {
        return Err(IbanError::Length);
    }
    let s = compact(raw, &[]).ok_or(IbanError::Characters)?;
    let country = s.get(..2).ok_or(IbanError::Length)?;
    let Some((_, len, format)) = SEPA_IBAN_FORMATS.iter().find(|(c, _, _)| *c == country) else {
        return Err(IbanError::Country);
    };
    if s.len() != *len {
        return Err(IbanError::Length);
    }
    let check = &s[2..4];
    if !check.bytes().all(|b| b.is_ascii_digit()) || !matches_format(&s[4..], format) {
        return Err(IbanError::Format);
    }
    let rearranged = format!("{}{}", &s[4..], &s[..4]);
    if mod97(&rearranged) != Some(1) {
        return Err(IbanError::Checksum);
    }
    Ok(s)
}

/// The masked form of a normalised IBAN, in groups of four: country, check digits and the last four
/// characters shown (`DE89 **** **** **** **30 00`). This is all of an IBAN that leaves the server.
pub fn mask_iban(iban: &str) -> String {
    let n = iban.chars().count();
    let masked: String = iban
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 4 || i + 4 >= n { c } else { '*' })
        .collect();
    let mut out = String::with_capacity(masked.len() + masked.len() / 4);
    for (i, c) in masked.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Countries whose banks' BICs may carry another country code than the IBAN (territories in the IBAN
/// country's scheme): IBAN country, BIC countries also accepted. Gibraltar (`GI`) has its own IBAN; the
/// Channel Islands and the Isle of Man use `GB` IBANs, Åland `FI`, and the French overseas departments and
/// collectivities `FR`.
pub const BIC_COUNTRY_EXCEPTIONS: [(&str, &[&str]); 3] = [
    ("GB", &["GG", "JE", "IM"]),
    ("FI", &["AX"]),
    (
        "FR",
        &[
            "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF",
        ],
    ),
];

/// A BIC per ISO 9362 (8 or 11 characters: bank `4a`, country `2a`, location `2c`, branch `3c`),
/// normalised; if `iban_country` is given, the BIC's country must be it (or one of its exceptions).
pub fn bic(raw: &str, iban_country: Option<&str>) -> Result<String, BillingProblem> {
    if raw.trim().is_empty() {
        return Err(BillingProblem::Required);
    }
    let s = compact(raw, &[]).ok_or(BillingProblem::InvalidBic)?;
    let shape = matches_format(&s, "4a2a2c") || matches_format(&s, "4a2a2c3c");
    if !shape || !crate::countries::is_country(&s[4..6]) {
        return Err(BillingProblem::InvalidBic);
    }
    if let Some(ic) = iban_country {
        let bc = &s[4..6];
        let excepted = BIC_COUNTRY_EXCEPTIONS
            .iter()
            .any(|(i, others)| *i == ic && others.contains(&bc));
        if bc != ic && !excepted {
            return Err(BillingProblem::BicCountryMismatch);
        }
    }
    Ok(s)
}

fn digits(s: &str) -> Option<Vec<u32>> {
    s.chars().map(|c| c.to_digit(10)).collect()
}

fn all_digits(s: &str, lens: &[usize]) -> bool {
    lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// ISO 7064 MOD 11,10 (DE, HR): the last digit checks the others.
fn mod11_10(d: &[u32]) -> bool {
    let Some((last, body)) = d.split_last() else {
        return false;
    };
    let mut p = 10;
    for &x in body {
        let mut s = (x + p) % 10;
        if s == 0 {
            s = 10;
        }
        p = (2 * s) % 11;
    }
    (11 - p) % 10 == *last
}

fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn weighted(d: &[u32], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(a, b)| a * b).sum()
}

/// The number part of a VAT ID (after the two-letter prefix) is valid for `prefix`.
fn vat_number_ok(prefix: &str, n: &str) -> bool {
    let d = digits(n);
    match prefix {
        "AT" => {
            // U + 8 digits, the last a check digit.
            let Some(rest) = n.strip_prefix('U') else {
                return false;
            };
            let Some(d) = digits(rest).filter(|d| d.len() == 8) else {
                return false;
            };
            let s: u32 = d[..7]
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    if i % 2 == 1 {
                        let y = x * 2;
                        y / 10 + y % 10
                    } else {
                        x
                    }
                })
                .sum();
            (10 - (s + 4) % 10) % 10 == d[7]
        }
        "BE" => {
            all_digits(n, &[10]) && matches!(&n[..1], "0" | "1") && {
                let v: u64 = n.parse().unwrap_or(0);
                97 - (v / 100) % 97 == v % 100
            }
        }
        "BG" => all_digits(n, &[9, 10]),
        "CY" => {
            n.len() == 9
                && all_digits(&n[..8], &[8])
                && n.as_bytes()[8].is_ascii_uppercase()
                && !n.starts_with('2')
        }
        "CZ" => all_digits(n, &[8, 9, 10]),
        "DE" => all_digits(n, &[9]) && !n.starts_with('0') && d.is_some_and(|d| mod11_10(&d)),
        "DK" => {
            all_digits(n, &[8])
                && d.is_some_and(|d| weighted(&d, &[2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11))
        }
        "EE" => {
            all_digits(n, &[9])
                && n.starts_with("10")
                && d.is_some_and(|d| {
                    (10 - weighted(&d, &[3, 7, 1, 3, 7, 1, 3, 7]) % 10) % 10 == d[8]
                })
        }
        "EL" => all_digits(n, &[9]),
        "ES" => {
            let b = n.as_bytes();
            n.len() == 9
                && b.iter().all(u8::is_ascii_alphanumeric)
                && b[1..8].iter().all(u8::is_ascii_digit)
                && !(b[0].is_ascii_digit() && b[8].is_ascii_digit())
                && !b.iter().any(u8::is_ascii_lowercase)
        }
        "FI" => {
            all_digits(n, &[8])
                && d.is_some_and(|d| {
                    let r = weighted(&d, &[7, 9, 10, 5, 8, 4, 2]) % 11;
                    r != 1 && (if r == 0 { 0 } else { 11 - r }) == d[7]
                })
        }
        "FR" => {
            let key = n.get(..2).unwrap_or("");
            let siren = n.get(2..).unwrap_or("");
            n.len() == 11
                && all_digits(siren, &[9])
                && key.bytes().all(|b| {
                    b.is_ascii_digit() || (b.is_ascii_uppercase() && b != b'O' && b != b'I')
                })
                && (!all_digits(key, &[2]) || {
                    let s: u64 = siren.parse().unwrap_or(0);
                    let k: u64 = key.parse().unwrap_or(100);
                    (12 + 3 * (s % 97)) % 97 == k
                })
        }
        "HR" => all_digits(n, &[11]) && d.is_some_and(|d| mod11_10(&d)),
        "HU" => all_digits(n, &[8]),
        "IE" => {
            let b = n.as_bytes();
            let new_style = (n.len() == 8 || n.len() == 9)
                && b[..7].iter().all(u8::is_ascii_digit)
                && (b'A'..=b'W').contains(&b[7])
                && (n.len() == 8 || (b'A'..=b'I').contains(&b[8]));
            let old_style = n.len() == 8
                && b[0].is_ascii_digit()
                && (b[1].is_ascii_uppercase() || b[1] == b'+' || b[1] == b'*')
                && b[2..7].iter().all(u8::is_ascii_digit)
                && (b'A'..=b'W').contains(&b[7]);
            new_style || old_style
        }
        "IT" => all_digits(n, &[11]) && d.is_some_and(|d| luhn(&d)),
        "LT" => all_digits(n, &[9, 12]),
        "LU" => {
            all_digits(n, &[8]) && {
                let v: u64 = n.parse().unwrap_or(1);
                (v / 100) % 89 == v % 100
            }
        }
        "LV" => all_digits(n, &[11]),
        "MT" => all_digits(n, &[8]),
        "NL" => {
            n.len() == 12
                && all_digits(&n[..9], &[9])
                && &n[9..10] == "B"
                && all_digits(&n[10..], &[2])
        }
        "PL" => {
            all_digits(n, &[10])
                && d.is_some_and(|d| {
                    let r = weighted(&d, &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
                    r != 10 && r == d[9]
                })
        }
        "PT" => {
            all_digits(n, &[9])
                && d.is_some_and(|d| {
                    let r = 11 - weighted(&d, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
                    (if r > 9 { 0 } else { r }) == d[8]
                })
        }
        "RO" => all_digits(n, &[2, 3, 4, 5, 6, 7, 8, 9, 10]) && !n.starts_with('0'),
        "SE" => all_digits(n, &[12]) && n.ends_with("01"),
        "SI" => {
            all_digits(n, &[8])
                && !n.starts_with('0')
                && d.is_some_and(|d| {
                    let r = 11 - weighted(&d, &[8, 7, 6, 5, 4, 3, 2]) % 11;
                    r != 11 && (if r == 10 { 0 } else { r }) == d[7]
                })
        }
        "SK" => {
            all_digits(n, &[10]) && !n.starts_with('0') && {
                let v: u64 = n.parse().unwrap_or(1);
                v.is_multiple_of(11)
            }
        }
        "XI" => {
            all_digits(n, &[9, 12])
                || (n.len() == 5
                    && (n.starts_with("GD") || n.starts_with("HA"))
                    && all_digits(&n[2..], &[3]))
        }
        _ => false,
    }
}

/// The VAT ID prefixes accepted: the 27 EU member states (Greece is `EL`) and Northern Ireland (`XI`).
pub const VAT_PREFIXES: [&str; 28] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
];

/// A VAT identification number (spaces, dots and hyphens dropped, upper case) with its country prefix,
/// checked against the country's format and check digit where one is defined (AT, BE, DE, DK, EE, FI, FR,
/// HR, IT, LU, PL, PT, SI, SK). A `GR` prefix is read as `EL`.
pub fn vat_id(raw: &str) -> Result<String, BillingProblem> {
    if raw.trim().is_empty() {
        return Err(BillingProblem::Required);
    }
    if raw.len() > 40 {
        return Err(BillingProblem::TooLong);
    }
    let s = compact(raw, &['.', '-']).ok_or(BillingProblem::InvalidVatId)?;
    let (prefix, number) = (s.get(..2).unwrap_or(""), s.get(2..).unwrap_or(""));
    let prefix = if prefix == "GR" { "EL" } else { prefix };
    if VAT_PREFIXES.contains(&prefix) && vat_number_ok(prefix, number) {
        Ok(format!("{prefix}{number}"))
    } else {
        Err(BillingProblem::InvalidVatId)
    }
}

/// A postal code for `country`: the national format for DE, AT, CH, FR, NL, IT, ES, BE and PL (trimmed,
/// upper case; NL written `1234 AB`), otherwise 1–20 letters, digits, spaces or hyphens.
pub fn postal_code(raw: &str, country: &str) -> Result<String, BillingProblem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(BillingProblem::Required);
    }
    let n = |len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match country {
        "DE" | "FR" | "IT" => n(5),
        "AT" | "CH" => n(4) && !s.starts_with('0'),
        "BE" => n(4) && !s.starts_with('0'),
        "ES" => n(5) && matches!(s[..2].parse::<u32>(), Ok(1..=52)),
        "PL" => {
            let b = s.as_bytes();
            s.len() == 6 && b[2] == b'-' && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit)
        }
        "NL" => {
            let c = s.to_ascii_uppercase();
            let c = match c.as_bytes().get(4) {
                Some(b' ') => format!("{}{}", &c[..4], &c[5..]),
                _ => c,
            };
            let b = c.as_bytes();
            let ok = c.len() == 6
                && b[..4].iter().all(u8::is_ascii_digit)
                && b[0] != b'0'
                && b[4..].iter().all(u8::is_ascii_uppercase)
                && !matches!(&c[4..], "SA" | "SD" | "SS");
            if ok {
                return Ok(format!("{} {}", &c[..4], &c[4..]));
            }
            false
        }
        _ => {
            s.len() <= 20
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        }
    };
    if ok {
        Ok(s.to_ascii_uppercase())
    } else {
        Err(BillingProblem::InvalidPostalCode)
    }
}

/// A Leitweg-ID (the routing id of German public-sector invoice recipients, XRechnung `BT-10`):
/// `Grobadressierung` (2–12 digits), an optional `Feinadressierung` (1–30 letters or digits) and two
/// check digits, joined by hyphens; the check digits per ISO 7064 MOD 97-10 over the whole id without
/// hyphens. Returned upper case.
pub fn leitweg_id(raw: &str) -> Result<String, BillingProblem> {
    let s = raw.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(BillingProblem::Required);
    }
    let parts: Vec<&str> = s.split('-').collect();
    let (grob, fein, check) = match parts.as_slice() {
        [g, c] => (*g, "", *c),
        [g, f, c] => (*g, *f, *c),
        _ => return Err(BillingProblem::InvalidLeitwegId),
    };
    let ok = all_digits(grob, &[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        && (parts.len() == 2
            || ((1..=30).contains(&fein.len()) && fein.bytes().all(|b| b.is_ascii_alphanumeric())))
        && all_digits(check, &[2])
        && mod97(&format!("{grob}{fein}{check}")) == Some(1);
    if ok {
        Ok(s)
    } else {
        Err(BillingProblem::InvalidLeitwegId)
    }
}

/// A SEPA creditor identifier (`DE98ZZZ09999999999`): country, two check digits, a three-character
/// business code (not part of the check) and the national id; the check digits per ISO 7064 MOD 97-10
/// over the national id, the country and the check digits. German ids are 18 characters.
pub fn creditor_id(raw: &str) -> Option<String> {
    let s = compact(raw, &[])?;
    if s.len() < 8 || s.len() > 35 {
        return None;
    }
    let (country, check, national) = (&s[..2], &s[2..4], &s[7..]);
    let shape = country.bytes().all(|b| b.is_ascii_uppercase())
        && check.bytes().all(|b| b.is_ascii_digit())
        && (country != "DE" || (s.len() == 18 && national.bytes().all(|b| b.is_ascii_digit())));
    (shape && mod97(&format!("{national}{country}{check}")) == Some(1)).then_some(s)
}

/// Text of a form field: trimmed; `max` characters at most; no control or invisible characters.
pub fn text(raw: &str, max: usize, required: bool) -> Result<Option<String>, BillingProblem> {
    let t = raw.trim();
    if t.is_empty() {
        return if required {
            Err(BillingProblem::Required)
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > max {
        return Err(BillingProblem::TooLong);
    }
    if t.chars()
        .any(|c| c.is_control() || crate::validate::is_invisible(c))
    {
        return Err(BillingProblem::Invalid);
    }
    Ok(Some(t.to_string()))
}

/// Keeps a field's value, or records its problem.
fn keep(
    errors: &mut Vec<BillingFieldError>,
    f: BillingField,
    r: Result<Option<String>, BillingProblem>,
) -> Option<String> {
    match r {
        Ok(v) => v,
        Err(p) => {
            errors.push(BillingFieldError::new(f, p));
            None
        }
    }
}

/// The billing address, normalised, or every problem of it at once (in form order).
pub fn address(a: &BillingAddress) -> Result<BillingAddress, Vec<BillingFieldError>> {
    let mut errors = Vec::new();
    let e = &mut errors;
    let company = keep(
        e,
        BillingField::Company,
        text(&a.company, MAX_ADDRESS_TEXT, true),
    );
    let addressee = keep(
        e,
        BillingField::Addressee,
        text(
            a.addressee.as_deref().unwrap_or(""),
            MAX_ADDRESS_TEXT,
            false,
        ),
    );
    let street = keep(
        e,
        BillingField::Street,
        text(&a.street, MAX_ADDRESS_TEXT, true),
    );
    let street2 = keep(
        e,
        BillingField::Street2,
        text(a.street2.as_deref().unwrap_or(""), MAX_ADDRESS_TEXT, false),
    );
    let country_raw = a.country.trim().to_ascii_uppercase();
    let country_ok = crate::countries::is_country(&country_raw);
    let postal_code = keep(
        e,
        BillingField::PostalCode,
        if a.postal_code.chars().count() > MAX_POSTAL_CODE {
            Err(BillingProblem::TooLong)
        } else {
            postal_code(&a.postal_code, if country_ok { &country_raw } else { "" }).map(Some)
        },
    );
    let city = keep(e, BillingField::City, text(&a.city, MAX_ADDRESS_TEXT, true));
    let country = keep(
        e,
        BillingField::Country,
        if country_raw.is_empty() {
            Err(BillingProblem::Required)
        } else if country_ok {
            Ok(Some(country_raw))
        } else {
            Err(BillingProblem::UnknownCountry)
        },
    );
    let vat_id = match a.vat_id.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => keep(e, BillingField::VatId, vat_id(v).map(Some)),
    };
    let mut emails = Vec::new();
    let listed: Vec<&str> = a
        .invoice_emails
        .iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
        .collect();
    if listed.is_empty() {
        e.push(BillingFieldError::new(
            BillingField::InvoiceEmails,
            BillingProblem::Required,
        ));
    } else if listed.len() > MAX_INVOICE_EMAILS {
        e.push(BillingFieldError::new(
            BillingField::InvoiceEmails,
            BillingProblem::TooManyEmails,
        ));
    } else {
        for (i, addr) in listed.iter().enumerate() {
            match crate::validate::email("invoice_emails", addr) {
                Ok(e) if !emails.contains(&e) => emails.push(e),
                Ok(_) => {}
                Err(_) => e.push(BillingFieldError::at(
                    BillingField::InvoiceEmails,
                    u32::try_from(i).ok(),
                    BillingProblem::InvalidEmail,
                )),
            }
        }
    }
    let po_reference = keep(
        e,
        BillingField::PoReference,
        text(
            a.po_reference.as_deref().unwrap_or(""),
            MAX_PO_REFERENCE,
            false,
        ),
    );
    let leitweg_id = match a
        .leitweg_id
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(v) if v.len() > MAX_LEITWEG_ID => {
            keep(e, BillingField::LeitwegId, Err(BillingProblem::TooLong))
        }
        Some(v) => keep(e, BillingField::LeitwegId, leitweg_id(v).map(Some)),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(BillingAddress {
        company: company.unwrap_or_default(),
        addressee,
        street: street.unwrap_or_default(),
        street2,
        postal_code: postal_code.unwrap_or_default(),
        city: city.unwrap_or_default(),
        country: country.unwrap_or_default(),
        vat_id,
        invoice_emails: emails,
        po_reference,
        leitweg_id,
    })
}

/// Bank details, validated: (account holder, IBAN normalised, BIC normalised), or every problem at once
/// (holder, IBAN, BIC, acceptance).
pub fn bank_account(
    b: &BankAccount,
) -> Result<(String, String, Option<String>), Vec<BillingFieldError>> {
    let mut errors = Vec::new();
    let holder = match text(&b.account_holder, MAX_ACCOUNT_HOLDER, true) {
        Ok(h) => h,
        Err(p) => {
            errors.push(BillingFieldError::new(BillingField::AccountHolder, p));
            None
        }
    };
    let iban = match iban(&b.iban) {
        Ok(i) => Some(i),
        Err(e) => {
            errors.push(BillingFieldError::new(BillingField::Iban, e.problem()));
            None
        }
    };
    let bic = match b.bic.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) if v.len() > MAX_BIC_INPUT => {
            errors.push(BillingFieldError::new(
                BillingField::Bic,
                BillingProblem::InvalidBic,
            ));
            None
        }
        Some(v) => match bic(v, iban.as_deref().and_then(|i| i.get(..2))) {
            Ok(b) => Some(b),
            Err(p) => {
                errors.push(BillingFieldError::new(BillingField::Bic, p));
                None
            }
        },
    };
    if !b.accept_mandate {
        errors.push(BillingFieldError::new(
            BillingField::AcceptMandate,
            BillingProblem::MandateNotAccepted,
        ));
    }
    match (holder, iban) {
        (Some(h), Some(i)) if errors.is_empty() => Ok((h, i, bic)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One valid IBAN per SEPA country (the IBAN registry's examples).
    const VALID_IBANS: [&str; 37] = [
        "AD1200012030200359100100",
        "AT611904300234573201",
        "BE68539007547034",
        "BG80BNBG96611020345678",
        "CH9300762011623852957",
        "CY17002001280000001200527600",
        "CZ6508000000192000145399",
        "DE89370400440532013000",
        "DK5000400440116243",
        "EE382200221020145685",
        "ES9121000418450200051332",
        "FI2112345600000785",
        "FR1420041010050500013M02606",
        "GB29NWBK60161331926819",
        "GI75NWBK000000007099453",
        "GR1601101250000000012300695",
        "HR1210010051863000160",
        "HU42117730161111101800000000",
        "IE29AIBK93115212345678",
        "IS140159260076545510730339",
        "IT60X0542811101000000123456",
        "LI21088100002324013AA",
        "LT121000011101001000",
        "LU280019400644750000",
        "LV80BANK0000435195001",
        "MC5811222000010123456789030",
        "MT84MALT011000012345MTLCAST001S",
        "NL91ABNA0417164300",
        "NO9386011117947",
        "PL61109010140000071219812874",
        "PT50000201231234567890154",
        "RO49AAAA1B31007593840000",
        "SE4550000000058398257466",
        "SI56263300012039086",
        "SK3112000000198742637541",
        "SM86U0322509800000000270100",
        "VA59001123000012345678",
    ];

    #[test]
    fn every_sepa_country_has_a_valid_example_of_its_length() {
        for (i, (country, len, _)) in SEPA_IBAN_FORMATS.iter().enumerate() {
            let example = VALID_IBANS[i];
            assert!(example.starts_with(country), "{example}");
            assert_eq!(example.len(), *len, "{example}");
            assert_eq!(iban(example).as_deref(), Ok(example), "{example}");
            // One character more or less is the wrong length.
            assert_eq!(iban(&format!("{example}0")), Err(IbanError::Length));
            assert_eq!(iban(&example[..example.len() - 1]), Err(IbanError::Length));
            // Any changed check digit fails mod-97.
            let mut bad: Vec<u8> = example.bytes().collect();
            bad[3] = if bad[3] == b'9' { b'0' } else { bad[3] + 1 };
            let bad = String::from_utf8(bad).expect("ascii");
            assert!(iban(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ibans_are_normalised_but_look_alikes_are_refused() {
        assert_eq!(
            iban(" de89 3704 0044 0532 0130 00 ").as_deref(),
            Ok("DE89370400440532013000")
        );
        let cases = [
            ("", IbanError::Empty),
            ("   ", IbanError::Empty),
            ("DE89 3704 0044 0532 0130 0O", IbanError::Format), // letter O for zero
            ("DE89 37O4 0044 0532 0130 00", IbanError::Format),
            ("DE89\u{200B}370400440532013000", IbanError::Characters), // zero-width space
            ("DE89370400440532013000\u{FEFF}", IbanError::Characters),
            ("\u{0414}E89370400440532013000", IbanError::Characters), // Cyrillic
            ("DE89３70400440532013000", IbanError::Characters),       // full-width digit
            ("DE89-3704-0044-0532-0130-00", IbanError::Characters),
            ("DE89\u{00A0}370400440532013000", IbanError::Characters), // no-break space
            ("DE89\t370400440532013000", IbanError::Characters),
            ("DE88370400440532013000", IbanError::Checksum),
            ("DE89370400440532013001", IbanError::Checksum),
            ("XX89370400440532013000", IbanError::Country),
            ("US64SVBKUS6S3300958879", IbanError::Country),
            ("BR1800360305000010009795493C1", IbanError::Country), // an IBAN, but not SEPA
            ("D", IbanError::Length),
            ("DE8937040044053201300", IbanError::Length),
            ("NL91ABNA041716430", IbanError::Length),
            ("NL9112340417164300", IbanError::Format), // digits where the bank letters belong
            ("DEAB370400440532013000", IbanError::Format),
        ];
        for (raw, want) in cases {
            assert_eq!(iban(raw), Err(want), "{raw:?}");
        }
        assert_eq!(
            iban(&"1".repeat(MAX_IBAN_INPUT + 1)),
            Err(IbanError::Length)
        );
    }

    #[test]
    fn masking_shows_country_check_digits_and_the_last_four() {
        assert_eq!(
            mask_iban("DE89370400440532013000"),
            "DE89 **** **** **** **30 00"
        );
        assert_eq!(mask_iban("NO9386011117947"), "NO93 **** ***7 947");
        for example in VALID_IBANS {
            let m = mask_iban(example);
            let middle = &example[4..example.len() - 4];
            assert!(!m.replace(' ', "").contains(middle), "{m}");
            assert_eq!(m.replace(' ', "").len(), example.len());
        }
    }

    #[test]
    fn bics_have_the_iso_9362_shape_and_the_ibans_country() {
        assert_eq!(bic("cobadeffxxx", Some("DE")).as_deref(), Ok("COBADEFFXXX"));
        assert_eq!(bic("COBADEFF", Some("DE")).as_deref(), Ok("COBADEFF"));
        assert_eq!(bic("NWBKGB2L", None).as_deref(), Ok("NWBKGB2L"));
        assert_eq!(bic("BKJEJESH", Some("GB")).as_deref(), Ok("BKJEJESH"));
        assert_eq!(bic("AABAFI22", Some("FI")).as_deref(), Ok("AABAFI22"));
        assert_eq!(bic("BNPARERX", Some("FR")).as_deref(), Ok("BNPARERX"));
        let cases = [
            ("", BillingProblem::Required),
            ("COBADEF", BillingProblem::InvalidBic),
            ("COBADEFFX", BillingProblem::InvalidBic),
            ("COBADEFFXXXX", BillingProblem::InvalidBic),
            ("C0BADEFF", BillingProblem::InvalidBic), // digit in the bank code
            ("COBAD3FF", BillingProblem::InvalidBic),
            ("COBAXXFF", BillingProblem::InvalidBic), // no such country
            ("COBАDEFF", BillingProblem::InvalidBic), // Cyrillic А
            ("COBA-DEFF", BillingProblem::InvalidBic),
            ("BNPAFRPP", BillingProblem::BicCountryMismatch),
            ("NWBKGB2L", BillingProblem::BicCountryMismatch),
        ];
        for (raw, want) in cases {
            assert_eq!(bic(raw, Some("DE")), Err(want), "{raw:?}");
        }
        assert_eq!(
            bic("BKJEJESH", Some("DE")),
            Err(BillingProblem::BicCountryMismatch)
        );
    }

    #[test]
    fn vat_ids_of_every_eu_country() {
        let valid = [
            ("ATU13585627", "ATU13585627"),
            ("BE0403019261", "BE0403019261"),
            ("BG175074752", "BG175074752"),
            ("BG1750747521", "BG1750747521"),
            ("CY10259033P", "CY10259033P"),
            ("CZ25123891", "CZ25123891"),
            ("CZ7103192745", "CZ7103192745"),
            ("DE 136.695.976", "DE136695976"),
            ("de136695976", "DE136695976"),
            ("DE 811 569 869", "DE811569869"),
            ("DK13585628", "DK13585628"),
            ("EE100931558", "EE100931558"),
            ("EL094259216", "EL094259216"),
            ("GR094259216", "EL094259216"),
            ("ESB58378431", "ESB58378431"),
            ("ESX1234567L", "ESX1234567L"),
            ("FI20774740", "FI20774740"),
            ("FR40303265045", "FR40303265045"),
            ("FRK7399859412", "FRK7399859412"),
            ("HR33392005961", "HR33392005961"),
            ("HU12892312", "HU12892312"),
            ("IE6433435F", "IE6433435F"),
            ("IE6433435OA", "IE6433435OA"),
            ("IE8D79739I", "IE8D79739I"),
            ("IT00743110157", "IT00743110157"),
            ("LT119511515", "LT119511515"),
            ("LT100001919017", "LT100001919017"),
            ("LU15027442", "LU15027442"),
            ("LV40003521600", "LV40003521600"),
            ("MT11679112", "MT11679112"),
            ("NL004495445B01", "NL004495445B01"),
            ("PL8567346215", "PL8567346215"),
            ("PT501964843", "PT501964843"),
            ("RO18547290", "RO18547290"),
            ("SE123456789701", "SE123456789701"),
            ("SI50223054", "SI50223054"),
            ("SK2022749619", "SK2022749619"),
            ("XI980780684", "XI980780684"),
            ("XIGD001", "XIGD001"),
        ];
        for (raw, want) in valid {
            assert_eq!(vat_id(raw).as_deref(), Ok(want), "{raw}");
        }
        let invalid = [
            "DE136695978",    // check digit
            "DE13669597",     // too short
            "DE036695976",    // leading zero
            "ATU13585626",    // check digit
            "AT13585627",     // no U
            "BE0403019262",   // check digits
            "BE2403019261",   // must start 0 or 1
            "DK13585627",     // mod 11
            "EE100931559",    // check digit
            "FI20774741",     // check digit
            "FR41303265045",  // key
            "FRO7399859412",  // O is not a key letter
            "HR33392005962",  // check digit
            "IT00743110158",  // Luhn
            "LU15027443",     // mod 89
            "PL8567346216",   // check digit
            "PT501964842",    // check digit
            "SI50223055",     // check digit
            "SK2022749618",   // mod 11
            "SE123456789702", // must end 01
            "NL004495445A01", // B
            "ES123456789",    // first and last both digits
            "CY20259033P",    // must not start with 2
            "GB980780684",    // not an EU VAT ID since 2021
            "US123456789",
            "DE13669597６", // full-width digit
            "DE1366\u{200B}95976",
            "136695976", // no prefix
            "",
        ];
        for raw in invalid {
            assert!(vat_id(raw).is_err(), "{raw:?} accepted");
        }
        assert_eq!(vat_id(""), Err(BillingProblem::Required));
        assert_eq!(vat_id("DE136695978"), Err(BillingProblem::InvalidVatId));
    }

    #[test]
    fn postal_codes_per_country() {
        let valid = [
            ("DE", "10115", "10115"),
            ("DE", " 01067 ", "01067"),
            ("AT", "1010", "1010"),
            ("CH", "8001", "8001"),
            ("FR", "75008", "75008"),
            ("NL", "1012 ab", "1012 AB"),
            ("NL", "1012AB", "1012 AB"),
            ("IT", "00184", "00184"),
            ("ES", "28013", "28013"),
            ("ES", "52001", "52001"),
            ("BE", "1000", "1000"),
            ("PL", "00-950", "00-950"),
            ("GB", "SW1A 1AA", "SW1A 1AA"),
            ("SE", "114 55", "114 55"),
        ];
        for (c, raw, want) in valid {
            assert_eq!(postal_code(raw, c).as_deref(), Ok(want), "{c} {raw}");
        }
        let invalid = [
            ("DE", "1011"),
            ("DE", "101155"),
            ("DE", "1O115"),
            ("DE", "１0115"),
            ("AT", "10100"),
            ("AT", "0100"),
            ("CH", "800"),
            ("FR", "7500"),
            ("NL", "0123 AB"),
            ("NL", "1012 SA"),
            ("NL", "1012 A1"),
            ("NL", "101 2AB"),
            ("IT", "0018"),
            ("ES", "53001"),
            ("ES", "00123"),
            ("BE", "0999"),
            ("PL", "00950"),
            ("PL", "00 950"),
            ("GB", "SW1A_1AA"),
            ("GB", "123456789012345678901"),
        ];
        for (c, raw) in invalid {
            assert_eq!(
                postal_code(raw, c),
                Err(BillingProblem::InvalidPostalCode),
                "{c} {raw}"
            );
        }
        assert_eq!(postal_code("  ", "DE"), Err(BillingProblem::Required));
    }

    #[test]
    fn leitweg_ids_and_creditor_ids_carry_mod_97_check_digits() {
        for ok in [
            "991-33333TEST-33",
            "04011000-1234512345-06",
            "991-33333test-33",
        ] {
            assert!(leitweg_id(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            leitweg_id("991-33333test-33").as_deref(),
            Ok("991-33333TEST-33")
        );
        for bad in [
            "991-33333TEST-34",
            "991-33333TEST",
            "9-33333TEST-33",
            "991--33",
            "991-33333_TEST-33",
            "1234567890123-A-00",
            "991-33333TEST-33-1",
        ] {
            assert_eq!(
                leitweg_id(bad),
                Err(BillingProblem::InvalidLeitwegId),
                "{bad}"
            );
        }
        assert_eq!(
            creditor_id("DE98ZZZ09999999999").as_deref(),
            Some("DE98ZZZ09999999999")
        );
        assert_eq!(
            creditor_id("de98 zzz0 9999 9999 99").as_deref(),
            Some("DE98ZZZ09999999999")
        );
        assert_eq!(creditor_id("DE97ZZZ09999999999"), None);
        assert_eq!(creditor_id("DE98ZZZ0999999999"), None);
        assert_eq!(creditor_id(""), None);
    }

    #[test]
    fn text_fields_refuse_control_and_invisible_characters() {
        assert_eq!(
            text("  Muster GmbH ", 200, true),
            Ok(Some("Muster GmbH".into()))
        );
        assert_eq!(text("", 200, false), Ok(None));
        assert_eq!(text(" ", 200, true), Err(BillingProblem::Required));
        assert_eq!(
            text(&"x".repeat(201), 200, true),
            Err(BillingProblem::TooLong)
        );
        assert_eq!(
            text("Muster\u{202E}GmbH", 200, true),
            Err(BillingProblem::Invalid)
        );
        assert_eq!(
            text("Muster\nGmbH", 200, true),
            Err(BillingProblem::Invalid)
        );
    }

    fn good_address() -> BillingAddress {
        BillingAddress {
            company: " Muster GmbH ".into(),
            addressee: Some("Buchhaltung".into()),
            street: "Hauptstraße 1".into(),
            street2: Some("".into()),
            postal_code: "10115".into(),
            city: "Berlin".into(),
            country: "de".into(),
            vat_id: Some("DE 136 695 976".into()),
            invoice_emails: vec![
                "Rechnung@Muster.example".into(),
                "rechnung@muster.example".into(),
            ],
            po_reference: None,
            leitweg_id: Some("991-33333test-33".into()),
        }
    }

    #[test]
    fn an_address_is_normalised_or_all_its_problems_are_located() {
        let a = address(&good_address()).expect("valid");
        assert_eq!(a.company, "Muster GmbH");
        assert_eq!(a.street2, None);
        assert_eq!(a.country, "DE");
        assert_eq!(a.vat_id.as_deref(), Some("DE136695976"));
        assert_eq!(
            a.invoice_emails,
            vec!["rechnung@muster.example".to_string()]
        );
        assert_eq!(a.leitweg_id.as_deref(), Some("991-33333TEST-33"));

        let bad = BillingAddress {
            company: "".into(),
            postal_code: "1234".into(),
            vat_id: Some("DE136695978".into()),
            invoice_emails: vec!["ok@muster.example".into(), "not-an-address".into()],
            leitweg_id: Some("991-33333TEST-34".into()),
            ..good_address()
        };
        let errors = address(&bad).expect_err("invalid");
        let got: Vec<(BillingField, Option<u32>, BillingProblem)> = errors
            .iter()
            .map(|e| (e.field(), e.index, e.problem()))
            .collect();
        assert_eq!(
            got,
            vec![
                (BillingField::Company, None, BillingProblem::Required),
                (
                    BillingField::PostalCode,
                    None,
                    BillingProblem::InvalidPostalCode
                ),
                (BillingField::VatId, None, BillingProblem::InvalidVatId),
                (
                    BillingField::InvoiceEmails,
                    Some(1),
                    BillingProblem::InvalidEmail
                ),
                (
                    BillingField::LeitwegId,
                    None,
                    BillingProblem::InvalidLeitwegId
                ),
            ]
        );
        let unknown = BillingAddress {
            country: "XX".into(),
            invoice_emails: vec![],
            ..good_address()
        };
        let got: Vec<_> = address(&unknown)
            .expect_err("invalid")
            .into_iter()
            .map(|e| (e.field(), e.problem()))
            .collect();
        assert_eq!(
            got,
            vec![
                (BillingField::Country, BillingProblem::UnknownCountry),
                (BillingField::InvoiceEmails, BillingProblem::Required),
            ]
        );
        let many = BillingAddress {
            invoice_emails: (0..6).map(|i| format!("r{i}@muster.example")).collect(),
            ..good_address()
        };
        assert_eq!(
            address(&many).expect_err("too many")[0].problem(),
            BillingProblem::TooManyEmails
        );
    }

    #[test]
    fn bank_details_need_a_valid_iban_and_the_accepted_mandate() {
        let ok = BankAccount {
            account_holder: "Muster GmbH".into(),
            iban: "de89 3704 0044 0532 0130 00".into(),
            bic: Some("cobadeffxxx".into()),
            accept_mandate: true,
            language: None,
        };
        assert_eq!(
            bank_account(&ok),
            Ok((
                "Muster GmbH".to_string(),
                "DE89370400440532013000".to_string(),
                Some("COBADEFFXXX".to_string())
            ))
        );
        let bad = BankAccount {
            account_holder: " ".into(),
            iban: "DE89 3704 0044 0532 0130 01".into(),
            bic: Some("BNPAFRPP".into()),
            accept_mandate: false,
            language: None,
        };
        let got: Vec<_> = bank_account(&bad)
            .expect_err("invalid")
            .into_iter()
            .map(|e| (e.field(), e.problem()))
            .collect();
        assert_eq!(
            got,
            vec![
                (BillingField::AccountHolder, BillingProblem::Required),
                (BillingField::Iban, BillingProblem::IbanChecksum),
                // Without a valid IBAN the BIC's country is not compared.
                (
                    BillingField::AcceptMandate,
                    BillingProblem::MandateNotAccepted
                ),
            ]
        );
    }
}
