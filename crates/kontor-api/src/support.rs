//! Help and support (issue 9, support9): the vendor's help links, support tickets with attachments, and the
//! rules UI, shell and server all apply to a ticket (`check_ticket`, `check_attachment_name`, the limits).

use serde::{Deserialize, Serialize};

use crate::validate::{FieldError, FieldProblem};

/// Most attachments on one ticket.
pub const MAX_ATTACHMENTS: usize = 5;
/// Most bytes of all attachments of one ticket together (10 MB).
pub const MAX_ATTACHMENTS_BYTES: u64 = 10 * 1024 * 1024;
/// Longest subject, in characters.
pub const MAX_SUBJECT_LEN: usize = 200;
/// Longest message, in characters.
pub const MAX_MESSAGE_LEN: usize = 10_000;
/// Longest contact phone number, in characters.
pub const MAX_PHONE_LEN: usize = 40;
/// Longest attachment file name, in characters.
pub const MAX_FILE_NAME_LEN: usize = 200;
/// The file types a ticket may carry (by extension, lower case) and the content type stored for each.
pub const ATTACHMENT_TYPES: [(&str, &str); 13] = [
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("log", "text/plain"),
    ("csv", "text/csv"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("zip", "application/zip"),
];

/// The vendor's help links (each optional; `https://`, or `http://` on loopback for a demo).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpLinks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge_base: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_notes: Option<String>,
}

impl HelpLinks {
    /// The links that are set, in page order.
    pub fn all(&self) -> Vec<&str> {
        [
            &self.documentation,
            &self.knowledge_base,
            &self.status_page,
            &self.release_notes,
        ]
        .into_iter()
        .filter_map(|l| l.as_deref())
        .collect()
    }
}

/// What a ticket is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SupportCategory {
    Question,
    Problem,
    Billing,
    Licenses,
    Feedback,
}

impl SupportCategory {
    pub const ALL: [SupportCategory; 5] = [
        SupportCategory::Question,
        SupportCategory::Problem,
        SupportCategory::Billing,
        SupportCategory::Licenses,
        SupportCategory::Feedback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SupportCategory::Question => "question",
            SupportCategory::Problem => "problem",
            SupportCategory::Billing => "billing",
            SupportCategory::Licenses => "licenses",
            SupportCategory::Feedback => "feedback",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A ticket's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    Closed,
}

/// What the app attaches when the user opts in: no secrets, only what helps the vendor reproduce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Diagnostics {
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub app_version: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub os: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub portal_url: String,
}

/// One attachment of a new ticket, its bytes in standard base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAttachment {
    /// A plain file name (no path) with one of the allowed extensions, at most 200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub file_name: String,
    /// The bytes, base64 (standard alphabet, padded); all attachments together at most 10 MB decoded.
    pub data_base64: String,
}

/// A new support ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTicket {
    pub category: SupportCategory,
    /// 1 to 200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub subject: String,
    /// 1 to 10,000 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000))]
    pub message: String,
    /// Digits, spaces and `+ ( ) / -`, at most 40 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = r"^[0-9+()/ -]*$")
    )]
    pub contact_phone: Option<String>,
    /// At most 5, together at most 10 MB.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 5))]
    pub attachments: Vec<NewAttachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Diagnostics>,
}

/// An attachment as listed (the bytes stay on the portal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub file_name: String,
    pub size: u64,
}

/// A ticket of the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: String,
    /// The number the user and the vendor quote, e.g. `T-7F3A9C21`.
    pub reference: String,
    pub category: SupportCategory,
    pub subject: String,
    pub status: TicketStatus,
    /// Unix seconds.
    pub created_at: i64,
    pub attachments: Vec<AttachmentInfo>,
}

/// The signed-in user's tickets, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketList {
    pub tickets: Vec<Ticket>,
}

/// Why an attachment is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AttachmentProblem {
    /// All attachments together are over `max_bytes`.
    TooLarge { max_bytes: u64 },
    /// More than `max` files.
    TooMany { max: u32 },
    /// Not a plain file name (a path, control characters, too long) or not a file type a ticket may carry.
    NotAllowed,
    /// The file is empty or cannot be read.
    Unreadable,
    #[serde(other)]
    Other,
}

fn bad_chars(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\r' && c != '\t')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    })
}

/// The form's fields, checked (subject, message, phone): every problem, in form order.
pub fn check_ticket(subject: &str, message: &str, phone: Option<&str>) -> Vec<FieldError> {
    let mut out = Vec::new();
    let one_line = |s: &str| bad_chars(s) || s.contains(['\n', '\r', '\t']);
    if subject.trim().is_empty() {
        out.push(FieldError {
            field: "subject",
            reason: FieldProblem::Required,
        });
    } else if subject.chars().count() > MAX_SUBJECT_LEN {
        out.push(FieldError {
            field: "subject",
            reason: FieldProblem::TooLong,
        });
    } else if one_line(subject) {
        out.push(FieldError {
            field: "subject",
            reason: FieldProblem::Invalid,
        });
    }
    if message.trim().is_empty() {
        out.push(FieldError {
            field: "message",
            reason: FieldProblem::Required,
        });
    } else if message.chars().count() > MAX_MESSAGE_LEN {
        out.push(FieldError {
            field: "message",
            reason: FieldProblem::TooLong,
        });
    } else if bad_chars(message) {
        out.push(FieldError {
            field: "message",
            reason: FieldProblem::Invalid,
        });
    }
    if let Some(p) = phone.map(str::trim).filter(|p| !p.is_empty()) {
        if p.chars().count() > MAX_PHONE_LEN {
            out.push(FieldError {
                field: "contact_phone",
                reason: FieldProblem::TooLong,
            });
        } else if !p
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '(' | ')' | '/' | '-' | ' '))
            || !p.chars().any(|c| c.is_ascii_digit())
        {
            out.push(FieldError {
                field: "contact_phone",
                reason: FieldProblem::Invalid,
            });
        }
    }
    out
}

/// The content type of an allowed attachment name; `None` for a path, a hidden or oddly named file, or a
/// type a ticket may not carry.
pub fn attachment_type(file_name: &str) -> Option<&'static str> {
    if file_name.is_empty()
        || file_name.chars().count() > MAX_FILE_NAME_LEN
        || file_name.starts_with('.')
        || file_name.contains(['/', '\\', ':', '"', '<', '>', '|', '?', '*'])
        || bad_chars(file_name)
        || file_name.contains(['\n', '\r', '\t'])
    {
        return None;
    }
    let (_, ext) = file_name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    ATTACHMENT_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, t)| *t)
}

/// The attachments' problem, if any, from their names and sizes (what UI and shell check before sending;
/// the server checks the same on the decoded bytes).
pub fn check_attachments<'a>(
    files: impl IntoIterator<Item = (&'a str, u64)>,
) -> Option<(Option<String>, AttachmentProblem)> {
    let mut total: u64 = 0;
    let mut count = 0usize;
    for (name, size) in files {
        count += 1;
        if attachment_type(name).is_none() {
            return Some((Some(name.to_string()), AttachmentProblem::NotAllowed));
        }
        if size == 0 {
            return Some((Some(name.to_string()), AttachmentProblem::Unreadable));
        }
        total = total.saturating_add(size);
    }
    if count > MAX_ATTACHMENTS {
        return Some((
            None,
            AttachmentProblem::TooMany {
                max: MAX_ATTACHMENTS as u32,
            },
        ));
    }
    if total > MAX_ATTACHMENTS_BYTES {
        return Some((
            None,
            AttachmentProblem::TooLarge {
                max_bytes: MAX_ATTACHMENTS_BYTES,
            },
        ));
    }
    None
}

/// Whether a help link may be opened: `https://`, or `http://` to this computer (a demo portal), with no
/// user name or password in it. The shell opens only links the portal gave that pass this.
pub fn is_help_url(raw: &str) -> bool {
    let Ok(url) = url::Url::parse(raw) else {
        return false;
    };
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return false,
    };
    let scheme_ok = match url.scheme() {
        "https" => true,
        "http" => loopback,
        _ => false,
    };
    scheme_ok && url.username().is_empty() && url.password().is_none() && raw.len() <= 2000
}

/// A ticket's reference from its id.
pub fn reference_of(id: &str) -> String {
    let hex: String = id
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .take(8)
        .collect();
    format!("T-{}", hex.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_long_fields_are_named() {
        let e = check_ticket(" ", "", Some("abc"));
        let got: Vec<_> = e.iter().map(|e| (e.field, e.reason)).collect();
        assert_eq!(
            got,
            vec![
                ("subject", FieldProblem::Required),
                ("message", FieldProblem::Required),
                ("contact_phone", FieldProblem::Invalid)
            ]
        );
        let long = "x".repeat(MAX_SUBJECT_LEN + 1);
        assert_eq!(
            check_ticket(&long, "m", None)[0].reason,
            FieldProblem::TooLong
        );
        assert!(check_ticket("Subject", "Line 1\nLine 2", Some("+49 30 123-45")).is_empty());
        assert_eq!(
            check_ticket("a\u{202e}b", "m", None)[0].reason,
            FieldProblem::Invalid
        );
    }

    #[test]
    fn attachments_are_checked_by_name_count_and_total() {
        assert_eq!(attachment_type("shot.PNG"), Some("image/png"));
        assert_eq!(attachment_type("../etc/passwd.txt"), None);
        assert_eq!(attachment_type("run.exe"), None);
        assert_eq!(attachment_type(".hidden.txt"), None);
        assert_eq!(attachment_type("noext"), None);
        assert_eq!(check_attachments([("a.txt", 10), ("b.pdf", 20)]), None);
        assert_eq!(
            check_attachments([("a.txt", MAX_ATTACHMENTS_BYTES), ("b.pdf", 1)]),
            Some((
                None,
                AttachmentProblem::TooLarge {
                    max_bytes: MAX_ATTACHMENTS_BYTES
                }
            ))
        );
        let six: Vec<(&str, u64)> = (0..6).map(|_| ("a.txt", 1)).collect();
        assert!(matches!(
            check_attachments(six),
            Some((None, AttachmentProblem::TooMany { max: 5 }))
        ));
        assert_eq!(
            check_attachments([("evil.sh", 1)]),
            Some((Some("evil.sh".into()), AttachmentProblem::NotAllowed))
        );
        assert_eq!(reference_of("7f3a9c21-0000-4000"), "T-7F3A9C21");
        assert!(is_help_url("https://docs.example.com/kontor?lang=de"));
        assert!(is_help_url("http://127.0.0.1:8080/help"));
        assert!(!is_help_url("http://docs.example.com/"));
        assert!(!is_help_url("file:///etc/passwd"));
        assert!(!is_help_url("javascript:alert(1)"));
        assert!(!is_help_url("https://user:pw@example.com/"));
    }
}
