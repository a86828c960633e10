//! Row validation: every problem of every row, duplicates, existing users, roles, licenses, locations, seats.

use std::collections::{HashMap, HashSet};

use kontor_api::validate::{display_name, email};
use kontor_api::{FieldProblem, NewUser, Role};

pub use kontor_api::ImportReason as Reason;
use serde::ser::SerializeStruct;
use serde::Serialize;

use crate::columns::{normalize, Columns, Template};
use crate::{ImportError, Table};

/// What the account already has, fetched by the caller before validating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// `(code, name)` of every product the account can license. A license cell may name either,
    /// case-insensitively (codes win over names).
    pub products: Vec<(String, String)>,
    /// Free seats per product code; a product not listed has none.
    pub free_seats: HashMap<String, i64>,
    /// E-mail addresses of the account's users, lower case.
    pub existing_emails: HashSet<String>,
    /// `(id, name)` of the account's locations; a location cell names one, case-insensitively.
    pub locations: Vec<(String, String)>,
}

/// What an import would do; nothing has been written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// Data rows in the file (blank rows not counted).
    pub rows_found: usize,
    /// The rows without any problem, ready for `CreateUsers` (in file order; split into batches of
    /// `kontor_api::MAX_BATCH` when sending).
    pub valid: Vec<ValidRow>,
    /// Every problem, in row order, then column order within a row.
    pub problems: Vec<Problem>,
    pub template: Template,
}

impl Preview {
    /// Rows with at least one problem.
    pub fn rows_with_problems(&self) -> usize {
        let mut rows: Vec<usize> = self.problems.iter().map(|p| p.row).collect();
        rows.dedup();
        rows.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidRow {
    /// 1-based row number as a spreadsheet shows it (header = row 1).
    pub row: usize,
    pub user: NewUser,
}

/// One problem: where (row and column header as in the file; `""` for the whole file) and why.
/// Serialised as `{row, column, reason: {code, detail?}, message}`, `message` being the English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: usize,
    pub column: String,
    pub reason: Reason,
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Problem", 4)?;
        st.serialize_field("row", &self.row)?;
        st.serialize_field("column", &self.column)?;
        st.serialize_field("reason", &self.reason)?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "Row {}: {}", self.row, self.reason)
        } else {
            write!(
                f,
                "Row {}, column \"{}\": {}",
                self.row, self.column, self.reason
            )
        }
    }
}

fn reason_of(p: FieldProblem) -> Reason {
    match p {
        FieldProblem::Required => Reason::Required,
        FieldProblem::TooLong => Reason::TooLong,
        FieldProblem::InvalidEmail => Reason::InvalidEmail,
        _ => Reason::InvalidCharacters,
    }
}

/// Role cell → role: English (`owner admin billing user`) or German (`Inhaber Administrator Buchhaltung
/// Benutzer`), any case; empty is `user`.
fn parse_role(cell: &str) -> Option<Role> {
    match normalize(cell).as_str() {
        "" | "user" | "benutzer" | "benutzerin" | "nutzer" => Some(Role::User),
        "admin" | "administrator" | "administratorin" => Some(Role::Admin),
        "billing" | "buchhaltung" => Some(Role::Billing),
        "owner" | "inhaber" | "inhaberin" => Some(Role::Owner),
        _ => None,
    }
}

/// Checks every row of `table` against `ctx`. Never fails: a table whose headers are not usable (only
/// possible when built by hand) gives a preview with one file-level problem.
///
/// Seats: licenses are counted over the rows that have no other problem, in row order; a row whose
/// licenses would exceed a product's free seats gets [`Reason::NotEnoughSeats`] on the licenses column
/// and takes no seat of any product (first come, first served).
pub fn validate(table: &Table, ctx: &Context) -> Preview {
    let rows_found = table.rows.len();
    let cols = match Columns::resolve(&table.headers) {
        Ok(c) => c,
        Err(e) => {
            let reason = match e {
                ImportError::MissingColumn(c) => Reason::MissingColumn(c),
                ImportError::DuplicateColumn(c) => Reason::DuplicateColumn(c),
                _ => Reason::NoKnownHeaders,
            };
            return Preview {
                rows_found,
                valid: Vec::new(),
                problems: vec![Problem {
                    row: table.header_row,
                    column: String::new(),
                    reason,
                }],
                template: Template::Kontor,
            };
        }
    };
    let header = |i: usize| table.headers.get(i).cloned().unwrap_or_default();
    let email_col = header(cols.email);
    let name_col = header(
        cols.display_name
            .or(cols.first_name)
            .or(cols.last_name)
            .unwrap_or(0),
    );
    let role_col = cols.role.map(header).unwrap_or_default();
    let lic_col = cols.licenses.map(header).unwrap_or_default();
    let loc_col = cols.location.map(header).unwrap_or_default();

    let mut products: HashMap<String, &str> = HashMap::new();
    for (code, name) in &ctx.products {
        products.entry(name.trim().to_lowercase()).or_insert(code);
    }
    for (code, _) in &ctx.products {
        products.insert(code.trim().to_lowercase(), code); // codes win over names
    }
    let mut locations: HashMap<String, &str> = HashMap::new();
    for (id, name) in &ctx.locations {
        locations.entry(name.trim().to_lowercase()).or_insert(id);
    }

    let mut first_seen: HashMap<String, usize> = HashMap::with_capacity(table.rows.len());
    let mut problems = Vec::new();
    // Rows that passed every check but seats.
    let mut candidates: Vec<ValidRow> = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        let row = *row;
        let cell = |i: Option<usize>| i.map(|i| Table::cell(cells, i)).unwrap_or("");
        let before = problems.len();
        let mut problem = |column: &str, reason| {
            problems.push(Problem {
                row,
                column: column.to_string(),
                reason,
            })
        };

        let mail = match email("email", cell(Some(cols.email))) {
            Ok(m) => {
                if let Some(first_row) = first_seen.get(&m) {
                    problem(
                        &email_col,
                        Reason::DuplicateInFile {
                            first_row: *first_row,
                        },
                    );
                } else {
                    first_seen.insert(m.clone(), row);
                }
                if ctx.existing_emails.contains(&m) {
                    problem(&email_col, Reason::AlreadyExists);
                }
                Some(m)
            }
            Err(e) => {
                problem(&email_col, reason_of(e.reason));
                None
            }
        };

        let raw_name = match cell(cols.display_name) {
            "" => {
                let (f, l) = (cell(cols.first_name), cell(cols.last_name));
                match (f.is_empty(), l.is_empty()) {
                    (false, false) => format!("{f} {l}"),
                    _ => format!("{f}{l}"),
                }
            }
            n => n.to_string(),
        };
        let name = match display_name("display_name", &raw_name) {
            Ok(n) => Some(n),
            Err(e) => {
                problem(&name_col, reason_of(e.reason));
                None
            }
        };

        let role = match parse_role(cell(cols.role)) {
            Some(Role::Owner) => {
                problem(&role_col, Reason::OwnerNotAllowed);
                None
            }
            Some(r) => Some(r),
            None => {
                problem(&role_col, Reason::UnknownRole(cell(cols.role).to_string()));
                None
            }
        };

        let mut licenses: Vec<String> = Vec::new();
        for item in cell(cols.licenses).split([',', ';', '|']) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            match products.get(&item.to_lowercase()) {
                Some(code) => {
                    if !licenses.iter().any(|l| l == code) {
                        licenses.push((*code).to_string());
                    }
                }
                None => problem(&lic_col, Reason::UnknownLicense(item.to_string())),
            }
        }

        let location_id = match cell(cols.location) {
            "" => None,
            loc => match locations.get(&loc.to_lowercase()) {
                Some(id) => Some((*id).to_string()),
                None => {
                    problem(&loc_col, Reason::UnknownLocation(loc.to_string()));
                    None
                }
            },
        };

        if problems.len() == before {
            if let (Some(email), Some(display_name), Some(role)) = (mail, name, role) {
                candidates.push(ValidRow {
                    row,
                    user: NewUser {
                        email,
                        display_name,
                        role,
                        location_id,
                        licenses,
                    },
                });
            }
        }
    }

    // Seats, first come first served over the otherwise valid rows.
    let mut requested: HashMap<String, i64> = HashMap::new();
    for c in &candidates {
        for l in &c.user.licenses {
            match requested.get_mut(l) {
                Some(n) => *n += 1,
                None => {
                    requested.insert(l.clone(), 1);
                }
            }
        }
    }
    let free = |code: &str| ctx.free_seats.get(code).copied().unwrap_or(0).max(0);
    let mut left: HashMap<String, i64> = requested.keys().map(|c| (c.clone(), free(c))).collect();
    let mut valid = Vec::with_capacity(candidates.len());
    for c in candidates {
        let short: Vec<&String> = c
            .user
            .licenses
            .iter()
            .filter(|l| left.get(l.as_str()).copied().unwrap_or(0) < 1)
            .collect();
        if short.is_empty() {
            for l in &c.user.licenses {
                if let Some(n) = left.get_mut(l.as_str()) {
                    *n -= 1;
                }
            }
            valid.push(c);
        } else {
            for product in short {
                let missing = requested.get(product.as_str()).copied().unwrap_or(0) - free(product);
                problems.push(Problem {
                    row: c.row,
                    column: lic_col.clone(),
                    reason: Reason::NotEnoughSeats {
                        product: product.clone(),
                        missing,
                    },
                });
            }
        }
    }
    // Problems were pushed per row, then seat problems after all rows: restore row order (stable sort keeps
    // the column order within a row).
    problems.sort_by_key(|p| p.row);

    Preview {
        rows_found,
        valid,
        problems,
        template: cols.template,
    }
}
