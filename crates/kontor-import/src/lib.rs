//! Kontor user import: reads a `.csv` (in the encodings and separators Excel writes) or `.xlsx` file into a
//! [`Table`] and validates it against the account into a [`Preview`] of the users to create.
//!
//! A pure library: the desktop shell and the server CLI both call it, and it never writes anything.
//!
//! ```text
//! bytes ──read_table──▶ Table (headers, rows with their file row numbers) ──validate(ctx)──▶ Preview
//! ```
//!
//! * [`read_table`] decodes (UTF-8 with or without BOM, UTF-16LE/BE with or without BOM, Windows-1252 when
//!   the bytes are not UTF-8), detects the separator (`;`, `,` or tab), reads the records with the `csv`
//!   crate, or the first worksheet of an `.xlsx` with `calamine`, and recognises the header row
//!   ([`Template::Kontor`] or [`Template::Microsoft365`]). It fails with an [`ImportError`] when the file
//!   cannot be an import file at all (empty, binary, only headers, unknown headers, over a limit).
//! * [`validate`] checks every row and reports every [`Problem`] with row number, column and [`Reason`].
//!
//! Row numbers are the ones a spreadsheet shows: the first line of the file is row 1 (normally the header),
//! blank rows are skipped but still counted, and a quoted field with line breaks stays one row.
//!
//! Limits (each an [`ImportError`], never a panic): [`MAX_FILE_BYTES`], [`MAX_LINE_BYTES`],
//! [`MAX_FIELD_BYTES`], [`MAX_ROWS`].

mod columns;
mod csv_read;
mod decode;
mod validate;
mod xlsx;

pub use columns::{field_of, Field, Template};
pub use validate::{validate, Context, Preview, Problem, Reason, ValidRow};

/// Largest file accepted, in bytes (50 MB).
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// Longest row accepted, in bytes of UTF-8 text (1 MiB); a quoted field with line breaks counts as one row.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;
/// Longest cell accepted, in bytes of UTF-8 text (64 KiB).
pub const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Most data rows accepted (blank rows are not counted).
pub const MAX_ROWS: usize = 1_000_000;

/// What kind of file the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Delimited text: `.csv`, `.txt`, `.tsv`.
    Csv,
    /// An Office Open XML workbook: `.xlsx`.
    Xlsx,
}

impl FileKind {
    /// The kind of a file from its contents, falling back to its name: a zip (`PK\x03\x04`) is an `.xlsx`
    /// whatever it is called (an `.xlsx` renamed `.csv` is read as a workbook); otherwise the extension
    /// decides, and any other extension (or none) is read as CSV. [`read_table`] reports a binary file
    /// as [`ImportError::NotText`].
    pub fn detect(file_name: &str, bytes: &[u8]) -> FileKind {
        if bytes.starts_with(ZIP_MAGIC) {
            return FileKind::Xlsx;
        }
        match FileKind::from_file_name(file_name) {
            // Claims to be xlsx but is no zip: calamine reports it as a damaged workbook.
            Some(kind) => kind,
            None => FileKind::Csv,
        }
    }

    /// The kind from the extension alone (case-insensitive); `None` for anything else.
    pub fn from_file_name(file_name: &str) -> Option<FileKind> {
        let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" | "tsv" | "tab" => Some(FileKind::Csv),
            "xlsx" | "xlsm" => Some(FileKind::Xlsx),
            _ => None,
        }
    }
}

pub(crate) const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Compound File Binary: the old `.xls` (Excel 97–2003) format.
pub(crate) const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// A file read into cells: the header row and the non-blank data rows, every cell trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header row as in the file (trimmed).
    pub headers: Vec<String>,
    /// File row number (1-based, as a spreadsheet shows it) of the header row; 1 unless blank rows precede it.
    pub header_row: usize,
    /// Data rows as `(file row number, cells)`. Blank rows are left out, so the numbers may have gaps.
    /// A row may have fewer cells than there are headers (missing cells are empty) or more (ignored).
    pub rows: Vec<(usize, Vec<String>)>,
    /// How the text was decoded: `"UTF-8"`, `"UTF-16LE"`, `"UTF-16BE"`, `"windows-1252"`, or `"xlsx"`.
    pub encoding: &'static str,
    /// The separator found (CSV only).
    pub separator: Option<char>,
}

impl Table {
    /// The cell of `row` under header `index`, or `""` when the row is shorter.
    pub fn cell(cells: &[String], index: usize) -> &str {
        cells.get(index).map(String::as_str).unwrap_or("")
    }

    /// The index of the column the users' e-mail addresses come from: `E-mail` (or a synonym), else the
    /// Microsoft 365 template's `User Name`, exactly as [`validate`] reads them. `None` when the headers
    /// are not an import file's.
    pub fn email_column(&self) -> Option<usize> {
        columns::Columns::resolve(&self.headers)
            .ok()
            .map(|c| c.email)
    }

    /// The valid addresses of the e-mail column, normalised as [`validate`] stores them (for asking the
    /// portal which of them exist already). Invalid cells are left out: the preview reports them.
    pub fn valid_emails(&self) -> Vec<String> {
        let Some(index) = self.email_column() else {
            return Vec::new();
        };
        self.rows
            .iter()
            .filter_map(|(_, cells)| {
                kontor_api::validate::email("email", Table::cell(cells, index)).ok()
            })
            .collect()
    }
}

/// Why a file cannot be imported at all. Row problems are [`Problem`]s in the [`Preview`] instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error(
        "the file is not a text file (CSV) or Excel workbook (.xlsx); it looks like binary data"
    )]
    NotText,
    #[error(
        "the file is an old Excel 97–2003 workbook (.xls); save it as .xlsx or CSV and try again"
    )]
    LegacyXls,
    #[error("the file claims to be {0} but contains bytes that are not valid {0}")]
    InvalidEncoding(&'static str),
    #[error("the file has a header row but no users below it")]
    HeadersOnly,
    #[error("none of the column headers is known (found: {}); expected e.g. E-mail and Name, or the Microsoft 365 template", .found.join(", "))]
    NoKnownHeaders { found: Vec<String> },
    #[error("the column \"{0}\" is missing")]
    MissingColumn(String),
    #[error("the column \"{0}\" appears twice")]
    DuplicateColumn(String),
    #[error("row {row} is longer than {max_bytes} bytes", max_bytes = MAX_LINE_BYTES)]
    LineTooLong { row: usize },
    #[error("row {row}, column \"{column}\": the cell is longer than {max_bytes} bytes", max_bytes = MAX_FIELD_BYTES)]
    FieldTooLong { row: usize, column: String },
    #[error("row {row}: a quote (\") opens a field that is never closed")]
    UnterminatedQuote { row: usize },
    #[error("the file has more than {max} rows")]
    TooManyRows { max: usize },
    #[error("the Excel workbook cannot be read: {0}")]
    Xlsx(String),
    #[error("the CSV file cannot be read: {0}")]
    Csv(String),
}

impl ImportError {
    /// The typed form the app puts into words.
    pub fn problem(&self) -> kontor_api::ImportFileProblem {
        use kontor_api::ImportFileProblem as P;
        let n = |v: usize| v as u64;
        match self {
            ImportError::Empty => P::Empty,
            ImportError::TooLarge { max_bytes } => P::TooLarge {
                max_bytes: n(*max_bytes),
            },
            ImportError::NotText => P::NotText,
            ImportError::LegacyXls => P::LegacyXls,
            ImportError::InvalidEncoding(e) => P::InvalidEncoding {
                encoding: e.to_string(),
            },
            ImportError::HeadersOnly => P::HeadersOnly,
            ImportError::NoKnownHeaders { found } => P::NoKnownHeaders {
                found: found.clone(),
            },
            ImportError::MissingColumn(c) => P::MissingColumn { column: c.clone() },
            ImportError::DuplicateColumn(c) => P::DuplicateColumn { column: c.clone() },
            ImportError::LineTooLong { row } => P::LineTooLong { row: n(*row) },
            ImportError::FieldTooLong { row, column } => P::FieldTooLong {
                row: n(*row),
                column: column.clone(),
            },
            ImportError::UnterminatedQuote { row } => P::UnterminatedQuote { row: n(*row) },
            ImportError::TooManyRows { max } => P::TooManyRows { max: n(*max) },
            ImportError::Xlsx(_) | ImportError::Csv(_) => P::Damaged,
        }
    }

    /// A stable snake_case code for the UI to translate (the `code` of the app's `{code, message}` errors).
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Empty => "empty",
            ImportError::TooLarge { .. } => "too_large",
            ImportError::NotText => "not_text",
            ImportError::LegacyXls => "legacy_xls",
            ImportError::InvalidEncoding(_) => "invalid_encoding",
            ImportError::HeadersOnly => "headers_only",
            ImportError::NoKnownHeaders { .. } => "no_known_headers",
            ImportError::MissingColumn(_) => "missing_column",
            ImportError::DuplicateColumn(_) => "duplicate_column",
            ImportError::LineTooLong { .. } => "line_too_long",
            ImportError::FieldTooLong { .. } => "field_too_long",
            ImportError::UnterminatedQuote { .. } => "unterminated_quote",
            ImportError::TooManyRows { .. } => "too_many_rows",
            ImportError::Xlsx(_) => "xlsx",
            ImportError::Csv(_) => "csv",
        }
    }
}

/// Reads `bytes` as `kind` into a [`Table`] and checks that its header row is one Kontor can import
/// (see [`Template`]). A CSV that is really a zip is read as `.xlsx`.
pub fn read_table(bytes: &[u8], kind: FileKind) -> Result<Table, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            max_bytes: MAX_FILE_BYTES,
        });
    }
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ImportError::LegacyXls);
    }
    let table = if kind == FileKind::Xlsx || bytes.starts_with(ZIP_MAGIC) {
        xlsx::read(bytes)?
    } else {
        csv_read::read(bytes)?
    };
    columns::Columns::resolve(&table.headers)?;
    if table.rows.is_empty() {
        return Err(ImportError::HeadersOnly);
    }
    Ok(table)
}

/// Kontor's own import template: a header row and two example rows, `;` separated, UTF-8 with BOM and CRLF
/// line ends — what German and English Excel both open into columns with umlauts intact.
/// Without an account's products and locations the Licenses and Location cells are left empty (product codes
/// differ per vendor); see [`template_csv_for`].
pub fn template_csv(lang_german: bool) -> String {
    template_csv_for(lang_german, &[], None)
}

/// The template with example rows that show the Licenses and Location format with the account's own
/// values: the first example row gets the first product, the second the first two products separated by
/// `, ` (a cell may list several, separated by `,`, `;` or `|`; product code or name), both `location`.
/// Every example row is valid for that account.
pub fn template_csv_for(lang_german: bool, products: &[&str], location: Option<&str>) -> String {
    let clean = |s: &str| s.replace([';', '"', '\r', '\n'], " ").trim().to_string();
    let one = products.first().map(|p| clean(p)).unwrap_or_default();
    let two = products
        .iter()
        .take(2)
        .map(|p| clean(p))
        .collect::<Vec<_>>()
        .join(", ");
    let place = location.map(clean).unwrap_or_default();
    let (header, anna, joerg) = if lang_german {
        (
            "E-Mail;Anzeigename;Rolle;Lizenzen;Standort",
            "anna.beispiel@example.com;Anna Beispiel;Benutzer",
            "joerg.mueller@example.com;Jörg Müller;Administrator",
        )
    } else {
        (
            "E-mail;Name;Role;Licenses;Location",
            "anna.example@example.com;Anna Example;user",
            "joerg.mueller@example.com;Jörg Müller;admin",
        )
    };
    let mut out = String::from('\u{FEFF}');
    for line in [
        header.to_string(),
        format!("{anna};{one};{place}"),
        format!("{joerg};{two};{place}"),
    ] {
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}
