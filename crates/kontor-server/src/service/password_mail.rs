//! Passwords by mail: the forgotten-password code (requested by address, mailed, used once within 30
//! minutes to set a new password) and an administrator mailing a user their temporary password.
//!
//! Enumeration: the request's answer is given before the address is looked up (the handler runs
//! [`send_reset_code`] on a task of its own), so answer and timing are the same whether or not the address
//! exists anywhere; its limits count every request alike. A code is 10 characters from a 32-letter
//! alphabet (50 bits); only SHA-256(user id, code) is stored; 5 wrong tries end it, as does a new request,
//! its use, or 30 minutes. The wrong-code answer is the same for an unknown address, an expired, used or
//! exhausted code and a wrong one. Success sets the password, clears a temporary one, and ends ALL the
//! user's sessions; the app then signs in with the new password (a normal, throttled sign-in).
//! An address with users in several accounts (harden10) gets one code per account, each mail naming its
//! account; the code entered says whose password is reset (only that user's).

use kontor_api::validate::{self, FieldError, FieldProblem};
use kontor_api::{ErrorDetail, Role};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::credentials::{verify_temp_password, HashPool};
use crate::db::mail::MailAudit;
use crate::db::Database;
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::DbResult;
use crate::mail::{self, Lang};
use crate::service::sessions::SessionError;
use crate::service::users::may_manage;
use crate::throttle::Throttle;

/// How long a forgotten-password code is valid.
pub const RESET_CODE_TTL_SECS: i64 = 30 * 60;
/// Wrong tries that end a code.
pub const RESET_CODE_MAX_ATTEMPTS: i64 = 5;
/// Characters of a code (without the dash shown in the middle).
pub const RESET_CODE_LEN: usize = 10;
/// No 0/O, 1/I: 32 letters, 5 bits each.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new code, `XXXXX-XXXXX`.
pub fn new_reset_code() -> String {
    let mut bytes = [0u8; RESET_CODE_LEN];
    OsRng.fill_bytes(&mut bytes);
    let mut out = String::with_capacity(RESET_CODE_LEN + 1);
    for (i, b) in bytes.iter().enumerate() {
        if i == RESET_CODE_LEN / 2 {
            out.push('-');
        }
        // 256 is a multiple of 32: no bias.
        out.push(char::from(CODE_ALPHABET[usize::from(*b) % 32]));
    }
    out
}

/// A typed code in its stored form (upper case, without spaces and dashes), if it can be one.
pub fn normalise_code(raw: &str) -> Option<String> {
    let c: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (c.len() == RESET_CODE_LEN && c.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(c)
}

/// What is stored of a (normalised) code.
pub fn hash_code(user_id: &str, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(user_id.as_bytes());
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

/// Counts one forgotten-password request against both limits; `Ok(Err(seconds to wait))` when one is
/// reached.
pub async fn count_reset_request(
    by_ip: &Throttle,
    by_address: &Throttle,
    email: &str,
    ip: &str,
    now: i64,
) -> DbResult<Result<(), i64>> {
    // A request refused for its address does not count against the IP.
    if let Err(wait) = by_address.begin(email, "", now).await? {
        return Ok(Err(wait));
    }
    Ok(by_ip.begin("", ip, now).await?.map(|_| ()))
}

/// Mails a new code to each live user with this (validated, lower-case) address — one per account, at most
/// [`crate::service::sessions::MAX_ACCOUNTS_PER_ADDRESS`], each mail naming its account —; nothing when
/// there is none. Run after the request has been answered.
pub async fn send_reset_code(
    db: &dyn Database,
    clock: &dyn Clock,
    vendor: &str,
    email: &str,
    ip: &str,
) -> DbResult<()> {
    let users = db
        .users_by_email(email, crate::service::sessions::MAX_ACCOUNTS_PER_ADDRESS)
        .await?;
    if users.is_empty() {
        tracing::debug!("password reset requested for an address without a user");
    }
    for user in users {
        send_reset_code_to(db, clock, vendor, &user, ip).await?;
    }
    Ok(())
}

/// Mails one user a new code (replacing an older one), naming their account.
async fn send_reset_code_to(
    db: &dyn Database,
    clock: &dyn Clock,
    vendor: &str,
    user: &crate::db::UserRecord,
    ip: &str,
) -> DbResult<()> {
    let now = clock.now();
    let code = new_reset_code();
    let stored = normalise_code(&code).unwrap_or_default();
    let lang = Lang::of(&db.user_language(&user.id).await?.unwrap_or_default());
    let account = db
        .account(&user.account_id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let rendered = mail::password_reset_code(
        lang,
        vendor,
        &user.display_name,
        &account,
        &code,
        RESET_CODE_TTL_SECS / 60,
    );
    let mail = mail::new_mail(
        "password_reset_code",
        Some(&user.account_id),
        &user.email,
        rendered,
        now,
    );
    let audit = MailAudit {
        account_id: user.account_id.clone(),
        actor_user_id: user.id.clone(),
        event: "auth.password_reset_requested",
        target: user.email.clone(),
        ip: Some(ip.to_string()),
        at: now,
    };
    db.start_password_reset(
        &user.id,
        &hash_code(&user.id, &stored),
        now + RESET_CODE_TTL_SECS,
        &mail,
        &audit,
    )
    .await
}

/// The one answer to a code that cannot be used.
fn bad_code() -> SessionError {
    SessionError::Invalid(FieldError {
        field: "code",
        reason: FieldProblem::Incorrect,
    })
}

/// Sets a new password with a mailed code (see the module doc). `email` is validated and lower case.
#[allow(clippy::too_many_arguments)]
pub async fn reset_with_code(
    db: &dyn Database,
    clock: &dyn Clock,
    throttle: &Throttle,
    hashes: &HashPool,
    email: &str,
    code: &str,
    new_password: String,
    ip: &str,
) -> Result<(), SessionError> {
    validate::new_password("new_password", &new_password).map_err(SessionError::Invalid)?;
    let code = normalise_code(code).ok_or_else(bad_code)?;
    let now = clock.now();
    let attempt = throttle
        .begin(&format!("reset:{email}"), ip, now)
        .await?
        .map_err(|w| SessionError::RateLimited {
            retry_after_secs: u64::try_from(w).unwrap_or(1).max(1),
        })?;
    // The address may have a user in several accounts, each with a code of its own: the code says which.
    let users = db
        .users_by_email(email, crate::service::sessions::MAX_ACCOUNTS_PER_ADDRESS)
        .await?;
    let mut found = None;
    let mut live_codes = Vec::new();
    for u in users {
        let Some(stored) = db.reset_code(&u.id).await? else {
            continue;
        };
        if stored.expires_at <= now || stored.attempts >= RESET_CODE_MAX_ATTEMPTS {
            continue;
        }
        let hash = hash_code(&u.id, &code);
        if same(&hash, &stored.code_hash) {
            found = Some((u, hash));
            break;
        }
        live_codes.push(u.id);
    }
    let Some((user, hash)) = found else {
        // A wrong code counts against every live code of the address.
        for id in &live_codes {
            db.reset_code_failed(id).await?;
        }
        return Err(bad_code());
    };
    let password_hash = hashes.hash(new_password).await?;
    let audit = MailAudit {
        account_id: user.account_id.clone(),
        actor_user_id: user.id.clone(),
        event: "auth.password_reset",
        target: user.email.clone(),
        ip: Some(ip.to_string()),
        at: clock.now(),
    };
    if !db
        .finish_password_reset(&user.id, &hash, &password_hash, &audit)
        .await?
    {
        // Used or replaced by a concurrent request.
        return Err(bad_code());
    }
    throttle.succeeded(&attempt).await;
    Ok(())
}

/// Mails a user of the actor's account their temporary password, which the actor shows to have (it must be
/// the user's current one), in the user's language; audited as `user.temporary_password_mailed`. The same
/// role rules as resetting the password.
pub async fn mail_temporary_password(
    db: &dyn Database,
    vendor: &str,
    actor: &Actor,
    actor_role: Role,
    user_id: &str,
    temporary_password: &str,
) -> Outcome<()> {
    let Some(target) = db
        .user_by_id(&actor.account_id, user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
    else {
        return Ok(Err(Refusal::not_found(kontor_api::Resource::User)));
    };
    if target.role == Role::Owner && actor_role != Role::Owner {
        return Ok(Err(Refusal::because(ErrorDetail::OwnerOnly {
            action: kontor_api::OwnerAction::Reset,
        })));
    }
    if let Err(r) = may_manage(actor, actor_role, &target, false) {
        return Ok(Err(r));
    }
    let current = db.temp_password_hash(&target.id).await?;
    let valid = target.must_change_password
        && current.is_some_and(|h| verify_temp_password(&h, temporary_password));
    if !valid {
        return Ok(Err(Refusal::because(ErrorDetail::Field {
            field: "temporary_password".to_string(),
            row: None,
            problem: FieldProblem::Incorrect,
        })));
    }
    let lang = Lang::of(&db.user_language(&target.id).await?.unwrap_or_default());
    let rendered = mail::temporary_password(
        lang,
        vendor,
        &target.display_name,
        &target.email,
        temporary_password,
    );
    let mail = mail::new_mail(
        "temporary_password",
        Some(&actor.account_id),
        &target.email,
        rendered,
        actor.at,
    );
    let audit = MailAudit {
        account_id: actor.account_id.clone(),
        actor_user_id: actor.user_id.clone(),
        event: "user.temporary_password_mailed",
        target: target.email.clone(),
        ip: actor.ip.clone(),
        at: actor.at,
    };
    db.enqueue_audited(&mail, &audit).await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_normalise_and_hash_per_user() {
        let a = new_reset_code();
        let b = new_reset_code();
        assert_ne!(a, b);
        assert_eq!(a.len(), RESET_CODE_LEN + 1);
        let n = normalise_code(&a.to_lowercase().replace('-', " - ")).expect("normalises");
        assert_eq!(n, a.replace('-', ""));
        assert!(
            normalise_code("ABCDE-FGHI0").is_none(),
            "0 is not in the alphabet"
        );
        assert!(normalise_code("ABCD").is_none());
        assert_ne!(hash_code("u1", &n), hash_code("u2", &n));
        assert!(same(&hash_code("u1", &n), &hash_code("u1", &n)));
    }
}
