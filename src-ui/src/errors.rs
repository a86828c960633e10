//! Command errors in the user's words: `describe` for any error, `describe_refusal` for a change the portal
//! refused, `Shown`, an error already described, for `<ErrorBoundary>`, and `Problem`, an error a form or
//! page keeps as data and puts into words when shown (so a language switch re-renders it), with
//! `clear_on_change`, which lets it go when the user changes what it was about.

use kontor_api::{ErrorBody, ErrorCode, FieldProblem};
use leptos::prelude::*;

use crate::i18n::Texts;

/// An error kept as data until it is shown, in the language of the moment.
#[derive(Debug, Clone)]
pub enum Problem {
    /// A field broke the shared rules: the field's label (a text) and why.
    Field {
        label: fn(&Texts) -> &'static str,
        reason: FieldProblem,
    },
    /// A sentence of the UI's own ("The two new passwords differ.").
    Text(fn(&Texts) -> &'static str),
    /// A command failed (put into words by [`describe`]).
    Failed(ErrorBody),
    /// The portal refused a change (put into words by [`describe_refusal`]).
    Refused(ErrorBody),
    /// The same e-mail twice in one form.
    Duplicate(String),
}

impl Problem {
    /// The problem in the words of `t`.
    pub fn show(&self, t: &Texts) -> String {
        match self {
            Problem::Field { label, reason } => (t.field_problem)(label(t), t.field(*reason)),
            Problem::Text(text) => text(t).to_string(),
            Problem::Failed(e) => describe(t, e),
            Problem::Refused(e) => describe_refusal(t, e),
            Problem::Duplicate(email) => (t.duplicate_email)(email),
        }
    }
}

/// Lets `error` go as soon as anything `watch` reads changes (the user typed, chose, undid): an error about
/// what was there before is stale. Call it once per form, with the form's fields.
pub fn clear_on_change<T: Send + Sync + 'static>(
    error: RwSignal<Option<T>>,
    watch: impl Fn() + 'static,
) {
    Effect::new(move |ran: Option<()>| {
        watch();
        if ran.is_some() && error.with_untracked(Option::is_some) {
            error.set(None);
        }
    });
}

/// A user-facing text for a command error: the translation of its code, plus the detail for validation.
pub fn describe(t: &Texts, e: &ErrorBody) -> String {
    match e.code {
        // Validation names the field; internal and unreadable answers carry the detail support needs; a
        // rate limit or a busy portal says how many seconds to wait.
        ErrorCode::Validation
        | ErrorCode::Internal
        | ErrorCode::BadResponse
        | ErrorCode::RateLimited
        | ErrorCode::Unavailable => {
            format!("{} ({})", t.error(e.code), e.message)
        }
        code => t.error(code).to_string(),
    }
}

/// Like [`describe`], for the answer to a change the user asked for: a conflict or a refusal also says the
/// portal's reason (which e-mail exists, how many seats are missing).
pub fn describe_refusal(t: &Texts, e: &ErrorBody) -> String {
    match e.code {
        ErrorCode::Conflict | ErrorCode::Forbidden => format!("{} {}", t.error(e.code), e.message),
        _ => describe(t, e),
    }
}

/// An error already put into the user's words, for `<ErrorBoundary>`.
#[derive(Debug, Clone)]
pub struct Shown(pub String);

impl Shown {
    /// The error described in the language of `t`.
    pub fn new(t: &Texts, e: &ErrorBody) -> Self {
        Shown(describe(t, e))
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Shown {}
