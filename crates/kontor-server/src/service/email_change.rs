//! Changing the own e-mail address by a code sent to the NEW address (acct9).
//!
//! [`request`] answers alike whatever the new address is, once it is a valid address other than the own:
//! a usable address gets a code (the password-reset alphabet, 50 bits; only SHA-256(user id, address,
//! code) is stored, valid [`EMAIL_CODE_TTL_SECS`], once, for [`EMAIL_CODE_MAX_ATTEMPTS`] wrong tries; a new
//! request replaces it); an address in use in the own account gets a mail saying it cannot be used, and no code.
//! So the answer never reveals whether an address exists in another account; only its owner learns it.
//! [`confirm`] sets the address with the code, mails a notice to the OLD address and answers a wrong,
//! used, expired or exhausted code alike. Both are audited (`user.email_change_requested`,
//! `user.email_changed`). Which addresses are usable is [`address_usable`] alone (issue 10 may make
//! e-mails unique per account: adapt it there).

use kontor_api::validate::{self, FieldProblem};
use kontor_api::ErrorDetail;

use crate::clock::Clock;
use crate::db::email_change::Finished;
use crate::db::mail::MailAudit;
use crate::db::{Database, UserRecord};
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::DbResult;
use crate::mail::{self, Lang};
use crate::service::password_mail::{new_reset_code, normalise_code};

/// How long an e-mail change code is valid.
pub const EMAIL_CODE_TTL_SECS: i64 = 30 * 60;
/// Wrong tries that end a code.
pub const EMAIL_CODE_MAX_ATTEMPTS: i64 = 5;

/// What is stored of a (normalised) code for this user and new address.
pub fn hash_code(user_id: &str, new_email: &str, code: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(user_id.as_bytes());
    h.update(b":");
    h.update(new_email.as_bytes());
    h.update(b":");
    h.update(code.as_bytes());
    hex::encode(h.finalize())
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether `user` may take `new_email` (validated, lower case): no live user of the user's own account has
/// it (addresses are unique per account, issue 10: other accounts are never consulted, so the answer tells
/// nothing about them). The one place this rule lives.
pub async fn address_usable(
    db: &dyn Database,
    user: &UserRecord,
    new_email: &str,
) -> DbResult<bool> {
    Ok(!crate::service::users::email_in_use(db, &user.account_id, new_email).await?)
}

fn invalid(field: &'static str, problem: FieldProblem) -> Refusal {
    Refusal::because(ErrorDetail::Field {
        field: field.to_string(),
        row: None,
        problem,
    })
}

async fn live_user(db: &dyn Database, actor: &Actor) -> DbResult<Option<UserRecord>> {
    Ok(db
        .user_by_id(&actor.account_id, &actor.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none()))
}

fn audit(actor: &Actor, event: &'static str, target: String) -> MailAudit {
    MailAudit {
        account_id: actor.account_id.clone(),
        actor_user_id: actor.user_id.clone(),
        event,
        target,
        ip: actor.ip.clone(),
        at: actor.at,
    }
}

/// Starts a change of the actor's address to `new_email` (see the module comment).
pub async fn request(
    db: &dyn Database,
    vendor: &str,
    actor: &Actor,
    new_email: &str,
) -> Outcome<()> {
    let new_email = match validate::email("new_email", new_email) {
        Ok(e) => e,
        Err(e) => return Ok(Err(invalid("new_email", e.reason))),
    };
    // The code goes to this address: one the outbox cannot address is refused here, not given up later.
    if !mail::deliverable(&new_email) {
        return Ok(Err(invalid("new_email", FieldProblem::InvalidEmail)));
    }
    let Some(user) = live_user(db, actor).await? else {
        return Ok(Err(Refusal::Forbidden("the user is gone".to_string())));
    };
    if new_email == user.email {
        // Their own address: nothing to reveal.
        return Ok(Err(Refusal::because(ErrorDetail::EmailInUse {
            email: Some(new_email),
        })));
    }
    let lang = Lang::of(&db.user_language(&user.id).await?.unwrap_or_default());
    let a = audit(
        actor,
        "user.email_change_requested",
        format!("{} → {new_email}", user.email),
    );
    if !address_usable(db, &user, &new_email).await? {
        let m = mail::new_mail(
            "email_change_unavailable",
            None,
            &new_email,
            mail::email_change_unavailable(lang, vendor),
            actor.at,
        );
        db.refuse_email_change(&user.id, &m, &a).await?;
        return Ok(Ok(()));
    }
    let code = new_reset_code();
    let stored = normalise_code(&code).unwrap_or_default();
    let m = mail::new_mail(
        "email_change_code",
        Some(&user.account_id),
        &new_email,
        mail::email_change_code(
            lang,
            vendor,
            &user.display_name,
            &code,
            EMAIL_CODE_TTL_SECS / 60,
        ),
        actor.at,
    );
    db.start_email_change(
        &user.id,
        &new_email,
        &hash_code(&user.id, &new_email, &stored),
        actor.at + EMAIL_CODE_TTL_SECS,
        &m,
        &a,
    )
    .await?;
    Ok(Ok(()))
}

/// The one answer to a code that cannot be used.
fn bad_code() -> Refusal {
    invalid("code", FieldProblem::Incorrect)
}

/// Sets the actor's address with the mailed code; answers the new address.
pub async fn confirm(
    db: &dyn Database,
    clock: &dyn Clock,
    vendor: &str,
    actor: &Actor,
    code: &str,
) -> Outcome<String> {
    let Some(code) = normalise_code(code) else {
        return Ok(Err(bad_code()));
    };
    let Some(user) = live_user(db, actor).await? else {
        return Ok(Err(Refusal::Forbidden("the user is gone".to_string())));
    };
    let Some(pending) = db.email_change(&user.id).await? else {
        return Ok(Err(bad_code()));
    };
    let now = clock.now();
    if pending.expires_at <= now || pending.attempts >= EMAIL_CODE_MAX_ATTEMPTS {
        return Ok(Err(bad_code()));
    }
    let hash = hash_code(&user.id, &pending.new_email, &code);
    if !same(&hash, &pending.code_hash) {
        db.email_change_failed(&user.id).await?;
        return Ok(Err(bad_code()));
    }
    let lang = Lang::of(&db.user_language(&user.id).await?.unwrap_or_default());
    let notice = mail::new_mail(
        "email_changed_notice",
        Some(&user.account_id),
        &user.email,
        mail::email_changed_notice(lang, vendor, &user.display_name, &pending.new_email),
        now,
    );
    let a = audit(
        actor,
        "user.email_changed",
        format!("{} → {}", user.email, pending.new_email),
    );
    match db
        .finish_email_change(
            &user.account_id,
            &user.id,
            &hash,
            &pending.new_email,
            &notice,
            &a,
        )
        .await?
    {
        Finished::Changed => Ok(Ok(pending.new_email)),
        // Taken meanwhile, used or replaced: the same answer as a wrong code.
        Finished::Gone | Finished::Taken => Ok(Err(bad_code())),
    }
}
