//! Help and support (issue 9, support9): filing a support ticket and listing the user's own tickets.
//!
//! A ticket's fields are checked with `kontor_api::support::check_ticket` (what the app checks too), its
//! attachments after decoding (at most [`MAX_ATTACHMENTS`] files of allowed types, [`MAX_ATTACHMENTS_BYTES`]
//! together; the request body is bounded by the router). The ticket, its attachments (stored in the
//! database), the mail to the vendor's support address, the confirmation to the user (in the user's mail
//! language) and the audit event `support.ticket_created` are written in one transaction. Every role may
//! file tickets; a user sees only their own. Creation is limited per user and IP by a [`Throttle`].
//! support9b: the vendor closing a ticket notes it to the author by mail and audits `support.ticket_closed`;
//! the author may read back each attachment.

use base64::Engine;
use kontor_api::support::{
    attachment_type, check_ticket, reference_of, AttachmentProblem, MAX_ATTACHMENTS,
    MAX_ATTACHMENTS_BYTES,
};
use kontor_api::{
    AttachmentInfo, ErrorDetail, FieldProblem, NewTicket, Resource, Ticket, TicketList,
    TicketStatus,
};
use sha2::{Digest, Sha256};

use crate::db::mail::MailAudit;
use crate::db::support::{AttachmentData, NewAttachmentRow, NewTicketRow, TicketClose};
use crate::db::Database;
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::DbResult;
use crate::mail::{self, Lang, TicketMail};
use crate::throttle::{Limits, Throttle};
use crate::vendor::VendorProfile;

/// Ticket creation per (user, IP): 10 an hour, 30 per IP; then growing waits from 5 minutes.
pub const TICKET_LIMITS: Limits = Limits {
    per_key_ip: 10,
    per_ip: 30,
    global: usize::MAX,
    global_window_secs: 60,
    window_secs: 3_600,
    base_delay_secs: 300,
    max_delay_secs: 3_600,
};

/// Counts one ticket request; `Err(seconds to wait)` when the user or the IP has filed too many.
pub async fn count_ticket(
    limit: &Throttle,
    user_id: &str,
    ip: &str,
    now: i64,
) -> crate::error::DbResult<Result<(), i64>> {
    // Every request counts (never reported a success): the limit is on creating, not on guessing.
    Ok(limit.begin(user_id, ip, now).await?.map(|_| ()))
}

fn attachments_refused(file_name: Option<&str>, problem: AttachmentProblem) -> Refusal {
    Refusal::because(ErrorDetail::Attachments {
        file_name: file_name.map(str::to_string),
        problem,
    })
}

fn field_refused(field: &str, problem: FieldProblem) -> Refusal {
    Refusal::because(ErrorDetail::Field {
        field: field.to_string(),
        row: None,
        problem,
    })
}

/// The attachments decoded and checked, or the refusal naming the first problem.
fn decode_attachments(req: &NewTicket) -> Result<Vec<NewAttachmentRow>, Refusal> {
    if req.attachments.len() > MAX_ATTACHMENTS {
        return Err(attachments_refused(
            None,
            AttachmentProblem::TooMany {
                max: MAX_ATTACHMENTS as u32,
            },
        ));
    }
    // Before decoding: base64 is 4 characters per 3 bytes.
    let encoded: u64 = req
        .attachments
        .iter()
        .map(|a| a.data_base64.len() as u64)
        .sum();
    let too_large = || {
        attachments_refused(
            None,
            AttachmentProblem::TooLarge {
                max_bytes: MAX_ATTACHMENTS_BYTES,
            },
        )
    };
    if encoded / 4 * 3 > MAX_ATTACHMENTS_BYTES + 3 {
        return Err(too_large());
    }
    let mut out = Vec::with_capacity(req.attachments.len());
    let mut total: u64 = 0;
    for a in &req.attachments {
        let Some(content_type) = attachment_type(&a.file_name) else {
            return Err(attachments_refused(
                Some(&a.file_name),
                AttachmentProblem::NotAllowed,
            ));
        };
        let data = base64::engine::general_purpose::STANDARD
            .decode(a.data_base64.as_bytes())
            .map_err(|_| attachments_refused(Some(&a.file_name), AttachmentProblem::Unreadable))?;
        if data.is_empty() {
            return Err(attachments_refused(
                Some(&a.file_name),
                AttachmentProblem::Unreadable,
            ));
        }
        total += data.len() as u64;
        if total > MAX_ATTACHMENTS_BYTES {
            return Err(too_large());
        }
        out.push(NewAttachmentRow {
            file_name: a.file_name.clone(),
            content_type: content_type.to_string(),
            sha256: hex::encode(Sha256::digest(&data)),
            data,
        });
    }
    Ok(out)
}

/// The diagnostics as stored and mailed (`key: value` lines), checked: short, one line each.
fn diagnostics_text(req: &NewTicket) -> Result<Option<String>, Refusal> {
    let Some(d) = &req.diagnostics else {
        return Ok(None);
    };
    let fields = [
        ("diagnostics.app_version", &d.app_version, 100),
        ("diagnostics.os", &d.os, 100),
        ("diagnostics.portal_url", &d.portal_url, 300),
    ];
    for (field, value, max) in fields {
        if value.chars().count() > max {
            return Err(field_refused(field, FieldProblem::TooLong));
        }
        if value.chars().any(char::is_control) {
            return Err(field_refused(field, FieldProblem::Invalid));
        }
    }
    Ok(Some(format!(
        "app_version: {}; os: {}; portal_url: {}",
        d.app_version, d.os, d.portal_url
    )))
}

/// The vendor's mails are German for a vendor in a German-speaking country, else English.
fn vendor_lang(vendor: &VendorProfile) -> Lang {
    if matches!(vendor.country.as_str(), "DE" | "AT" | "CH" | "LI") {
        Lang::De
    } else {
        Lang::En
    }
}

/// Files a ticket for the actor (see the module doc).
pub async fn create_ticket(
    db: &dyn Database,
    vendor: &VendorProfile,
    vendor_name: &str,
    actor: &Actor,
    req: NewTicket,
) -> Outcome<Ticket> {
    let phone = req
        .contact_phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if let Some(e) = check_ticket(&req.subject, &req.message, phone).first() {
        return Ok(Err(field_refused(e.field, e.reason)));
    }
    let attachments = match decode_attachments(&req) {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    let diagnostics = match diagnostics_text(&req) {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    let Some(user) = db
        .user_by_id(&actor.account_id, &actor.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
    else {
        return Ok(Err(Refusal::not_found(Resource::User)));
    };
    let Some(account) = db.account(&actor.account_id).await? else {
        return Ok(Err(Refusal::not_found(Resource::Account)));
    };
    let id = uuid::Uuid::new_v4().to_string();
    let reference = reference_of(&id);
    let subject = req.subject.trim().to_string();
    let message = req.message.trim().to_string();
    let infos: Vec<AttachmentInfo> = attachments
        .iter()
        .map(|a| AttachmentInfo {
            file_name: a.file_name.clone(),
            size: a.data.len() as u64,
        })
        .collect();
    let to_vendor = mail::support_ticket_vendor(
        vendor_lang(vendor),
        vendor_name,
        &TicketMail {
            reference: &reference,
            account: &account.name,
            customer_number: &account.customer_number,
            user_name: &user.display_name,
            user_email: &user.email,
            category: req.category.as_str(),
            subject: &subject,
            message: &message,
            phone,
            attachments: infos
                .iter()
                .map(|a| format!("{} ({} bytes)", a.file_name, a.size))
                .collect(),
            diagnostics: diagnostics.clone(),
        },
    );
    let lang = Lang::of(&db.user_language(&user.id).await?.unwrap_or_default());
    let to_user = mail::support_ticket_confirmation(
        lang,
        vendor_name,
        &user.display_name,
        &reference,
        &subject,
    );
    let mails = [
        mail::new_mail(
            "support_ticket",
            Some(&actor.account_id),
            vendor.support_email(),
            to_vendor,
            actor.at,
        ),
        mail::new_mail(
            "support_ticket_confirmation",
            Some(&actor.account_id),
            &user.email,
            to_user,
            actor.at,
        ),
    ];
    let row = NewTicketRow {
        id: id.clone(),
        reference: reference.clone(),
        account_id: actor.account_id.clone(),
        user_id: user.id.clone(),
        category: req.category.as_str().to_string(),
        subject: subject.clone(),
        message,
        contact_phone: phone.map(str::to_string),
        diagnostics,
        created_at: actor.at,
    };
    let audit = MailAudit {
        account_id: actor.account_id.clone(),
        actor_user_id: user.id.clone(),
        event: "support.ticket_created",
        target: reference.clone(),
        ip: actor.ip.clone(),
        at: actor.at,
    };
    db.create_ticket(&row, &attachments, &mails, &audit).await?;
    Ok(Ok(Ticket {
        id,
        reference,
        category: req.category,
        subject,
        status: TicketStatus::Open,
        created_at: actor.at,
        attachments: infos,
    }))
}

/// The user's own tickets, newest first.
pub async fn list_tickets(
    db: &dyn Database,
    account_id: &str,
    user_id: &str,
) -> DbResult<TicketList> {
    let (rows, attachments) = db.user_tickets(account_id, user_id).await?;
    let tickets = rows
        .into_iter()
        .map(|r| Ticket {
            attachments: attachments
                .iter()
                .filter(|a| a.ticket_id == r.id)
                .map(|a| AttachmentInfo {
                    file_name: a.file_name.clone(),
                    size: u64::try_from(a.size).unwrap_or(0),
                })
                .collect(),
            category: kontor_api::SupportCategory::parse(&r.category)
                .unwrap_or(kontor_api::SupportCategory::Question),
            status: if r.status == "closed" {
                TicketStatus::Closed
            } else {
                TicketStatus::Open
            },
            id: r.id,
            reference: r.reference,
            subject: r.subject,
            created_at: r.created_at,
        })
        .collect();
    Ok(TicketList { tickets })
}

// --- support9b: closing a ticket tells its author; an attachment's bytes for its author ---

/// A closed ticket, as the vendor's CLI reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedTicket {
    pub reference: String,
    /// Whether a note was queued to the author (not for a deleted user).
    pub mailed: bool,
}

/// Closes the open ticket with this id or reference (the vendor's `tickets close`): its status, a note to
/// its author in their mail language (`mail::support_ticket_closed`, through the outbox) and the audit
/// event `support.ticket_closed` (actor `cli`) in one transaction. `None` if there is no open ticket so.
pub async fn close_ticket(
    db: &dyn Database,
    vendor_name: &str,
    id_or_reference: &str,
    at: i64,
) -> DbResult<Option<ClosedTicket>> {
    let Some(t) = db.open_ticket(id_or_reference.trim()).await? else {
        return Ok(None);
    };
    let author = db
        .user_by_id(&t.account_id, &t.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none());
    let mail = match author {
        Some(u) => {
            let lang = Lang::of(&db.user_language(&u.id).await?.unwrap_or_default());
            let note = mail::support_ticket_closed(
                lang,
                vendor_name,
                &u.display_name,
                &t.reference,
                &t.subject,
            );
            Some(mail::new_mail(
                "support_ticket_closed",
                Some(&t.account_id),
                &u.email,
                note,
                at,
            ))
        }
        None => None,
    };
    let mailed = mail.is_some();
    let closed = db
        .close_ticket(&TicketClose {
            ticket_id: t.id.clone(),
            account_id: t.account_id.clone(),
            reference: t.reference.clone(),
            mail,
            at,
        })
        .await?;
    Ok(closed.then_some(ClosedTicket {
        reference: t.reference,
        mailed,
    }))
}

/// Attachment `index` (0-based, in the order of `Ticket::attachments`) of the user's own ticket: the rule
/// of [`list_tickets`] — another user's or another account's ticket, or no such attachment, is not found.
pub async fn ticket_attachment(
    db: &dyn Database,
    account_id: &str,
    user_id: &str,
    ticket_id: &str,
    index: &str,
) -> Outcome<AttachmentData> {
    let position = match index.parse::<u32>() {
        Ok(p) if (p as usize) < MAX_ATTACHMENTS => i64::from(p),
        _ => return Ok(Err(Refusal::not_found(Resource::Attachment))),
    };
    Ok(db
        .ticket_attachment(account_id, user_id, ticket_id, position)
        .await?
        .ok_or_else(|| Refusal::not_found(Resource::Attachment)))
}
