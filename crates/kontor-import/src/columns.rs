//! Header recognition: which column holds which field, and which template the file follows.

use serde::Serialize;

use crate::ImportError;

/// Which template a file follows, decided by its header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Kontor's own template ([`crate::template_csv`]), English or German headers.
    Kontor,
    /// The Microsoft 365 admin center's bulk-add template: `User Name` is the e-mail, `Display Name`
    /// (or `First Name` + `Last Name`) the name; every user gets the role `user` and no licenses,
    /// the other columns are ignored.
    Microsoft365,
}

pub use kontor_api::ImportField as Field;

/// Header synonyms, compared after [`normalize`] (lower case, letters and digits only), so
/// `E-Mail`, `e-mail`, `E Mail` and `EMAIL` are the same header.
pub(crate) const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::Email,
        &["email", "emailaddress", "emailadresse", "mail"],
    ),
    (
        Field::UserName,
        &["username", "benutzername", "userprincipalname"],
    ),
    (
        Field::DisplayName,
        &["name", "displayname", "anzeigename", "fullname"],
    ),
    (Field::FirstName, &["firstname", "givenname", "vorname"]),
    (
        Field::LastName,
        &[
            "lastname",
            "surname",
            "familyname",
            "nachname",
            "familienname",
        ],
    ),
    (Field::Role, &["role", "rolle"]),
    (
        Field::Licenses,
        &[
            "licenses", "license", "licences", "licence", "lizenzen", "lizenz",
        ],
    ),
    (Field::Location, &["location", "standort"]),
];

/// Lower case, letters and digits only: `"E-Mail "` → `"email"`, `"ZIP or Postal Code"` → `"ziporpostalcode"`.
pub(crate) fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a column header names (`E-Mail`, `Rolle`, `User Name`, …), if it is a known one.
pub fn field_of(header: &str) -> Option<Field> {
    let n = normalize(header);
    SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&n.as_str()))
        .map(|(f, _)| *f)
}

/// Column indexes of the fields a table has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Columns {
    pub template: Template,
    pub email: usize,
    pub display_name: Option<usize>,
    pub first_name: Option<usize>,
    pub last_name: Option<usize>,
    pub role: Option<usize>,
    pub licenses: Option<usize>,
    pub location: Option<usize>,
}

impl Columns {
    pub fn resolve(headers: &[String]) -> Result<Columns, ImportError> {
        let mut found: Vec<(Field, usize)> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if let Some(f) = field_of(h) {
                if found.iter().any(|(g, _)| *g == f) {
                    return Err(ImportError::DuplicateColumn(h.clone()));
                }
                found.push((f, i));
            }
        }
        if found.is_empty() {
            return Err(ImportError::NoKnownHeaders {
                found: headers.iter().filter(|h| !h.is_empty()).cloned().collect(),
            });
        }
        let col = |f: Field| found.iter().find(|(g, _)| *g == f).map(|(_, i)| *i);
        let (template, email) = match (col(Field::Email), col(Field::UserName)) {
            (Some(i), _) => (Template::Kontor, i),
            (None, Some(i)) => (Template::Microsoft365, i),
            (None, None) => return Err(ImportError::MissingColumn("E-mail".into())),
        };
        let display_name = col(Field::DisplayName);
        let (first_name, last_name) = (col(Field::FirstName), col(Field::LastName));
        if display_name.is_none() && first_name.is_none() && last_name.is_none() {
            return Err(ImportError::MissingColumn(match template {
                Template::Kontor => "Name".into(),
                Template::Microsoft365 => "Display Name".into(),
            }));
        }
        let kontor_only = |f| match template {
            Template::Kontor => col(f),
            Template::Microsoft365 => None,
        };
        Ok(Columns {
            template,
            email,
            display_name,
            first_name,
            last_name,
            role: kontor_only(Field::Role),
            licenses: kontor_only(Field::Licenses),
            location: kontor_only(Field::Location),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    #[test]
    fn synonyms() {
        assert_eq!(field_of(" E-Mail "), Some(Field::Email));
        assert_eq!(field_of("E MAIL"), Some(Field::Email));
        assert_eq!(field_of("Anzeigename"), Some(Field::DisplayName));
        assert_eq!(field_of("Alternate email address"), None);
        let c = Columns::resolve(&h("Vorname,Nachname,E-Mail,Rolle")).unwrap();
        assert_eq!(
            (c.template, c.email, c.role),
            (Template::Kontor, 2, Some(3))
        );
        assert_eq!(
            Columns::resolve(&h("E-mail,Name,Name")),
            Err(ImportError::DuplicateColumn("Name".into()))
        );
        assert_eq!(
            Columns::resolve(&h("Name,Role")),
            Err(ImportError::MissingColumn("E-mail".into()))
        );
        assert_eq!(
            Columns::resolve(&h("foo,,bar")),
            Err(ImportError::NoKnownHeaders {
                found: vec!["foo".into(), "bar".into()]
            })
        );
    }
}
