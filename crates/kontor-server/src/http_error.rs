//! The one HTTP error type (`ApiError` → `ErrorBody` JSON), the JSON body extractor with ErrorBody rejections,
//! and the safety net that turns any other non-JSON error answer (404, 405, …) into an ErrorBody.

use axum::body::Body;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kontor_api::{ErrorBody, ErrorCode, ErrorDetail, FieldError, Resource};
use serde::de::DeserializeOwned;

use crate::domain::Refusal;
use crate::error::DbError;
use crate::service::sessions::SessionError;

/// An error answer: `code.http_status()` with `{code, message, detail?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds the client should wait (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
    /// The typed parameters the app puts into words.
    pub detail: Option<ErrorDetail>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after: None,
            detail: None,
        }
    }

    /// The same error, answered with `Retry-After: secs`; without a more precise detail, the wait is
    /// the detail, so the app can say in its language how long to wait.
    pub fn retry_after(mut self, secs: u64) -> Self {
        let secs = secs.max(1);
        self.retry_after = Some(secs);
        self.detail
            .get_or_insert(ErrorDetail::Wait { seconds: secs });
        self
    }

    /// An error with typed parameters; code and English message follow from the detail.
    pub fn detailed(detail: ErrorDetail) -> Self {
        Self {
            code: detail.code(),
            message: detail.english(),
            retry_after: None,
            detail: Some(detail),
        }
    }

    /// A 422 whose English message says more than the detail (ranges, formats): the message stays.
    pub fn invalid_field(
        field: &str,
        problem: kontor_api::FieldProblem,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: message.into(),
            retry_after: None,
            detail: Some(ErrorDetail::Field {
                field: field.to_string(),
                row: None,
                problem,
            }),
        }
    }

    /// A 422 for a list of the request with too few or too many entries.
    pub fn count(field: &str, min: usize, max: usize, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: message.into(),
            retry_after: None,
            detail: Some(ErrorDetail::Count {
                field: field.to_string(),
                min: crate::domain::row_u32(min),
                max: crate::domain::row_u32(max),
            }),
        }
    }

    /// A field of the request broke a rule (422 with a `field` detail).
    pub fn field(field: &str, problem: kontor_api::FieldProblem) -> Self {
        Self::detailed(ErrorDetail::Field {
            field: field.to_string(),
            row: None,
            problem,
        })
    }

    pub fn unauthorized() -> Self {
        Self::new(
            ErrorCode::Unauthorized,
            "not signed in, or the session has ended",
        )
    }

    pub fn not_found(what: Resource) -> Self {
        Self::detailed(ErrorDetail::NotFound { what })
    }

    /// Logs the detail; the client only learns that something went wrong.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(ErrorCode::Internal, "internal error")
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::field(e.field, e.reason)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        Self::internal(e)
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let code = r.code();
        match r {
            Refusal::Detailed(detail, message) => Self {
                code,
                message,
                retry_after: None,
                detail: Some(detail),
            },
            Refusal::NotFound(m)
            | Refusal::Invalid(m)
            | Refusal::Conflict(m)
            | Refusal::Forbidden(m) => Self::new(code, m),
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::RateLimited { retry_after_secs } => Self::new(
                ErrorCode::RateLimited,
                format!("too many failed attempts; try again in {retry_after_secs} seconds"),
            )
            .retry_after(retry_after_secs),
            SessionError::Busy { retry_after_secs } => Self::new(
                ErrorCode::Unavailable,
                format!("the portal is busy; try again in {retry_after_secs} seconds"),
            )
            .retry_after(retry_after_secs),
            SessionError::InvalidCredentials(m) => Self::new(ErrorCode::InvalidCredentials, m),
            SessionError::Invalid(e) => e.into(),
            SessionError::Unauthorized => Self::unauthorized(),
            SessionError::ChooseAccount {
                choice_token,
                expires_at,
                accounts,
            } => Self::detailed(ErrorDetail::ChooseAccount {
                choice_token,
                expires_at,
                accounts,
            }),
            SessionError::Storage(e) => e.into(),
            SessionError::Internal(detail) => Self::internal(detail),
        }
    }
}

/// The English message of a 413 answer.
const PAYLOAD_TOO_LARGE: &str = "request body is larger than this endpoint accepts";

impl From<JsonRejection> for ApiError {
    // Malformed requests are a client bug, not something a user fixes: code and English detail only.
    fn from(r: JsonRejection) -> Self {
        // A body over the route's limit (`DefaultBodyLimit`) is 413, not a validation error.
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Self::new(ErrorCode::PayloadTooLarge, PAYLOAD_TOO_LARGE);
        }
        let message = match &r {
            JsonRejection::JsonDataError(e) => format!("request body: {}", e.body_text()),
            JsonRejection::JsonSyntaxError(e) => {
                format!("request body is not valid JSON: {}", e.body_text())
            }
            JsonRejection::MissingJsonContentType(_) => {
                "request body must be JSON (Content-Type: application/json)".to_string()
            }
            other => format!("request body: {}", other.body_text()),
        };
        Self::new(ErrorCode::Validation, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody::new(self.code, self.message).with_detail(self.detail);
        let mut resp = (status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        resp
    }
}

/// `axum::Json` whose rejections are `ApiError`s (422 `validation`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(r.into()),
        }
    }
}

/// `axum::extract::Query` whose rejections are `ApiError`s (422 `validation`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(Self::Rejection::from(r)),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::new(
            ErrorCode::Validation,
            format!("query string: {}", r.body_text()),
        )
    }
}

/// Router fallback: unknown route → 404 ErrorBody.
pub async fn fallback() -> ApiError {
    ApiError::not_found(Resource::Endpoint)
}

/// Middleware: any error answer that is not JSON (axum's own rejections: 405, path errors, body limits)
/// keeps its status but gets an ErrorBody.
pub async fn json_errors(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let code = match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        413 => ErrorCode::PayloadTooLarge,
        409 => ErrorCode::Conflict,
        429 => ErrorCode::RateLimited,
        400..=499 => ErrorCode::Validation,
        _ => ErrorCode::Internal,
    };
    let message = match status.as_u16() {
        405 => "method not allowed".to_string(),
        413 => PAYLOAD_TOO_LARGE.to_string(),
        s if s >= 500 => "internal error".to_string(),
        _ => status
            .canonical_reason()
            .unwrap_or("bad request")
            .to_lowercase(),
    };
    let body = serde_json::to_vec(&ErrorBody::new(code, message)).unwrap_or_default();
    let (mut parts, _) = resp.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
