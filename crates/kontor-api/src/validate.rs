//! Validation shared by the UI, the desktop shell and the server, so all three say the same about a field.

use serde::{Deserialize, Serialize};

/// Which field failed and why; the UI shows `reason` next to `field`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: FieldProblem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldProblem {
    Required,
    TooLong,
    InvalidEmail,
    InvalidToken,
    InvalidUrl,
    InsecureUrl,
    /// Not acceptable in this field (e.g. control characters).
    Invalid,
    /// A new password shorter than [`MIN_NEW_PASSWORD_LEN`].
    TooShort,
    /// Not a valid id or code (empty, longer than 64 characters, control characters).
    InvalidId,
    /// A number outside its range (e.g. a page size).
    OutOfRange,
    /// A new password equal to the current one.
    Unchanged,
    /// A password that does not match (the current password when changing it).
    Incorrect,
}

impl FieldProblem {
    pub fn english(self) -> &'static str {
        match self {
            FieldProblem::Required => "is required",
            FieldProblem::TooLong => "is too long",
            FieldProblem::InvalidEmail => "is not a valid e-mail address",
            FieldProblem::InvalidToken => "is not a valid license token",
            FieldProblem::InvalidUrl => "is not a valid web address",
            FieldProblem::InsecureUrl => "must use https (http only for this computer)",
            FieldProblem::Invalid => "is not valid",
            FieldProblem::TooShort => "is too short (at least 12 characters)",
            FieldProblem::InvalidId => "is not a valid id",
            FieldProblem::OutOfRange => "is out of range",
            FieldProblem::Unchanged => "must differ from the current password",
            FieldProblem::Incorrect => "is not correct",
        }
    }
}

impl FieldError {
    /// The error's typed detail; `row` is the position in a list request (`users[row]`).
    pub fn detail(&self, row: Option<u32>) -> crate::ErrorDetail {
        crate::ErrorDetail::Field {
            field: self.field.to_string(),
            row,
            problem: self.reason,
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.reason.english())
    }
}

pub const MAX_EMAIL_LEN: usize = 254;
pub const MAX_PASSWORD_LEN: usize = 1024;
/// License tokens are 32 to 128 characters of `A-Z a-z 0-9 -`.
pub const LICENSE_TOKEN_MIN: usize = 32;
pub const LICENSE_TOKEN_MAX: usize = 128;

/// Normalises an e-mail address (trimmed, lower case) or says why it is not one.
/// Deliberately simple: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn email(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let e = raw.trim().to_lowercase();
    let err = |reason| FieldError { field, reason };
    if e.is_empty() {
        return Err(err(FieldProblem::Required));
    }
    if e.len() > MAX_EMAIL_LEN {
        return Err(err(FieldProblem::TooLong));
    }
    let (local, domain) = e.split_once('@').ok_or(err(FieldProblem::InvalidEmail))?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(e)
    } else {
        Err(err(FieldProblem::InvalidEmail))
    }
}

/// A password as typed at sign-in: present and not absurdly long (no strength rules at sign-in).
pub fn login_password(field: &'static str, raw: &str) -> Result<(), FieldError> {
    if raw.is_empty() {
        Err(FieldError {
            field,
            reason: FieldProblem::Required,
        })
    } else if raw.len() > MAX_PASSWORD_LEN {
        Err(FieldError {
            field,
            reason: FieldProblem::TooLong,
        })
    } else {
        Ok(())
    }
}

/// Shortest password a user may choose for themselves.
pub const MIN_NEW_PASSWORD_LEN: usize = 12;

/// A password the user chooses (not at sign-in): at least 12 characters, at most 1024 bytes.
pub fn new_password(field: &'static str, raw: &str) -> Result<(), FieldError> {
    login_password(field, raw)?;
    if raw.chars().count() < MIN_NEW_PASSWORD_LEN {
        return Err(FieldError {
            field,
            reason: FieldProblem::TooShort,
        });
    }
    Ok(())
}

/// A display name: trimmed, not empty, at most 200 characters, no control characters.
pub fn display_name(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let n = raw.trim();
    let err = |reason| FieldError { field, reason };
    if n.is_empty() {
        return Err(err(FieldProblem::Required));
    }
    if n.chars().count() > crate::users::MAX_NAME_LEN {
        return Err(err(FieldProblem::TooLong));
    }
    if n.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(err(FieldProblem::Invalid));
    }
    Ok(n.to_string())
}

/// Characters that change how text around them shows without being seen: bidirectional controls (a
/// U+202E makes `exe.txt` show as `txt.exe`) and zero-width characters. Refused in names and hostnames.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Normalises a license token as pasted from a mail (surrounding space removed).
pub fn license_token(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let t = raw.trim();
    let err = |reason| FieldError { field, reason };
    if t.is_empty() {
        return Err(err(FieldProblem::Required));
    }
    if t.len() < LICENSE_TOKEN_MIN
        || t.len() > LICENSE_TOKEN_MAX
        || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(err(FieldProblem::InvalidToken));
    }
    Ok(t.to_string())
}

/// Checks a portal address: http(s) with a host; https unless the host is this computer (loopback).
/// Returns the address without a trailing slash.
pub fn portal_url(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let err = |reason| FieldError { field, reason };
    let t = raw.trim();
    if t.is_empty() {
        return Err(err(FieldProblem::Required));
    }
    let url = url::Url::parse(t).map_err(|_| err(FieldProblem::InvalidUrl))?;
    let host = url.host().ok_or(err(FieldProblem::InvalidUrl))?;
    let loopback = match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(err(FieldProblem::InsecureUrl)),
        _ => return Err(err(FieldProblem::InvalidUrl)),
    }
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(err(FieldProblem::InvalidUrl));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

// ci10: the activation request's hostname rule, one function for the server and its fuzz target.
/// The longest hostname an activation request may carry (characters); a longer one is refused, never cut.
pub const MAX_HOSTNAME_LEN: usize = 255;

/// Why an activation request's hostname is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostnameProblem {
    /// More than [`MAX_HOSTNAME_LEN`] characters.
    TooLong,
    /// Control, bidi or zero-width characters ([`is_invisible`]).
    Invisible,
}

/// The hostname of an activation request as shown to people (the activations list): trimmed; refused when
/// too long or when it holds characters that hide or reorder text, rather than cut or cleaned.
pub fn activation_hostname(raw: &str) -> Result<&str, HostnameProblem> {
    let h = raw.trim();
    if h.chars().count() > MAX_HOSTNAME_LEN {
        return Err(HostnameProblem::TooLong);
    }
    if h.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(HostnameProblem::Invisible);
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    fn problem<T: std::fmt::Debug>(r: Result<T, FieldError>) -> FieldProblem {
        r.unwrap_err().reason
    }

    #[test]
    fn emails() {
        assert_eq!(
            email("e", "  Anna@Example.COM ").unwrap(),
            "anna@example.com"
        );
        assert_eq!(problem(email("e", "")), FieldProblem::Required);
        assert_eq!(problem(email("e", "anna")), FieldProblem::InvalidEmail);
        assert_eq!(problem(email("e", "a@b")), FieldProblem::InvalidEmail);
        assert_eq!(problem(email("e", "a@@b.de")), FieldProblem::InvalidEmail);
        assert_eq!(problem(email("e", "a b@c.de")), FieldProblem::InvalidEmail);
        assert_eq!(problem(email("e", "a@b..de")), FieldProblem::InvalidEmail);
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(problem(email("e", &long)), FieldProblem::TooLong);
    }

    #[test]
    fn tokens() {
        let t = "ab12".repeat(10);
        assert_eq!(license_token("t", &format!(" {t}\n")).unwrap(), t);
        assert_eq!(
            problem(license_token("t", "short")),
            FieldProblem::InvalidToken
        );
        assert_eq!(
            problem(license_token("t", &"x!".repeat(20))),
            FieldProblem::InvalidToken
        );
        assert_eq!(problem(license_token("t", " ")), FieldProblem::Required);
    }

    #[test]
    fn portal_urls() {
        assert_eq!(
            portal_url("u", "https://portal.example.com/").unwrap(),
            "https://portal.example.com"
        );
        assert_eq!(
            portal_url("u", "http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(portal_url("u", "http://localhost:1").is_ok());
        assert!(portal_url("u", "http://[::1]:1").is_ok());
        assert_eq!(
            problem(portal_url("u", "http://portal.example.com")),
            FieldProblem::InsecureUrl
        );
        assert_eq!(
            problem(portal_url("u", "ftp://x.de")),
            FieldProblem::InvalidUrl
        );
        assert_eq!(
            problem(portal_url("u", "not a url")),
            FieldProblem::InvalidUrl
        );
        assert_eq!(
            problem(portal_url("u", "https://user:pw@x.de")),
            FieldProblem::InvalidUrl
        );
        assert_eq!(problem(portal_url("u", "")), FieldProblem::Required);
    }

    #[test]
    fn names_and_new_passwords() {
        assert_eq!(display_name("n", "  Anna Muster ").unwrap(), "Anna Muster");
        assert_eq!(problem(display_name("n", " ")), FieldProblem::Required);
        assert_eq!(problem(display_name("n", "a\u{7}b")), FieldProblem::Invalid);
        assert_eq!(
            problem(display_name("n", &"x".repeat(201))),
            FieldProblem::TooLong
        );
        assert!(new_password("p", "correct horse battery").is_ok());
        assert_eq!(problem(new_password("p", "short")), FieldProblem::TooShort);
        assert_eq!(problem(new_password("p", "")), FieldProblem::Required);
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Admin.can_manage_users());
        assert!(!Role::Billing.can_manage_users());
        assert!(!Role::User.can_manage_users());
    }

    #[test]
    fn names_refuse_bidi_controls_and_zero_width_characters() {
        for bad in [
            "Anna\u{202E}gpj.exe",
            "An\u{200B}na",
            "\u{FEFF}Anna",
            "A\u{2066}b",
        ] {
            assert_eq!(
                display_name("n", bad).map_err(|e| e.reason),
                Err(FieldProblem::Invalid),
                "{bad:?}"
            );
        }
        assert_eq!(
            display_name("n", "Jörg Müller-Lüdenscheidt").as_deref(),
            Ok("Jörg Müller-Lüdenscheidt")
        );
    }

    #[test]
    fn activation_hostnames_are_refused_rather_than_cut_or_cleaned() {
        assert_eq!(activation_hostname("  ws-07.lan \n"), Ok("ws-07.lan"));
        assert_eq!(
            activation_hostname(&"h".repeat(MAX_HOSTNAME_LEN)).map(str::len),
            Ok(MAX_HOSTNAME_LEN)
        );
        assert_eq!(
            activation_hostname(&"h".repeat(MAX_HOSTNAME_LEN + 1)),
            Err(HostnameProblem::TooLong)
        );
        for bad in ["ws\u{202E}exe", "w\u{200B}s", "w\ts", "w\u{7f}s"] {
            assert_eq!(
                activation_hostname(bad),
                Err(HostnameProblem::Invisible),
                "{bad:?}"
            );
        }
    }
}
