//! Delimited text: decoding, separator detection, a quote-aware pre-scan (row numbers and limits), then the
//! `csv` crate for the records.
//!
//! The `csv` crate silently skips empty lines and does not report unterminated quotes, so before it runs
//! [`scan_rows`] walks the text with the same state machine as `csv-core` (RFC 4180 quoting, `""` escapes,
//! CR, LF or CRLF line ends) and returns the file row number of every record the `csv` crate will yield;
//! it also enforces [`MAX_LINE_BYTES`] and [`MAX_ROWS`] before anything is allocated per cell.

use crate::{decode::decode, ImportError, Table, MAX_FIELD_BYTES, MAX_LINE_BYTES, MAX_ROWS};

const SEPARATORS: [u8; 3] = [b';', b',', b'\t'];

pub(crate) fn read(bytes: &[u8]) -> Result<Table, ImportError> {
    let (text, encoding) = decode(bytes)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let text = text.trim_end_matches('\u{1a}'); // DOS end-of-file marker
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let (sep, body_offset, first_row) = separator(text.as_bytes());
    let body = &text.as_bytes()[body_offset..];
    let numbers = scan_rows(body, sep, first_row)?;

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .from_reader(body);
    let mut record = csv::StringRecord::new();
    let mut headers: Option<(usize, Vec<String>)> = None;
    let mut rows = Vec::new();
    let mut index = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(ImportError::Csv(e.to_string())),
        }
        // The scan and csv-core agree record for record (tested); should they ever not, the row numbers
        // continue from the last one known rather than failing.
        let row = match numbers.get(index) {
            Some(n) => *n,
            None => numbers.last().copied().unwrap_or(first_row) + index + 1 - numbers.len(),
        };
        index += 1;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cells: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        if let Some(i) = cells.iter().position(|c| c.len() > MAX_FIELD_BYTES) {
            let column = match &headers {
                Some((_, h)) => h.get(i).cloned().unwrap_or_default(),
                None => String::new(),
            };
            let column = if column.is_empty() {
                format!("column {}", i + 1)
            } else {
                column
            };
            return Err(ImportError::FieldTooLong { row, column });
        }
        match headers {
            None => headers = Some((row, cells)),
            Some(_) => rows.push((row, cells)),
        }
    }
    let (header_row, headers) = headers.ok_or(ImportError::Empty)?;
    Ok(Table {
        headers,
        header_row,
        rows,
        encoding,
        separator: Some(sep as char),
    })
}

/// Picks the separator: Excel's `sep=X` first line if present (that line is then skipped), else the one of
/// `;` `,` tab that occurs most often outside quotes on the first non-blank line (ties: `;` before `,`
/// before tab; none at all: `;`). Returns the separator, the byte offset where the records start and the
/// file row number of that offset.
fn separator(text: &[u8]) -> (u8, usize, usize) {
    if text.len() >= 5 && text[..4].eq_ignore_ascii_case(b"sep=") && text[4].is_ascii() {
        let rest = &text[5..];
        let line_end = rest.iter().position(|&b| b == b'\n' || b == b'\r');
        let only_sep = match line_end {
            Some(n) => rest[..n].iter().all(|b| *b == b' '),
            None => rest.iter().all(|b| *b == b' '),
        };
        if only_sep && text[4] != b'"' && text[4] != b'\r' && text[4] != b'\n' {
            let mut offset = 5 + line_end.unwrap_or(rest.len());
            if text.get(offset) == Some(&b'\r') {
                offset += 1;
            }
            if text.get(offset) == Some(&b'\n') {
                offset += 1;
            }
            return (text[4], offset, 2);
        }
    }
    // The first line with something other than separators and spaces on it, scanned with every candidate
    // counting as a separator (a quote opens a quoted field only at the start of a field).
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut field_start = true;
    let mut content = false;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        i += 1;
        if in_quotes {
            if b == b'"' {
                if text.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                    field_start = false;
                }
            }
            continue;
        }
        if let Some(k) = SEPARATORS.iter().position(|s| *s == b) {
            counts[k] += 1;
            field_start = true;
        } else if b == b'\n' || b == b'\r' {
            if content {
                break;
            }
            counts = [0; 3];
            field_start = true;
        } else if b == b'"' && field_start {
            in_quotes = true;
            content = true;
        } else {
            field_start = false;
            if b != b' ' {
                content = true;
            }
        }
    }
    let mut best = 0;
    for k in 1..3 {
        if counts[k] > counts[best] {
            best = k;
        }
    }
    (SEPARATORS[best], 0, 1)
}

/// File row numbers (starting at `first_row` for the first line of `text`) of the records the `csv` crate
/// reads from `text`, i.e. of every line that is not empty; a quoted field's line breaks stay in its row.
pub(crate) fn scan_rows(text: &[u8], sep: u8, first_row: usize) -> Result<Vec<usize>, ImportError> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum S {
        StartRecord,
        StartField,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut rows = Vec::new();
    let mut row = first_row;
    let mut row_start = 0usize;
    let mut s = S::StartRecord;
    let mut i = 0usize;
    let n = text.len();
    while i < n {
        let b = text[i];
        let terminator = b == b'\n' || b == b'\r';
        match s {
            S::StartRecord => {
                if terminator {
                    if b == b'\r' && text.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    row += 1;
                    i += 1;
                    continue;
                }
                if rows.len() > MAX_ROWS {
                    return Err(ImportError::TooManyRows { max: MAX_ROWS });
                }
                rows.push(row);
                row_start = i;
                s = S::StartField;
                continue; // the same byte starts the first field
            }
            S::Quoted => {
                // Fast path: skip to the next quote.
                match text[i..].iter().position(|&c| c == b'"') {
                    Some(k) => {
                        i += k;
                        s = S::QuoteInQuoted;
                    }
                    None => return Err(ImportError::UnterminatedQuote { row }),
                }
                if i - row_start > MAX_LINE_BYTES {
                    return Err(ImportError::LineTooLong { row });
                }
                i += 1;
                continue;
            }
            S::StartField if b == b'"' => s = S::Quoted,
            S::QuoteInQuoted if b == b'"' => s = S::Quoted,
            S::StartField | S::Unquoted | S::QuoteInQuoted => {
                if b == sep {
                    s = S::StartField;
                } else if terminator {
                    if i - row_start > MAX_LINE_BYTES {
                        return Err(ImportError::LineTooLong { row });
                    }
                    if b == b'\r' && text.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    row += 1;
                    s = S::StartRecord;
                } else {
                    s = S::Unquoted;
                    // Fast path through plain text.
                    let k = text[i..]
                        .iter()
                        .position(|&c| c == sep || c == b'\n' || c == b'\r')
                        .unwrap_or(n - i);
                    if k > 1 {
                        i += k - 1;
                    }
                }
            }
        }
        if i - row_start > MAX_LINE_BYTES && s != S::StartRecord {
            return Err(ImportError::LineTooLong { row });
        }
        i += 1;
    }
    if s != S::StartRecord && n - row_start > MAX_LINE_BYTES {
        return Err(ImportError::LineTooLong { row });
    }
    if rows.len() > MAX_ROWS + 1 {
        return Err(ImportError::TooManyRows { max: MAX_ROWS });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(separator(b"a;b,c;d\n"), (b';', 0, 1));
        assert_eq!(separator(b"a,b,c;d\n"), (b',', 0, 1));
        assert_eq!(separator(b"a\tb\tc,d\n"), (b'\t', 0, 1));
        assert_eq!(separator(b"a,b;c\n"), (b';', 0, 1));
        assert_eq!(separator(b"\"a;b;c\",d,e\n"), (b',', 0, 1));
        assert_eq!(separator(b";;\n\na,b\n"), (b',', 0, 1));
        assert_eq!(separator(b"sep=,\r\na;b,c"), (b',', 7, 2));
        assert_eq!(separator(b"abc"), (b';', 0, 1));
    }

    #[test]
    fn rows_numbers() {
        assert_eq!(scan_rows(b"a\nb\n\n\nc", b';', 1).unwrap(), vec![1, 2, 5]);
        assert_eq!(
            scan_rows(b"a\r\nb\r\n\r\nc\r\n", b';', 1).unwrap(),
            vec![1, 2, 4]
        );
        assert_eq!(
            scan_rows(b"\"a\nb\";c\nd\re", b';', 1).unwrap(),
            vec![1, 2, 3]
        );
        assert_eq!(scan_rows(b"\"a\"\"b\";x\nd", b';', 1).unwrap(), vec![1, 2]);
        assert_eq!(
            scan_rows(b"a\"b;\"c\n", b';', 1),
            Err(ImportError::UnterminatedQuote { row: 1 })
        );
        assert_eq!(
            scan_rows(b"a\nb;\"c\nd", b';', 1),
            Err(ImportError::UnterminatedQuote { row: 2 })
        );
        assert_eq!(scan_rows(b"a\nb;c\"d\ne", b';', 1).unwrap(), vec![1, 2, 3]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The scan and the `csv` crate agree on the number of records, so every record gets its row number.
        #[test]
        fn scan_agrees_with_csv_crate(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", ";", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\t"]),
                0..80,
            ),
            sep in proptest::sample::select(vec![b';', b',', b'\t']),
        ) {
            let text = parts.concat();
            if let Ok(rows) = scan_rows(text.as_bytes(), sep, 1) {
                let records = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(sep)
                    .from_reader(text.as_bytes())
                    .records()
                    .count();
                proptest::prop_assert_eq!(rows.len(), records, "{:?}", text);
            }
        }
    }
}
