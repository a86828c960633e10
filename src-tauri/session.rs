//! The signed-in session of one portal: access token in memory, refresh token in memory and (when the user
//! chose "stay signed in") in the OS keyring. Refreshes are serialised so rotation never races itself.

use std::future::Future;
use std::time::{SystemTime, UNIX_EPOCH};

use kontor_api::{ErrorCode, Me, SessionTokens};
use kontor_client::{ClientError, PortalClient};
use tokio::sync::Mutex;

use crate::error::{CommandError, CommandResult};
use crate::secrets::RefreshTokenStore;

/// Refresh this many seconds before the access token runs out.
const EXPIRY_MARGIN_SECS: i64 = 30;

struct Session {
    access: String,
    access_expires_at: i64,
    refresh: String,
    remember: bool,
    me: Me,
}

/// One portal connection: the HTTP client, the keyring entry and the current session.
pub struct Portal {
    client: PortalClient,
    secrets: RefreshTokenStore,
    session: Mutex<Option<Session>>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn session_expired() -> CommandError {
    CommandError::new(
        ErrorCode::Unauthorized,
        "your session has expired; please sign in again",
    )
}

impl Portal {
    pub fn new(client: PortalClient, secrets: RefreshTokenStore) -> Self {
        Self {
            client,
            secrets,
            session: Mutex::new(None),
        }
    }

    pub fn client(&self) -> &PortalClient {
        &self.client
    }

    /// Takes a new session; with `remember`, its refresh token goes to the keyring, else any old entry goes.
    pub async fn start(&self, tokens: SessionTokens, remember: bool) -> CommandResult<Me> {
        let mut guard = self.session.lock().await;
        self.install(&mut guard, tokens, remember)
    }

    fn install(
        &self,
        slot: &mut Option<Session>,
        tokens: SessionTokens,
        remember: bool,
    ) -> CommandResult<Me> {
        if remember {
            self.secrets.save(&tokens.refresh_token)?;
        } else {
            self.secrets.delete()?;
        }
        let me = tokens.user.clone();
        *slot = Some(Session {
            access: tokens.access_token,
            access_expires_at: tokens.access_expires_at,
            refresh: tokens.refresh_token,
            remember,
            me: me.clone(),
        });
        Ok(me)
    }

    /// The signed-in user, resuming from the keyring if the app was restarted. `None`: sign in needed.
    /// A network failure is an error (the remembered token is kept for the retry); a rejected token is not.
    pub async fn resume(&self) -> CommandResult<Option<Me>> {
        let mut guard = self.session.lock().await;
        if let Some(s) = guard.as_ref() {
            return Ok(Some(s.me.clone()));
        }
        let Some(refresh) = self.secrets.load()? else {
            return Ok(None);
        };
        match self.client.refresh(&refresh).await {
            Ok(tokens) => self.install(&mut guard, tokens, true).map(Some),
            Err(ClientError::Api { status: 401, .. }) => {
                self.secrets.delete()?;
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces the signed-in user's details (after they changed, e.g. the password flag).
    pub async fn set_me(&self, me: Me) {
        if let Some(s) = self.session.lock().await.as_mut() {
            s.me = me;
        }
    }

    /// Signs out: the portal revokes the session; the keyring entry and the memory copy are removed.
    /// If the portal cannot be reached, the local sign-out still happens and the error is returned.
    pub async fn sign_out(&self) -> CommandResult<()> {
        let old = self.session.lock().await.take();
        let remembered = self.secrets.load().ok().flatten();
        self.secrets.delete()?;
        let refresh = old.map(|s| s.refresh).or(remembered);
        if let Some(r) = refresh {
            match self.client.logout(&r).await {
                Ok(()) | Err(ClientError::Api { status: 401, .. }) => {}
                Err(e) => {
                    tracing::warn!(
                        "sign-out: portal not told ({e}); the session expires on its own"
                    );
                }
            }
        }
        Ok(())
    }

    /// Runs an authenticated call, refreshing the access token when it is due or was rejected (once).
    pub async fn call<T, F, Fut>(&self, f: F) -> CommandResult<T>
    where
        F: Fn(PortalClient, String, Me) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let (access, me) = self.valid_access(None).await?;
        match f(self.client.clone(), access.clone(), me).await {
            Err(ClientError::Api { status: 401, .. }) => {
                let (access, me) = self.valid_access(Some(&access)).await?;
                f(self.client.clone(), access, me)
                    .await
                    .map_err(|e| match e {
                        ClientError::Api { status: 401, .. } => session_expired(),
                        e => e.into(),
                    })
            }
            other => other.map_err(Into::into),
        }
    }

    /// A usable access token. `rejected` is a token the portal just refused: refresh unless another call
    /// already replaced it.
    async fn valid_access(&self, rejected: Option<&str>) -> CommandResult<(String, Me)> {
        let mut guard = self.session.lock().await;
        let s = guard.as_ref().ok_or_else(session_expired)?;
        let stale = rejected == Some(s.access.as_str())
            || s.access_expires_at - EXPIRY_MARGIN_SECS <= now();
        if !stale {
            return Ok((s.access.clone(), s.me.clone()));
        }
        let (refresh, remember) = (s.refresh.clone(), s.remember);
        match self.client.refresh(&refresh).await {
            Ok(tokens) => {
                let me = self.install(&mut guard, tokens, remember)?;
                let access = guard.as_ref().map(|s| s.access.clone()).unwrap_or_default();
                Ok((access, me))
            }
            Err(ClientError::Api { status: 401, .. }) => {
                *guard = None;
                self.secrets.delete()?;
                Err(session_expired())
            }
            Err(e) => Err(e.into()),
        }
    }
}
