//! Command errors in the user's words: `describe` for any error, `describe_refusal` for a change the portal
//! refused, `Shown`, an error already described, for `<ErrorBoundary>`, and `Problem`, an error a form or
//! page keeps as data and puts into words when shown (so a language switch re-renders it), with
//! `clear_on_change`, which lets it go when the user changes what it was about.

use kontor_api::{ErrorBody, ErrorCode, ErrorDetail, FieldProblem};
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
            Problem::Field { label, reason } => (t.field_problem)(label(t), *reason),
            Problem::Text(text) => text(t).to_string(),
            Problem::Failed(e) => describe(t, e),
            Problem::Refused(e) => describe_refusal(t, e),
            Problem::Duplicate(email) => (t.duplicate_email)(email),
        }
    }
}

/// The checks a new password gets before it is sent (both password forms): long enough, and typed the
/// same twice.
pub fn check_new_password(new: &str, repeat: &str) -> Result<(), Problem> {
    if let Err(e) = kontor_api::validate::new_password("new_password", new) {
        return Err(Problem::Field {
            label: |t| t.new_password,
            reason: e.reason,
        });
    }
    if new != repeat {
        return Err(Problem::Text(|t| t.passwords_differ));
    }
    Ok(())
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

/// A user-facing text for a command error, wholly in the language of `t`: the portal's typed detail put
/// into words (which e-mail, which product, how many seats, which row), else the translation of the code.
/// The portal's own (English) text is shown only for a code or detail this build does not know, for a
/// validation error without detail (an older portal), and for internal and unreadable answers, where it is
/// what support needs.
pub fn describe(t: &Texts, e: &ErrorBody) -> String {
    if let Some(text) = e.detail.as_ref().and_then(|d| (t.error_detail)(t, d)) {
        // A wait (rate limit, busy portal) says first what happened, in the code's first sentence.
        if let Some(ErrorDetail::Wait { .. }) = e.detail {
            let what = t.error(e.code);
            let first = what.find(". ").map_or(what, |i| &what[..=i]);
            return format!("{first} {text}");
        }
        return text;
    }
    match e.code {
        ErrorCode::Unknown => format!("{} ({})", t.error(e.code), e.message),
        _ if e.detail.is_some() => format!("{} ({})", t.error(e.code), e.message),
        // Without a detail (an older portal), validation keeps its reason naming the field; internal and
        // unreadable answers carry what support needs.
        ErrorCode::Validation | ErrorCode::Internal | ErrorCode::BadResponse => {
            format!("{} ({})", t.error(e.code), e.message)
        }
        code => t.error(code).to_string(),
    }
}

/// The answer to a change the user asked for. Since the portal sends its reasons as typed details, this is
/// [`describe`]; kept as the name the pages use for refusals.
pub fn describe_refusal(t: &Texts, e: &ErrorBody) -> String {
    describe(t, e)
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

#[cfg(test)]
mod tests {
    use kontor_api::{ErrorDetail, FieldProblem, OwnerAction, Resource};

    use super::*;
    use crate::i18n::{DE, EN};

    /// One detail of every kind (the match below fails to compile when a kind is added without one here).
    fn every_detail() -> Vec<ErrorDetail> {
        let all = vec![
            ErrorDetail::Field {
                field: "email".into(),
                row: Some(2),
                problem: FieldProblem::InvalidEmail,
            },
            ErrorDetail::Count {
                field: "users".into(),
                min: 1,
                max: 500,
            },
            ErrorDetail::NothingToChange,
            ErrorDetail::OwnerNotCreatable { row: Some(0) },
            ErrorDetail::UnknownProduct {
                product: "nope".into(),
                row: None,
            },
            ErrorDetail::UnknownLocation { row: None },
            ErrorDetail::InvalidActivationRequest,
            ErrorDetail::EmailInUse {
                email: Some("emma.koch@muster.example".into()),
            },
            ErrorDetail::EmailInUse { email: None },
            ErrorDetail::EmailRepeated {
                email: "a@b.example".into(),
            },
            ErrorDetail::NotEnoughSeats {
                product: "Analytics Add-on".into(),
                missing: 1,
            },
            ErrorDetail::CannotDeleteSelf,
            ErrorDetail::OwnerKeepsRole,
            ErrorDetail::ActivationLimit { used: 5, max: 5 },
            ErrorDetail::LicenseTermEnded {
                date: "2026-12-31".into(),
            },
            ErrorDetail::NotFound {
                what: Resource::User,
            },
            ErrorDetail::RoleNotAllowed,
            ErrorDetail::OwnerOnly {
                action: OwnerAction::Reset,
            },
            ErrorDetail::PasswordChangeRequired,
            ErrorDetail::ImportFile {
                file_name: "old.xls".into(),
                problem: kontor_api::ImportFileProblem::LegacyXls,
            },
            ErrorDetail::Wait { seconds: 75 },
            ErrorDetail::UseOwnPasswordChange,
            ErrorDetail::OwnRoleFixed,
            // sepa8
            ErrorDetail::BillingFields {
                errors: vec![
                    kontor_api::BillingFieldError::new(
                        kontor_api::BillingField::Iban,
                        kontor_api::BillingProblem::IbanChecksum,
                    ),
                    kontor_api::BillingFieldError::at(
                        kontor_api::BillingField::InvoiceEmails,
                        Some(1),
                        kontor_api::BillingProblem::InvalidEmail,
                    ),
                ],
            },
            ErrorDetail::LocationHasUsers { users: 3 },
            ErrorDetail::LocationNameTaken {
                name: "Berlin".into(),
            },
            ErrorDetail::NotFound {
                what: kontor_api::Resource::Location,
            },
            ErrorDetail::SeatsOverLimit {
                products: vec![kontor_api::OverLimit {
                    product_code: "cmdb".into(),
                    product_name: "CMDB Pro".into(),
                    assigned: 11,
                    allowed: 10,
                }],
            },
        ];
        for d in &all {
            match d {
                ErrorDetail::Field { .. }
                | ErrorDetail::Count { .. }
                | ErrorDetail::NothingToChange
                | ErrorDetail::OwnerNotCreatable { .. }
                | ErrorDetail::UnknownProduct { .. }
                | ErrorDetail::UnknownLocation { .. }
                | ErrorDetail::InvalidActivationRequest
                | ErrorDetail::EmailInUse { .. }
                | ErrorDetail::EmailRepeated { .. }
                | ErrorDetail::NotEnoughSeats { .. }
                | ErrorDetail::CannotDeleteSelf
                | ErrorDetail::OwnerKeepsRole
                | ErrorDetail::ActivationLimit { .. }
                | ErrorDetail::LicenseTermEnded { .. }
                | ErrorDetail::NotFound { .. }
                | ErrorDetail::RoleNotAllowed
                | ErrorDetail::OwnerOnly { .. }
                | ErrorDetail::PasswordChangeRequired
                | ErrorDetail::ImportFile { .. }
                | ErrorDetail::Wait { .. }
                | ErrorDetail::UseOwnPasswordChange
                | ErrorDetail::OwnRoleFixed
                | ErrorDetail::BillingFields { .. }
                | ErrorDetail::LocationHasUsers { .. }
                | ErrorDetail::LocationNameTaken { .. }
                | ErrorDetail::SeatsOverLimit { .. }
                | ErrorDetail::ChooseAccount { .. } // harden10
                | ErrorDetail::Attachments { .. }
                | ErrorDetail::Other => {}
            }
        }
        all
    }

    #[test]
    fn a_refused_downgrade_names_each_product_with_its_numbers() {
        let body = ErrorBody::detailed(ErrorDetail::SeatsOverLimit {
            products: vec![
                kontor_api::OverLimit {
                    product_code: "cmdb".into(),
                    product_name: "CMDB Pro".into(),
                    assigned: 11,
                    allowed: 10,
                },
                kontor_api::OverLimit {
                    product_code: "docs".into(),
                    product_name: "Documents".into(),
                    assigned: 6,
                    allowed: 0,
                },
            ],
        });
        let en = describe_refusal(&EN, &body);
        assert!(
            en.contains("CMDB Pro: 11 licenses assigned, 10 allowed"),
            "{en}"
        );
        assert!(
            en.contains("Documents: 6 licenses assigned, 0 allowed"),
            "{en}"
        );
        let de = describe_refusal(&DE, &body);
        assert!(
            de.contains("CMDB Pro: 11 Lizenzen vergeben, 10 erlaubt"),
            "{de}"
        );
    }

    #[test]
    fn every_detail_has_its_own_text_in_both_languages() {
        for d in every_detail() {
            let body = ErrorBody::detailed(d.clone());
            let (en, de) = (describe(&EN, &body), describe(&DE, &body));
            assert!(!en.is_empty() && !de.is_empty(), "{d:?}");
            assert_ne!(en, de, "German differs from English for {d:?}");
            assert!(
                !de.contains(&body.message),
                "the portal's English message is not shown for {d:?}: {de:?}"
            );
        }
    }

    #[test]
    fn a_new_password_must_be_long_enough_and_typed_twice_alike() {
        assert!(matches!(
            check_new_password("short", "short"),
            Err(Problem::Field {
                reason: FieldProblem::TooShort,
                ..
            })
        ));
        assert!(matches!(
            check_new_password("a-Long-enough-passw0rd", "a-Long-enough-passw0rD"),
            Err(Problem::Text(_))
        ));
        assert!(check_new_password("a-Long-enough-passw0rd", "a-Long-enough-passw0rd").is_ok());
    }

    #[test]
    fn a_wait_says_what_happened_and_how_long_in_the_users_language() {
        let mut body = ErrorBody::detailed(ErrorDetail::Wait { seconds: 75 });
        assert_eq!(
            describe(&EN, &body),
            "Too many attempts. Please try again in 1 min 15 s."
        );
        assert_eq!(
            describe(&DE, &body),
            "Zu viele Versuche. Bitte versuchen Sie es in 1 min 15 s erneut."
        );
        body.code = ErrorCode::Unavailable;
        assert_eq!(
            describe(&DE, &body),
            "Das Portal ist ausgelastet. Bitte versuchen Sie es in 1 min 15 s erneut."
        );
    }

    #[test]
    fn every_resource_and_owner_action_has_a_text() {
        for what in [
            Resource::User,
            Resource::DeletedUser,
            Resource::Account,
            Resource::Subscription,
            Resource::Products,
            Resource::License,
            Resource::Installer,
            Resource::ReleaseFile,
            Resource::Invoice,
            Resource::Endpoint,
        ] {
            let body = ErrorBody::detailed(ErrorDetail::NotFound { what });
            assert_ne!(describe(&EN, &body), describe(&DE, &body), "{what:?}");
        }
        for action in [
            OwnerAction::Change,
            OwnerAction::Make,
            OwnerAction::Reset,
            OwnerAction::Delete,
            OwnerAction::ManageAdmins,
            OwnerAction::MakeAdmin,
        ] {
            let body = ErrorBody::detailed(ErrorDetail::OwnerOnly { action });
            assert_ne!(describe(&EN, &body), describe(&DE, &body), "{action:?}");
        }
    }

    #[test]
    fn every_import_file_problem_has_a_text_in_both_languages() {
        use kontor_api::ImportFileProblem as P;
        for problem in [
            P::Empty,
            P::TooLarge {
                max_bytes: 50_000_000,
            },
            P::NotText,
            P::LegacyXls,
            P::InvalidEncoding {
                encoding: "UTF-8".into(),
            },
            P::HeadersOnly,
            P::NoKnownHeaders {
                found: vec!["Foo".into()],
            },
            P::MissingColumn {
                column: "E-Mail".into(),
            },
            P::DuplicateColumn {
                column: "Name".into(),
            },
            P::LineTooLong { row: 3 },
            P::FieldTooLong {
                row: 3,
                column: "Name".into(),
            },
            P::UnterminatedQuote { row: 4 },
            P::TooManyRows { max: 100_000 },
            P::Damaged,
        ] {
            let body = ErrorBody::detailed(ErrorDetail::ImportFile {
                file_name: "users.csv".into(),
                problem: problem.clone(),
            });
            let (en, de) = (describe(&EN, &body), describe(&DE, &body));
            assert!(en.starts_with("users.csv: ") && de.starts_with("users.csv: "));
            assert_ne!(en, de, "{problem:?}");
        }
        let big = ErrorBody::detailed(ErrorDetail::ImportFile {
            file_name: "u.csv".into(),
            problem: P::TooLarge {
                max_bytes: 50_000_000,
            },
        });
        assert_eq!(
            describe(&DE, &big),
            "u.csv: Die Datei ist größer als 50,0 MB."
        );
    }

    #[test]
    fn seat_and_e_mail_refusals_are_wholly_german() {
        let seats = ErrorBody::detailed(ErrorDetail::NotEnoughSeats {
            product: "Analytics Add-on".into(),
            missing: 2,
        });
        assert_eq!(
            describe_refusal(&DE, &seats),
            "Nicht genügend freie Lizenzen für „Analytics Add-on“: Es fehlen 2."
        );
        let one = ErrorBody::detailed(ErrorDetail::NotEnoughSeats {
            product: "CMDB".into(),
            missing: 1,
        });
        assert_eq!(
            describe_refusal(&EN, &one),
            "Not enough free licenses for “CMDB”: 1 more is needed."
        );
        let taken = ErrorBody::detailed(ErrorDetail::EmailInUse {
            email: Some("emma.koch@muster.example".into()),
        });
        assert_eq!(
            describe_refusal(&DE, &taken),
            "Die E-Mail-Adresse emma.koch@muster.example wird bereits verwendet."
        );
    }

    #[test]
    fn the_portals_text_shows_only_for_what_this_build_does_not_know() {
        let unknown: ErrorBody =
            serde_json::from_str(r#"{"code":"quota_exceeded","message":"quota reached"}"#).unwrap();
        assert!(describe(&DE, &unknown).contains("quota reached"));
        let unknown_kind: ErrorBody = serde_json::from_str(
            r#"{"code":"conflict","message":"seat freeze","detail":{"kind":"seat_freeze"}}"#,
        )
        .unwrap();
        assert!(describe(&DE, &unknown_kind).contains("seat freeze"));
        // A known code without detail (an older portal): the code's text, no English inside German.
        let old = ErrorBody::new(
            ErrorCode::Conflict,
            "the e-mail address x is already in use",
        );
        assert_eq!(describe(&DE, &old), DE.err_conflict);
    }
}
