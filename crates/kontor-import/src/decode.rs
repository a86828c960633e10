//! Turns the bytes of a text file into a `str`: BOM, BOM-less UTF-16, UTF-8, else Windows-1252; refuses binary.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use crate::ImportError;

/// How many leading bytes (or decoded characters) the binary and UTF-16 heuristics look at.
const SNIFF: usize = 64 * 1024;

/// Decodes `bytes`; returns the text (without BOM) and the encoding's display name.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), ImportError> {
    let (text, name) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (strict(enc, &bytes[bom_len..])?, enc.name())
    } else if let Some(enc) = bomless_utf16(bytes) {
        (strict(enc, bytes)?, enc.name())
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(s), UTF_8.name())
    } else {
        // German Excel's "CSV (Trennzeichen-getrennt)": never fails, every byte maps to a character.
        let (s, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
        (s, WINDOWS_1252.name())
    };
    if looks_binary(&text) {
        return Err(ImportError::NotText);
    }
    Ok((text, name))
}

fn strict<'a>(enc: &'static Encoding, bytes: &'a [u8]) -> Result<Cow<'a, str>, ImportError> {
    match enc.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok(s),
        // A BOM followed by garbage is a binary file that happens to start like text, or a damaged one.
        None if looks_binary(&enc.decode_without_bom_handling(bytes).0) => {
            Err(ImportError::NotText)
        }
        None => Err(ImportError::InvalidEncoding(enc.name())),
    }
}

/// UTF-16 without BOM (some "Unicode text" exports): text is mostly ASCII, so every other byte is NUL.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF)];
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut le, mut be) = (0usize, 0usize);
    for p in head.chunks_exact(2) {
        if p[1] == 0 && p[0] != 0 {
            le += 1;
        } else if p[0] == 0 && p[1] != 0 {
            be += 1;
        }
    }
    // At least 90 % of the code units look like ASCII in that byte order.
    if le * 10 >= pairs * 9 {
        Some(UTF_16LE)
    } else if be * 10 >= pairs * 9 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// A NUL anywhere, or more than 1 % control characters other than tab, CR, LF (and a trailing Ctrl-Z)
/// among the first characters.
fn looks_binary(text: &str) -> bool {
    if text.contains('\0') {
        return true;
    }
    let mut chars = 0usize;
    let mut controls = 0usize;
    for c in text.chars().take(SNIFF) {
        chars += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{1a}') {
            controls += 1;
        }
    }
    controls * 100 > chars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(decode(b"a;b").unwrap(), (Cow::Borrowed("a;b"), "UTF-8"));
        assert_eq!(decode(b"\xEF\xBB\xBFa;\xC3\xA4").unwrap().0, "a;ä");
        assert_eq!(
            decode(b"a;\xE4").unwrap(),
            (Cow::Borrowed("a;ä"), "windows-1252")
        );
        assert_eq!(
            decode(b"\xFF\xFEa\0;\0").unwrap(),
            (Cow::Borrowed("a;"), "UTF-16LE")
        );
        assert_eq!(
            decode(b"\xFE\xFF\0a\0;").unwrap(),
            (Cow::Borrowed("a;"), "UTF-16BE")
        );
        assert_eq!(
            decode(b"a\0;\0b\0").unwrap(),
            (Cow::Borrowed("a;b"), "UTF-16LE")
        );
        assert_eq!(
            decode(b"\0a\0;\0b").unwrap(),
            (Cow::Borrowed("a;b"), "UTF-16BE")
        );
        assert_eq!(decode(b"a;b\0c"), Err(ImportError::NotText));
        assert_eq!(decode(b"\x01\x02\x03abc"), Err(ImportError::NotText));
        // Unpaired surrogate in UTF-16 with BOM.
        assert_eq!(
            decode(b"\xFF\xFEa\0b\0\x00\xD8c\0"),
            Err(ImportError::InvalidEncoding("UTF-16LE"))
        );
    }
}
