//! The one error type every Tauri command returns; it crosses IPC as `{code, message, detail?}`.
//!
//! The modules under the commands speak their own errors (`SessionError`, the import's `ImportError`,
//! `SecretError`, `ClientError`, I/O); they become a `CommandError` here, once, at the boundary.

use kontor_api::{ErrorBody, ErrorCode, ErrorDetail};
use kontor_client::ClientError;
use serde::Serialize;

use crate::import::ImportError;
use crate::session::SessionError;
use crate::state::ConnectError;

/// What a command reports to the UI. The UI puts `detail` (the portal's typed parameters) or else `code`
/// into the user's language; `message` is the English text, shown only for a code the UI does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<ErrorDetail>,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
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
        Self {
            code: b.code,
            message: b.message,
            detail: b.detail,
        }
    }
}

impl From<kontor_api::FieldError> for CommandError {
    fn from(e: kontor_api::FieldError) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: e.to_string(),
            detail: Some(e.detail(None)),
        }
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
        let detail = match &e {
            ImportError::TooLarge {
                file_name,
                max_bytes,
            } => Some(ErrorDetail::ImportFile {
                file_name: file_name.clone(),
                problem: kontor_api::ImportFileProblem::TooLarge {
                    max_bytes: *max_bytes,
                },
            }),
            ImportError::Unreadable { file_name, source } => Some(ErrorDetail::ImportFile {
                file_name: file_name.clone(),
                problem: source.problem(),
            }),
            _ => None,
        };
        match e {
            ImportError::Session(e) => Self::from(e),
            other => Self {
                detail,
                ..Self::new(other.code(), other.to_string())
            },
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
    fn the_portals_detail_crosses_ipc() {
        let detail = ErrorDetail::EmailInUse {
            email: Some("a@b.example".into()),
        };
        let e: CommandError = ClientError::Api {
            status: 409,
            body: ErrorBody::detailed(detail.clone()),
        }
        .into();
        assert_eq!(e.detail.as_ref(), Some(&detail));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json["detail"],
            serde_json::json!({"kind": "email_in_use", "email": "a@b.example"})
        );
        let back: ErrorBody = serde_json::from_value(json).unwrap();
        assert_eq!(back.detail, Some(detail));
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
            (e.code, e.message.as_str()),
            (
                ErrorCode::Validation,
                "users.csv: the file is larger than 10 bytes"
            )
        );
        assert_eq!(
            e.detail,
            Some(ErrorDetail::ImportFile {
                file_name: "users.csv".into(),
                problem: kontor_api::ImportFileProblem::TooLarge { max_bytes: 10 }
            })
        );
        let e: CommandError = ImportError::Unreadable {
            file_name: "old.xls".into(),
            source: kontor_import::ImportError::LegacyXls,
        }
        .into();
        assert_eq!(
            e.detail,
            Some(ErrorDetail::ImportFile {
                file_name: "old.xls".into(),
                problem: kontor_api::ImportFileProblem::LegacyXls
            })
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
