//! German and English texts. Every text is a field of [`Texts`], so a language cannot miss one.
//!
//! Texts with parameters are functions (`fn(&str) -> String`), so each language orders its own words;
//! texts with a count are a [`Plural`] (English and German both have a singular and a plural form);
//! the portal's typed error details and the import's problem reasons are put into words by one function
//! per language whose `match` names every kind, so a kind without a text is a compile error too.

use kontor_api::{BillingField, BillingProblem}; // sepa8
use kontor_api::{
    ErrorCode, ErrorDetail, FieldProblem, ImportField, ImportFileProblem, ImportReason,
    OwnerAction, Resource, Role,
};

/// A text with a count: `one` for exactly 1, `other` for every other number (0, 2, …), each with `{n}`
/// where the number goes. English and German both need just these two forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plural {
    pub one: &'static str,
    pub other: &'static str,
}

impl Plural {
    /// The form for `n`, with `n` in place of `{n}`.
    pub fn of(&self, n: u64) -> String {
        let (before, after) = self.parts(n);
        format!("{before}{n}{after}")
    }

    /// The form for `n` split around `{n}`, for a view that shows the number in its own element.
    pub fn parts(&self, n: u64) -> (&'static str, &'static str) {
        let form = if n == 1 { self.one } else { self.other };
        form.split_once("{n}").unwrap_or((form, ""))
    }
}

/// A sentence with named parameters (`{version}`, `{done}`, …) that each language places where its grammar
/// wants them. [`Template::parts`] lets a view put an element (a bold version, a number with an id) in a
/// parameter's place; [`Template::fill`] makes plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template(pub &'static str);

/// A piece of a [`Template`]: words, or the name of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Text(&'static str),
    Param(&'static str),
}

impl Template {
    /// The sentence in order: words and parameters (an unclosed `{` counts as words).
    pub fn parts(self) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut rest = self.0;
        while let Some(open) = rest.find('{') {
            let Some(len) = rest[open..].find('}') else {
                break;
            };
            if open > 0 {
                parts.push(Part::Text(&rest[..open]));
            }
            parts.push(Part::Param(&rest[open + 1..open + len]));
            rest = &rest[open + len + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest));
        }
        parts
    }

    /// The sentence as text, each parameter replaced by its value from `args` (a missing one stays empty).
    pub fn fill(self, args: &[(&str, &str)]) -> String {
        self.parts()
            .into_iter()
            .map(|p| match p {
                Part::Text(t) => t,
                Part::Param(name) => args
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| *v)
                    .unwrap_or_default(),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    De,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The saved choice if any, else the OS locale (`de-DE`, `de_AT.UTF-8` → German), else English.
    pub fn pick(saved: Option<&str>, os_locale: &str) -> Lang {
        match saved {
            Some("de") => Lang::De,
            Some("en") => Lang::En,
            _ if os_locale.to_ascii_lowercase().starts_with("de") => Lang::De,
            _ => Lang::En,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::De => &DE,
            Lang::En => &EN,
        }
    }

    /// Money from cents: `1.234,50 €` / `€1,234.50`.
    pub fn money(self, cents: i64, currency: &str) -> String {
        let neg = if cents < 0 { "-" } else { "" };
        let c = cents.unsigned_abs();
        let (units, rest) = (c / 100, c % 100);
        let (thousands, decimal) = match self {
            Lang::De => ('.', ','),
            Lang::En => (',', '.'),
        };
        let digits = units.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(thousands);
            }
            grouped.push(ch);
        }
        let symbol = match currency {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            other => other,
        };
        match self {
            Lang::De => format!("{neg}{grouped}{decimal}{rest:02} {symbol}"),
            Lang::En => format!("{neg}{symbol}{grouped}{decimal}{rest:02}"),
        }
    }

    /// A Unix time (seconds, UTC) as a date in this language.
    pub fn day(self, unix: i64) -> String {
        // Days to civil date (Howard Hinnant's algorithm), proleptic Gregorian, UTC.
        let z = unix.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        self.date(&format!("{y:04}-{m:02}-{d:02}"))
    }

    /// A byte count for people: `1.5 MB` / `1,5 MB` (decimal units, one decimal from MB up).
    pub fn bytes(self, n: u64) -> String {
        const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
        if n < 1000 {
            return format!("{n} B");
        }
        let mut v = n as f64 / 1000.0;
        let mut unit = 0;
        while v >= 1000.0 && unit < UNITS.len() - 1 {
            v /= 1000.0;
            unit += 1;
        }
        let text = if unit == 0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        };
        let text = match self {
            Lang::De => text.replace('.', ","),
            Lang::En => text,
        };
        format!("{text} {}", UNITS[unit])
    }

    /// A duration for people: `45 s`, `3 min 05 s`, `2 h 07 min`.
    pub fn duration(self, secs: u64) -> String {
        match secs {
            0..=59 => format!("{secs} s"),
            60..=3599 => format!("{} min {:02} s", secs / 60, secs % 60),
            _ => format!("{} h {:02} min", secs / 3600, (secs % 3600) / 60),
        }
    }

    /// An ISO date `YYYY-MM-DD` as `22.12.2026` / `2026-12-22`; anything else is shown as it is.
    pub fn date(self, iso: &str) -> String {
        let parts: Vec<&str> = iso.split('-').collect();
        match (self, parts.as_slice()) {
            (Lang::De, [y, m, d]) => format!("{d}.{m}.{y}"),
            _ => iso.to_string(),
        }
    }
}

pub struct Texts {
    pub app_name: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub demo_banner: &'static str,
    pub setup_url: &'static str,
    pub sign_in_title: &'static str,
    pub tab_password: &'static str,
    pub tab_token: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub license_token: &'static str,
    pub license_token_hint: &'static str,
    pub remember: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub sign_out: &'static str,
    pub session_expired: &'static str,
    pub nav_dashboard: &'static str,
    pub dashboard_title: &'static str,
    pub package: &'static str,
    pub seats: &'static str,
    pub users: &'static str,
    pub next_invoice: &'static str,
    pub no_invoice: &'static str,
    pub license_expires: &'static str,
    pub chart_title: &'static str,
    pub chart_used: &'static str,
    pub chart_free: &'static str,
    pub language: &'static str,
    pub portal: &'static str,
    pub startup_failed: &'static str,
    pub err_validation: &'static str,
    pub err_invalid_credentials: &'static str,
    pub err_unauthorized: &'static str,
    pub err_forbidden: &'static str,
    pub err_not_found: &'static str,
    pub err_conflict: &'static str,
    pub err_rate_limited: &'static str,
    pub err_unavailable: &'static str,
    pub err_network: &'static str,
    pub err_bad_response: &'static str,
    pub err_keyring: &'static str,
    pub err_not_configured: &'static str,
    pub err_io: &'static str,
    pub err_internal: &'static str,
    pub err_checksum: &'static str,
    pub err_signature: &'static str,
    pub role_owner: &'static str,
    pub role_admin: &'static str,
    pub role_billing: &'static str,
    pub role_user: &'static str,
    pub nav_users: &'static str,
    pub col_name: &'static str,
    pub col_role: &'static str,
    pub col_location: &'static str,
    pub col_licenses: &'static str,
    pub col_deleted: &'static str,
    pub status_active: &'static str,
    pub status_password_change: &'static str,
    pub status_deleted: &'static str,
    pub cancel: &'static str,
    pub close: &'static str,
    pub apply: &'static str,
    pub temporary_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub passwords_differ: &'static str,
    pub save_password: &'static str,
    pub nav_license: &'static str,
    pub license_activate: &'static str,
    pub nav_downloads: &'static str,
    pub about: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    /// A field's problem as a sentence: the field's label and what is wrong.
    pub field_problem: fn(&str, FieldProblem) -> String,
    pub duplicate_email: fn(&str) -> String,
    // --- User menu, password change while signed in, labels for the users list ---
    pub menu_navigation: &'static str,
    pub menu_change_password: &'static str,
    pub password_changed: &'static str,
    // --- Texts with parameters and plural forms, the portal's error details, import problems ---
    pub err_unknown: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub user_name: &'static str,
    /// The portal's typed error detail in words; `None` for a kind this build does not know.
    pub error_detail: fn(&Texts, &ErrorDetail) -> Option<String>,
    // --- Result notices, show in folder, first login, offline license, import problems, seats ---
    pub show_in_folder: &'static str,
    pub back_to_sign_in: &'static str,
    // --- Download re-check, sentences with parameters ---
    /// `{used}` of `{total}` seats.
    pub seats_used_of_total: Template,
    // --- sepa8: the Billing details page (its other texts are `BillingTexts`) ---
    pub nav_billing: &'static str,
    pub billing_fix_fields: &'static str,
    // --- Locations and the audit log (branch audit9) ---
    pub nav_locations: &'static str,
    pub nav_audit: &'static str,
    pub location_name: &'static str,
    // --- mail9: forgotten password, temporary passwords by mail ---
    pub forgot_link: &'static str,
    pub forgot_code: &'static str,
    pub forgot_rules: &'static str,
    pub menu_profile: &'static str,
    pub password_strength: fn(u8) -> &'static str,
    // --- inv8: the Invoices page ---
    pub nav_invoices: &'static str,
    pub inv_details: &'static str,
    // --- Subscription and package change (issue 8) ---
    pub nav_subscription: &'static str,
    /// `{product}`, `{assigned}`, `{allowed}`.
    pub sub_over_limit_line: Template,
    pub sub_over_limit: &'static str,
    pub sub_package: &'static str,
    // harden10: the sign-in's account chooser (one address, users in several accounts).
    pub choose_account_title: &'static str,
    pub choose_account_hint: &'static str,
    // support9: the Help page's entry in the user menu (its other texts are `HelpTexts`).
    pub menu_help: &'static str,
    // roles9b: the navigation's Billing entry (its pages Subscription, Invoices and Billing details are tabs).
    pub nav_billing_group: &'static str,
}

impl Texts {
    pub fn error(&self, code: ErrorCode) -> &'static str {
        match code {
            ErrorCode::Validation => self.err_validation,
            ErrorCode::InvalidCredentials => self.err_invalid_credentials,
            ErrorCode::Unauthorized => self.err_unauthorized,
            ErrorCode::Forbidden => self.err_forbidden,
            ErrorCode::NotFound => self.err_not_found,
            ErrorCode::Conflict => self.err_conflict,
            ErrorCode::RateLimited => self.err_rate_limited,
            ErrorCode::Network => self.err_network,
            ErrorCode::BadResponse => self.err_bad_response,
            ErrorCode::Keyring => self.err_keyring,
            ErrorCode::NotConfigured => self.err_not_configured,
            ErrorCode::Io => self.err_io,
            ErrorCode::Checksum => self.err_checksum,
            ErrorCode::Signature => self.err_signature,
            ErrorCode::Internal => self.err_internal,
            ErrorCode::Unavailable => self.err_unavailable,
            ErrorCode::MethodNotAllowed => self.err_not_found,
            ErrorCode::Unknown => self.err_unknown,
            // sepa8: the located detail says more; the code alone is a validation error.
            ErrorCode::InvalidIban
            | ErrorCode::InvalidBic
            | ErrorCode::InvalidVatId
            | ErrorCode::InvalidPostalCode => self.err_validation,
            // harden10: only a client bug sends a body over the limit; for the user, an invalid request.
            ErrorCode::PayloadTooLarge => self.err_validation,
        }
    }

    pub fn status(&self, s: kontor_api::UserStatus) -> &'static str {
        match s {
            kontor_api::UserStatus::Active => self.status_active,
            kontor_api::UserStatus::PasswordChangeRequired => self.status_password_change,
            kontor_api::UserStatus::Deleted => self.status_deleted,
        }
    }

    pub fn role(&self, r: Role) -> &'static str {
        match r {
            Role::Owner => self.role_owner,
            Role::Admin => self.role_admin,
            Role::Billing => self.role_billing,
            Role::User => self.role_user,
        }
    }
}

pub static EN: Texts = Texts {
    app_name: "Kontor",
    loading: "Loading…",
    retry: "Try again",
    demo_banner: "Demo portal: you are looking at seeded sample data, not a real customer account.",
    setup_url: "Portal address",
    sign_in_title: "Sign in to your customer account",
    tab_password: "E-mail and password",
    tab_token: "License token",
    email: "E-mail",
    password: "Password",
    license_token: "License token",
    license_token_hint: "The license token is in your order confirmation e-mail.",
    remember: "Stay signed in on this computer",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    sign_out: "Sign out",
    session_expired: "Your session has expired. Please sign in again.",
    nav_dashboard: "Dashboard",
    dashboard_title: "Dashboard",
    package: "Package",
    seats: "Licenses in use",
    users: "Users",
    next_invoice: "Next invoice",
    no_invoice: "No invoice due",
    license_expires: "License valid until",
    chart_title: "Licenses per product",
    chart_used: "in use",
    chart_free: "free",
    language: "Language",
    portal: "Portal",
    startup_failed: "Kontor could not reach your portal.",
    err_validation: "Please check your entries.",
    err_invalid_credentials: "The e-mail address or password is wrong.",
    err_unauthorized: "Your session has expired. Please sign in again.",
    err_forbidden: "Your role does not allow this.",
    err_not_found: "Not found.",
    err_conflict: "This conflicts with existing data.",
    err_rate_limited: "Too many attempts. Please wait a few minutes.",
    err_unavailable: "The portal is busy. Please try again in a moment.",
    err_network: "The portal cannot be reached. Check your internet connection.",
    err_bad_response: "The portal sent an answer Kontor does not understand.",
    err_keyring: "The system keyring is not available.",
    err_not_configured: "No portal address is configured.",
    err_io: "A local file could not be read or written.",
    err_internal: "Something went wrong on the portal. Please try again later.",
    err_checksum: "The downloaded file does not match its published checksum and was removed.",
    err_signature: "The update is not signed by the vendor and was not installed.",
    role_owner: "Owner",
    role_admin: "Admin",
    role_billing: "Billing",
    role_user: "User",
    nav_users: "Users",
    col_name: "Name",
    col_role: "Role",
    col_location: "Location",
    col_licenses: "Licenses",
    col_deleted: "Deleted on",
    status_active: "Active",
    status_password_change: "Must choose a password",
    status_deleted: "Deleted",
    cancel: "Cancel",
    close: "Close",
    apply: "Apply",
    temporary_password: "Temporary password",
    current_password: "Current (temporary) password",
    new_password: "New password",
    repeat_password: "Repeat the new password",
    passwords_differ: "The two new passwords do not match.",
    save_password: "Save password",
    nav_license: "Offline license",
    license_activate: "Choose activation request…",
    nav_downloads: "Downloads",
    about: "About",
    copy: "Copy",
    copied: "Copied",
    copy_failed: "Not copied",
    field_problem: |label, p| match p {
        FieldProblem::Required => format!("{label} is required."),
        FieldProblem::TooLong => format!("{label} is too long."),
        FieldProblem::InvalidEmail => format!("{label}: please enter a valid e-mail address."),
        FieldProblem::InvalidToken => format!("{label}: please enter a valid license token."),
        FieldProblem::InvalidUrl => format!("{label}: please enter a valid web address."),
        FieldProblem::InsecureUrl => format!("{label} must start with https://."),
        FieldProblem::Invalid => format!("{label} is not valid."),
        FieldProblem::TooShort => format!("{label} must have at least 12 characters."),
        FieldProblem::InvalidId => format!("{label} is not a valid ID."),
        FieldProblem::OutOfRange => format!("{label} is out of the allowed range."),
        FieldProblem::Unchanged => format!("{label} must differ from the current password."),
        FieldProblem::Incorrect => format!("{label} is not correct."),
    },
    duplicate_email: |email| format!("{email} is already in the list."),
    menu_navigation: "Pages",
    menu_change_password: "Change password",
    password_changed: "Your password was changed.",
    err_unknown: "The portal reported an error.",
    first_name: "First name",
    last_name: "Last name",
    user_name: "User name",
    error_detail: en_detail,
    show_in_folder: "Show in folder",
    back_to_sign_in: "Back to sign-in",
    // --- Download re-check, sentences with parameters ---
    seats_used_of_total: Template("{used} of {total}"),
    // --- sepa8: the Billing details page (the rest: BILLING_EN) ---
    nav_billing: "Billing details",
    billing_fix_fields: "Please correct the marked fields.",
    // --- Locations and the audit log (branch audit9) ---
    nav_locations: "Locations",
    nav_audit: "Audit log",
    location_name: "Name",
    // --- mail9: forgotten password, temporary passwords by mail ---
    forgot_link: "Forgot password?",
    forgot_code: "Code from the e-mail",
    forgot_rules: "At least 12 characters. A long phrase of several words is best.",
    menu_profile: "Profile",
    password_strength: |s| match s {
        0 => "Strength: very weak",
        1 => "Strength: weak",
        2 => "Strength: fair",
        3 => "Strength: good",
        _ => "Strength: strong",
    },
    // --- inv8: the Invoices page ---
    nav_invoices: "Invoices",
    inv_details: "Details",
    // --- Subscription and package change (issue 8) ---
    nav_subscription: "Subscription",
    sub_over_limit_line: Template("{product}: {assigned} licenses assigned, {allowed} allowed"),
    sub_over_limit: "More licenses are assigned than the new package allows. Revoke some first:",
    sub_package: "Package",
    // harden10
    choose_account_title: "Choose the customer account",
    choose_account_hint: "This e-mail address and password belong to users in several customer accounts. Which one do you want to sign in to?",
    // support9
    menu_help: "Help and support",
    // roles9b
    nav_billing_group: "Billing",
};
pub static DE: Texts = Texts {
    app_name: "Kontor",
    loading: "Wird geladen …",
    retry: "Erneut versuchen",
    demo_banner: "Demo-Portal: Sie sehen Beispieldaten, kein echtes Kundenkonto.",
    setup_url: "Portal-Adresse",
    sign_in_title: "Am Kundenkonto anmelden",
    tab_password: "E-Mail und Passwort",
    tab_token: "Lizenz-Token",
    email: "E-Mail",
    password: "Passwort",
    license_token: "Lizenz-Token",
    license_token_hint: "Das Lizenz-Token steht in Ihrer Bestellbestätigung.",
    remember: "Auf diesem Computer angemeldet bleiben",
    sign_in: "Anmelden",
    signing_in: "Anmeldung läuft …",
    sign_out: "Abmelden",
    session_expired: "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    nav_dashboard: "Übersicht",
    dashboard_title: "Übersicht",
    package: "Paket",
    seats: "Lizenzen in Nutzung",
    users: "Benutzer",
    next_invoice: "Nächste Rechnung",
    no_invoice: "Keine Rechnung fällig",
    license_expires: "Lizenz gültig bis",
    chart_title: "Lizenzen je Produkt",
    chart_used: "genutzt",
    chart_free: "frei",
    language: "Sprache",
    portal: "Portal",
    startup_failed: "Kontor kann Ihr Portal nicht erreichen.",
    err_validation: "Bitte prüfen Sie Ihre Eingaben.",
    err_invalid_credentials: "E-Mail-Adresse oder Passwort ist falsch.",
    err_unauthorized: "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    err_forbidden: "Ihre Rolle erlaubt das nicht.",
    err_not_found: "Nicht gefunden.",
    err_conflict: "Das widerspricht vorhandenen Daten.",
    err_rate_limited: "Zu viele Versuche. Bitte warten Sie einige Minuten.",
    err_unavailable: "Das Portal ist ausgelastet. Bitte versuchen Sie es gleich noch einmal.",
    err_network: "Das Portal ist nicht erreichbar. Prüfen Sie Ihre Internetverbindung.",
    err_bad_response: "Das Portal hat eine Antwort gesendet, die Kontor nicht versteht.",
    err_keyring: "Der Schlüsselbund des Systems ist nicht verfügbar.",
    err_not_configured: "Es ist keine Portal-Adresse eingerichtet.",
    err_io: "Eine lokale Datei konnte nicht gelesen oder geschrieben werden.",
    err_internal: "Im Portal ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.",
    err_checksum: "Die heruntergeladene Datei stimmt nicht mit ihrer veröffentlichten Prüfsumme überein und wurde gelöscht.",
    err_signature: "Das Update ist nicht vom Hersteller signiert und wurde nicht installiert.",
    role_owner: "Inhaber",
    role_admin: "Administrator",
    role_billing: "Buchhaltung",
    role_user: "Benutzer",
    nav_users: "Benutzer",
    col_name: "Name",
    col_role: "Rolle",
    col_location: "Standort",
    col_licenses: "Lizenzen",
    col_deleted: "Gelöscht am",
    status_active: "Aktiv",
    status_password_change: "Muss ein Passwort festlegen",
    status_deleted: "Gelöscht",
    cancel: "Abbrechen",
    close: "Schließen",
    apply: "Übernehmen",
    temporary_password: "Vorläufiges Passwort",
    current_password: "Aktuelles (vorläufiges) Passwort",
    new_password: "Neues Passwort",
    repeat_password: "Neues Passwort wiederholen",
    passwords_differ: "Die beiden neuen Passwörter stimmen nicht überein.",
    save_password: "Passwort speichern",
    nav_license: "Offline-Lizenz",
    license_activate: "Aktivierungsanfrage wählen …",
    nav_downloads: "Downloads",
    about: "Über",
    copy: "Kopieren",
    copied: "Kopiert",
    copy_failed: "Nicht kopiert",
    field_problem: |label, p| match p {
        FieldProblem::Required => format!("Bitte füllen Sie „{label}“ aus."),
        FieldProblem::TooLong => format!("„{label}“ ist zu lang."),
        FieldProblem::InvalidEmail => format!("Bitte geben Sie bei „{label}“ eine gültige E-Mail-Adresse ein."),
        FieldProblem::InvalidToken => format!("Bitte geben Sie bei „{label}“ ein gültiges Lizenz-Token ein."),
        FieldProblem::InvalidUrl => format!("Bitte geben Sie bei „{label}“ eine gültige Web-Adresse ein."),
        FieldProblem::InsecureUrl => format!("„{label}“ muss mit https:// beginnen."),
        FieldProblem::Invalid => format!("„{label}“ ist ungültig."),
        FieldProblem::TooShort => format!("„{label}“ muss mindestens 12 Zeichen lang sein."),
        FieldProblem::InvalidId => format!("„{label}“ ist keine gültige Kennung."),
        FieldProblem::OutOfRange => format!("„{label}“ liegt außerhalb des erlaubten Bereichs."),
        FieldProblem::Unchanged => format!("„{label}“ muss sich vom aktuellen Passwort unterscheiden."),
        FieldProblem::Incorrect => format!("„{label}“ ist nicht korrekt."),
    },
    duplicate_email: |email| format!("{email} steht bereits in der Liste."),
    menu_navigation: "Seiten",
    menu_change_password: "Passwort ändern",
    password_changed: "Ihr Passwort wurde geändert.",
    err_unknown: "Das Portal hat einen Fehler gemeldet.",
    first_name: "Vorname",
    last_name: "Nachname",
    user_name: "Benutzername",
    error_detail: de_detail,
    show_in_folder: "Im Ordner zeigen",
    back_to_sign_in: "Zurück zur Anmeldung",
    // --- Download re-check, sentences with parameters ---
    seats_used_of_total: Template("{used} von {total}"),
    // --- sepa8: the Billing details page (the rest: BILLING_DE) ---
    nav_billing: "Rechnungsdaten",
    billing_fix_fields: "Bitte korrigieren Sie die markierten Felder.",
    // --- Locations and the audit log (branch audit9) ---
    nav_locations: "Standorte",
    nav_audit: "Protokoll",
    location_name: "Name",
    // --- mail9: forgotten password, temporary passwords by mail ---
    forgot_link: "Passwort vergessen?",
    forgot_code: "Code aus der E-Mail",
    forgot_rules: "Mindestens 12 Zeichen. Am besten ist ein langer Satz aus mehreren Wörtern.",
    menu_profile: "Profil",
    password_strength: |s| match s {
        0 => "Stärke: sehr schwach",
        1 => "Stärke: schwach",
        2 => "Stärke: mittel",
        3 => "Stärke: gut",
        _ => "Stärke: stark",
    },
    // --- inv8: the Invoices page ---
    nav_invoices: "Rechnungen",
    inv_details: "Details",
    // --- Subscription and package change (issue 8) ---
    nav_subscription: "Abonnement",
    sub_over_limit_line: Template("{product}: {assigned} Lizenzen vergeben, {allowed} erlaubt"),
    sub_over_limit: "Es sind mehr Lizenzen vergeben, als das neue Paket erlaubt. Entziehen Sie zuerst welche:",
    sub_package: "Paket",
    // harden10
    choose_account_title: "Kundenkonto wählen",
    choose_account_hint: "Diese E-Mail-Adresse und dieses Passwort gehören zu Benutzern in mehreren Kundenkonten. Bei welchem möchten Sie sich anmelden?",
    // support9
    menu_help: "Hilfe und Support",
    // roles9b
    nav_billing_group: "Abrechnung",
};
impl Texts {
    /// The label of a request field the portal names in an error (`email`, `display_name`, …); a field the
    /// app has no label for is shown by its name.
    pub fn field_label<'a>(&self, field: &'a str) -> &'a str {
        match field {
            "email" | "emails" => self.email,
            "display_name" => self.col_name,
            "password" => self.password,
            "current_password" => self.current_password,
            "new_password" => self.new_password,
            "code" => self.forgot_code,
            "temporary_password" => self.temporary_password,
            "license_token" => self.license_token,
            "location_id" => self.col_location,
            "licenses" | "assign" | "revoke" => self.col_licenses,
            "role" => self.col_role,
            "users" | "user_ids" => self.users,
            "url" | "portal_url" => self.setup_url,
            "package" => self.sub_package,
            "new_email" => self.email, // acct9
            other => other,
        }
    }

    /// The label of an import file's column.
    pub fn import_field(&self, f: ImportField) -> &'static str {
        match f {
            ImportField::Email => self.email,
            ImportField::UserName => self.user_name,
            ImportField::DisplayName => self.col_name,
            ImportField::FirstName => self.first_name,
            ImportField::LastName => self.last_name,
            ImportField::Role => self.col_role,
            ImportField::Licenses => self.col_licenses,
            ImportField::Location => self.col_location,
        }
    }
}

/// Billing field problems (sepa8): the Billing details page shows each at its field; elsewhere one sentence.
fn billing_fields(t: &Texts, _errors: &[kontor_api::BillingFieldError]) -> String {
    t.billing_fix_fields.to_string()
}

/// The products a package change would leave over their license limit, one line each.
fn over_limit(t: &Texts, products: &[kontor_api::OverLimit]) -> String {
    let mut text = t.sub_over_limit.to_string();
    for p in products {
        text.push_str("\n• ");
        text.push_str(&t.sub_over_limit_line.fill(&[
            ("product", &p.product_name),
            ("assigned", &p.assigned.to_string()),
            ("allowed", &p.allowed.to_string()),
        ]));
    }
    text
}

fn en_detail(t: &Texts, d: &ErrorDetail) -> Option<String> {
    let row = |r: &Option<u32>| r.map(|r| format!("User {}: ", r + 1)).unwrap_or_default();
    Some(match d {
        ErrorDetail::Field {
            field,
            row: r,
            problem,
        } => {
            format!(
                "{}{}",
                row(r),
                (t.field_problem)(t.field_label(field), *problem)
            )
        }
        ErrorDetail::Count { field, min, max } => {
            format!(
                "{}: choose between {min} and {max} entries.",
                t.field_label(field)
            )
        }
        ErrorDetail::NothingToChange => "Choose at least one license to assign or revoke.".into(),
        ErrorDetail::OwnerNotCreatable { row: r } => format!(
            "{}A new user cannot be Owner: an account has exactly one Owner.",
            row(r)
        ),
        ErrorDetail::UnknownProduct { product, row: r } => {
            format!("{}“{product}” is not a product of your package.", row(r))
        }
        ErrorDetail::UnknownLocation { row: r } => {
            format!("{}The chosen location does not exist (any more).", row(r))
        }
        ErrorDetail::InvalidActivationRequest => {
            "This file is not a valid activation request.".into()
        }
        ErrorDetail::EmailInUse { email: Some(e) } => {
            format!("The e-mail address {e} is already in use.")
        }
        ErrorDetail::EmailInUse { email: None } => {
            "One of the e-mail addresses is already in use.".into()
        }
        ErrorDetail::EmailRepeated { email } => {
            format!("The e-mail address {email} appears more than once.")
        }
        ErrorDetail::NotEnoughSeats { product, missing } => Plural {
            one: "Not enough free licenses for “{p}”: {n} more is needed.",
            other: "Not enough free licenses for “{p}”: {n} more are needed.",
        }
        .of(u64::from(*missing))
        .replace("{p}", product),
        ErrorDetail::CannotDeleteSelf => "You cannot delete yourself.".into(),
        ErrorDetail::OwnerKeepsRole => {
            "The Owner cannot give up the role. Make another user Owner instead.".into()
        }
        ErrorDetail::ActivationLimit { used, max } => {
            format!("All machine activations are in use ({used} of {max}). Revoke one first.")
        }
        ErrorDetail::LicenseTermEnded { date } => {
            format!("The license term ended on {}.", Lang::En.date(date))
        }
        ErrorDetail::LocationHasUsers { users } => Plural {
            one: "{n} user still belongs to this location. Choose the location the user moves to.",
            other: "{n} users still belong to this location. Choose the location they move to.",
        }
        .of(u64::from(*users)),
        ErrorDetail::LocationNameTaken { name } => format!(
            "There is already a location named {name} (upper and lower case count as the same)."
        ),
        ErrorDetail::NotFound { what } => match what {
            Resource::User => "This user no longer exists.",
            Resource::DeletedUser => "This deleted user can no longer be restored.",
            Resource::Account => "The customer account was not found.",
            Resource::Subscription => "Your account has no subscription.",
            Resource::Products => "Your package contains no products.",
            Resource::License => "This license was not found.",
            Resource::Installer => "This installer is no longer available.",
            Resource::ReleaseFile => "This update file is not available.",
            Resource::Invoice => "This invoice was not found.",
            Resource::Endpoint => "The portal does not offer this function.",
            Resource::Location => "This location no longer exists.",
            Resource::Attachment => "This attachment is not available.", // support9b
            Resource::Other => t.err_not_found,
        }
        .into(),
        ErrorDetail::RoleNotAllowed => t.err_forbidden.into(),
        ErrorDetail::OwnerOnly { action } => match action {
            OwnerAction::Change => "Only the Owner can change the Owner.",
            OwnerAction::Make => "Only the Owner can make someone Owner.",
            OwnerAction::Reset => "Only the Owner can reset the Owner's password.",
            OwnerAction::Delete => "The Owner cannot be deleted.",
            OwnerAction::ManageAdmins => "Only the Owner can manage Admins.",
            OwnerAction::MakeAdmin => "Only the Owner can make someone Admin.",
        }
        .into(),
        ErrorDetail::PasswordChangeRequired => "Please choose your own password first.".into(),
        ErrorDetail::OwnRoleFixed => "You cannot change your own role.".into(),
        ErrorDetail::UseOwnPasswordChange => {
            "To change your own password, use \u{201c}Change password\u{201d} in the user menu."
                .into()
        }
        ErrorDetail::ImportFile { file_name, problem } => {
            let why = match problem {
                ImportFileProblem::Empty => "the file is empty.".to_string(),
                ImportFileProblem::TooLarge { max_bytes } => {
                    format!("the file is larger than {}.", Lang::En.bytes(*max_bytes))
                }
                ImportFileProblem::NotText => {
                    "this is neither a CSV file nor an Excel workbook (.xlsx).".to_string()
                }
                ImportFileProblem::LegacyXls => "this is an old Excel 97–2003 workbook (.xls). Save it as .xlsx or CSV and try again.".to_string(),
                ImportFileProblem::InvalidEncoding { encoding } => {
                    format!("the file claims to be {encoding} but contains other characters.")
                }
                ImportFileProblem::HeadersOnly => {
                    "the file has a header row but no users below it.".to_string()
                }
                ImportFileProblem::NoKnownHeaders { found } => format!(
                    "none of the column headers is known (found: {}). Use e.g. E-mail and Name, or the Microsoft 365 template.",
                    found.join(", ")
                ),
                ImportFileProblem::MissingColumn { column } => {
                    format!("the column “{column}” is missing.")
                }
                ImportFileProblem::DuplicateColumn { column } => {
                    format!("the column “{column}” appears twice.")
                }
                ImportFileProblem::LineTooLong { row } => format!("row {row} is too long."),
                ImportFileProblem::FieldTooLong { row, column } => {
                    format!("row {row}, column “{column}”: the cell is too long.")
                }
                ImportFileProblem::UnterminatedQuote { row } => format!(
                    "row {row}: a quotation mark (\") opens a cell that is never closed."
                ),
                ImportFileProblem::TooManyRows { max } => {
                    format!("the file has more than {max} rows.")
                }
                ImportFileProblem::Damaged => "the file is damaged and cannot be read.".to_string(),
                ImportFileProblem::Other => return None,
            };
            format!("{file_name}: {why}")
        }
        ErrorDetail::Wait { seconds } => {
            format!("Please try again in {}.", Lang::En.duration(*seconds))
        }
        // sepa8: the Billing details page shows each problem at its field.
        ErrorDetail::BillingFields { errors } => billing_fields(t, errors),
        ErrorDetail::SeatsOverLimit { products } => over_limit(t, products),
        // harden10: the sign-in page offers the accounts to choose from.
        ErrorDetail::ChooseAccount { accounts, .. } => format!(
            "This e-mail address has a user in {} customer accounts with this password. Choose the account to sign in to: {}.",
            accounts.len(),
            account_names(accounts)
        ),
        // support9
        // (Short words here: the Help page says more, and its texts stay out of the first screen.)
        ErrorDetail::Attachments { file_name, .. } => match file_name {
            Some(f) => format!("{f}: this attachment is not accepted."),
            None => {
                "The attachments are not accepted (at most 5 files, 10 MB together).".to_string()
            }
        },
        ErrorDetail::Other => return None,
    })
}

fn de_detail(t: &Texts, d: &ErrorDetail) -> Option<String> {
    let row = |r: &Option<u32>| {
        r.map(|r| format!("Benutzer {}: ", r + 1))
            .unwrap_or_default()
    };
    Some(match d {
        ErrorDetail::Field { field, row: r, problem } => {
            format!("{}{}", row(r), (t.field_problem)(t.field_label(field), *problem))
        }
        ErrorDetail::Count { field, min, max } => {
            format!("„{}“: Wählen Sie {min} bis {max} Einträge.", t.field_label(field))
        }
        ErrorDetail::NothingToChange => {
            "Wählen Sie mindestens eine Lizenz zum Zuweisen oder Entziehen.".into()
        }
        ErrorDetail::OwnerNotCreatable { row: r } => format!(
            "{}Ein neuer Benutzer kann nicht Inhaber sein: Ein Konto hat genau einen Inhaber.",
            row(r)
        ),
        ErrorDetail::UnknownProduct { product, row: r } => {
            format!("{}„{product}“ ist kein Produkt Ihres Pakets.", row(r))
        }
        ErrorDetail::UnknownLocation { row: r } => {
            format!("{}Den gewählten Standort gibt es nicht (mehr).", row(r))
        }
        ErrorDetail::InvalidActivationRequest => {
            "Diese Datei ist keine gültige Aktivierungsanfrage.".into()
        }
        ErrorDetail::EmailInUse { email: Some(e) } => {
            format!("Die E-Mail-Adresse {e} wird bereits verwendet.")
        }
        ErrorDetail::EmailInUse { email: None } => {
            "Eine der E-Mail-Adressen wird bereits verwendet.".into()
        }
        ErrorDetail::EmailRepeated { email } => {
            format!("Die E-Mail-Adresse {email} kommt mehrfach vor.")
        }
        ErrorDetail::NotEnoughSeats { product, missing } => Plural {
            one: "Nicht genügend freie Lizenzen für „{p}“: Es fehlt {n}.",
            other: "Nicht genügend freie Lizenzen für „{p}“: Es fehlen {n}.",
        }
        .of(u64::from(*missing))
        .replace("{p}", product),
        ErrorDetail::CannotDeleteSelf => "Sie können sich nicht selbst löschen.".into(),
        ErrorDetail::OwnerKeepsRole => "Der Inhaber kann seine Rolle nicht abgeben. Machen Sie stattdessen einen anderen Benutzer zum Inhaber.".into(),
        ErrorDetail::ActivationLimit { used, max } => format!(
            "Alle Rechner-Aktivierungen sind belegt ({used} von {max}). Widerrufen Sie zuerst eine."
        ),
        ErrorDetail::LicenseTermEnded { date } => {
            format!("Die Lizenzlaufzeit ist am {} abgelaufen.", Lang::De.date(date))
        }
        ErrorDetail::LocationHasUsers { users } => Plural {
            one: "Zu diesem Standort gehört noch {n} Benutzer. Wählen Sie den Standort, zu dem er wechselt.",
            other: "Zu diesem Standort gehören noch {n} Benutzer. Wählen Sie den Standort, zu dem sie wechseln.",
        }
        .of(u64::from(*users)),
        ErrorDetail::LocationNameTaken { name } => format!(
            "Es gibt bereits einen Standort namens {name} (Groß- und Kleinschreibung gelten als gleich)."
        ),
        ErrorDetail::NotFound { what } => match what {
            Resource::User => "Diesen Benutzer gibt es nicht mehr.",
            Resource::DeletedUser => "Dieser gelöschte Benutzer kann nicht mehr wiederhergestellt werden.",
            Resource::Account => "Das Kundenkonto wurde nicht gefunden.",
            Resource::Subscription => "Ihr Konto hat kein Abonnement.",
            Resource::Products => "Ihr Paket enthält keine Produkte.",
            Resource::License => "Diese Lizenz wurde nicht gefunden.",
            Resource::Installer => "Dieses Installationsprogramm ist nicht mehr verfügbar.",
            Resource::ReleaseFile => "Diese Update-Datei ist nicht verfügbar.",
            Resource::Invoice => "Diese Rechnung wurde nicht gefunden.",
            Resource::Endpoint => "Diese Funktion bietet das Portal nicht an.",
            Resource::Location => "Diesen Standort gibt es nicht mehr.",
            Resource::Attachment => "Dieser Anhang ist nicht verfügbar.", // support9b
            Resource::Other => t.err_not_found,
        }
        .into(),
        ErrorDetail::RoleNotAllowed => t.err_forbidden.into(),
        ErrorDetail::OwnerOnly { action } => match action {
            OwnerAction::Change => "Nur der Inhaber kann den Inhaber ändern.",
            OwnerAction::Make => "Nur der Inhaber kann jemanden zum Inhaber machen.",
            OwnerAction::Reset => "Nur der Inhaber kann das Passwort des Inhabers zurücksetzen.",
            OwnerAction::Delete => "Der Inhaber kann nicht gelöscht werden.",
            OwnerAction::ManageAdmins => "Nur der Inhaber kann Administratoren verwalten.",
            OwnerAction::MakeAdmin => "Nur der Inhaber kann jemanden zum Administrator machen.",
        }
        .into(),
        ErrorDetail::OwnRoleFixed => "Ihre eigene Rolle können Sie nicht ändern.".into(),
        ErrorDetail::UseOwnPasswordChange => {
            "Ihr eigenes Passwort ändern Sie über \u{201e}Passwort ändern\u{201c} im Benutzermenü.".into()
        }
        ErrorDetail::PasswordChangeRequired => {
            "Bitte legen Sie zuerst ein eigenes Passwort fest.".into()
        }
        ErrorDetail::ImportFile { file_name, problem } => {
            let why = match problem {
                ImportFileProblem::Empty => "Die Datei ist leer.".to_string(),
                ImportFileProblem::TooLarge { max_bytes } => {
                    format!("Die Datei ist größer als {}.", Lang::De.bytes(*max_bytes))
                }
                ImportFileProblem::NotText => {
                    "Das ist weder eine CSV-Datei noch eine Excel-Arbeitsmappe (.xlsx).".to_string()
                }
                ImportFileProblem::LegacyXls => "Das ist eine alte Excel-97–2003-Arbeitsmappe (.xls). Speichern Sie sie als .xlsx oder CSV und versuchen Sie es erneut.".to_string(),
                ImportFileProblem::InvalidEncoding { encoding } => {
                    format!("Die Datei gibt sich als {encoding} aus, enthält aber andere Zeichen.")
                }
                ImportFileProblem::HeadersOnly => {
                    "Die Datei hat eine Kopfzeile, aber keine Benutzer darunter.".to_string()
                }
                ImportFileProblem::NoKnownHeaders { found } => format!(
                    "Keine der Spaltenüberschriften ist bekannt (gefunden: {}). Verwenden Sie z. B. E-Mail und Name oder die Vorlage von Microsoft 365.",
                    found.join(", ")
                ),
                ImportFileProblem::MissingColumn { column } => {
                    format!("Die Spalte „{column}“ fehlt.")
                }
                ImportFileProblem::DuplicateColumn { column } => {
                    format!("Die Spalte „{column}“ kommt zweimal vor.")
                }
                ImportFileProblem::LineTooLong { row } => format!("Zeile {row} ist zu lang."),
                ImportFileProblem::FieldTooLong { row, column } => {
                    format!("Zeile {row}, Spalte „{column}“: Die Zelle ist zu lang.")
                }
                ImportFileProblem::UnterminatedQuote { row } => format!(
                    "Zeile {row}: Ein Anführungszeichen (\") öffnet eine Zelle, die nie geschlossen wird."
                ),
                ImportFileProblem::TooManyRows { max } => {
                    format!("Die Datei hat mehr als {max} Zeilen.")
                }
                ImportFileProblem::Damaged => {
                    "Die Datei ist beschädigt und kann nicht gelesen werden.".to_string()
                }
                ImportFileProblem::Other => return None,
            };
            format!("{file_name}: {why}")
        }
        ErrorDetail::Wait { seconds } => {
            format!("Bitte versuchen Sie es in {} erneut.", Lang::De.duration(*seconds))
        }
        // sepa8: the Billing details page shows each problem at its field.
        ErrorDetail::BillingFields { errors } => billing_fields(t, errors),
        ErrorDetail::SeatsOverLimit { products } => over_limit(t, products),
        // harden10: the sign-in page offers the accounts to choose from.
        ErrorDetail::ChooseAccount { accounts, .. } => format!(
            "Diese E-Mail-Adresse hat mit diesem Passwort einen Benutzer in {} Kundenkonten. Wählen Sie das Konto, bei dem Sie sich anmelden möchten: {}.",
            accounts.len(),
            account_names(accounts)
        ),
        // support9
        ErrorDetail::Attachments { file_name, .. } => match file_name {
            Some(f) => format!("{f}: Dieser Anhang wird nicht angenommen."),
            None => "Die Anhänge werden nicht angenommen (höchstens 5 Dateien, zusammen 10 MB).".to_string(),
        },
        ErrorDetail::Other => return None,
    })
}

/// harden10: the accounts of a sign-in choice, "Name (customer number)", comma-separated.
fn account_names(accounts: &[kontor_api::AccountChoice]) -> String {
    accounts
        .iter()
        .map(|a| format!("{} ({})", a.name, a.customer_number))
        .collect::<Vec<_>>()
        .join(", ")
}

fn en_import_reason(r: &ImportReason) -> Option<String> {
    Some(match r {
        ImportReason::Required => "Required, but empty.".into(),
        ImportReason::InvalidEmail => "Not a valid e-mail address.".into(),
        ImportReason::TooLong => "Too long.".into(),
        ImportReason::InvalidCharacters => "Contains characters that are not allowed.".into(),
        ImportReason::DuplicateInFile { first_row } => {
            format!("The same e-mail address is already on row {first_row}.")
        }
        ImportReason::AlreadyExists => "A user with this e-mail address already exists.".into(),
        ImportReason::UnknownRole(r) => {
            format!("Unknown role “{r}” (possible: User, Admin, Billing).")
        }
        ImportReason::OwnerNotAllowed => "The Owner cannot be created by an import.".into(),
        ImportReason::UnknownLicense(l) => format!("Unknown product “{l}”."),
        ImportReason::UnknownLocation(l) => format!("Unknown location “{l}”."),
        ImportReason::NotEnoughSeats { product, missing } => Plural {
            one: "Not enough free licenses for “{p}”: this file needs {n} more.",
            other: "Not enough free licenses for “{p}”: this file needs {n} more.",
        }
        .of(missing.unsigned_abs())
        .replace("{p}", product),
        ImportReason::MissingColumn(c) => format!("The column “{c}” is missing."),
        ImportReason::DuplicateColumn(c) => format!("The column “{c}” appears twice."),
        ImportReason::NoKnownHeaders => "None of the column headers is known.".into(),
        ImportReason::Other => return None,
    })
}

fn de_import_reason(r: &ImportReason) -> Option<String> {
    Some(match r {
        ImportReason::Required => "Pflichtfeld, aber leer.".into(),
        ImportReason::InvalidEmail => "Keine gültige E-Mail-Adresse.".into(),
        ImportReason::TooLong => "Zu lang.".into(),
        ImportReason::InvalidCharacters => "Enthält unzulässige Zeichen.".into(),
        ImportReason::DuplicateInFile { first_row } => {
            format!("Dieselbe E-Mail-Adresse steht bereits in Zeile {first_row}.")
        }
        ImportReason::AlreadyExists => {
            "Ein Benutzer mit dieser E-Mail-Adresse existiert bereits.".into()
        }
        ImportReason::UnknownRole(r) => {
            format!("Unbekannte Rolle „{r}“ (möglich: Benutzer, Administrator, Buchhaltung).")
        }
        ImportReason::OwnerNotAllowed => {
            "Der Inhaber kann nicht per Import angelegt werden.".into()
        }
        ImportReason::UnknownLicense(l) => format!("Unbekanntes Produkt „{l}“."),
        ImportReason::UnknownLocation(l) => format!("Unbekannter Standort „{l}“."),
        ImportReason::NotEnoughSeats { product, missing } => Plural {
            one: "Nicht genügend freie Lizenzen für „{p}“: Für diese Datei fehlt {n}.",
            other: "Nicht genügend freie Lizenzen für „{p}“: Für diese Datei fehlen {n}.",
        }
        .of(missing.unsigned_abs())
        .replace("{p}", product),
        ImportReason::MissingColumn(c) => format!("Die Spalte „{c}“ fehlt."),
        ImportReason::DuplicateColumn(c) => format!("Die Spalte „{c}“ kommt zweimal vor."),
        ImportReason::NoKnownHeaders => "Keine der Spaltenüberschriften ist bekannt.".into(),
        ImportReason::Other => return None,
    })
}

// --- sepa8 ---

/// sepa8: the Billing details page's texts, apart from `Texts` so that they travel in the page's wasm chunk
/// instead of the first screen's module (`Lang::billing`). Both languages, so a missing text is a compile error.
pub struct BillingTexts {
    pub billing_title: &'static str,
    pub billing_address_title: &'static str,
    pub billing_address_help: &'static str,
    /// A billing form field's label.
    pub billing_field: fn(BillingField) -> &'static str,
    /// What is wrong with a billing field, as a sentence.
    pub billing_problem: fn(BillingProblem) -> &'static str,
    pub billing_country_choose: &'static str,
    pub billing_emails_help: &'static str,
    pub billing_leitweg_help: &'static str,
    pub billing_optional: &'static str,
    pub billing_save_address: &'static str,
    pub billing_address_saved: &'static str,
    pub billing_payment_title: &'static str,
    pub billing_method_sepa: &'static str,
    pub billing_method_invoice: &'static str,
    pub billing_mandate_reference: &'static str,
    pub billing_mandate_signed: &'static str,
    pub billing_creditor_id: &'static str,
    pub billing_no_mandate: &'static str,
    pub billing_change_bank: &'static str,
    pub billing_mandate_accept: &'static str,
    pub billing_save_bank: &'static str,
    pub billing_bank_saved: &'static str,
    pub billing_pay_by_invoice: &'static str,
    pub billing_invoice_confirm_title: &'static str,
    pub billing_invoice_confirm_body: &'static str,
    pub billing_method_changed: &'static str,
}

pub static BILLING_EN: BillingTexts = BillingTexts {
    billing_title: "Billing details",
    billing_address_title: "Billing address",
    billing_address_help: "Invoices are issued to this address. Invoices already issued keep the address they were issued to.",
    billing_field: |f| match f {
        BillingField::Company => "Company",
        BillingField::Addressee => "Addressee or department",
        BillingField::Street => "Street and number",
        BillingField::Street2 => "Address line 2",
        BillingField::PostalCode => "Postal code",
        BillingField::City => "City",
        BillingField::Country => "Country",
        BillingField::VatId => "VAT ID",
        BillingField::InvoiceEmails => "Invoice e-mail addresses",
        BillingField::PoReference => "Purchase order reference",
        BillingField::LeitwegId => "Leitweg-ID",
        BillingField::AccountHolder => "Account holder",
        BillingField::Iban => "IBAN",
        BillingField::Bic => "BIC",
        BillingField::AcceptMandate => "SEPA mandate",
        BillingField::Method => "Payment method",
        BillingField::Other => "Field",
    },
    billing_problem: |p| match p {
        BillingProblem::Required => "This field is required.",
        BillingProblem::TooLong => "This is too long.",
        BillingProblem::Invalid => "This contains characters that are not allowed.",
        BillingProblem::IbanCharacters => "Only letters, digits and spaces are allowed (no look-alike or invisible characters).",
        BillingProblem::IbanCountry => "This is not an IBAN of a SEPA country.",
        BillingProblem::IbanLength => "This IBAN has the wrong length for its country.",
        BillingProblem::IbanChecksum => "This IBAN is not valid. Please check it for typos (such as the letter O instead of a zero).",
        BillingProblem::InvalidBic => "This is not a valid BIC (8 or 11 characters).",
        BillingProblem::BicCountryMismatch => "This BIC belongs to another country than the IBAN.",
        BillingProblem::InvalidVatId => "This is not a valid VAT ID (with the country prefix, e.g. DE123456789).",
        BillingProblem::InvalidPostalCode => "This is not a valid postal code for the chosen country.",
        BillingProblem::InvalidEmail => "This is not a valid e-mail address.",
        BillingProblem::TooManyEmails => "Please enter at most 5 addresses.",
        BillingProblem::UnknownCountry => "Please choose a country from the list.",
        BillingProblem::InvalidLeitwegId => "This is not a valid Leitweg-ID (e.g. 991-33333TEST-33).",
        BillingProblem::MandateNotAccepted => "Please accept the SEPA mandate.",
        BillingProblem::SepaNeedsBankAccount => "Enter bank details to pay by direct debit.",
        BillingProblem::Other => "This is not valid.",
    },
    billing_country_choose: "Choose a country",
    billing_emails_help: "Separate several addresses with commas (at most 5).",
    billing_leitweg_help: "Only for German public-sector customers (XRechnung).",
    billing_optional: "optional",
    billing_save_address: "Save address",
    billing_address_saved: "Billing address saved.",
    billing_payment_title: "Payment",
    billing_method_sepa: "SEPA direct debit",
    billing_method_invoice: "Bank transfer (pay by invoice)",
    billing_mandate_reference: "Mandate reference",
    billing_mandate_signed: "Mandate given on",
    billing_creditor_id: "Creditor identifier",
    billing_no_mandate: "No direct-debit mandate. You pay each invoice by bank transfer.",
    billing_change_bank: "Change bank details",
    billing_mandate_accept: "I accept the SEPA direct debit mandate above.",
    billing_save_bank: "Save bank details",
    billing_bank_saved: "Bank details saved. The new mandate replaces the previous one.",
    billing_pay_by_invoice: "Pay by invoice instead",
    billing_invoice_confirm_title: "Pay by invoice instead of direct debit?",
    billing_invoice_confirm_body: "The direct-debit mandate ends now. You will pay each invoice by bank transfer; to return to direct debit, enter bank details again.",
    billing_method_changed: "You now pay by invoice.",
};

pub static BILLING_DE: BillingTexts = BillingTexts {
    billing_title: "Rechnungsdaten",
    billing_address_title: "Rechnungsanschrift",
    billing_address_help: "Rechnungen werden an diese Anschrift ausgestellt. Bereits ausgestellte Rechnungen behalten ihre Anschrift.",
    billing_field: |f| match f {
        BillingField::Company => "Firma",
        BillingField::Addressee => "Empfänger oder Abteilung",
        BillingField::Street => "Straße und Hausnummer",
        BillingField::Street2 => "Adresszusatz",
        BillingField::PostalCode => "Postleitzahl",
        BillingField::City => "Ort",
        BillingField::Country => "Land",
        BillingField::VatId => "USt-IdNr.",
        BillingField::InvoiceEmails => "E-Mail-Adressen für Rechnungen",
        BillingField::PoReference => "Bestellnummer (Ihre Referenz)",
        BillingField::LeitwegId => "Leitweg-ID",
        BillingField::AccountHolder => "Kontoinhaber",
        BillingField::Iban => "IBAN",
        BillingField::Bic => "BIC",
        BillingField::AcceptMandate => "SEPA-Lastschriftmandat",
        BillingField::Method => "Zahlungsart",
        BillingField::Other => "Feld",
    },
    billing_problem: |p| match p {
        BillingProblem::Required => "Dieses Feld ist erforderlich.",
        BillingProblem::TooLong => "Die Eingabe ist zu lang.",
        BillingProblem::Invalid => "Die Eingabe enthält unzulässige Zeichen.",
        BillingProblem::IbanCharacters => "Nur Buchstaben, Ziffern und Leerzeichen sind erlaubt (keine ähnlich aussehenden oder unsichtbaren Zeichen).",
        BillingProblem::IbanCountry => "Das ist keine IBAN eines SEPA-Landes.",
        BillingProblem::IbanLength => "Diese IBAN hat für ihr Land die falsche Länge.",
        BillingProblem::IbanChecksum => "Diese IBAN ist ungültig. Bitte prüfen Sie sie auf Tippfehler (etwa den Buchstaben O statt einer Null).",
        BillingProblem::InvalidBic => "Das ist keine gültige BIC (8 oder 11 Zeichen).",
        BillingProblem::BicCountryMismatch => "Diese BIC gehört zu einem anderen Land als die IBAN.",
        BillingProblem::InvalidVatId => "Das ist keine gültige USt-IdNr. (mit Länderkennung, z. B. DE123456789).",
        BillingProblem::InvalidPostalCode => "Das ist keine gültige Postleitzahl für das gewählte Land.",
        BillingProblem::InvalidEmail => "Das ist keine gültige E-Mail-Adresse.",
        BillingProblem::TooManyEmails => "Bitte höchstens 5 Adressen angeben.",
        BillingProblem::UnknownCountry => "Bitte wählen Sie ein Land aus der Liste.",
        BillingProblem::InvalidLeitwegId => "Das ist keine gültige Leitweg-ID (z. B. 991-33333TEST-33).",
        BillingProblem::MandateNotAccepted => "Bitte bestätigen Sie das SEPA-Lastschriftmandat.",
        BillingProblem::SepaNeedsBankAccount => "Für die Lastschrift geben Sie bitte eine Bankverbindung ein.",
        BillingProblem::Other => "Die Eingabe ist ungültig.",
    },
    billing_country_choose: "Land wählen",
    billing_emails_help: "Mehrere Adressen durch Kommas trennen (höchstens 5).",
    billing_leitweg_help: "Nur für öffentliche Auftraggeber in Deutschland (XRechnung).",
    billing_optional: "optional",
    billing_save_address: "Anschrift speichern",
    billing_address_saved: "Rechnungsanschrift gespeichert.",
    billing_payment_title: "Zahlung",
    billing_method_sepa: "SEPA-Lastschrift",
    billing_method_invoice: "Überweisung (Zahlung auf Rechnung)",
    billing_mandate_reference: "Mandatsreferenz",
    billing_mandate_signed: "Mandat erteilt am",
    billing_creditor_id: "Gläubiger-ID",
    billing_no_mandate: "Kein Lastschriftmandat. Sie bezahlen jede Rechnung per Überweisung.",
    billing_change_bank: "Bankverbindung ändern",
    billing_mandate_accept: "Ich erteile das oben stehende SEPA-Lastschriftmandat.",
    billing_save_bank: "Bankverbindung speichern",
    billing_bank_saved: "Bankverbindung gespeichert. Das neue Mandat ersetzt das bisherige.",
    billing_pay_by_invoice: "Stattdessen auf Rechnung zahlen",
    billing_invoice_confirm_title: "Auf Rechnung statt per Lastschrift zahlen?",
    billing_invoice_confirm_body: "Das Lastschriftmandat endet sofort. Sie bezahlen dann jede Rechnung per Überweisung; für die Lastschrift geben Sie später wieder eine Bankverbindung ein.",
    billing_method_changed: "Sie zahlen jetzt auf Rechnung.",
};

// --- support9 ---

/// support9: the Help page's texts, apart from `Texts` so that they travel in the page's wasm chunk
/// (`Lang::help`). Both languages, so a missing text is a compile error.
pub struct HelpTexts {
    pub title: &'static str,
    pub links_title: &'static str,
    pub link_documentation: &'static str,
    pub link_knowledge_base: &'static str,
    pub link_status_page: &'static str,
    pub link_release_notes: &'static str,
    pub no_links: &'static str,
    pub form_title: &'static str,
    pub form_intro: &'static str,
    pub category: &'static str,
    pub category_name: fn(kontor_api::SupportCategory) -> &'static str,
    pub subject: &'static str,
    pub message: &'static str,
    pub phone: &'static str,
    pub optional: &'static str,
    pub attachments: &'static str,
    pub attachments_help: &'static str,
    pub add_files: &'static str,
    pub remove_file: &'static str,
    pub diagnostics: &'static str,
    pub diagnostics_help: &'static str,
    pub send: &'static str,
    /// `{reference}`.
    pub sent: Template,
    pub tickets_title: &'static str,
    pub no_tickets: &'static str,
    pub col_reference: &'static str,
    pub col_created: &'static str,
    pub col_status: &'static str,
    pub col_files: &'static str,
    pub status_open: &'static str,
    pub status_closed: &'static str,
    /// What is wrong with the attachments (the file at fault, if one is), as a sentence.
    pub attachment_problem: fn(Option<&str>, &kontor_api::AttachmentProblem) -> String,
    /// A size in bytes, e.g. "1.2 MB".
    pub size: fn(u64) -> String,
    // support9b: attachments saved from the list; several dropped files.
    /// The button that saves an attachment.
    pub save_file: &'static str,
    /// Its accessible name, naming the file.
    pub save_file_label: fn(&str) -> String,
    /// The toast after saving: where the file is.
    pub saved_to: fn(&str) -> String,
}

fn mb(bytes: u64, comma: bool) -> String {
    let s = if bytes < 1024 * 1024 {
        format!("{} kB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    };
    if comma {
        s.replace('.', ",")
    } else {
        s
    }
}

pub static HELP_EN: HelpTexts = HelpTexts {
    title: "Help and support",
    links_title: "Help",
    link_documentation: "Documentation",
    link_knowledge_base: "Knowledge base",
    link_status_page: "Service status",
    link_release_notes: "Release notes",
    no_links: "Your provider has not published any help pages.",
    form_title: "Contact support",
    form_intro: "Describe what you need; the support team answers by e-mail. You receive a confirmation with your ticket number.",
    category: "Topic",
    category_name: |c| match c {
        kontor_api::SupportCategory::Question => "Question",
        kontor_api::SupportCategory::Problem => "Problem or error",
        kontor_api::SupportCategory::Billing => "Billing and invoices",
        kontor_api::SupportCategory::Licenses => "Licenses and users",
        kontor_api::SupportCategory::Feedback => "Feedback or idea",
    },
    subject: "Subject",
    message: "Message",
    phone: "Phone for call-backs",
    optional: "(optional)",
    attachments: "Attachments",
    attachments_help: "Up to 5 files, 10 MB together: images, PDF, text, log, CSV, JSON, XML, Excel or ZIP. Choose them or drop them onto the window.",
    add_files: "Add files…",
    remove_file: "Remove",
    diagnostics: "Attach diagnostics",
    diagnostics_help: "App version, operating system and portal address. No passwords or other secrets.",
    send: "Send request",
    sent: Template("Your request was sent. Ticket number: {reference}."),
    tickets_title: "Your requests",
    no_tickets: "You have not sent any requests yet.",
    col_reference: "Ticket",
    col_created: "Sent",
    col_status: "Status",
    col_files: "Files",
    status_open: "Open",
    status_closed: "Closed",
    attachment_problem: |file, p| {
        let why = match p {
            kontor_api::AttachmentProblem::TooLarge { max_bytes } => {
                format!("The attachments are larger than {} together.", mb(*max_bytes, false))
            }
            kontor_api::AttachmentProblem::TooMany { max } => format!("At most {max} files can be attached."),
            kontor_api::AttachmentProblem::NotAllowed => {
                "This kind of file cannot be attached (allowed: images, PDF, text, log, CSV, JSON, XML, Excel, ZIP).".to_string()
            }
            kontor_api::AttachmentProblem::Unreadable => "The file is empty or cannot be read.".to_string(),
            kontor_api::AttachmentProblem::Other => "The attachments were not accepted.".to_string(),
        };
        match file {
            Some(f) => format!("{f}: {why}"),
            None => why,
        }
    },
    size: |b| mb(b, false),
    save_file: "Save",
    save_file_label: |f| format!("Save {f}"),
    saved_to: |p| format!("Saved to {p}."),
};

pub static HELP_DE: HelpTexts = HelpTexts {
    title: "Hilfe und Support",
    links_title: "Hilfe",
    link_documentation: "Dokumentation",
    link_knowledge_base: "Wissensdatenbank",
    link_status_page: "Dienststatus",
    link_release_notes: "Versionshinweise",
    no_links: "Ihr Anbieter hat keine Hilfeseiten veröffentlicht.",
    form_title: "Support kontaktieren",
    form_intro: "Beschreiben Sie Ihr Anliegen; der Support antwortet per E-Mail. Sie erhalten eine Bestätigung mit Ihrer Ticketnummer.",
    category: "Thema",
    category_name: |c| match c {
        kontor_api::SupportCategory::Question => "Frage",
        kontor_api::SupportCategory::Problem => "Problem oder Fehler",
        kontor_api::SupportCategory::Billing => "Abrechnung und Rechnungen",
        kontor_api::SupportCategory::Licenses => "Lizenzen und Benutzer",
        kontor_api::SupportCategory::Feedback => "Feedback oder Idee",
    },
    subject: "Betreff",
    message: "Nachricht",
    phone: "Telefon für Rückrufe",
    optional: "(optional)",
    attachments: "Anhänge",
    attachments_help: "Bis zu 5 Dateien, zusammen 10 MB: Bilder, PDF, Text, Log, CSV, JSON, XML, Excel oder ZIP. Wählen Sie sie aus oder ziehen Sie sie auf das Fenster.",
    add_files: "Dateien hinzufügen …",
    remove_file: "Entfernen",
    diagnostics: "Diagnosedaten anhängen",
    diagnostics_help: "App-Version, Betriebssystem und Portaladresse. Keine Passwörter oder andere Geheimnisse.",
    send: "Anfrage senden",
    sent: Template("Ihre Anfrage wurde gesendet. Ticketnummer: {reference}."),
    tickets_title: "Ihre Anfragen",
    no_tickets: "Sie haben noch keine Anfragen gesendet.",
    col_reference: "Ticket",
    col_created: "Gesendet",
    col_status: "Status",
    col_files: "Dateien",
    status_open: "Offen",
    status_closed: "Geschlossen",
    attachment_problem: |file, p| {
        let why = match p {
            kontor_api::AttachmentProblem::TooLarge { max_bytes } => {
                format!("Die Anhänge sind zusammen größer als {}.", mb(*max_bytes, true))
            }
            kontor_api::AttachmentProblem::TooMany { max } => format!("Es können höchstens {max} Dateien angehängt werden."),
            kontor_api::AttachmentProblem::NotAllowed => {
                "Diese Art von Datei kann nicht angehängt werden (erlaubt: Bilder, PDF, Text, Log, CSV, JSON, XML, Excel, ZIP).".to_string()
            }
            kontor_api::AttachmentProblem::Unreadable => "Die Datei ist leer oder kann nicht gelesen werden.".to_string(),
            kontor_api::AttachmentProblem::Other => "Die Anhänge wurden nicht angenommen.".to_string(),
        };
        match file {
            Some(f) => format!("{f}: {why}"),
            None => why,
        }
    },
    size: |b| mb(b, true),
    save_file: "Speichern",
    save_file_label: |f| format!("{f} speichern"),
    saved_to: |p| format!("Gespeichert unter {p}."),
};

impl Lang {
    /// The Help page's texts in this language (support9).
    pub fn help(self) -> &'static HelpTexts {
        match self {
            Lang::De => &HELP_DE,
            Lang::En => &HELP_EN,
        }
    }
}

impl Lang {
    /// The Billing details page's texts in this language (sepa8).
    pub fn billing(self) -> &'static BillingTexts {
        match self {
            Lang::De => &BILLING_DE,
            Lang::En => &BILLING_EN,
        }
    }
}

// --- acct9 ---

/// acct9: the Profile page's e-mail change and the sessions' device, apart from `Texts` so that they travel
/// in the profile page's wasm chunk (`Lang::email_change`). Both languages: a missing text is a compile error.
pub struct EmailChangeTexts {
    pub email_title: &'static str,
    pub email_current: &'static str,
    pub email_new: &'static str,
    pub email_help: &'static str,
    pub email_send_code: &'static str,
    /// "A code is on its way to …".
    pub email_code_sent: fn(&str) -> String,
    pub email_code: &'static str,
    pub email_confirm: &'static str,
    pub email_cancel: &'static str,
    /// "Your e-mail address is now …".
    pub email_changed: fn(&str) -> String,
    pub sessions_device: &'static str,
}

pub static EMAIL_CHANGE_EN: EmailChangeTexts = EmailChangeTexts {
    email_title: "E-mail address",
    email_current: "Current address",
    email_new: "New address",
    email_help: "We send a code to the new address. Your address changes only when you enter that code here.",
    email_send_code: "Send code",
    email_code_sent: |e| {
        format!("If {e} can be used, a code is on its way there. Enter it within 30 minutes; the old address is told once the change is made.")
    },
    email_code: "Code from the e-mail",
    email_confirm: "Change address",
    email_cancel: "Cancel",
    email_changed: |e| format!("Your e-mail address is now {e}."),
    sessions_device: "Device",
};

pub static EMAIL_CHANGE_DE: EmailChangeTexts = EmailChangeTexts {
    email_title: "E-Mail-Adresse",
    email_current: "Aktuelle Adresse",
    email_new: "Neue Adresse",
    email_help: "Wir senden einen Code an die neue Adresse. Ihre Adresse ändert sich erst, wenn Sie diesen Code hier eingeben.",
    email_send_code: "Code senden",
    email_code_sent: |e| {
        format!("Wenn {e} verwendet werden kann, ist ein Code dorthin unterwegs. Geben Sie ihn innerhalb von 30 Minuten ein; die alte Adresse wird nach der Änderung benachrichtigt.")
    },
    email_code: "Code aus der E-Mail",
    email_confirm: "Adresse ändern",
    email_cancel: "Abbrechen",
    email_changed: |e| format!("Ihre E-Mail-Adresse ist jetzt {e}."),
    sessions_device: "Gerät",
};

impl Lang {
    /// The Profile page's e-mail change texts in this language (acct9).
    pub fn email_change(self) -> &'static EmailChangeTexts {
        match self {
            Lang::De => &EMAIL_CHANGE_DE,
            Lang::En => &EMAIL_CHANGE_EN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each sentence with parameters names the same parameters in both languages, in its own
    /// order, and fills them in.
    #[test]
    fn templates_name_their_parameters_in_both_languages() {
        fn params(t: Template) -> Vec<&'static str> {
            let mut p: Vec<_> = t
                .parts()
                .into_iter()
                .filter_map(|p| match p {
                    Part::Param(n) => Some(n),
                    Part::Text(_) => None,
                })
                .collect();
            p.sort_unstable();
            p.dedup();
            p
        }
        for t in [&EN, &DE] {
            assert_eq!(
                params(t.lang().update().update_offer),
                ["current", "version"]
            );
            assert_eq!(
                params(t.lang().users_page().import_progress),
                ["done", "total"]
            );
            assert_eq!(params(t.lang().downloads().downloads_saved_at), ["path"]);
            assert_eq!(params(t.seats_used_of_total), ["total", "used"]);
        }
        assert_eq!(
            EN.lang()
                .update()
                .update_offer
                .fill(&[("version", "0.3.0"), ("current", "0.2.0")]),
            "A new version of Kontor is available: 0.3.0 (you have 0.2.0)."
        );
        assert_eq!(
            DE.lang()
                .users_page()
                .import_progress
                .fill(&[("done", "3"), ("total", "10")]),
            "Import läuft … 3 von 10 Benutzern"
        );
        assert_eq!(
            DE.lang()
                .downloads()
                .downloads_saved_at
                .fill(&[("path", "/tmp/a.msi")]),
            "Gespeichert unter /tmp/a.msi"
        );
        assert_eq!(
            EN.seats_used_of_total
                .fill(&[("used", "7"), ("total", "10")]),
            "7 of 10"
        );
        assert_eq!(
            (EN.lang().downloads().downloads_checking)(40),
            "Checking the partial file… 40 %"
        );
        assert_eq!(
            (DE.lang().downloads().downloads_checking)(40),
            "Der schon geladene Teil wird geprüft … 40 %"
        );
        // Words around and between parameters stay in order; an unclosed brace is words.
        assert_eq!(
            Template("a {x}-{y} b {").parts(),
            [
                Part::Text("a "),
                Part::Param("x"),
                Part::Text("-"),
                Part::Param("y"),
                Part::Text(" b {"),
            ]
        );
    }

    #[test]
    fn plural_forms_for_zero_one_two_in_both_languages() {
        let cases = [
            (
                &EN.lang().users_page().users_count,
                ["0 users", "1 user", "2 users"],
            ),
            (
                &DE.lang().users_page().users_count,
                ["0 Benutzer", "1 Benutzer", "2 Benutzer"],
            ),
            (
                &EN.lang().users_page().licenses_changed_count,
                [
                    "0 licenses changed.",
                    "1 license changed.",
                    "2 licenses changed.",
                ],
            ),
            (
                &DE.lang().users_page().licenses_changed_count,
                [
                    "0 Lizenzen geändert.",
                    "1 Lizenz geändert.",
                    "2 Lizenzen geändert.",
                ],
            ),
            (
                &EN.lang().users_page().delete_confirm_title,
                ["Delete 0 users?", "Delete 1 user?", "Delete 2 users?"],
            ),
            (
                &DE.lang().users_page().import_more_count,
                [
                    "0 weitere Probleme werden nicht angezeigt.",
                    "1 weiteres Problem wird nicht angezeigt.",
                    "2 weitere Probleme werden nicht angezeigt.",
                ],
            ),
            (
                &DE.lang().users_page().manage_licenses_for,
                [
                    "Lizenzen von 0 Benutzern verwalten",
                    "Lizenzen von 1 Benutzer verwalten",
                    "Lizenzen von 2 Benutzern verwalten",
                ],
            ),
        ];
        for (plural, want) in cases {
            for (n, w) in want.iter().enumerate() {
                assert_eq!(plural.of(n as u64), *w);
            }
        }
        assert_eq!(EN.lang().users_page().users_count.parts(1), ("", " user"));
        assert_eq!(DE.lang().users_page().and_more.of(1), "und 1 weiterer");
        assert_eq!(DE.lang().users_page().and_more.of(3), "und 3 weitere");
    }

    #[test]
    fn every_plural_names_its_number_in_both_forms() {
        for t in [&EN, &DE] {
            for p in [
                t.lang().users_page().users_count,
                t.lang().users_page().selected_count,
                t.lang().users_page().seats_free,
                t.lang().users_page().manage_licenses_for,
                t.lang().users_page().licenses_changed_count,
                t.lang().users_page().restored_count,
                t.lang().users_page().import_more_count,
                t.lang().users_page().import_commit_count,
                t.lang().users_page().delete_confirm_title,
                t.lang().users_page().and_more,
                t.lang().users_page().users_deleted,
            ] {
                assert!(p.one.contains("{n}") && p.other.contains("{n}"), "{p:?}");
            }
        }
    }

    #[test]
    fn import_problems_and_columns_are_translated() {
        let reasons = [
            ImportReason::Required,
            ImportReason::InvalidEmail,
            ImportReason::TooLong,
            ImportReason::InvalidCharacters,
            ImportReason::DuplicateInFile { first_row: 3 },
            ImportReason::AlreadyExists,
            ImportReason::UnknownRole("root".into()),
            ImportReason::OwnerNotAllowed,
            ImportReason::UnknownLicense("FOO".into()),
            ImportReason::UnknownLocation("Hamburg".into()),
            ImportReason::NotEnoughSeats {
                product: "CMDB".into(),
                missing: 2,
            },
            ImportReason::MissingColumn("E-Mail".into()),
            ImportReason::DuplicateColumn("Role".into()),
            ImportReason::NoKnownHeaders,
        ];
        for r in &reasons {
            let (en, de) = (
                (EN.lang().users_page().import_problem)(r),
                (DE.lang().users_page().import_problem)(r),
            );
            assert!(en.is_some() && de.is_some(), "{r:?}");
            assert_ne!(en, de, "{r:?}");
            assert_ne!(de.as_deref(), Some(r.to_string().as_str()), "{r:?}");
        }
        assert_eq!(
            (DE.lang().users_page().import_problem)(&ImportReason::DuplicateInFile {
                first_row: 4
            })
            .as_deref(),
            Some("Dieselbe E-Mail-Adresse steht bereits in Zeile 4.")
        );
        assert_eq!(
            (DE.lang().users_page().import_problem)(&ImportReason::Other),
            None
        );
        assert_eq!(DE.import_field(ImportField::Licenses), "Lizenzen");
        assert_eq!(DE.import_field(ImportField::UserName), "Benutzername");
        assert_eq!(EN.import_field(ImportField::Role), "Role");
    }

    #[test]
    fn field_problems_read_as_sentences() {
        assert_eq!(
            (DE.field_problem)(DE.email, FieldProblem::InvalidEmail),
            "Bitte geben Sie bei „E-Mail“ eine gültige E-Mail-Adresse ein."
        );
        assert_eq!(
            (EN.field_problem)(EN.email, FieldProblem::Required),
            "E-mail is required."
        );
    }

    #[test]
    fn language_from_choice_then_os() {
        assert_eq!(Lang::pick(Some("en"), "de-DE"), Lang::En);
        assert_eq!(Lang::pick(None, "de_AT.UTF-8"), Lang::De);
        assert_eq!(Lang::pick(None, "fr-FR"), Lang::En);
    }

    #[test]
    fn bytes_and_durations() {
        assert_eq!(Lang::En.bytes(999), "999 B");
        assert_eq!(Lang::En.bytes(1_500), "2 KB");
        assert_eq!(Lang::En.bytes(12_345_678), "12.3 MB");
        assert_eq!(Lang::De.bytes(12_345_678), "12,3 MB");
        assert_eq!(Lang::En.bytes(2_000_000_000), "2.0 GB");
        assert_eq!(Lang::En.duration(45), "45 s");
        assert_eq!(Lang::En.duration(185), "3 min 05 s");
        assert_eq!(Lang::En.duration(7_620), "2 h 07 min");
    }

    #[test]
    fn money_and_dates() {
        assert_eq!(Lang::De.money(123450, "EUR"), "1.234,50 €");
        assert_eq!(Lang::En.money(123450, "EUR"), "€1,234.50");
        assert_eq!(Lang::En.money(5, "USD"), "$0.05");
        assert_eq!(Lang::De.money(100000000, "EUR"), "1.000.000,00 €");
        // A credit (negative), and amounts below one euro and with a half cent's rounding done before.
        assert_eq!(Lang::De.money(-17_484, "EUR"), "-174,84 €");
        assert_eq!(Lang::En.money(-17_484, "EUR"), "-€174.84");
        assert_eq!(Lang::De.money(99, "EUR"), "0,99 €");
        assert_eq!(Lang::De.date("2026-12-01"), "01.12.2026");
        assert_eq!(Lang::En.date("2026-12-01"), "2026-12-01");
        assert_eq!(Lang::En.day(0), "1970-01-01");
        assert_eq!(Lang::De.day(1_795_305_600), "22.11.2026");
        assert_eq!(Lang::En.day(951_782_400), "2000-02-29");
    }
}

#[cfg(test)]
mod sepa8_tests {
    use super::*;

    #[test]
    fn billing_problems_are_worded_in_both_languages() {
        use BillingProblem as P;
        for p in [
            P::Required,
            P::TooLong,
            P::Invalid,
            P::IbanCharacters,
            P::IbanCountry,
            P::IbanLength,
            P::IbanChecksum,
            P::InvalidBic,
            P::BicCountryMismatch,
            P::InvalidVatId,
            P::InvalidPostalCode,
            P::InvalidEmail,
            P::TooManyEmails,
            P::UnknownCountry,
            P::InvalidLeitwegId,
            P::MandateNotAccepted,
            P::SepaNeedsBankAccount,
            P::Other,
        ] {
            let (en, de) = (
                (BILLING_EN.billing_problem)(p),
                (BILLING_DE.billing_problem)(p),
            );
            assert!(!en.is_empty() && !de.is_empty(), "{p:?}");
            assert_ne!(en, de, "{p:?}");
        }
        assert_eq!(
            (BILLING_DE.billing_field)(BillingField::PostalCode),
            "Postleitzahl"
        );
        assert_eq!(Lang::En.billing().billing_title, "Billing details");
        assert_eq!(Lang::De.billing().billing_title, DE.nav_billing);
    }
}

/// An audit event as a sentence in `lang` (`user.created` → "Created a user"; what it concerns is shown
/// beside it); an unknown code is shown generically. Not a field of [`Texts`]: only the Audit log page uses
/// it, so its code stays in that page's wasm chunk (the test below checks every known code in both languages).
pub fn audit_sentence(lang: Lang, code: &str) -> String {
    match lang {
        Lang::En => en_audit_sentence(code),
        Lang::De => de_audit_sentence(code),
    }
}

/// An event area's name in `lang` (`user` → "Users"); an unknown area shows its code.
pub fn audit_area_name(lang: Lang, area: &str) -> String {
    let (en, de) = match area {
        "auth" => ("Sign-in", "Anmeldung"),
        "user" => ("Users", "Benutzer"),
        "license" => ("Licenses", "Lizenzen"),
        "location" => ("Locations", "Standorte"),
        "offline_license" => ("Offline licenses", "Offline-Lizenzen"),
        "installer" => ("Downloads", "Downloads"),
        "billing" => ("Billing", "Abrechnung"),
        "subscription" => ("Subscription", "Abonnement"),
        "invoice" => ("Invoices", "Rechnungen"),
        "account" => ("Account", "Konto"),   // acct9
        "support" => ("Support", "Support"), // support9b
        other => return other.to_string(),
    };
    match lang {
        Lang::En => en,
        Lang::De => de,
    }
    .to_string()
}

/// An audit event in English (what it concerns is shown beside it); unknown codes generically.
fn en_audit_sentence(code: &str) -> String {
    match code {
        "auth.sign_in" => "Signed in",
        "auth.token_sign_in" => "Signed in with the license token",
        "auth.sign_in_failed" => "Sign-in failed",
        "auth.sign_out" => "Signed out",
        "auth.password_reset_requested" => "Asked for a password reset code by e-mail",
        "auth.password_reset" => "Set a new password with an e-mailed code",
        "auth.signed_out_elsewhere" => "Signed out everywhere else",
        "auth.refresh_reuse_detected" => "Reuse of an old sign-in detected; the session was ended",
        "user.created" => "Created a user",
        "user.imported" => "Imported users",
        "user.import_retried" => "Repeated an import step",
        "user.updated" => "Changed a user",
        "user.owner_transferred" => "Made a user the Owner",
        "user.deleted" => "Deleted a user",
        "user.restored" => "Restored a user",
        "user.password_reset" => "Reset a user's password",
        "user.password_changed" => "Changed their password",
        "user.temporary_password_mailed" => "E-mailed a user their temporary password",
        "user.profile_changed" => "Changed their profile",
        "license.assigned" => "Assigned a license",
        "license.revoked" => "Took back a license",
        "location.created" => "Created a location",
        "location.renamed" => "Renamed a location",
        "location.updated" => "Changed a location's address",
        "location.deleted" => "Deleted a location",
        "offline_license.issued" => "Issued an offline license",
        "offline_license.activated" => "Activated a machine",
        "offline_license.revoked" => "Revoked an offline license",
        "installer.downloaded" => "Downloaded an installer",
        "billing.address_changed" => "Changed the billing address",
        "billing.mandate_accepted" => "Accepted a SEPA direct debit mandate",
        "billing.payment_method_changed" => "Changed the payment method",
        "subscription.change_booked" => "Booked a package change",
        "subscription.downgrade_applied" => "A package downgrade took effect",
        "invoice.issued" => "An invoice was issued",
        "invoice.credit_note_issued" => "A credit note was issued",
        "invoice.status_changed" => "An invoice's status changed",
        // acct9
        "account.created" => "The vendor created the account",
        "account.token_rotated" => "The vendor issued a new license token",
        "user.email_change_requested" => "Asked to change their e-mail address",
        "user.email_changed" => "Changed their e-mail address with a code",
        // support9b
        "support.ticket_created" => "Filed a support request",
        "support.ticket_closed" => "The vendor closed a support request",
        other => return format!("Event \u{201c}{other}\u{201d}"),
    }
    .to_string()
}

/// An audit event in German (what it concerns is shown beside it); unknown codes generically.
fn de_audit_sentence(code: &str) -> String {
    match code {
        "auth.sign_in" => "Angemeldet",
        "auth.token_sign_in" => "Mit dem Lizenz-Token angemeldet",
        "auth.sign_in_failed" => "Anmeldung fehlgeschlagen",
        "auth.sign_out" => "Abgemeldet",
        "auth.password_reset_requested" => {
            "Code zum Zurücksetzen des Passworts per E-Mail angefordert"
        }
        "auth.password_reset" => "Neues Passwort mit Code aus der E-Mail gesetzt",
        "auth.signed_out_elsewhere" => "Überall sonst abgemeldet",
        "auth.refresh_reuse_detected" => {
            "Wiederverwendung einer alten Anmeldung erkannt; die Sitzung wurde beendet"
        }
        "user.created" => "Benutzer angelegt",
        "user.imported" => "Benutzer importiert",
        "user.import_retried" => "Importschritt wiederholt",
        "user.updated" => "Benutzer geändert",
        "user.owner_transferred" => "Benutzer zum Inhaber gemacht",
        "user.deleted" => "Benutzer gelöscht",
        "user.restored" => "Benutzer wiederhergestellt",
        "user.password_reset" => "Passwort eines Benutzers zurückgesetzt",
        "user.password_changed" => "Eigenes Passwort geändert",
        "user.temporary_password_mailed" => {
            "Temporäres Passwort per E-Mail an einen Benutzer gesendet"
        }
        "user.profile_changed" => "Eigenes Profil geändert",
        "license.assigned" => "Lizenz zugewiesen",
        "license.revoked" => "Lizenz entzogen",
        "location.created" => "Standort angelegt",
        "location.renamed" => "Standort umbenannt",
        "location.updated" => "Adresse eines Standorts geändert",
        "location.deleted" => "Standort gelöscht",
        "offline_license.issued" => "Offline-Lizenz ausgestellt",
        "offline_license.activated" => "Rechner aktiviert",
        "offline_license.revoked" => "Offline-Lizenz widerrufen",
        "installer.downloaded" => "Installationsprogramm heruntergeladen",
        "billing.address_changed" => "Rechnungsadresse geändert",
        "billing.mandate_accepted" => "SEPA-Lastschriftmandat erteilt",
        "billing.payment_method_changed" => "Zahlungsart geändert",
        "subscription.change_booked" => "Paketwechsel gebucht",
        "subscription.downgrade_applied" => "Paket-Herabstufung wirksam geworden",
        "invoice.issued" => "Rechnung gestellt",
        "invoice.credit_note_issued" => "Gutschrift erstellt",
        "invoice.status_changed" => "Status einer Rechnung geändert",
        // acct9
        "account.created" => "Konto vom Anbieter eingerichtet",
        "account.token_rotated" => "Neuer Lizenz-Token vom Anbieter ausgestellt",
        "user.email_change_requested" => "Änderung der eigenen E-Mail-Adresse angefordert",
        "user.email_changed" => "Eigene E-Mail-Adresse mit Code geändert",
        // support9b
        "support.ticket_created" => "Support-Anfrage gestellt",
        "support.ticket_closed" => "Support-Anfrage vom Anbieter abgeschlossen",
        other => return format!("Ereignis \u{201e}{other}\u{201c}"),
    }
    .to_string()
}

#[cfg(test)]
mod audit_texts {
    use super::*;

    #[test]
    fn every_audit_event_and_area_has_words_in_both_languages() {
        for lang in [Lang::En, Lang::De] {
            for code in kontor_api::AUDIT_EVENTS {
                let s = audit_sentence(lang, code);
                assert!(!s.contains(code), "{code} has no sentence");
            }
            for area in kontor_api::AUDIT_AREAS {
                assert_ne!(audit_area_name(lang, area), *area, "{area}");
            }
            assert!(audit_sentence(lang, "future.thing").contains("future.thing"));
        }
        assert_ne!(
            audit_sentence(Lang::En, "user.created"),
            audit_sentence(Lang::De, "user.created")
        );
    }
}

// --- perf7: per-page texts ---

/// perf7: each lazily loaded page reads its texts from a struct of its own (`Lang::users_page()`, ...), so
/// that they travel in the page's wasm chunk instead of the first screen's module (as `BillingTexts`).
/// Both languages, so a missing text is a compile error.
impl Texts {
    /// The language these texts are in (for code that holds `&Texts`, such as a toast's wording).
    pub fn lang(&self) -> Lang {
        if std::ptr::eq(self, &DE) {
            Lang::De
        } else {
            Lang::En
        }
    }
}

/// The Audit log page: its texts (perf7).
pub struct AuditTexts {
    pub audit_title: &'static str,
    pub audit_intro: &'static str,
    pub audit_time: &'static str,
    pub audit_user: &'static str,
    pub audit_event: &'static str,
    pub audit_target: &'static str,
    pub audit_ip: &'static str,
    pub audit_area: &'static str,
    pub audit_all: &'static str,
    pub audit_from: &'static str,
    pub audit_to: &'static str,
    pub audit_apply: &'static str,
    pub audit_reset: &'static str,
    pub audit_load_more: &'static str,
    pub audit_export: &'static str,
    pub audit_export_file: &'static str,
    pub audit_exported: fn(u64, &str) -> String,
    pub audit_export_cancelled: &'static str,
    pub audit_none: &'static str,
}

pub static AUDIT_EN: AuditTexts = AuditTexts {
    audit_title: "Audit log",
    audit_intro:
        "Who did what in your account, newest first. Times are in this computer's time zone.",
    audit_time: "Time",
    audit_user: "User",
    audit_event: "Event",
    audit_target: "Concerns",
    audit_ip: "IP address",
    audit_area: "Event type",
    audit_all: "All",
    audit_from: "From",
    audit_to: "To",
    audit_apply: "Filter",
    audit_reset: "Reset",
    audit_load_more: "Load more",
    audit_export: "Export CSV",
    audit_export_file: "kontor-audit-log.csv",
    audit_exported: |n, path| format!("{n} entries saved to {path}"),
    audit_export_cancelled: "Export cancelled.",
    audit_none: "No entries match.",
};

pub static AUDIT_DE: AuditTexts = AuditTexts {
    audit_title: "Protokoll",
    audit_intro:
        "Wer was in Ihrem Konto getan hat, neueste zuerst. Zeiten in der Zeitzone dieses Computers.",
    audit_time: "Zeit",
    audit_user: "Benutzer",
    audit_event: "Ereignis",
    audit_target: "Betrifft",
    audit_ip: "IP-Adresse",
    audit_area: "Ereignisart",
    audit_all: "Alle",
    audit_from: "Von",
    audit_to: "Bis",
    audit_apply: "Filtern",
    audit_reset: "Zurücksetzen",
    audit_load_more: "Mehr laden",
    audit_export: "CSV exportieren",
    audit_export_file: "kontor-protokoll.csv",
    audit_exported: |n, path| format!("{n} Einträge gespeichert unter {path}"),
    audit_export_cancelled: "Export abgebrochen.",
    audit_none: "Keine passenden Einträge.",
};

impl Lang {
    /// The texts of the Audit log page in this language.
    pub fn audit(self) -> &'static AuditTexts {
        match self {
            Lang::De => &AUDIT_DE,
            Lang::En => &AUDIT_EN,
        }
    }
}

/// The Downloads page: its texts (perf7).
pub struct DownloadsTexts {
    pub downloads_title: &'static str,
    pub downloads_intro: &'static str,
    pub downloads_none: &'static str,
    pub downloads_product: &'static str,
    pub downloads_version: &'static str,
    pub downloads_platform: &'static str,
    pub downloads_size: &'static str,
    pub downloads_released: &'static str,
    pub downloads_download: &'static str,
    pub downloads_pause: &'static str,
    pub downloads_resume: &'static str,
    pub downloads_cancel: &'static str,
    pub downloads_remove: &'static str,
    pub downloads_running: &'static str,
    pub downloads_paused: &'static str,
    pub downloads_retrying: &'static str,
    pub downloads_failed: &'static str,
    pub downloads_done: &'static str,
    pub downloads_active: &'static str,
    pub downloads_time_left: fn(&str) -> String,
    pub downloads_checking: fn(u64) -> String,
    /// `{path}` of a finished download.
    pub downloads_saved_at: Template,
}

pub static DOWNLOADS_EN: DownloadsTexts = DownloadsTexts {
    downloads_title: "Downloads",
    downloads_intro: "Installers of the products in your package. Each file is checked against its SHA-256 before it gets its final name.",
    downloads_none: "There are no installers for your package yet.",
    downloads_product: "Product",
    downloads_version: "Version",
    downloads_platform: "Platform",
    downloads_size: "Size",
    downloads_released: "Released",
    downloads_download: "Download",
    downloads_pause: "Pause",
    downloads_resume: "Resume",
    downloads_cancel: "Cancel",
    downloads_remove: "Remove from list",
    downloads_running: "Downloading",
    downloads_paused: "Paused",
    downloads_retrying: "Connection lost, trying again…",
    downloads_failed: "Failed",
    downloads_done: "Saved and verified",
    downloads_active: "Your downloads",
    downloads_time_left: |d| format!("{d} left"),
    downloads_checking: |percent| format!("Checking the partial file… {percent} %"),
    downloads_saved_at: Template("Saved to {path}"),
};

pub static DOWNLOADS_DE: DownloadsTexts = DownloadsTexts {
    downloads_title: "Downloads",
    downloads_intro: "Installationsprogramme der Produkte in Ihrem Paket. Jede Datei wird vor dem Speichern unter ihrem endgültigen Namen mit ihrer SHA-256-Prüfsumme verglichen.",
    downloads_none: "Für Ihr Paket gibt es noch keine Installationsprogramme.",
    downloads_product: "Produkt",
    downloads_version: "Version",
    downloads_platform: "Plattform",
    downloads_size: "Größe",
    downloads_released: "Veröffentlicht",
    downloads_download: "Herunterladen",
    downloads_pause: "Pausieren",
    downloads_resume: "Fortsetzen",
    downloads_cancel: "Abbrechen",
    downloads_remove: "Aus der Liste entfernen",
    downloads_running: "Wird heruntergeladen",
    downloads_paused: "Pausiert",
    downloads_retrying: "Verbindung unterbrochen, neuer Versuch …",
    downloads_failed: "Fehlgeschlagen",
    downloads_done: "Gespeichert und geprüft",
    downloads_active: "Ihre Downloads",
    downloads_time_left: |d| format!("noch {d}"),
    downloads_checking: |percent| format!("Der schon geladene Teil wird geprüft … {percent} %"),
    downloads_saved_at: Template("Gespeichert unter {path}"),
};

impl Lang {
    /// The texts of the Downloads page in this language.
    pub fn downloads(self) -> &'static DownloadsTexts {
        match self {
            Lang::De => &DOWNLOADS_DE,
            Lang::En => &DOWNLOADS_EN,
        }
    }
}

/// The forgotten-password page: its texts (perf7).
pub struct ForgotTexts {
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_send: &'static str,
    pub forgot_sent: &'static str,
    pub forgot_set: &'static str,
    pub forgot_again: &'static str,
    pub forgot_code_wrong: &'static str,
}

pub static FORGOT_EN: ForgotTexts = ForgotTexts {
    forgot_title: "Reset your password",
    forgot_intro: "Enter the e-mail address you sign in with. We will send you a code to set a new password.",
    forgot_send: "Send code",
    forgot_sent: "If an account uses this address, a code is on its way. It is valid for 30 minutes and only once.",
    forgot_set: "Set password and sign in",
    forgot_again: "Send a new code",
    forgot_code_wrong: "This code is wrong, expired or already used. Check it, or ask for a new one.",
};

pub static FORGOT_DE: ForgotTexts = ForgotTexts {
    forgot_title: "Passwort zurücksetzen",
    forgot_intro: "Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden. Sie erhalten einen Code, mit dem Sie ein neues Passwort festlegen.",
    forgot_send: "Code senden",
    forgot_sent: "Wenn ein Konto diese Adresse verwendet, ist ein Code unterwegs. Er gilt 30 Minuten und nur einmal.",
    forgot_set: "Passwort festlegen und anmelden",
    forgot_again: "Neuen Code senden",
    forgot_code_wrong: "Dieser Code ist falsch, abgelaufen oder schon verwendet. Prüfen Sie ihn oder fordern Sie einen neuen an.",
};

impl Lang {
    /// The texts of the forgotten-password page in this language.
    pub fn forgot(self) -> &'static ForgotTexts {
        match self {
            Lang::De => &FORGOT_DE,
            Lang::En => &FORGOT_EN,
        }
    }
}

/// The Invoices page: its texts (perf7).
pub struct InvoicesTexts {
    pub inv_title: &'static str,
    pub inv_intro: &'static str,
    pub inv_year: &'static str,
    pub inv_status: &'static str,
    pub inv_all: &'static str,
    pub inv_number: &'static str,
    pub inv_issued: &'static str,
    pub inv_period: &'static str,
    pub inv_due: &'static str,
    pub inv_net: &'static str,
    pub inv_vat: &'static str,
    pub inv_gross: &'static str,
    pub inv_none: &'static str,
    pub inv_more: &'static str,
    pub inv_open: &'static str,
    pub inv_paid: &'static str,
    pub inv_overdue: &'static str,
    pub inv_cancelled: &'static str,
    pub inv_credit_note: &'static str,
    pub inv_close: &'static str,
    pub inv_description: &'static str,
    pub inv_quantity: &'static str,
    pub inv_unit_price: &'static str,
    pub inv_rate: &'static str,
    pub inv_bill_to: &'static str,
    pub inv_payment: &'static str,
    pub inv_transfer: &'static str,
    pub inv_sepa: &'static str,
    pub inv_reverse_charge: &'static str,
    pub inv_corrects: &'static str,
    pub inv_corrected_by: &'static str,
    pub inv_save_pdf: &'static str,
    pub inv_save_xml: &'static str,
    pub inv_not_saved: &'static str,
    pub inv_saved_to: fn(&str) -> String,
    pub inv_detail_title: fn(&str) -> String,
    pub inv_mandate: fn(&str, &str) -> String,
}

pub static INVOICES_EN: InvoicesTexts = InvoicesTexts {
    inv_title: "Invoices",
    inv_intro: "Your invoices and credit notes. Each is also an e-invoice (Factur-X): the PDF carries the XML, which can be saved on its own.",
    inv_year: "Year",
    inv_status: "Status",
    inv_all: "All",
    inv_number: "Number",
    inv_issued: "Issued",
    inv_period: "Period",
    inv_due: "Due",
    inv_net: "Net",
    inv_vat: "VAT",
    inv_gross: "Gross",
    inv_none: "No invoices match.",
    inv_more: "Load more",
    inv_open: "Open",
    inv_paid: "Paid",
    inv_overdue: "Overdue",
    inv_cancelled: "Cancelled",
    inv_credit_note: "Credit note",
    inv_close: "Close",
    inv_description: "Description",
    inv_quantity: "Qty",
    inv_unit_price: "Unit price",
    inv_rate: "Rate",
    inv_bill_to: "Billed to",
    inv_payment: "Payment",
    inv_transfer: "Bank transfer by the due date",
    inv_sepa: "SEPA direct debit",
    inv_reverse_charge: "Reverse charge: VAT to be accounted for by the recipient.",
    inv_corrects: "Corrects invoice",
    inv_corrected_by: "Cancelled by credit note",
    inv_save_pdf: "Save PDF",
    inv_save_xml: "Save e-invoice (XML)",
    inv_not_saved: "Not saved.",
    inv_saved_to: |path| format!("Saved to {path}."),
    inv_detail_title: |number| format!("Invoice {number}"),
    inv_mandate: |reference, date| format!("Mandate {reference}, debited on {date}"),
};

pub static INVOICES_DE: InvoicesTexts = InvoicesTexts {
    inv_title: "Rechnungen",
    inv_intro: "Ihre Rechnungen und Gutschriften. Jede ist auch eine E-Rechnung (Factur-X): Das PDF enthält die XML-Datei, die Sie auch einzeln speichern können.",
    inv_year: "Jahr",
    inv_status: "Status",
    inv_all: "Alle",
    inv_number: "Nummer",
    inv_issued: "Rechnungsdatum",
    inv_period: "Leistungszeitraum",
    inv_due: "Fällig",
    inv_net: "Netto",
    inv_vat: "USt.",
    inv_gross: "Brutto",
    inv_none: "Keine passenden Rechnungen.",
    inv_more: "Weitere laden",
    inv_open: "Offen",
    inv_paid: "Bezahlt",
    inv_overdue: "Überfällig",
    inv_cancelled: "Storniert",
    inv_credit_note: "Gutschrift",
    inv_close: "Schließen",
    inv_description: "Beschreibung",
    inv_quantity: "Menge",
    inv_unit_price: "Einzelpreis",
    inv_rate: "Satz",
    inv_bill_to: "Rechnungsempfänger",
    inv_payment: "Zahlung",
    inv_transfer: "Überweisung bis zum Fälligkeitsdatum",
    inv_sepa: "SEPA-Lastschrift",
    inv_reverse_charge: "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
    inv_corrects: "Korrigiert Rechnung",
    inv_corrected_by: "Storniert durch Gutschrift",
    inv_save_pdf: "PDF speichern",
    inv_save_xml: "E-Rechnung (XML) speichern",
    inv_not_saved: "Nicht gespeichert.",
    inv_saved_to: |path| format!("Gespeichert unter {path}."),
    inv_detail_title: |number| format!("Rechnung {number}"),
    inv_mandate: |reference, date| format!("Mandat {reference}, Einzug am {date}"),
};

impl Lang {
    /// The texts of the Invoices page in this language.
    pub fn invoices(self) -> &'static InvoicesTexts {
        match self {
            Lang::De => &INVOICES_DE,
            Lang::En => &INVOICES_EN,
        }
    }
}

/// The Offline license page: its texts (perf7).
pub struct LicenseTexts {
    pub license_title: &'static str,
    pub license_save: &'static str,
    pub license_drop: &'static str,
    pub license_activations: &'static str,
    pub license_issued: &'static str,
    pub license_machine: &'static str,
    pub license_all_machines: &'static str,
    pub license_issued_on: &'static str,
    pub license_valid_until: &'static str,
    pub license_revoked: &'static str,
    pub license_revoke: &'static str,
    pub license_not_saved: &'static str,
    pub license_products: &'static str,
    pub license_customer: &'static str,
    pub license_bound: &'static str,
    pub license_revoke_title: fn(&str) -> String,
    pub license_revoke_body: &'static str,
    pub license_revoke_confirm: &'static str,
    pub license_none: &'static str,
    pub license_state: &'static str,
    pub license_valid: &'static str,
    pub license_saved_to: fn(&str) -> String,
    pub license_choose_request: &'static str,
    pub license_help: &'static str,
    pub license_save_help: &'static str,
}

pub static LICENSE_EN: LicenseTexts = LicenseTexts {
    license_title: "Offline license",
    license_save: "Save offline license…",
    license_drop: "Drop an activation request file onto this window.",
    license_activations: "Machine activations",
    license_issued: "Issued licenses",
    license_machine: "Machine",
    license_all_machines: "Any machine",
    license_issued_on: "Issued",
    license_valid_until: "Valid until",
    license_revoked: "Revoked",
    license_revoke: "Revoke…",
    license_not_saved: "License issued and verified, but not saved (dialog cancelled).",
    license_products: "Products",
    license_customer: "Customer",
    license_bound: "Bound to machine",
    license_revoke_title: |id| format!("Revoke license {id}?"),
    license_revoke_body: "The license is marked as revoked; if it is bound to a machine, its activation becomes free again. A copy already on an offline machine cannot be recalled from here: remove it there.",
    license_revoke_confirm: "Revoke license",
    license_none: "No licenses issued yet. Save the offline license or activate a machine to issue one.",
    license_state: "State",
    license_valid: "Valid",
    license_saved_to: |path| format!("License saved to {path} and verified."),
    license_choose_request: "Choose file…",
    license_help: "The activation request comes from the kontor-license program on the air-gapped machine: run \u{201c}kontor-license request\u{201d} there. Your vendor supplies kontor-license with the product; it is also built from Kontor's source (crates/kontor-license).",
    license_save_help: "For installations without internet access: save the license file and copy it to the air-gapped system. For a license bound to one machine, drop its activation request here or choose the file.",
};

pub static LICENSE_DE: LicenseTexts = LicenseTexts {
    license_title: "Offline-Lizenz",
    license_save: "Offline-Lizenz speichern …",
    license_drop: "Ziehen Sie eine Aktivierungsanfrage auf dieses Fenster.",
    license_activations: "Rechner-Aktivierungen",
    license_issued: "Ausgestellte Lizenzen",
    license_machine: "Rechner",
    license_all_machines: "Jeder Rechner",
    license_issued_on: "Ausgestellt",
    license_valid_until: "Gültig bis",
    license_revoked: "Widerrufen",
    license_revoke: "Widerrufen …",
    license_not_saved: "Lizenz ausgestellt und geprüft, aber nicht gespeichert (Dialog abgebrochen).",
    license_products: "Produkte",
    license_customer: "Kunde",
    license_bound: "Gebunden an Rechner",
    license_revoke_title: |id| format!("Lizenz {id} widerrufen?"),
    license_revoke_body: "Die Lizenz wird als widerrufen markiert; ist sie an einen Rechner gebunden, wird ihre Aktivierung wieder frei. Eine Kopie auf einem Offline-Rechner lässt sich von hier nicht zurückholen: Entfernen Sie sie dort.",
    license_revoke_confirm: "Lizenz widerrufen",
    license_none: "Noch keine Lizenzen ausgestellt. Speichern Sie die Offline-Lizenz oder aktivieren Sie einen Rechner, um eine auszustellen.",
    license_state: "Status",
    license_valid: "Gültig",
    license_saved_to: |path| format!("Lizenz unter {path} gespeichert und geprüft."),
    license_choose_request: "Datei auswählen…",
    license_help: "Die Aktivierungsanfrage erzeugt das Programm kontor-license auf dem abgeschotteten Rechner: Führen Sie dort \u{201e}kontor-license request\u{201c} aus. Ihr Hersteller liefert kontor-license mit dem Produkt; es lässt sich auch aus Kontors Quellcode bauen (crates/kontor-license).",
    license_save_help: "Für Installationen ohne Internetzugang: Speichern Sie die Lizenzdatei und kopieren Sie sie auf das abgeschottete System. Für eine an einen Rechner gebundene Lizenz ziehen Sie dessen Aktivierungsanfrage hierher oder wählen die Datei aus.",
};

impl Lang {
    /// The texts of the Offline license page in this language.
    pub fn license(self) -> &'static LicenseTexts {
        match self {
            Lang::De => &LICENSE_DE,
            Lang::En => &LICENSE_EN,
        }
    }
}

/// The Locations page: its texts (perf7).
pub struct LocationsTexts {
    pub locations_title: &'static str,
    pub locations_intro: &'static str,
    pub location_add: &'static str,
    pub location_street: &'static str,
    pub location_postal_code: &'static str,
    pub location_city: &'static str,
    pub location_country: &'static str,
    pub location_address: &'static str,
    pub location_users: &'static str,
    pub location_edit: &'static str,
    pub location_delete: &'static str,
    pub location_new_title: &'static str,
    pub location_edit_title: fn(&str) -> String,
    pub location_created: fn(&str) -> String,
    pub location_saved: fn(&str) -> String,
    pub location_deleted: fn(&str) -> String,
    pub location_delete_title: fn(&str) -> String,
    pub location_delete_empty: &'static str,
    /// `{n}` users must move before the location goes.
    pub location_delete_move: Plural,
    pub location_move_to: &'static str,
    pub location_move_choose: &'static str,
    pub locations_empty: &'static str,
}

pub static LOCATIONS_EN: LocationsTexts = LocationsTexts {
    locations_title: "Locations",
    locations_intro: "Sites your users belong to. Names are unique within your account, regardless of upper and lower case.",
    location_add: "Add location",
    location_street: "Street",
    location_postal_code: "Postal code",
    location_city: "City",
    location_country: "Country",
    location_address: "Address",
    location_users: "Users",
    location_edit: "Edit",
    location_delete: "Delete",
    location_new_title: "New location",
    location_edit_title: |name| format!("Edit {name}"),
    location_created: |name| format!("Location {name} created."),
    location_saved: |name| format!("Location {name} saved."),
    location_deleted: |name| format!("Location {name} deleted."),
    location_delete_title: |name| format!("Delete location {name}?"),
    location_delete_empty: "No users belong to this location. It is deleted for good.",
    location_delete_move: Plural {
        one: "{n} user belongs to this location. Choose the location the user moves to; both happen in one step.",
        other: "{n} users belong to this location. Choose the location they move to; both happen in one step.",
    },
    location_move_to: "Move users to",
    location_move_choose: "Choose a location…",
    locations_empty: "No locations yet.",
};

pub static LOCATIONS_DE: LocationsTexts = LocationsTexts {
    locations_title: "Standorte",
    locations_intro: "Standorte, zu denen Ihre Benutzer gehören. Namen sind in Ihrem Konto eindeutig, unabhängig von Groß- und Kleinschreibung.",
    location_add: "Standort hinzufügen",
    location_street: "Straße",
    location_postal_code: "Postleitzahl",
    location_city: "Ort",
    location_country: "Land",
    location_address: "Adresse",
    location_users: "Benutzer",
    location_edit: "Bearbeiten",
    location_delete: "Löschen",
    location_new_title: "Neuer Standort",
    location_edit_title: |name| format!("{name} bearbeiten"),
    location_created: |name| format!("Standort {name} angelegt."),
    location_saved: |name| format!("Standort {name} gespeichert."),
    location_deleted: |name| format!("Standort {name} gelöscht."),
    location_delete_title: |name| format!("Standort {name} löschen?"),
    location_delete_empty: "Zu diesem Standort gehören keine Benutzer. Er wird endgültig gelöscht.",
    location_delete_move: Plural {
        one: "Zu diesem Standort gehört {n} Benutzer. Wählen Sie den Standort, zu dem er wechselt; beides geschieht in einem Schritt.",
        other: "Zu diesem Standort gehören {n} Benutzer. Wählen Sie den Standort, zu dem sie wechseln; beides geschieht in einem Schritt.",
    },
    location_move_to: "Benutzer verschieben nach",
    location_move_choose: "Standort wählen…",
    locations_empty: "Noch keine Standorte.",
};

impl Lang {
    /// The texts of the Locations page in this language.
    pub fn locations(self) -> &'static LocationsTexts {
        match self {
            Lang::De => &LOCATIONS_DE,
            Lang::En => &LOCATIONS_EN,
        }
    }
}

/// The password-change page shown after a first sign-in: its texts (perf7).
pub struct PasswordTexts {
    pub change_password_title: &'static str,
    pub change_password_intro: &'static str,
    pub first_login_intro: &'static str,
}

pub static PASSWORD_EN: PasswordTexts = PasswordTexts {
    change_password_title: "Choose your password",
    change_password_intro: "You signed in with a temporary password. Choose your own to continue (at least 12 characters).",
    first_login_intro: "You signed in with a temporary password. Choose your own to continue (at least 12 characters); the temporary one you just entered is used to confirm it.",
};

pub static PASSWORD_DE: PasswordTexts = PasswordTexts {
    change_password_title: "Eigenes Passwort festlegen",
    change_password_intro: "Sie haben sich mit einem vorläufigen Passwort angemeldet. Legen Sie ein eigenes fest, um fortzufahren (mindestens 12 Zeichen).",
    first_login_intro: "Sie haben sich mit einem vorläufigen Passwort angemeldet. Legen Sie ein eigenes fest, um fortzufahren (mindestens 12 Zeichen); das eben eingegebene vorläufige Passwort bestätigt die Änderung.",
};

impl Lang {
    /// The texts of the password-change page shown after a first sign-in in this language.
    pub fn password_page(self) -> &'static PasswordTexts {
        match self {
            Lang::De => &PASSWORD_DE,
            Lang::En => &PASSWORD_EN,
        }
    }
}

/// The Profile page: its texts (perf7).
pub struct ProfileTexts {
    pub profile_title: &'static str,
    pub profile_details: &'static str,
    pub profile_mail_language: &'static str,
    pub profile_save: &'static str,
    pub profile_saved: &'static str,
    pub sessions_title: &'static str,
    pub sessions_started: &'static str,
    pub sessions_last_used: &'static str,
    pub sessions_ip: &'static str,
    pub sessions_this: &'static str,
    pub sessions_end_others: &'static str,
    pub sessions_end_others_confirm: &'static str,
    pub sessions_end_others_body: &'static str,
    pub sessions_ended: Plural,
}

pub static PROFILE_EN: ProfileTexts = ProfileTexts {
    profile_title: "Profile",
    profile_details: "Name and language",
    profile_mail_language: "Language of e-mails from the portal",
    profile_save: "Save",
    profile_saved: "Profile saved.",
    sessions_title: "Where you are signed in",
    sessions_started: "Signed in",
    sessions_last_used: "Last used",
    sessions_ip: "IP address",
    sessions_this: "This app",
    sessions_end_others: "Sign out everywhere else",
    sessions_end_others_confirm: "Sign out the others",
    sessions_end_others_body: "Every other device and app signed in with your account is signed out. This app stays signed in.",
    sessions_ended: Plural { one: "{n} other session ended.", other: "{n} other sessions ended." },
};

pub static PROFILE_DE: ProfileTexts = ProfileTexts {
    profile_title: "Profil",
    profile_details: "Name und Sprache",
    profile_mail_language: "Sprache der E-Mails des Portals",
    profile_save: "Speichern",
    profile_saved: "Profil gespeichert.",
    sessions_title: "Wo Sie angemeldet sind",
    sessions_started: "Angemeldet",
    sessions_last_used: "Zuletzt verwendet",
    sessions_ip: "IP-Adresse",
    sessions_this: "Diese App",
    sessions_end_others: "Überall sonst abmelden",
    sessions_end_others_confirm: "Die anderen abmelden",
    sessions_end_others_body: "Alle anderen Geräte und Apps, die mit Ihrem Konto angemeldet sind, werden abgemeldet. Diese App bleibt angemeldet.",
    sessions_ended: Plural { one: "{n} andere Sitzung beendet.", other: "{n} andere Sitzungen beendet." },
};

impl Lang {
    /// The texts of the Profile page in this language.
    pub fn profile(self) -> &'static ProfileTexts {
        match self {
            Lang::De => &PROFILE_DE,
            Lang::En => &PROFILE_EN,
        }
    }
}

/// The set-up page: its texts (perf7).
pub struct SetupTexts {
    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub setup_connect: &'static str,
}

pub static SETUP_EN: SetupTexts = SetupTexts {
    setup_title: "Connect to your portal",
    setup_intro: "Enter the address of your vendor's customer portal. It must start with https://.",
    setup_connect: "Connect",
};

pub static SETUP_DE: SetupTexts = SetupTexts {
    setup_title: "Mit Ihrem Portal verbinden",
    setup_intro: "Geben Sie die Adresse des Kundenportals Ihres Herstellers ein. Sie muss mit https:// beginnen.",
    setup_connect: "Verbinden",
};

impl Lang {
    /// The texts of the set-up page in this language.
    pub fn setup(self) -> &'static SetupTexts {
        match self {
            Lang::De => &SETUP_DE,
            Lang::En => &SETUP_EN,
        }
    }
}

/// The Subscription page: its texts (perf7).
pub struct SubscriptionTexts {
    pub sub_title: &'static str,
    pub sub_billing_period: &'static str,
    pub sub_monthly: &'static str,
    pub sub_yearly: &'static str,
    pub sub_term_start: &'static str,
    pub sub_period: &'static str,
    pub sub_renews_on: &'static str,
    pub sub_recurring: &'static str,
    pub sub_net: &'static str,
    pub sub_payment_method: &'static str,
    pub sub_pay_sepa: &'static str,
    pub sub_pay_invoice: &'static str,
    /// The pending downgrade: `{package}`, `{date}`.
    pub sub_pending: Template,
    pub sub_app: &'static str,
    pub sub_package_seats: &'static str,
    pub sub_addon_seats: &'static str,
    pub sub_assigned_limit: &'static str,
    pub sub_addons: &'static str,
    pub sub_no_addons: &'static str,
    pub sub_addon: &'static str,
    pub sub_quantity: &'static str,
    pub sub_price: &'static str,
    pub sub_compare: &'static str,
    pub sub_current_badge: &'static str,
    pub sub_included: &'static str,
    pub sub_not_included: &'static str,
    pub sub_seats: Plural,
    pub sub_compatible_addons: &'static str,
    pub sub_change_to: Template,
    pub sub_preview_title: Template,
    pub sub_gained: &'static str,
    pub sub_lost: &'static str,
    pub sub_none: &'static str,
    pub sub_addons_dropped: &'static str,
    pub sub_new_amount: &'static str,
    pub sub_before: &'static str,
    pub sub_proration: &'static str,
    pub sub_prorated_charge: Template,
    pub sub_prorated_credit: Template,
    /// `{remaining}` of `{period}` days.
    pub sub_proration_rule: Template,
    pub sub_effective: &'static str,
    pub sub_old_limit: &'static str,
    pub sub_new_limit: &'static str,
    pub sub_assigned: &'static str,
    pub sub_confirm_change: &'static str,
    /// `{package}`, invoice `{number}`, `{amount}`.
    pub sub_booked_upgrade: Template,
    /// `{package}`, prorated `{amount}`.
    pub sub_booked_upgrade_no_invoice: Template,
    /// `{package}`, `{date}`.
    pub sub_booked_downgrade: Template,
}

pub static SUBSCRIPTION_EN: SubscriptionTexts = SubscriptionTexts {
    sub_title: "Subscription and package",
    sub_billing_period: "Billing period",
    sub_monthly: "Monthly",
    sub_yearly: "Yearly",
    sub_term_start: "Customer since",
    sub_period: "Current period",
    sub_renews_on: "Renews on",
    sub_recurring: "Recurring amount",
    sub_net: "net, per period",
    sub_payment_method: "Payment method",
    sub_pay_sepa: "SEPA direct debit",
    sub_pay_invoice: "Bank transfer (invoice)",
    sub_pending: Template("Changes to {package} on {date}."),
    sub_app: "Application",
    sub_package_seats: "Seats in the package",
    sub_addon_seats: "Seats from add-ons",
    sub_assigned_limit: "Assigned / limit",
    sub_addons: "Add-ons",
    sub_no_addons: "No add-ons booked.",
    sub_addon: "Add-on",
    sub_quantity: "Quantity",
    sub_price: "Price per period",
    sub_compare: "Compare packages",
    sub_current_badge: "Current",
    sub_included: "included",
    sub_not_included: "not included",
    sub_seats: Plural {
        one: "{n} seat",
        other: "{n} seats",
    },
    sub_compatible_addons: "Compatible add-ons",
    sub_change_to: Template("Change to {package}"),
    sub_preview_title: Template("Change to {package}?"),
    sub_gained: "Applications gained",
    sub_lost: "Applications lost",
    sub_none: "none",
    sub_addons_dropped: "Add-ons that end",
    sub_new_amount: "New recurring amount (net)",
    sub_before: "now",
    sub_proration: "For the rest of the period",
    sub_prorated_charge: Template("{amount} charged now (net)"),
    sub_prorated_credit: Template("{amount} credited (net)"),
    sub_proration_rule: Template(
        "Difference × {remaining}/{period} days left, rounded half away from zero.",
    ),
    sub_effective: "Takes effect on",
    sub_old_limit: "Seats now",
    sub_new_limit: "Seats after",
    sub_assigned: "Assigned",
    sub_confirm_change: "Confirm change",
    sub_booked_upgrade: Template("Changed to {package}. Proration invoice {number} over {amount}."),
    sub_booked_upgrade_no_invoice: Template(
        "Changed to {package}; {amount} (net) charged for the rest of the period.",
    ),
    sub_booked_downgrade: Template("Change to {package} booked for {date}."),
};

pub static SUBSCRIPTION_DE: SubscriptionTexts = SubscriptionTexts {
    sub_title: "Abonnement und Paket",
    sub_billing_period: "Abrechnungszeitraum",
    sub_monthly: "Monatlich",
    sub_yearly: "Jährlich",
    sub_term_start: "Kunde seit",
    sub_period: "Aktueller Zeitraum",
    sub_renews_on: "Verlängert sich am",
    sub_recurring: "Wiederkehrender Betrag",
    sub_net: "netto, je Zeitraum",
    sub_payment_method: "Zahlungsart",
    sub_pay_sepa: "SEPA-Lastschrift",
    sub_pay_invoice: "Überweisung (Rechnung)",
    sub_pending: Template("Wechsel zu {package} am {date}."),
    sub_app: "Anwendung",
    sub_package_seats: "Plätze im Paket",
    sub_addon_seats: "Plätze aus Zusatzoptionen",
    sub_assigned_limit: "Vergeben / Grenze",
    sub_addons: "Zusatzoptionen",
    sub_no_addons: "Keine Zusatzoptionen gebucht.",
    sub_addon: "Zusatzoption",
    sub_quantity: "Anzahl",
    sub_price: "Preis je Zeitraum",
    sub_compare: "Pakete vergleichen",
    sub_current_badge: "Aktuell",
    sub_included: "enthalten",
    sub_not_included: "nicht enthalten",
    sub_seats: Plural {
        one: "{n} Platz",
        other: "{n} Plätze",
    },
    sub_compatible_addons: "Passende Zusatzoptionen",
    sub_change_to: Template("Zu {package} wechseln"),
    sub_preview_title: Template("Zu {package} wechseln?"),
    sub_gained: "Neue Anwendungen",
    sub_lost: "Wegfallende Anwendungen",
    sub_none: "keine",
    sub_addons_dropped: "Endende Zusatzoptionen",
    sub_new_amount: "Neuer wiederkehrender Betrag (netto)",
    sub_before: "bisher",
    sub_proration: "Für den Rest des Zeitraums",
    sub_prorated_charge: Template("{amount} werden jetzt berechnet (netto)"),
    sub_prorated_credit: Template("{amount} werden gutgeschrieben (netto)"),
    sub_proration_rule: Template(
        "Differenz × {remaining}/{period} Resttage, kaufmännisch gerundet.",
    ),
    sub_effective: "Wirksam ab",
    sub_old_limit: "Plätze bisher",
    sub_new_limit: "Plätze danach",
    sub_assigned: "Vergeben",
    sub_confirm_change: "Wechsel bestätigen",
    sub_booked_upgrade: Template(
        "Zu {package} gewechselt. Anteilige Rechnung {number} über {amount}.",
    ),
    sub_booked_upgrade_no_invoice: Template(
        "Zu {package} gewechselt; {amount} (netto) für den Rest des Zeitraums.",
    ),
    sub_booked_downgrade: Template("Wechsel zu {package} zum {date} gebucht."),
};

impl Lang {
    /// The texts of the Subscription page in this language.
    pub fn subscription(self) -> &'static SubscriptionTexts {
        match self {
            Lang::De => &SUBSCRIPTION_DE,
            Lang::En => &SUBSCRIPTION_EN,
        }
    }
}

/// The update banner and the About dialog: its texts (perf7).
pub struct UpdateTexts {
    pub about_title: &'static str,
    pub about_version: &'static str,
    pub about_portal: &'static str,
    pub about_close: &'static str,
    pub update_check: &'static str,
    pub update_checking: &'static str,
    pub update_current: &'static str,
    pub update_install: &'static str,
    pub update_later: &'static str,
    pub update_restart: &'static str,
    pub update_installed_version: fn(&str) -> String,
    pub update_installing_version: fn(&str) -> String,
    /// `{version}` offered, `{current}` installed.
    pub update_offer: Template,
}

pub static UPDATE_EN: UpdateTexts = UpdateTexts {
    about_title: "About Kontor",
    about_version: "Version",
    about_portal: "Portal",
    about_close: "Close",
    update_check: "Check for updates",
    update_checking: "Checking for updates…",
    update_current: "Kontor is up to date.",
    update_install: "Install update",
    update_later: "Later",
    update_restart: "Restart now",
    update_installed_version: |v| {
        format!("The update is installed. Restart Kontor to use version {v}.")
    },
    update_installing_version: |v| format!("Downloading and checking version {v}…"),
    update_offer: Template("A new version of Kontor is available: {version} (you have {current})."),
};

pub static UPDATE_DE: UpdateTexts = UpdateTexts {
    about_title: "Über Kontor",
    about_version: "Version",
    about_portal: "Portal",
    about_close: "Schließen",
    update_check: "Nach Updates suchen",
    update_checking: "Suche nach Updates …",
    update_current: "Kontor ist auf dem neuesten Stand.",
    update_install: "Update installieren",
    update_later: "Später",
    update_restart: "Jetzt neu starten",
    update_installed_version: |v| {
        format!("Das Update ist installiert. Starten Sie Kontor neu, um Version {v} zu verwenden.")
    },
    update_installing_version: |v| format!("Version {v} wird heruntergeladen und geprüft …"),
    update_offer: Template(
        "Eine neue Version von Kontor ist verfügbar: {version} (installiert ist {current}).",
    ),
};

impl Lang {
    /// The texts of the update banner and the About dialog in this language.
    pub fn update(self) -> &'static UpdateTexts {
        match self {
            Lang::De => &UPDATE_DE,
            Lang::En => &UPDATE_EN,
        }
    }
}

/// The Users page (list, dialogs, import): its texts (perf7).
pub struct UsersTexts {
    pub users_title: &'static str,
    pub tab_users: &'static str,
    pub tab_deleted: &'static str,
    pub search_placeholder: &'static str,
    pub all_roles: &'static str,
    pub all_licenses: &'static str,
    pub all_locations: &'static str,
    pub all_statuses: &'static str,
    pub col_email: &'static str,
    pub col_status: &'static str,
    pub col_purge: &'static str,
    pub add_user: &'static str,
    pub add_another: &'static str,
    pub create_users: &'static str,
    pub pending_users: &'static str,
    pub manage_licenses: &'static str,
    pub assign: &'static str,
    pub revoke: &'static str,
    pub keep: &'static str,
    pub delete_selected: &'static str,
    pub restore_selected: &'static str,
    pub reset_password: &'static str,
    pub none_found: &'static str,
    pub created_title: &'static str,
    pub created_intro: &'static str,
    pub save_csv: &'static str,
    pub print: &'static str,
    pub location_none: &'static str,
    pub import: &'static str,
    pub import_title: &'static str,
    pub import_drop: &'static str,
    pub import_formats: &'static str,
    pub import_choose: &'static str,
    pub import_template: &'static str,
    pub import_reading: &'static str,
    pub import_rows: &'static str,
    pub import_valid: &'static str,
    pub import_problems: &'static str,
    pub import_row: &'static str,
    pub import_column: &'static str,
    pub import_reason: &'static str,
    pub import_cancelled: &'static str,
    pub import_resume: &'static str,
    pub import_discard: &'static str,
    pub import_nothing: &'static str,
    pub reset_confirm_title: fn(&str) -> String,
    pub reset_confirm_body: fn(&str) -> String,
    pub reset_done_title: &'static str,
    pub reset_done_intro: &'static str,
    pub copy_password_of: fn(&str) -> String,
    pub delete_confirm_title: Plural,
    pub and_more: Plural,
    pub delete_skip_me: &'static str,
    pub delete_skip_owner: fn(&str) -> String,
    pub delete_nothing: &'static str,
    pub delete_restorable: &'static str,
    pub users_deleted: Plural,
    pub not_deleted: fn(&str) -> String,
    pub select_all: &'static str,
    pub select_user: fn(&str) -> String,
    pub users_count: Plural,
    pub selected_count: Plural,
    pub seats_free: Plural,
    pub manage_licenses_for: Plural,
    pub licenses_changed_count: Plural,
    pub restored_count: Plural,
    pub not_restored_for: fn(&str, &str) -> String,
    pub import_more_count: Plural,
    pub import_commit_count: Plural,
    pub import_pending_file: fn(&str, u64, u64) -> String,
    pub saved_to_path: fn(&str) -> String,
    /// An import problem's reason in words; `None` for a reason this build does not know.
    pub import_problem: fn(&ImportReason) -> Option<String>,
    pub no_free_seats: &'static str,
    pub no_free_seats_reason: fn(&str) -> String,
    pub import_done_title: Plural,
    pub import_skipped: Plural,
    pub import_save_problems: &'static str,
    pub import_problems_file: &'static str,
    pub import_show_passwords: &'static str,
    /// `{done}` of `{total}` users imported so far.
    pub import_progress: Template,
    pub mail_temp_password: &'static str,
    pub mail_temp_password_label: fn(&str) -> String,
    pub mail_temp_password_sent: fn(&str) -> String,
}

pub static USERS_EN: UsersTexts = UsersTexts {
    users_title: "Users and licenses",
    tab_users: "Users",
    tab_deleted: "Deleted users",
    search_placeholder: "Search name or e-mail",
    all_roles: "All roles",
    all_licenses: "All licenses",
    all_locations: "All locations",
    all_statuses: "All statuses",
    col_email: "E-mail",
    col_status: "Status",
    col_purge: "Permanently removed on",
    add_user: "Add user",
    add_another: "Add another",
    create_users: "Create",
    pending_users: "Also being created:",
    manage_licenses: "Manage licenses",
    assign: "Assign",
    revoke: "Revoke",
    keep: "Keep",
    delete_selected: "Delete",
    restore_selected: "Restore",
    reset_password: "Reset password",
    none_found: "No users match the filter.",
    created_title: "Users created",
    created_intro: "Give each user their temporary password; they choose their own at their first sign-in. The passwords are shown only now.",
    save_csv: "Save as CSV…",
    print: "Print",
    location_none: "No location",
    import: "Import…",
    import_title: "Import users",
    import_drop: "Drop an Excel (.xlsx) or CSV file onto this window, or choose one.",
    import_formats: "The Kontor template and the Microsoft 365 bulk-add template are recognised as they are.",
    import_choose: "Choose file…",
    import_template: "Download template",
    import_reading: "Reading the file…",
    import_rows: "Rows found",
    import_valid: "Valid",
    import_problems: "Problems",
    import_row: "Row",
    import_column: "Column",
    import_reason: "Reason",
    import_cancelled: "Import stopped. Users already imported are kept; you can resume the rest.",
    import_resume: "Resume",
    import_discard: "Discard",
    import_nothing: "No valid rows to import.",
    reset_confirm_title: |name| format!("Reset the password of {name}?"),
    reset_confirm_body: |email| format!("{email} gets a new temporary password and chooses their own at the next sign-in. The current password stops working at once."),
    reset_done_title: "Password reset",
    reset_done_intro: "Give the user this temporary password; at the next sign-in they choose their own. It is shown only now.",
    copy_password_of: |name| format!("Copy the temporary password of {name}"),
    delete_confirm_title: Plural { one: "Delete {n} user?", other: "Delete {n} users?" },
    and_more: Plural { one: "and {n} more", other: "and {n} more" },
    delete_skip_me: "You are left out: nobody can delete themselves.",
    delete_skip_owner: |name| format!("{name} is left out: the Owner cannot be deleted."),
    delete_nothing: "None of the selected users can be deleted.",
    delete_restorable: "Deleted users can be restored for 30 days.",
    users_deleted: Plural { one: "{n} user deleted.", other: "{n} users deleted." },
    not_deleted: |reason| format!("Not deleted: {reason}"),
    select_all: "Select all",
    select_user: |name| format!("Select {name}"),
    users_count: Plural { one: "{n} user", other: "{n} users" },
    selected_count: Plural { one: "{n} selected", other: "{n} selected" },
    seats_free: Plural { one: "{n} free", other: "{n} free" },
    manage_licenses_for: Plural { one: "Manage licenses of {n} user", other: "Manage licenses of {n} users" },
    licenses_changed_count: Plural { one: "{n} license changed.", other: "{n} licenses changed." },
    restored_count: Plural { one: "{n} user restored.", other: "{n} users restored." },
    not_restored_for: |email, products| format!("{email}: licenses not given back (no free seats): {products}"),
    import_more_count: Plural { one: "{n} more problem is not shown.", other: "{n} more problems are not shown." },
    import_commit_count: Plural { one: "Import {n} valid user", other: "Import {n} valid users" },
    import_pending_file: |file, done, total| format!("An import of {file} was interrupted ({done} of {total} users imported)."),
    saved_to_path: |path| format!("Saved to {path}"),
    import_problem: en_import_reason,
    no_free_seats: "no free seats",
    no_free_seats_reason: |product| format!("{product}: all seats are taken. Free one, or add seats to the package first."),
    import_done_title: Plural { one: "{n} user imported", other: "{n} users imported" },
    import_skipped: Plural {
        one: "{n} row was skipped. It is listed below; save the list to fix the row and import it again.",
        other: "{n} rows were skipped. They are listed below; save the list to fix the rows and import them again.",
    },
    import_save_problems: "Save skipped rows as CSV",
    import_problems_file: "kontor-import-skipped-rows.csv",
    import_show_passwords: "Continue to the passwords",
    import_progress: Template("Importing… {done} of {total} users"),
    mail_temp_password: "E-mail it",
    mail_temp_password_label: |email| format!("E-mail the temporary password to {email}"),
    mail_temp_password_sent: |email| format!("The temporary password is on its way to {email}."),
};

pub static USERS_DE: UsersTexts = UsersTexts {
    users_title: "Benutzer und Lizenzen",
    tab_users: "Benutzer",
    tab_deleted: "Gelöschte Benutzer",
    search_placeholder: "Name oder E-Mail suchen",
    all_roles: "Alle Rollen",
    all_licenses: "Alle Lizenzen",
    all_locations: "Alle Standorte",
    all_statuses: "Alle Status",
    col_email: "E-Mail",
    col_status: "Status",
    col_purge: "Endgültig entfernt am",
    add_user: "Benutzer anlegen",
    add_another: "Weiteren hinzufügen",
    create_users: "Anlegen",
    pending_users: "Außerdem werden angelegt:",
    manage_licenses: "Lizenzen verwalten",
    assign: "Zuweisen",
    revoke: "Entziehen",
    keep: "Unverändert",
    delete_selected: "Löschen",
    restore_selected: "Wiederherstellen",
    reset_password: "Passwort zurücksetzen",
    none_found: "Kein Benutzer passt zum Filter.",
    created_title: "Benutzer angelegt",
    created_intro: "Teilen Sie jedem Benutzer sein vorläufiges Passwort mit; bei der ersten Anmeldung legt er ein eigenes fest. Die Passwörter werden nur jetzt angezeigt.",
    save_csv: "Als CSV speichern …",
    print: "Drucken",
    location_none: "Kein Standort",
    import: "Importieren …",
    import_title: "Benutzer importieren",
    import_drop: "Ziehen Sie eine Excel- (.xlsx) oder CSV-Datei auf dieses Fenster oder wählen Sie eine aus.",
    import_formats: "Die Kontor-Vorlage und die Vorlage für den Massenimport von Microsoft 365 werden direkt erkannt.",
    import_choose: "Datei wählen …",
    import_template: "Vorlage herunterladen",
    import_reading: "Datei wird gelesen …",
    import_rows: "Gefundene Zeilen",
    import_valid: "Gültig",
    import_problems: "Probleme",
    import_row: "Zeile",
    import_column: "Spalte",
    import_reason: "Grund",
    import_cancelled: "Import angehalten. Bereits importierte Benutzer bleiben; den Rest können Sie fortsetzen.",
    import_resume: "Fortsetzen",
    import_discard: "Verwerfen",
    import_nothing: "Keine gültigen Zeilen zum Importieren.",
    reset_confirm_title: |name| format!("Passwort von {name} zurücksetzen?"),
    reset_confirm_body: |email| format!("{email} erhält ein neues vorläufiges Passwort und legt bei der nächsten Anmeldung ein eigenes fest. Das bisherige Passwort gilt ab sofort nicht mehr."),
    reset_done_title: "Passwort zurückgesetzt",
    reset_done_intro: "Teilen Sie dem Benutzer dieses vorläufige Passwort mit; bei der nächsten Anmeldung legt er ein eigenes fest. Es wird nur jetzt angezeigt.",
    copy_password_of: |name| format!("Vorläufiges Passwort von {name} kopieren"),
    delete_confirm_title: Plural { one: "{n} Benutzer löschen?", other: "{n} Benutzer löschen?" },
    and_more: Plural { one: "und {n} weiterer", other: "und {n} weitere" },
    delete_skip_me: "Sie selbst werden ausgelassen: Niemand kann sich selbst löschen.",
    delete_skip_owner: |name| format!("{name} wird ausgelassen: Der Inhaber kann nicht gelöscht werden."),
    delete_nothing: "Keiner der ausgewählten Benutzer kann gelöscht werden.",
    delete_restorable: "Gelöschte Benutzer können 30 Tage lang wiederhergestellt werden.",
    users_deleted: Plural { one: "{n} Benutzer gelöscht.", other: "{n} Benutzer gelöscht." },
    not_deleted: |reason| format!("Nicht gelöscht: {reason}"),
    select_all: "Alle auswählen",
    select_user: |name| format!("{name} auswählen"),
    users_count: Plural { one: "{n} Benutzer", other: "{n} Benutzer" },
    selected_count: Plural { one: "{n} ausgewählt", other: "{n} ausgewählt" },
    seats_free: Plural { one: "{n} frei", other: "{n} frei" },
    manage_licenses_for: Plural { one: "Lizenzen von {n} Benutzer verwalten", other: "Lizenzen von {n} Benutzern verwalten" },
    licenses_changed_count: Plural { one: "{n} Lizenz geändert.", other: "{n} Lizenzen geändert." },
    restored_count: Plural { one: "{n} Benutzer wiederhergestellt.", other: "{n} Benutzer wiederhergestellt." },
    not_restored_for: |email, products| format!("{email}: Lizenzen nicht zurückgegeben (keine freien Lizenzen): {products}"),
    import_more_count: Plural { one: "{n} weiteres Problem wird nicht angezeigt.", other: "{n} weitere Probleme werden nicht angezeigt." },
    import_commit_count: Plural { one: "{n} gültigen Benutzer importieren", other: "{n} gültige Benutzer importieren" },
    import_pending_file: |file, done, total| format!("Ein Import von {file} wurde unterbrochen ({done} von {total} Benutzern importiert)."),
    saved_to_path: |path| format!("Gespeichert unter {path}"),
    import_problem: de_import_reason,
    no_free_seats: "keine freien Plätze",
    no_free_seats_reason: |product| format!("{product}: Alle Plätze sind vergeben. Geben Sie zuerst einen frei oder erweitern Sie das Paket."),
    import_done_title: Plural { one: "{n} Benutzer importiert", other: "{n} Benutzer importiert" },
    import_skipped: Plural {
        one: "{n} Zeile wurde übersprungen. Sie steht unten; speichern Sie die Liste, um die Zeile zu korrigieren und erneut zu importieren.",
        other: "{n} Zeilen wurden übersprungen. Sie stehen unten; speichern Sie die Liste, um die Zeilen zu korrigieren und erneut zu importieren.",
    },
    import_save_problems: "Übersprungene Zeilen als CSV speichern",
    import_problems_file: "kontor-import-uebersprungene-zeilen.csv",
    import_show_passwords: "Weiter zu den Passwörtern",
    import_progress: Template("Import läuft … {done} von {total} Benutzern"),
    mail_temp_password: "Per E-Mail senden",
    mail_temp_password_label: |email| format!("Vorläufiges Passwort per E-Mail an {email} senden"),
    mail_temp_password_sent: |email| format!("Das vorläufige Passwort ist unterwegs an {email}."),
};

impl Lang {
    /// The texts of the Users page (list, dialogs, import) in this language.
    pub fn users_page(self) -> &'static UsersTexts {
        match self {
            Lang::De => &USERS_DE,
            Lang::En => &USERS_EN,
        }
    }
}
