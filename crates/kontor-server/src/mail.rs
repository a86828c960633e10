//! E-mail: the templates (German and English, plain text and HTML with every value escaped), the transports
//! (SMTP through `lettre` with STARTTLS or implicit TLS on rustls + ring, or `.eml` files for a portal without
//! SMTP), and the outbox worker that sends what `db::mail` queued.
//!
//! **Delivery rule.** The worker claims due mails with a lease of [`LEASE_SECS`]; one SMTP transaction is
//! bounded by [`SMTP_TIMEOUT`] (far shorter than the lease), so a live worker finishes or gives up before
//! its lease ends and no second worker can take the mail meanwhile. A mail is marked sent right after the
//! SMTP server's `250` to the message data. A failure is retried after [`backoff`] (30 s doubling, at most
//! an hour) up to [`MAX_ATTEMPTS`]; a permanent refusal (5xx) is given up at once. What "never twice" means
//! with SMTP: a mail marked sent is never sent again, and two workers never send one mail at the same time;
//! but if the process dies after the SMTP server accepted the data and before the mark is committed, the
//! mail is sent once more when its lease has run out (SMTP has no way to ask "did you get it?"). Both
//! copies carry the same `Message-ID` (`<outbox id@kontor>`), so a mail system can drop the second.
//! A mail not accepted (the connection dropped before the `250`) was not delivered and is simply sent again.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{MailConfig, MailTransport};
use crate::db::mail::{ClaimedMail, NewMail};
use crate::db::Database;
use crate::error::{DbResult, ServerError};

/// How long a claimed mail is the claiming worker's.
pub const LEASE_SECS: i64 = 300;
/// The bound of one SMTP transaction (connect, TLS, auth, data).
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts before a mail is given up (`failed_at`, logged as an error).
pub const MAX_ATTEMPTS: i64 = 10;
/// Mails claimed per round.
const BATCH: i64 = 20;

/// Seconds before the next attempt after `attempts` failed ones: 30 s, doubling, at most an hour.
pub fn backoff(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    (30i64 << doublings).min(3600)
}

/// The language of a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    De,
    En,
}

impl Lang {
    /// `de` or `en` (anything else: German, the default of the users table).
    pub fn of(code: &str) -> Self {
        if code.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::De
        }
    }
}

/// A rendered mail: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Paragraphs as plain text and as HTML (each escaped); a paragraph `("", value)` is the value, emphasised.
fn render(subject: String, paragraphs: &[(String, Option<String>)]) -> Rendered {
    let mut text = String::new();
    let mut html = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family: sans-serif; line-height: 1.5\">\n",
    );
    for (p, value) in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str("<p>");
        html.push_str(&escape_html(p));
        html.push_str("</p>\n");
        if let Some(v) = value {
            text.push_str("    ");
            text.push_str(v);
            text.push_str("\n\n");
            html.push_str(
                "<p style=\"font-size: 1.4em; font-family: monospace; letter-spacing: 0.1em\"><strong>",
            );
            html.push_str(&escape_html(v));
            html.push_str("</strong></p>\n");
        }
    }
    html.push_str("</body></html>\n");
    Rendered {
        subject,
        text: text.trim_end().to_string() + "\n",
        html,
    }
}

/// A letter to a person: "Hallo/Hello <name>," before the paragraphs and the vendor's sign-off after them — the
/// frame every mail to a named user has in both languages.
fn letter(
    lang: Lang,
    subject: String,
    name: &str,
    vendor: &str,
    body: &[(String, Option<String>)],
) -> Rendered {
    let (hello, team) = match lang {
        Lang::De => (format!("Hallo {name},"), format!("Ihr {vendor}-Team")),
        Lang::En => (format!("Hello {name},"), format!("Your {vendor} team")),
    };
    let mut paragraphs = Vec::with_capacity(body.len() + 2);
    paragraphs.push((hello, None));
    paragraphs.extend_from_slice(body);
    paragraphs.push((team, None));
    render(subject, &paragraphs)
}

/// The forgotten-password code mail.
pub fn password_reset_code(
    lang: Lang,
    vendor: &str,
    name: &str,
    account: &str,
    code: &str,
    minutes: i64,
) -> Rendered {
    match lang {
        Lang::De => letter(
            Lang::De,
            format!("{vendor}: Ihr Code zum Zurücksetzen des Passworts"),
            name,
            vendor,
            &[
                (
                    format!("jemand (hoffentlich Sie) möchte das Passwort Ihres Benutzers im Kundenkonto „{account}“ zurücksetzen. Geben Sie diesen Code in der App ein:"),
                    Some(code.to_string()),
                ),
                (
                    format!("Der Code gilt {minutes} Minuten und nur einmal. Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert."),
                    None,
                ),
            ],
        ),
        Lang::En => letter(
            Lang::En,
            format!("{vendor}: your password reset code"),
            name,
            vendor,
            &[
                (
                    format!("someone (hopefully you) wants to reset the password of your user in the customer account “{account}”. Enter this code in the app:"),
                    Some(code.to_string()),
                ),
                (
                    format!("The code is valid for {minutes} minutes and only once. If you did not ask for it, ignore this e-mail: your password stays as it is."),
                    None,
                ),
            ],
        ),
    }
}

/// The temporary password mail (a new user, or a password an administrator reset).
pub fn temporary_password(
    lang: Lang,
    vendor: &str,
    name: &str,
    email: &str,
    password: &str,
) -> Rendered {
    match lang {
        Lang::De => letter(
            Lang::De,
            format!("{vendor}: Ihr vorläufiges Passwort"),
            name,
            vendor,
            &[
                (
                    format!("Sie können sich in der {vendor}-App mit Ihrer E-Mail-Adresse {email} und diesem vorläufigen Passwort anmelden:"),
                    Some(password.to_string()),
                ),
                (
                    "Bei der ersten Anmeldung wählen Sie ein eigenes Passwort.".to_string(),
                    None,
                ),
            ],
        ),
        Lang::En => letter(
            Lang::En,
            format!("{vendor}: your temporary password"),
            name,
            vendor,
            &[
                (
                    format!("You can sign in to the {vendor} app with your e-mail address {email} and this temporary password:"),
                    Some(password.to_string()),
                ),
                (
                    "At your first sign-in you choose a password of your own.".to_string(),
                    None,
                ),
            ],
        ),
    }
}

/// Whether the outbox can address a mail to `address` (what `Mailer::message` accepts as the recipient).
/// An address a user types for a mail they then wait for is checked with this at the boundary, so the
/// outbox never has to give such a mail up.
pub fn deliverable(address: &str) -> bool {
    address.parse::<Mailbox>().is_ok()
}

// support9: the support ticket mails.

/// What the vendor's support address gets for a new ticket (every value is the user's text: escaped in HTML
/// by `render`).
pub struct TicketMail<'a> {
    pub reference: &'a str,
    pub account: &'a str,
    pub customer_number: &'a str,
    pub user_name: &'a str,
    pub user_email: &'a str,
    pub category: &'a str,
    pub subject: &'a str,
    pub message: &'a str,
    pub phone: Option<&'a str>,
    /// `name (size bytes)` per attachment.
    pub attachments: Vec<String>,
    /// `key: value` lines, if the user attached diagnostics.
    pub diagnostics: Option<String>,
}

/// The new-ticket mail to the vendor's support address.
pub fn support_ticket_vendor(lang: Lang, vendor: &str, t: &TicketMail<'_>) -> Rendered {
    let none = match lang {
        Lang::De => "keine",
        Lang::En => "none",
    };
    let phone = t.phone.unwrap_or(none).to_string();
    let files = if t.attachments.is_empty() {
        none.to_string()
    } else {
        t.attachments.join(", ")
    };
    let diagnostics = t.diagnostics.clone().unwrap_or_else(|| none.to_string());
    let (subject, lines) = match lang {
        Lang::De => (
            format!("{vendor} Support {}: {}", t.reference, t.subject),
            vec![
                format!("Neues Support-Ticket {} ({})", t.reference, t.category),
                format!(
                    "Kunde: {} ({}), {} <{}>, Telefon: {phone}",
                    t.account, t.customer_number, t.user_name, t.user_email
                ),
                format!("Betreff: {}", t.subject),
                t.message.to_string(),
                format!("Anhänge (im Portal gespeichert): {files}"),
                format!("Diagnosedaten: {diagnostics}"),
            ],
        ),
        Lang::En => (
            format!("{vendor} support {}: {}", t.reference, t.subject),
            vec![
                format!("New support ticket {} ({})", t.reference, t.category),
                format!(
                    "Customer: {} ({}), {} <{}>, phone: {phone}",
                    t.account, t.customer_number, t.user_name, t.user_email
                ),
                format!("Subject: {}", t.subject),
                t.message.to_string(),
                format!("Attachments (stored on the portal): {files}"),
                format!("Diagnostics: {diagnostics}"),
            ],
        ),
    };
    let paragraphs: Vec<(String, Option<String>)> = lines.into_iter().map(|l| (l, None)).collect();
    render(subject, &paragraphs)
}

/// The confirmation to the user who filed a ticket.
pub fn support_ticket_confirmation(
    lang: Lang,
    vendor: &str,
    name: &str,
    reference: &str,
    subject: &str,
) -> Rendered {
    match lang {
        Lang::De => letter(
            Lang::De,
            format!("{vendor}: Ihre Support-Anfrage {reference}"),
            name,
            vendor,
            &[
                (
                    format!("wir haben Ihre Anfrage „{subject}“ erhalten. Ihre Ticketnummer:"),
                    Some(reference.to_string()),
                ),
                (
                    "Wir melden uns so bald wie möglich. Den Stand Ihrer Anfragen sehen Sie in der App unter „Hilfe“."
                        .to_string(),
                    None,
                ),
            ],
        ),
        Lang::En => letter(
            Lang::En,
            format!("{vendor}: your support request {reference}"),
            name,
            vendor,
            &[
                (
                    format!("we have received your request \"{subject}\". Your ticket number:"),
                    Some(reference.to_string()),
                ),
                (
                    "We will get back to you as soon as we can. You can see the status of your requests in the app under \"Help\"."
                        .to_string(),
                    None,
                ),
            ],
        ),
    }
}

// support9b: the mail to a ticket's author when the vendor closes it.
/// The note to the user who filed a ticket that the vendor has closed it.
pub fn support_ticket_closed(
    lang: Lang,
    vendor: &str,
    name: &str,
    reference: &str,
    subject: &str,
) -> Rendered {
    match lang {
        Lang::De => letter(
            Lang::De,
            format!("{vendor}: Ihre Support-Anfrage {reference} ist abgeschlossen"),
            name,
            vendor,
            &[
                (
                    format!("wir haben Ihre Anfrage „{subject}“ abgeschlossen. Ticketnummer:"),
                    Some(reference.to_string()),
                ),
                (
                    "Falls noch etwas offen ist, stellen Sie in der App unter „Hilfe“ einfach eine neue Anfrage und nennen Sie diese Ticketnummer."
                        .to_string(),
                    None,
                ),
            ],
        ),
        Lang::En => letter(
            Lang::En,
            format!("{vendor}: your support request {reference} is closed"),
            name,
            vendor,
            &[
                (
                    format!("we have closed your request \"{subject}\". Ticket number:"),
                    Some(reference.to_string()),
                ),
                (
                    "If anything is still open, simply file a new request in the app under \"Help\" and quote this ticket number."
                        .to_string(),
                    None,
                ),
            ],
        ),
    }
}

// acct9: the mail `accounts create --mail` sends a new customer's owner.
/// What the new-account mail says.
pub struct NewAccountMail<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub account: &'a str,
    pub customer_number: &'a str,
    pub password: &'a str,
    pub license_token: &'a str,
}

/// A new customer account: the owner's temporary password and the account's license token.
pub fn new_account(lang: Lang, vendor: &str, m: &NewAccountMail<'_>) -> Rendered {
    let NewAccountMail {
        name,
        email,
        account,
        customer_number,
        password,
        license_token,
    } = m;
    match lang {
        Lang::De => letter(
            Lang::De,
            format!("{vendor}: Ihr Kundenkonto {customer_number} ist eingerichtet"),
            name,
            vendor,
            &[
                (
                    format!("das Kundenkonto \u{201e}{account}\u{201c} (Kundennummer {customer_number}) ist eingerichtet. Melden Sie sich in der {vendor}-App mit Ihrer E-Mail-Adresse {email} und diesem vorläufigen Passwort an:"),
                    Some(password.to_string()),
                ),
                (
                    "Bei der ersten Anmeldung wählen Sie ein eigenes Passwort. Die App kann sich auch mit dem Lizenz-Token des Kontos anmelden; bewahren Sie ihn sicher auf:".to_string(),
                    Some(license_token.to_string()),
                ),
            ],
        ),
        Lang::En => letter(
            Lang::En,
            format!("{vendor}: your customer account {customer_number} is ready"),
            name,
            vendor,
            &[
                (
                    format!("the customer account \u{201c}{account}\u{201d} (customer number {customer_number}) is ready. Sign in to the {vendor} app with your e-mail address {email} and this temporary password:"),
                    Some(password.to_string()),
                ),
                (
                    "At your first sign-in you choose a password of your own. The app can also sign in with the account's license token; keep it safe:".to_string(),
                    Some(license_token.to_string()),
                ),
            ],
        ),
    }
}

// acct9: the e-mail change mails.
/// The code confirming a new address, sent to that address.
pub fn email_change_code(
    lang: Lang,
    vendor: &str,
    name: &str,
    code: &str,
    minutes: i64,
) -> Rendered {
    match lang {
        Lang::De => letter(
            Lang::De,
            format!("{vendor}: Bestätigen Sie Ihre neue E-Mail-Adresse"),
            name,
            vendor,
            &[
                (
                    format!("Sie möchten diese Adresse für Ihr {vendor}-Konto verwenden. Geben Sie diesen Code in der App im Profil ein:"),
                    Some(code.to_string()),
                ),
                (
                    format!("Der Code gilt {minutes} Minuten und nur einmal. Wenn Sie das nicht waren, ignorieren Sie diese E-Mail: Es ändert sich nichts."),
                    None,
                ),
            ],
        ),
        Lang::En => letter(
            Lang::En,
            format!("{vendor}: confirm your new e-mail address"),
            name,
            vendor,
            &[
                (
                    format!("you want to use this address for your {vendor} account. Enter this code in the app's profile:"),
                    Some(code.to_string()),
                ),
                (
                    format!("The code is valid for {minutes} minutes and only once. If this was not you, ignore this e-mail: nothing changes."),
                    None,
                ),
            ],
        ),
    }
}

/// To a new address that cannot be used (it is in use already): no code, nothing changes.
pub fn email_change_unavailable(lang: Lang, vendor: &str) -> Rendered {
    match lang {
        Lang::De => render(
            format!("{vendor}: Diese E-Mail-Adresse kann nicht verwendet werden"),
            &[
                (
                    format!("Jemand wollte diese Adresse für ein {vendor}-Konto verwenden. Das ist nicht möglich, weil sie schon verwendet wird; es ändert sich nichts. Wenn Sie das waren, wählen Sie eine andere Adresse oder wenden Sie sich an Ihre Administration."),
                    None,
                ),
                (format!("Ihr {vendor}-Team"), None),
            ],
        ),
        Lang::En => render(
            format!("{vendor}: this e-mail address cannot be used"),
            &[
                (
                    format!("Someone wanted to use this address for a {vendor} account. That is not possible because it is in use already; nothing changes. If this was you, choose another address or ask your administrator."),
                    None,
                ),
                (format!("Your {vendor} team"), None),
            ],
        ),
    }
}

/// To the old address once the change is done.
pub fn email_changed_notice(lang: Lang, vendor: &str, name: &str, new_email: &str) -> Rendered {
    match lang {
        Lang::De => letter(
            Lang::De,
            format!("{vendor}: Ihre E-Mail-Adresse wurde geändert"),
            name,
            vendor,
            &[
                (
                    format!("die E-Mail-Adresse Ihres {vendor}-Kontos ist jetzt {new_email}. An diese Adresse gehen keine E-Mails mehr. Wenn Sie das nicht waren, wenden Sie sich sofort an Ihre Administration."),
                    None,
                ),
            ],
        ),
        Lang::En => letter(
            Lang::En,
            format!("{vendor}: your e-mail address was changed"),
            name,
            vendor,
            &[
                (
                    format!("the e-mail address of your {vendor} account is now {new_email}. No more mails go to this address. If this was not you, contact your administrator at once."),
                    None,
                ),
            ],
        ),
    }
}

/// A mail to queue (id and `Message-ID` fresh).
pub fn new_mail(
    kind: &str,
    account_id: Option<&str>,
    recipient: &str,
    rendered: Rendered,
    now: i64,
) -> NewMail {
    NewMail {
        id: uuid::Uuid::new_v4().to_string(),
        account_id: account_id.map(str::to_string),
        kind: kind.to_string(),
        recipient: recipient.to_string(),
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        created_at: now,
    }
}

/// Why one attempt failed.
#[derive(Debug, Clone)]
pub struct SendError {
    /// The SMTP server refused for good (5xx) or the mail cannot be built: no retry.
    pub permanent: bool,
    pub message: String,
}

/// Where mails go.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// `<id>.eml` files (temp file, fsync, rename) in this folder.
    Files { dir: PathBuf, from: Mailbox },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp { from, .. } => write!(f, "Mailer::Smtp(from {from})"),
            Mailer::Files { dir, .. } => write!(f, "Mailer::Files({})", dir.display()),
        }
    }
}

impl Mailer {
    /// The configured transport; `None` when mail is off (mails stay queued).
    pub fn from_config(config: &MailConfig) -> Result<Option<Mailer>, ServerError> {
        let from: Mailbox = config.from.parse().map_err(|e| {
            ServerError::Usage(format!(
                "the sender address {:?} is not valid: {e}",
                config.from
            ))
        })?;
        match &config.transport {
            MailTransport::Off => Ok(None),
            MailTransport::Files(dir) => Ok(Some(Mailer::Files {
                dir: dir.clone(),
                from,
            })),
            MailTransport::Smtp { url, password } => {
                let bad = |m: String| ServerError::Usage(format!("KONTOR_SMTP_URL: {m}"));
                let parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
                if parsed.password().is_some() {
                    return Err(bad(
                        "put the password into KONTOR_SMTP_PASSWORD, not into the URL".to_string(),
                    ));
                }
                let plain =
                    parsed.scheme() == "smtp" && !parsed.query_pairs().any(|(k, _)| k == "tls");
                let loopback = parsed
                    .host_str()
                    .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
                    .is_some_and(|h| {
                        h == "localhost"
                            || h.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
                    });
                if plain && !loopback {
                    return Err(bad(
                        "plain smtp:// is for loopback only: use smtps:// (implicit TLS) or smtp://…?tls=required (STARTTLS)"
                            .to_string(),
                    ));
                }
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| bad(e.to_string()))?
                    .timeout(Some(SMTP_TIMEOUT));
                if let Some(pw) = password {
                    let user = parsed.username();
                    if user.is_empty() {
                        return Err(bad(
                            "KONTOR_SMTP_PASSWORD is set but the URL names no user (smtps://USER@host)"
                                .to_string(),
                        ));
                    }
                    let user = percent_decode(user);
                    builder = builder.credentials(Credentials::new(user, pw.clone()));
                }
                Ok(Some(Mailer::Smtp {
                    transport: builder.build(),
                    from,
                }))
            }
        }
    }

    fn message(&self, mail: &ClaimedMail) -> Result<Message, SendError> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Files { from, .. } => from.clone(),
        };
        let broken = |e: String| SendError {
            permanent: true,
            message: e,
        };
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| broken(format!("recipient: {e}")))?;
        Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}@kontor>", mail.id)))
            .multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                mail.body_html.clone(),
            ))
            .map_err(|e| broken(e.to_string()))
    }

    /// One attempt to deliver a claimed mail.
    pub async fn send(&self, mail: &ClaimedMail) -> Result<(), SendError> {
        let message = self.message(mail)?;
        match self {
            Mailer::Smtp { transport, .. } => match transport.send(message).await {
                Ok(_) => Ok(()),
                Err(e) => Err(SendError {
                    permanent: e.is_permanent(),
                    message: e.to_string(),
                }),
            },
            Mailer::Files { dir, .. } => {
                let path = dir.join(format!("{}.eml", mail.id));
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || {
                    kontor_fs::Options::new()
                        .private(true)
                        .create_dirs(true)
                        .write(&path, &bytes)
                })
                .await
                .map_err(|e| SendError {
                    permanent: false,
                    message: e.to_string(),
                })?
                .map_err(|e| SendError {
                    permanent: false,
                    message: e.to_string(),
                })
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What one round of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retried: usize,
    pub given_up: usize,
}

/// Claims the due mails (as `owner`), sends each, and records the outcome.
pub async fn deliver_due(
    db: &dyn Database,
    mailer: &Mailer,
    clock: &dyn Clock,
    owner: &str,
) -> DbResult<Round> {
    let now = clock.now();
    let mails = db.claim_mails(owner, now, now + LEASE_SECS, BATCH).await?;
    let mut round = Round::default();
    for mail in mails {
        match mailer.send(&mail).await {
            Ok(()) => {
                if db.mark_mail_sent(&mail.id, owner, clock.now()).await? {
                    round.sent += 1;
                    tracing::info!(mail = %mail.id, kind = %mail.kind, "mail sent");
                } else {
                    tracing::warn!(mail = %mail.id, "mail sent after its lease ran out");
                }
            }
            Err(e) => {
                let give_up = e.permanent || mail.attempts >= MAX_ATTEMPTS;
                let now = clock.now();
                let retry_at = (!give_up).then(|| now + backoff(mail.attempts));
                db.mark_mail_failed(&mail.id, owner, &e.message, retry_at, now)
                    .await?;
                if give_up {
                    round.given_up += 1;
                    tracing::error!(mail = %mail.id, kind = %mail.kind, attempts = mail.attempts, error = %e.message, "mail given up");
                } else {
                    round.retried += 1;
                    tracing::warn!(mail = %mail.id, attempts = mail.attempts, error = %e.message, "mail not sent, will retry");
                }
            }
        }
    }
    Ok(round)
}

/// The outbox worker of a running server: a round at start, then every `poll`, until stopped.
pub fn spawn_worker(
    db: Arc<dyn Database>,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
    poll: Duration,
) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let (stop, mut stopped) = oneshot::channel::<()>();
    let owner = uuid::Uuid::new_v4().to_string();
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(poll);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                _ = every.tick() => {
                    if let Err(e) = deliver_due(db.as_ref(), &mailer, clock.as_ref(), &owner).await {
                        tracing::error!(error = %e, "outbox round failed");
                    }
                }
            }
        }
    });
    (stop, task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliverable_matches_what_the_outbox_can_address() {
        for ok in ["anna@muster.example", "a.b+c@sub.muster.example"] {
            assert!(deliverable(ok), "{ok}");
        }
        // Addresses the app's simple e-mail rule lets through but a mail cannot be addressed to.
        for bad in [
            "a<b@muster.example",
            "anna@muster-.example",
            "anna@-muster.example",
        ] {
            assert!(
                kontor_api::validate::email("e", bad).is_ok(),
                "{bad} passes the simple rule"
            );
            assert!(!deliverable(bad), "{bad}");
        }
    }

    #[test]
    fn values_are_escaped_in_html_and_kept_in_text() {
        let r = temporary_password(Lang::En, "Acme", "<b>Eve</b>", "e@x.example", "a&b<c");
        assert!(r.html.contains("&lt;b&gt;Eve&lt;/b&gt;"));
        assert!(r.html.contains("a&amp;b&lt;c"));
        assert!(!r.html.contains("<b>Eve"));
        assert!(r.text.contains("Hello <b>Eve</b>,"));
        assert!(r.text.contains("a&b<c"));
        let de = temporary_password(Lang::De, "Acme", "Eve", "e@x.example", "pw");
        assert!(de.subject.contains("vorläufiges Passwort"));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 60);
        assert_eq!(backoff(3), 120);
        assert_eq!(backoff(50), 3600);
    }

    #[test]
    fn percent_decoding_of_the_user() {
        assert_eq!(percent_decode("a%40b"), "a@b");
        assert_eq!(percent_decode("plain"), "plain");
        assert_eq!(percent_decode("x%4"), "x%4");
    }
}
