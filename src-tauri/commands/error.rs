//! The one error type every Tauri command returns; it crosses IPC as `{code, message}`.
//!
//! The modules under the commands speak their own errors (`SessionError`, the import's `ImportError`,
//! `SecretError`, `ClientError`, I/O); they become a `CommandError` here, once, at the boundary.

use kontor_api::{ErrorBody, ErrorCode};
use kontor_client::ClientError;
use serde::Serialize;

use crate::import::ImportError;
use crate::session::SessionError;
use crate::state::ConnectError;

/// What a command reports to the UI. The UI shows `code` in the user's language and `message` as detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

impl From<ClientError> for CommandError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Api { body, .. } => Self::from(body),
            other => Self::new(other.code(), other.to_string()),
        }
    }
}

impl From<ErrorBody> for CommandError {
    fn from(b: ErrorBody) -> Self {
        Self::new(b.code, b.message)
    }
}

impl From<kontor_api::FieldError> for CommandError {
    fn from(e: kontor_api::FieldError) -> Self {
        Self::new(ErrorCode::Validation, e.to_string())
    }
}

impl From<crate::secrets::SecretError> for CommandError {
    fn from(e: crate::secrets::SecretError) -> Self {
        Self::new(ErrorCode::Keyring, e.to_string())
    }
}

impl From<SessionError> for CommandError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Portal(e) => Self::from(e),
            other => Self::new(other.code(), other.to_string()),
        }
    }
}

impl From<ImportError> for CommandError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Session(e) => Self::from(e),
            other => Self::new(other.code(), other.to_string()),
        }
    }
}

impl From<ConnectError> for CommandError {
    fn from(e: ConnectError) -> Self {
        match e {
            ConnectError::Client(e) => Self::from(e),
            ConnectError::NotConfigured => Self::new(ErrorCode::NotConfigured, e.to_string()),
        }
    }
}

impl From<std::io::Error> for CommandError {
    fn from(e: std::io::Error) -> Self {
        Self::new(ErrorCode::Io, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_code_and_message() {
        let e = CommandError::new(ErrorCode::Network, "portal not reachable");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "network", "message": "portal not reachable"})
        );
    }

    #[test]
    fn api_errors_keep_the_portal_code() {
        let e: CommandError = ClientError::Api {
            status: 401,
            body: ErrorBody::new(ErrorCode::InvalidCredentials, "no"),
        }
        .into();
        assert_eq!(e.code, ErrorCode::InvalidCredentials);
        let e: CommandError = ClientError::Network("refused".into()).into();
        assert_eq!(e.code, ErrorCode::Network);
    }

    #[test]
    fn inner_errors_keep_their_code_and_message() {
        let e: CommandError = SessionError::Expired.into();
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "code": "unauthorized",
                "message": "your session has expired; please sign in again"
            })
        );
        let e: CommandError = SessionError::Portal(ClientError::Api {
            status: 404,
            body: ErrorBody::new(ErrorCode::NotFound, "no such user"),
        })
        .into();
        assert_eq!(e, CommandError::new(ErrorCode::NotFound, "no such user"));
        let e: CommandError = ImportError::TooLarge {
            file_name: "users.csv".into(),
            max_bytes: 10,
        }
        .into();
        assert_eq!(
            e,
            CommandError::new(
                ErrorCode::Validation,
                "users.csv: the file is larger than 10 bytes"
            )
        );
        let e: CommandError =
            ImportError::Session(SessionError::Portal(ClientError::Network("refused".into())))
                .into();
        assert_eq!(e.code, ErrorCode::Network);
        let e: CommandError = ImportError::Io(std::io::Error::other("disk full")).into();
        assert_eq!(e, CommandError::new(ErrorCode::Io, "disk full"));
        let e: CommandError = ConnectError::NotConfigured.into();
        assert_eq!(
            e,
            CommandError::new(ErrorCode::NotConfigured, "no portal address is configured")
        );
    }

    #[test]
    fn field_errors_are_validation_errors_naming_the_field() {
        let e: CommandError = kontor_api::validate::email("email", "nope")
            .unwrap_err()
            .into();
        assert_eq!(e.code, ErrorCode::Validation);
        assert!(e.message.starts_with("email "), "{}", e.message);
    }
}
