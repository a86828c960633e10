//! The text armour shared by license files and activation requests: BEGIN line, headers, base64 body, END line.
//!
//! The parser is strict and never panics: it works on `&str` with `split`/`strip_*` only, never indexes by
//! position, and reports every deviation as [`LicenseError::BadArmour`] or [`LicenseError::BadEncoding`].

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::license::{LicenseError, MAX_TEXT_LEN};

/// Characters per base64 body line.
pub(crate) const LINE_WIDTH: usize = 64;

/// A parsed armour: the header values in the requested order and the decoded body.
#[derive(Debug)]
pub(crate) struct Armor<'a> {
    pub headers: Vec<&'a str>,
    pub body: Vec<u8>,
}

/// Writes an armour: `-----BEGIN label-----`, `Name: value` headers, an empty line, the base64 body wrapped at
/// [`LINE_WIDTH`] columns, `-----END label-----` and a final newline.
pub(crate) fn encode(label: &str, headers: &[(&str, &str)], body: &[u8]) -> String {
    let b64 = STANDARD.encode(body);
    let mut out = String::with_capacity(b64.len() + b64.len() / LINE_WIDTH + 128);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for (name, value) in headers {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    // base64 output is ASCII, so splitting the bytes into chunks keeps every chunk valid UTF-8.
    for chunk in b64.as_bytes().chunks(LINE_WIDTH) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

fn bad_armour(why: &str) -> LicenseError {
    LicenseError::BadArmour(why.to_owned())
}

/// Parses an armour with the given label whose headers are exactly `header_names`, in that order.
pub(crate) fn decode<'a>(
    text: &'a str,
    label: &str,
    header_names: &[&str],
) -> Result<Armor<'a>, LicenseError> {
    if text.len() > MAX_TEXT_LEN {
        return Err(bad_armour("the text is larger than any license file"));
    }
    let mut lines = text
        .trim_ascii()
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));

    let begin = lines.next().unwrap_or_default();
    if !is_marker(begin, "BEGIN", label) {
        return Err(LicenseError::BadArmour(format!(
            "the first line is not `-----BEGIN {label}-----`"
        )));
    }

    let mut headers = Vec::with_capacity(header_names.len());
    for name in header_names {
        let line = lines
            .next()
            .ok_or_else(|| bad_armour("the text ends inside the headers"))?;
        let value = line
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(": "))
            .ok_or_else(|| LicenseError::BadArmour(format!("expected the `{name}:` header")))?;
        if value.is_empty() || value.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(LicenseError::BadArmour(format!(
                "the `{name}:` header has a malformed value"
            )));
        }
        headers.push(value);
    }
    if lines.next() != Some("") {
        return Err(bad_armour(
            "expected an empty line after the headers (unknown or repeated header?)",
        ));
    }

    let mut b64 = String::with_capacity(text.len());
    let mut last_len = LINE_WIDTH;
    let mut ended = false;
    for line in lines.by_ref() {
        if line.starts_with("-----") {
            if !is_marker(line, "END", label) {
                return Err(LicenseError::BadArmour(format!(
                    "expected `-----END {label}-----`"
                )));
            }
            ended = true;
            break;
        }
        if last_len != LINE_WIDTH {
            return Err(bad_armour(
                "a base64 line other than the last is not 64 characters long",
            ));
        }
        if line.is_empty() || line.len() > LINE_WIDTH {
            return Err(bad_armour(
                "a base64 line is empty or longer than 64 characters",
            ));
        }
        last_len = line.len();
        b64.push_str(line);
    }
    if !ended {
        return Err(LicenseError::BadArmour(format!(
            "the `-----END {label}-----` line is missing"
        )));
    }
    if b64.is_empty() {
        return Err(bad_armour("the body is empty"));
    }
    if lines.next().is_some() {
        return Err(bad_armour("there is data after the END line"));
    }
    let body = STANDARD
        .decode(b64.as_bytes())
        .map_err(|e| LicenseError::BadEncoding(format!("the body is not valid base64: {e}")))?;
    Ok(Armor { headers, body })
}

fn is_marker(line: &str, kind: &str, label: &str) -> bool {
    line.strip_prefix("-----")
        .and_then(|l| l.strip_prefix(kind))
        .and_then(|l| l.strip_prefix(' '))
        .and_then(|l| l.strip_prefix(label))
        .is_some_and(|l| l == "-----")
}

/// Parses a canonical decimal `u32` (digits only, no sign, no leading zero).
pub(crate) fn parse_version(value: &str) -> Result<u32, LicenseError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|v| v.to_string() == value)
        .ok_or_else(|| bad_armour("the `Version:` header is not a decimal number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip_and_wrapping() {
        for len in [1usize, 47, 48, 49, 96, 500] {
            let body: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let text = encode("TEST", &[("A", "1"), ("B", "x")], &body);
            for line in text.lines() {
                assert!(line.len() <= LINE_WIDTH, "{line}");
            }
            let a = decode(&text, "TEST", &["A", "B"]).unwrap();
            assert_eq!(a.headers, ["1", "x"]);
            assert_eq!(a.body, body);
            let crlf = format!("\r\n  {}  \r\n", text.replace('\n', "\r\n"));
            assert_eq!(decode(&crlf, "TEST", &["A", "B"]).unwrap().body, body);
        }
    }

    #[test]
    fn rejects_structural_faults() {
        let text = encode("TEST", &[("A", "1")], b"hello world, this is a body");
        let bad = |t: &str| decode(t, "TEST", &["A"]).unwrap_err();
        assert!(matches!(bad(""), LicenseError::BadArmour(_)));
        assert!(matches!(
            bad(&text.replace("TEST", "OTHER")),
            LicenseError::BadArmour(_)
        ));
        assert!(matches!(
            bad(&text.replace("A: 1", "A:1")),
            LicenseError::BadArmour(_)
        ));
        assert!(matches!(
            bad(&text.replace("A: 1\n", "A: 1\nX: 2\n")),
            LicenseError::BadArmour(_)
        ));
        assert!(matches!(
            bad(&format!("{text}garbage")),
            LicenseError::BadArmour(_)
        ));
        assert!(matches!(
            bad(&format!("{text}{text}")),
            LicenseError::BadArmour(_)
        ));
        assert!(matches!(
            bad(&text.replace("\n\n", "\n\n\n")),
            LicenseError::BadArmour(_)
        ));
    }

    #[test]
    fn version_must_be_canonical() {
        assert_eq!(parse_version("1").unwrap(), 1);
        for v in ["01", "+1", "1.0", "", "4294967296", "-1"] {
            assert!(parse_version(v).is_err(), "{v}");
        }
    }
}
