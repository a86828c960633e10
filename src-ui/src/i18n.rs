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
    pub nav_users: &'static str,
    pub users_title: &'static str,
    pub tab_users: &'static str,
    pub tab_deleted: &'static str,
    pub search_placeholder: &'static str,
    pub all_roles: &'static str,
    pub all_licenses: &'static str,
    pub all_locations: &'static str,
    pub all_statuses: &'static str,
    pub col_name: &'static str,
    pub col_email: &'static str,
    pub col_role: &'static str,
    pub col_location: &'static str,
    pub col_licenses: &'static str,
    pub col_status: &'static str,
    pub col_deleted: &'static str,
    pub col_purge: &'static str,
    pub status_active: &'static str,
    pub status_password_change: &'static str,
    pub status_deleted: &'static str,
    pub add_user: &'static str,
    pub add_another: &'static str,
    pub create_users: &'static str,
    pub pending_users: &'static str,
    pub cancel: &'static str,
    pub close: &'static str,
    pub manage_licenses: &'static str,
    pub assign: &'static str,
    pub revoke: &'static str,
    pub keep: &'static str,
    pub apply: &'static str,
    pub delete_selected: &'static str,
    pub restore_selected: &'static str,
    pub reset_password: &'static str,
    pub confirm_delete: &'static str,
    pub selected: &'static str,
    pub users_found: &'static str,
    pub none_found: &'static str,
    pub created_title: &'static str,
    pub created_intro: &'static str,
    pub temporary_password: &'static str,
    pub save_csv: &'static str,
    pub print: &'static str,
    pub saved_to: &'static str,
    pub restored_title: &'static str,
    pub not_restored: &'static str,
    pub deleted_done: &'static str,
    pub failed: &'static str,
    pub licenses_changed: &'static str,
    pub free: &'static str,
    pub location_none: &'static str,
    pub change_password_title: &'static str,
    pub change_password_intro: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub passwords_differ: &'static str,
    pub save_password: &'static str,
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
    nav_users: "Users",
    users_title: "Users and licenses",
    tab_users: "Users",
    tab_deleted: "Deleted users",
    search_placeholder: "Search name or e-mail",
    all_roles: "All roles",
    all_licenses: "All licenses",
    all_locations: "All locations",
    all_statuses: "All statuses",
    col_name: "Name",
    col_email: "E-mail",
    col_role: "Role",
    col_location: "Location",
    col_licenses: "Licenses",
    col_status: "Status",
    col_deleted: "Deleted on",
    col_purge: "Removed for good on",
    status_active: "Active",
    status_password_change: "Must set password",
    status_deleted: "Deleted",
    add_user: "Add user",
    add_another: "Add another",
    create_users: "Create",
    pending_users: "Also to be created:",
    cancel: "Cancel",
    close: "Close",
    manage_licenses: "Manage licenses",
    assign: "Assign",
    revoke: "Revoke",
    keep: "Keep",
    apply: "Apply",
    delete_selected: "Delete",
    restore_selected: "Restore",
    reset_password: "Reset password",
    confirm_delete: "Delete the selected users? You can restore them within 30 days.",
    selected: "selected",
    users_found: "users",
    none_found: "No users match the filter.",
    created_title: "Users created",
    created_intro: "Give each user their temporary password; they choose their own at the first sign-in. The passwords are shown only now.",
    temporary_password: "Temporary password",
    save_csv: "Save as CSV…",
    print: "Print",
    saved_to: "Saved to",
    restored_title: "Users restored",
    not_restored: "Licenses not given back (no free seats):",
    deleted_done: "Users deleted:",
    failed: "Failed:",
    licenses_changed: "Licenses changed:",
    free: "free",
    location_none: "No location",
    change_password_title: "Choose your password",
    change_password_intro: "You signed in with a temporary password. Choose your own to continue (at least 12 characters).",
    current_password: "Current (temporary) password",
    new_password: "New password",
    repeat_password: "Repeat the new password",
    passwords_differ: "The two new passwords differ.",
    save_password: "Save password",
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
    nav_users: "Benutzer",
    users_title: "Benutzer und Lizenzen",
    tab_users: "Benutzer",
    tab_deleted: "Gelöschte Benutzer",
    search_placeholder: "Name oder E-Mail suchen",
    all_roles: "Alle Rollen",
    all_licenses: "Alle Lizenzen",
    all_locations: "Alle Standorte",
    all_statuses: "Alle Status",
    col_name: "Name",
    col_email: "E-Mail",
    col_role: "Rolle",
    col_location: "Standort",
    col_licenses: "Lizenzen",
    col_status: "Status",
    col_deleted: "Gelöscht am",
    col_purge: "Endgültig entfernt am",
    status_active: "Aktiv",
    status_password_change: "Muss Passwort festlegen",
    status_deleted: "Gelöscht",
    add_user: "Benutzer anlegen",
    add_another: "Weiteren hinzufügen",
    create_users: "Anlegen",
    pending_users: "Ebenfalls anzulegen:",
    cancel: "Abbrechen",
    close: "Schließen",
    manage_licenses: "Lizenzen verwalten",
    assign: "Zuweisen",
    revoke: "Entziehen",
    keep: "Unverändert",
    apply: "Übernehmen",
    delete_selected: "Löschen",
    restore_selected: "Wiederherstellen",
    reset_password: "Passwort zurücksetzen",
    confirm_delete: "Ausgewählte Benutzer löschen? Sie können sie 30 Tage lang wiederherstellen.",
    selected: "ausgewählt",
    users_found: "Benutzer",
    none_found: "Keine Benutzer passen zum Filter.",
    created_title: "Benutzer angelegt",
    created_intro: "Geben Sie jedem Benutzer sein vorläufiges Passwort; bei der ersten Anmeldung wählt er ein eigenes. Die Passwörter werden nur jetzt angezeigt.",
    temporary_password: "Vorläufiges Passwort",
    save_csv: "Als CSV speichern …",
    print: "Drucken",
    saved_to: "Gespeichert unter",
    restored_title: "Benutzer wiederhergestellt",
    not_restored: "Nicht zurückgegebene Lizenzen (keine freien Plätze):",
    deleted_done: "Gelöschte Benutzer:",
    failed: "Fehlgeschlagen:",
    licenses_changed: "Geänderte Lizenzen:",
    free: "frei",
    location_none: "Kein Standort",
    change_password_title: "Eigenes Passwort festlegen",
    change_password_intro: "Sie haben sich mit einem vorläufigen Passwort angemeldet. Legen Sie ein eigenes fest, um fortzufahren (mindestens 12 Zeichen).",
    current_password: "Aktuelles (vorläufiges) Passwort",
    new_password: "Neues Passwort",
    repeat_password: "Neues Passwort wiederholen",
    passwords_differ: "Die beiden neuen Passwörter stimmen nicht überein.",
    save_password: "Passwort speichern",
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
        assert_eq!(Lang::En.day(0), "1970-01-01");
        assert_eq!(Lang::De.day(1_795_305_600), "22.11.2026");
        assert_eq!(Lang::En.day(951_782_400), "2000-02-29");
    }
}
