//! German and English texts. Every text is a field of [`Texts`], so a language cannot miss one.

use kontor_api::{ErrorCode, FieldProblem, Role};

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
    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub setup_url: &'static str,
    pub setup_connect: &'static str,
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
    pub seats_of: &'static str,
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
    pub err_network: &'static str,
    pub err_bad_response: &'static str,
    pub err_keyring: &'static str,
    pub err_not_configured: &'static str,
    pub err_io: &'static str,
    pub err_internal: &'static str,
    pub field_required: &'static str,
    pub field_too_long: &'static str,
    pub field_invalid_email: &'static str,
    pub field_invalid_token: &'static str,
    pub field_invalid_url: &'static str,
    pub field_insecure_url: &'static str,
    pub field_invalid: &'static str,
    pub field_too_short: &'static str,
    pub role_owner: &'static str,
    pub role_admin: &'static str,
    pub role_billing: &'static str,
    pub role_user: &'static str,
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
            ErrorCode::Internal => self.err_internal,
        }
    }

    pub fn field(&self, p: FieldProblem) -> &'static str {
        match p {
            FieldProblem::Required => self.field_required,
            FieldProblem::TooLong => self.field_too_long,
            FieldProblem::InvalidEmail => self.field_invalid_email,
            FieldProblem::InvalidToken => self.field_invalid_token,
            FieldProblem::InvalidUrl => self.field_invalid_url,
            FieldProblem::InsecureUrl => self.field_insecure_url,
            FieldProblem::Invalid => self.field_invalid,
            FieldProblem::TooShort => self.field_too_short,
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
    setup_title: "Connect to your portal",
    setup_intro: "Enter the address of your vendor's customer portal. It must start with https://.",
    setup_url: "Portal address",
    setup_connect: "Connect",
    sign_in_title: "Sign in to your customer account",
    tab_password: "E-mail and password",
    tab_token: "License token",
    email: "E-mail",
    password: "Password",
    license_token: "License token",
    license_token_hint: "You find the license token in your order confirmation mail.",
    remember: "Stay signed in on this computer",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    sign_out: "Sign out",
    session_expired: "Your session has expired. Please sign in again.",
    nav_dashboard: "Dashboard",
    dashboard_title: "Dashboard",
    package: "Package",
    seats: "Licenses in use",
    seats_of: "of",
    users: "Users",
    next_invoice: "Next invoice",
    no_invoice: "No invoice due",
    license_expires: "License valid until",
    chart_title: "Licenses per application",
    chart_used: "in use",
    chart_free: "free",
    language: "Language",
    portal: "Portal",
    startup_failed: "Kontor could not reach your portal.",
    err_validation: "Please check your input.",
    err_invalid_credentials: "E-mail or password is wrong.",
    err_unauthorized: "Your session has expired. Please sign in again.",
    err_forbidden: "Your role does not allow this.",
    err_not_found: "Not found.",
    err_conflict: "This conflicts with existing data.",
    err_rate_limited: "Too many attempts. Please wait a few minutes.",
    err_network: "The portal cannot be reached. Check your internet connection.",
    err_bad_response: "The portal gave an answer Kontor does not understand.",
    err_keyring: "The system keyring is not available.",
    err_not_configured: "No portal address is configured.",
    err_io: "A local file could not be read or written.",
    err_internal: "Something went wrong on the portal. Please try again later.",
    field_required: "is required",
    field_too_long: "is too long",
    field_invalid_email: "is not a valid e-mail address",
    field_invalid_token: "is not a valid license token",
    field_invalid_url: "is not a valid web address",
    field_insecure_url: "must start with https://",
    field_invalid: "is not valid",
    field_too_short: "is too short (at least 12 characters)",
    role_owner: "Owner",
    role_admin: "Admin",
    role_billing: "Billing",
    role_user: "User",
};

pub static DE: Texts = Texts {
    app_name: "Kontor",
    loading: "Wird geladen …",
    retry: "Erneut versuchen",
    demo_banner: "Demo-Portal: Sie sehen Beispieldaten, kein echtes Kundenkonto.",
    setup_title: "Mit Ihrem Portal verbinden",
    setup_intro: "Geben Sie die Adresse des Kundenportals Ihres Herstellers ein. Sie muss mit https:// beginnen.",
    setup_url: "Portal-Adresse",
    setup_connect: "Verbinden",
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
    seats_of: "von",
    users: "Benutzer",
    next_invoice: "Nächste Rechnung",
    no_invoice: "Keine Rechnung fällig",
    license_expires: "Lizenz gültig bis",
    chart_title: "Lizenzen je Anwendung",
    chart_used: "genutzt",
    chart_free: "frei",
    language: "Sprache",
    portal: "Portal",
    startup_failed: "Kontor kann Ihr Portal nicht erreichen.",
    err_validation: "Bitte prüfen Sie Ihre Eingabe.",
    err_invalid_credentials: "E-Mail oder Passwort ist falsch.",
    err_unauthorized: "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    err_forbidden: "Ihre Rolle erlaubt das nicht.",
    err_not_found: "Nicht gefunden.",
    err_conflict: "Das widerspricht vorhandenen Daten.",
    err_rate_limited: "Zu viele Versuche. Bitte warten Sie einige Minuten.",
    err_network: "Das Portal ist nicht erreichbar. Prüfen Sie Ihre Internetverbindung.",
    err_bad_response: "Das Portal hat unverständlich geantwortet.",
    err_keyring: "Der Schlüsselbund des Systems ist nicht verfügbar.",
    err_not_configured: "Es ist keine Portal-Adresse eingerichtet.",
    err_io: "Eine lokale Datei konnte nicht gelesen oder geschrieben werden.",
    err_internal: "Im Portal ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.",
    field_required: "ist erforderlich",
    field_too_long: "ist zu lang",
    field_invalid_email: "ist keine gültige E-Mail-Adresse",
    field_invalid_token: "ist kein gültiges Lizenz-Token",
    field_invalid_url: "ist keine gültige Web-Adresse",
    field_insecure_url: "muss mit https:// beginnen",
    field_invalid: "ist ungültig",
    field_too_short: "ist zu kurz (mindestens 12 Zeichen)",
    role_owner: "Inhaber",
    role_admin: "Administrator",
    role_billing: "Buchhaltung",
    role_user: "Benutzer",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_choice_then_os() {
        assert_eq!(Lang::pick(Some("en"), "de-DE"), Lang::En);
        assert_eq!(Lang::pick(None, "de_AT.UTF-8"), Lang::De);
        assert_eq!(Lang::pick(None, "fr-FR"), Lang::En);
    }

    #[test]
    fn money_and_dates() {
        assert_eq!(Lang::De.money(123450, "EUR"), "1.234,50 €");
        assert_eq!(Lang::En.money(123450, "EUR"), "€1,234.50");
        assert_eq!(Lang::En.money(5, "USD"), "$0.05");
        assert_eq!(Lang::De.money(100000000, "EUR"), "1.000.000,00 €");
        assert_eq!(Lang::De.date("2026-12-01"), "01.12.2026");
        assert_eq!(Lang::En.date("2026-12-01"), "2026-12-01");
    }
}
