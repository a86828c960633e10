//! `.xlsx` through `calamine`: the first worksheet, streamed cell by cell (a sparse sheet with a far-away
//! cell would make a dense `Range` allocate billions of cells), numbers and dates rendered as text.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::{ImportError, Table, MAX_FIELD_BYTES, MAX_LINE_BYTES, MAX_ROWS};

/// Most non-empty cells kept from one worksheet (a guard against decompression bombs).
const MAX_CELLS: usize = 20_000_000;

pub(crate) fn read(bytes: &[u8]) -> Result<Table, ImportError> {
    let err = |e: calamine::XlsxError| ImportError::Xlsx(e.to_string());
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(err)?;
    let sheet = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::Xlsx("the workbook has no worksheet".into()))?;
    let mut reader = workbook.worksheet_cells_reader(&sheet).map_err(err)?;
    // Row index (0-based) → cells (column index, text); rows come in order in every writer we know, but a
    // BTreeMap keeps them sorted whatever the order.
    let mut sheet_rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let mut cells = 0usize;
    while let Some(cell) = reader.next_cell().map_err(err)? {
        let text = render(cell.get_value());
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        if text.len() > MAX_FIELD_BYTES {
            return Err(ImportError::FieldTooLong {
                row: r as usize + 1,
                column: column_letters(c),
            });
        }
        cells += 1;
        if cells > MAX_CELLS {
            return Err(ImportError::TooLarge {
                max_bytes: crate::MAX_FILE_BYTES,
            });
        }
        let row = sheet_rows.entry(r).or_default();
        row.push((c, text.to_string()));
        if sheet_rows.len() > MAX_ROWS + 1 {
            return Err(ImportError::TooManyRows { max: MAX_ROWS });
        }
    }
    let first_col = sheet_rows
        .values()
        .flat_map(|r| r.iter().map(|(c, _)| *c))
        .min()
        .unwrap_or(0);
    let mut rows_iter = sheet_rows.into_iter();
    let (header_index, header_cells) = rows_iter.next().ok_or(ImportError::Empty)?;
    let width = header_cells
        .iter()
        .map(|(c, _)| (c - first_col) as usize + 1)
        .max()
        .unwrap_or(0);
    let dense = |row: usize, cells: Vec<(u32, String)>| -> Result<Vec<String>, ImportError> {
        let mut out = vec![String::new(); width];
        let mut len = 0usize;
        for (c, text) in cells {
            len += text.len();
            if len > MAX_LINE_BYTES {
                return Err(ImportError::LineTooLong { row });
            }
            if let Some(slot) = out.get_mut((c - first_col) as usize) {
                *slot = text;
            }
        }
        Ok(out)
    };
    let header_row = header_index as usize + 1;
    let headers = dense(header_row, header_cells)?;
    let mut rows = Vec::new();
    for (index, cells) in rows_iter {
        let row = index as usize + 1;
        let cells = dense(row, cells)?;
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push((row, cells));
        }
    }
    Ok(Table {
        headers,
        header_row,
        rows,
        encoding: "xlsx",
        separator: None,
    })
}

/// A cell as text the way a person reads it: whole numbers without `.0`, dates as ISO `YYYY-MM-DD`
/// (with ` HH:MM:SS` when there is a time), booleans as `TRUE`/`FALSE`, errors as Excel shows them.
fn render(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTime(dt) => number(dt.as_f64()),
        DataRef::Error(e) => e.to_string(),
    }
}

fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// `0` → `A`, `27` → `AB`.
fn column_letters(mut c: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering() {
        assert_eq!(number(42.0), "42");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(16383), "XFD");
    }
}
