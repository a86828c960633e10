//! The session secret in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows). Invariant: the refresh token is stored here and nowhere else; it never reaches the webview.

/// Keyring service name; one entry per portal address.
pub const SERVICE: &str = "de.kontor.app";

#[derive(Debug, thiserror::Error)]
#[error("OS keyring: {0}")]
pub struct SecretError(String);

impl From<keyring::Error> for SecretError {
    fn from(e: keyring::Error) -> Self {
        SecretError(e.to_string())
    }
}

/// The remembered refresh token of one portal.
pub struct RefreshTokenStore {
    service: String,
    account: String,
}

impl RefreshTokenStore {
    pub fn new(service: &str, portal_url: &str) -> Self {
        Self {
            service: service.to_string(),
            account: format!("refresh-token@{portal_url}"),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, SecretError> {
        Ok(keyring::Entry::new(&self.service, &self.account)?)
    }

    pub fn save(&self, token: &str) -> Result<(), SecretError> {
        Ok(self.entry()?.set_password(token)?)
    }

    pub fn load(&self) -> Result<Option<String>, SecretError> {
        match self.entry()?.get_password() {
            Ok(t) => Ok(Some(t)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub fn delete(&self) -> Result<(), SecretError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
