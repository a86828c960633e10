//! The session rules: signing in with e-mail and password (throttled per (e-mail, IP), per IP and
//! server-wide, checked and counted in one step; every Argon2 run goes through the bounded [`HashPool`];
//! unknown user and wrong password take as long and answer alike; a temporary password also signs in) or with a license token,
//! refresh rotation with reuse detection (a rotated refresh token presented again revokes its whole family),
//! signing out, and changing the own password (the current one, temporary or not, must be given; the new
//! one is stored as Argon2id and the user's other sessions end). Sign-in events are audited; an audit
//! failure is logged, never an error.

use kontor_api::{validate, Me, SessionTokens};

use crate::clock::Clock;
use crate::config::Config;
use crate::credentials::{
    hash_token, new_session_token, verify_temp_password, HashError, HashPool,
};
use crate::db::{AuditEvent, Database, NewSession, UserRecord};
use crate::domain::Actor;
use crate::error::DbError;
use crate::throttle::Throttle;

/// The answer to a wrong e-mail address or password.
pub const BAD_PASSWORD: &str = "e-mail address or password is wrong";
/// The answer to an unknown, revoked or expired license token.
pub const BAD_TOKEN: &str = "the license token is not valid";
/// harden10: the most users of one address (one per account) a sign-in checks the password against, each
/// check one Argon2 run through the [`HashPool`].
pub const MAX_ACCOUNTS_PER_ADDRESS: i64 = 10;
/// harden10: how long a sign-in choice (several accounts matched) may be answered.
pub const CHOICE_TTL_SECS: i64 = 5 * 60;

/// Why a sign-in, refresh or sign-out did not happen.
#[derive(Debug)]
pub enum SessionError {
    /// Too many failed guesses (this e-mail from this address, this address, or server-wide): wait.
    RateLimited {
        retry_after_secs: u64,
    },
    /// Every password-hashing worker stayed busy until the queue's deadline: try again later.
    Busy {
        retry_after_secs: u64,
    },
    /// Wrong credentials: [`BAD_PASSWORD`] or [`BAD_TOKEN`].
    InvalidCredentials(&'static str),
    /// harden10: the password matched the address's user in several accounts; no session yet.
    ChooseAccount {
        choice_token: String,
        expires_at: i64,
        accounts: Vec<kontor_api::AccountChoice>,
    },
    /// A field is invalid (e.g. the current password is not correct); nothing changed.
    Invalid(kontor_api::FieldError),
    /// No (longer a) valid session: unknown, expired, revoked or reused refresh token, or a deleted user.
    Unauthorized,
    Storage(DbError),
    /// The password check could not run (its blocking task failed).
    Internal(String),
}

impl From<HashError> for SessionError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy { retry_after_secs } => SessionError::Busy { retry_after_secs },
            HashError::Failed(m) => SessionError::Internal(m),
        }
    }
}

fn rate_limited(wait_secs: i64) -> SessionError {
    SessionError::RateLimited {
        retry_after_secs: u64::try_from(wait_secs).unwrap_or(1).max(1),
    }
}

impl From<DbError> for SessionError {
    fn from(e: DbError) -> Self {
        SessionError::Storage(e)
    }
}

/// What the session rules work with: storage, clock, token lifetimes, the sign-in throttle, the dummy hash
/// and where the request comes from.
pub struct Sessions<'a> {
    pub db: &'a dyn Database,
    pub clock: &'a dyn Clock,
    pub config: &'a Config,
    pub throttle: &'a Throttle,
    /// Every Argon2 run of a request.
    pub hashes: &'a HashPool,
    /// Verified against when the user is unknown, so unknown and wrong answer alike and take as long.
    pub dummy_hash: &'a str,
    /// The client's address, for the audit events and the session.
    pub ip: String,
    /// acct9: the device the client names (the handlers' `device_of`: the User-Agent), stored with each new session row.
    pub device: Option<String>,
}

/// The signed-in user as the API shows them; `users_may_download`: the vendor profile's `[downloads] users`.
pub fn me_of(u: &UserRecord, users_may_download: bool) -> Me {
    Me {
        id: u.id.clone(),
        account_id: u.account_id.clone(),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        must_change_password: u.must_change_password,
        can_download_installers: u.role.can_download_installers(users_may_download),
    }
}

impl Sessions<'_> {
    async fn audit(
        &self,
        account_id: &str,
        actor: Option<&str>,
        event: &str,
        target: Option<&str>,
    ) {
        let ev = AuditEvent {
            account_id: account_id.to_string(),
            actor_user_id: actor.map(str::to_string),
            event: event.to_string(),
            target: target.map(str::to_string),
            ip: Some(self.ip.clone()),
            at: self.clock.now(),
        };
        if let Err(e) = self.db.audit(&ev).await {
            // An audit failure must not turn a sign-in into an error, but it must be seen.
            tracing::error!(error = %e, event, "cannot write audit event");
        }
    }

    /// A new session for `user` (in `family`, or a new one) and its tokens in clear.
    fn new_session(
        &self,
        user: &UserRecord,
        remember: bool,
        family_id: Option<&str>,
    ) -> (NewSession, SessionTokens) {
        let now = self.clock.now();
        let access = new_session_token();
        let refresh = new_session_token();
        let refresh_ttl = if remember {
            self.config.refresh_ttl_remember_secs
        } else {
            self.config.refresh_ttl_secs
        };
        let session = NewSession {
            id: uuid::Uuid::new_v4().to_string(),
            family_id: family_id
                .map(str::to_string)
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            user_id: user.id.clone(),
            account_id: user.account_id.clone(),
            access_hash: hash_token(&access),
            access_expires_at: now + self.config.access_ttl_secs,
            refresh_hash: hash_token(&refresh),
            refresh_expires_at: now + refresh_ttl,
            remember,
            created_at: now,
            ip: Some(self.ip.clone()),
            device: self.device.clone(),
            license_token_hash: None,
        };
        let tokens = SessionTokens {
            access_token: access,
            access_expires_at: session.access_expires_at,
            refresh_token: refresh,
            refresh_expires_at: session.refresh_expires_at,
            user: me_of(user, self.config.vendor.downloads.users),
        };
        (session, tokens)
    }

    /// Starts a session for `user` after a successful sign-in, audited as `event`.
    async fn sign_in(
        &self,
        user: &UserRecord,
        remember: bool,
        event: &str,
        token_hash: Option<String>,
    ) -> Result<SessionTokens, SessionError> {
        let (mut session, tokens) = self.new_session(user, remember, None);
        // roles9b: a token sign-in remembers its token, so that rotating the token ends this family.
        session.license_token_hash = token_hash;
        self.db.insert_session(&session).await?;
        self.audit(&user.account_id, Some(&user.id), event, Some(&session.id))
            .await;
        Ok(tokens)
    }

    /// Signs in with a (validated, lower-case) e-mail address and a password, permanent or temporary.
    ///
    /// An address can have a user in several accounts (harden10): the password is checked against each
    /// (at most [`MAX_ACCOUNTS_PER_ADDRESS`], one Argon2 run each, as for one user; an unknown address costs
    /// the one run against the dummy hash, as before). One match signs in; several answer
    /// [`SessionError::ChooseAccount`] with a single-use token for [`Sessions::choose_account`].
    pub async fn password_login(
        &self,
        email: &str,
        password: String,
        remember: bool,
    ) -> Result<SessionTokens, SessionError> {
        let attempt = self
            .throttle
            .begin(email, &self.ip, self.clock.now())
            .await?
            .map_err(rate_limited)?;
        let users = self
            .db
            .users_by_email(email, MAX_ACCOUNTS_PER_ADDRESS)
            .await?;
        let mut matched = Vec::new();
        if users.is_empty() {
            // The one Argon2 check runs for an unknown address too, so it takes as long.
            self.hashes
                .verify(self.dummy_hash.to_string(), password.clone())
                .await?;
        }
        for u in &users {
            if self.password_matches(u, &password).await? {
                matched.push(u);
            }
        }
        match matched.as_slice() {
            [] => {
                // The attempt stays counted as a failure.
                for u in &users {
                    self.audit(
                        &u.account_id,
                        Some(&u.id),
                        "auth.sign_in_failed",
                        Some(email),
                    )
                    .await;
                }
                Err(SessionError::InvalidCredentials(BAD_PASSWORD))
            }
            [user] => {
                self.throttle.succeeded(&attempt).await;
                self.sign_in(user, remember, "auth.sign_in", None).await
            }
            several => {
                self.throttle.succeeded(&attempt).await;
                self.offer_choice(several, remember).await
            }
        }
    }

    /// Whether `password` is the user's: their temporary password (salted SHA-256, constant-time compare)
    /// or their Argon2id hash. The one Argon2 run happens either way (against the dummy hash without a
    /// permanent password), so every path takes as long.
    async fn password_matches(&self, u: &UserRecord, password: &str) -> Result<bool, SessionError> {
        let temp_ok = self
            .db
            .temp_password_hash(&u.id)
            .await?
            .is_some_and(|h| verify_temp_password(&h, password));
        let hash = u
            .password_hash
            .clone()
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let argon_ok =
            self.hashes.verify(hash, password.to_string()).await? && u.password_hash.is_some();
        Ok(temp_ok || argon_ok)
    }

    /// Stores a sign-in choice among `users` and answers it (no session yet).
    async fn offer_choice(
        &self,
        users: &[&UserRecord],
        remember: bool,
    ) -> Result<SessionTokens, SessionError> {
        let token = new_session_token();
        let expires_at = self.clock.now() + CHOICE_TTL_SECS;
        let mut accounts = Vec::with_capacity(users.len());
        for u in users {
            if let Some(a) = self.db.account(&u.account_id).await? {
                accounts.push(kontor_api::AccountChoice {
                    account_id: a.id,
                    name: a.name,
                    customer_number: a.customer_number,
                });
            }
        }
        let pairs: Vec<(String, String)> = users
            .iter()
            .map(|u| (u.id.clone(), u.account_id.clone()))
            .collect();
        self.db
            .save_sign_in_choice(&hash_token(&token), &pairs, remember, expires_at)
            .await?;
        Err(SessionError::ChooseAccount {
            choice_token: token,
            expires_at,
            accounts,
        })
    }

    /// harden10: signs in to the chosen account of a sign-in choice (single use; an unknown, used or
    /// expired token, or an account it does not name, answers 401 and a new sign-in is needed).
    pub async fn choose_account(
        &self,
        choice_token: &str,
        account_id: &str,
    ) -> Result<SessionTokens, SessionError> {
        let now = self.clock.now();
        let (user_id, remember) = self
            .db
            .take_sign_in_choice(&hash_token(choice_token), account_id, now)
            .await?
            .ok_or(SessionError::Unauthorized)?;
        let user = self
            .db
            .user_by_id(account_id, &user_id)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or(SessionError::Unauthorized)?;
        self.sign_in(&user, remember, "auth.sign_in", None).await
    }

    /// Signs in with a (validated) license token from the order mail, as the user it was issued to.
    pub async fn token_login(
        &self,
        token: &str,
        remember: bool,
    ) -> Result<SessionTokens, SessionError> {
        let now = self.clock.now();
        let invalid = || SessionError::InvalidCredentials(BAD_TOKEN);
        let token_hash = hash_token(token);
        let record = self
            .db
            .license_token(&token_hash)
            .await?
            .filter(|t| t.revoked_at.is_none() && t.expires_at > now)
            .ok_or_else(invalid)?;
        let user = self
            .db
            .user_by_id(&record.account_id, &record.user_id)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or_else(invalid)?;
        self.sign_in(&user, remember, "auth.token_sign_in", Some(token_hash))
            .await
    }

    /// Trades a refresh token for a new pair. The old one dies; presenting it again revokes the family.
    pub async fn refresh(&self, token: &str) -> Result<SessionTokens, SessionError> {
        let now = self.clock.now();
        let session = self
            .db
            .session_by_refresh(&hash_token(token))
            .await?
            .ok_or(SessionError::Unauthorized)?;
        if session.rotated_at.is_some() {
            let n = self.db.revoke_family(&session.family_id, now).await?;
            tracing::warn!(family = %session.family_id, revoked = n, "refresh token reuse detected");
            self.audit(
                &session.account_id,
                Some(&session.user_id),
                "auth.refresh_reuse_detected",
                Some(&session.family_id),
            )
            .await;
            return Err(SessionError::Unauthorized);
        }
        if session.revoked_at.is_some() || session.refresh_expires_at <= now {
            return Err(SessionError::Unauthorized);
        }
        let user = self
            .db
            .user_by_id(&session.account_id, &session.user_id)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or(SessionError::Unauthorized)?;
        let (new, tokens) = self.new_session(&user, session.remember, Some(&session.family_id));
        if !self.db.rotate_session(&session.id, &new).await? {
            // Rotated or revoked concurrently: the other request won.
            return Err(SessionError::Unauthorized);
        }
        Ok(tokens)
    }

    /// Revokes the session family of a refresh token (audited when something ended). Idempotent.
    pub async fn logout(&self, token: &str) -> Result<(), SessionError> {
        if let Some(session) = self.db.session_by_refresh(&hash_token(token)).await? {
            let n = self
                .db
                .revoke_family(&session.family_id, self.clock.now())
                .await?;
            if n > 0 {
                self.audit(
                    &session.account_id,
                    Some(&session.user_id),
                    "auth.sign_out",
                    Some(&session.family_id),
                )
                .await;
            }
        }
        Ok(())
    }

    /// Replaces the own password of the actor (signed in with session `session_id`, whose family stays).
    pub async fn change_password(
        &self,
        actor: &Actor,
        session_id: &str,
        current_password: String,
        new_password: String,
    ) -> Result<(), SessionError> {
        validate::login_password("current_password", &current_password)
            .map_err(SessionError::Invalid)?;
        validate::new_password("new_password", &new_password).map_err(SessionError::Invalid)?;
        if new_password == current_password {
            return Err(SessionError::Invalid(validate::FieldError {
                field: "new_password",
                reason: validate::FieldProblem::Unchanged,
            }));
        }
        let user = self
            .db
            .user_by_id(&actor.account_id, &actor.user_id)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or(SessionError::Unauthorized)?;
        // Guesses of the current password are throttled like sign-ins, keyed on the user.
        let attempt = self
            .throttle
            .begin(&format!("user:{}", user.id), &self.ip, self.clock.now())
            .await?
            .map_err(rate_limited)?;
        let temp_ok = match self.db.temp_password_hash(&user.id).await? {
            Some(h) => verify_temp_password(&h, &current_password),
            None => false,
        };
        let ok = temp_ok
            || match user.password_hash.clone() {
                Some(h) => self.hashes.verify(h, current_password.clone()).await?,
                None => false,
            };
        if !ok {
            return Err(SessionError::Invalid(validate::FieldError {
                field: "current_password",
                reason: validate::FieldProblem::Incorrect,
            }));
        }
        self.throttle.succeeded(&attempt).await;
        let hash = self.hashes.hash(new_password).await?;
        self.db.set_password(actor, &hash, session_id).await?;
        Ok(())
    }
}
