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
    pub err_checksum: &'static str,
    pub err_signature: &'static str,
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
    pub import_more: &'static str,
    pub import_commit: &'static str,
    pub import_running: &'static str,
    pub import_cancelled: &'static str,
    pub import_pending: &'static str,
    pub import_resume: &'static str,
    pub import_discard: &'static str,
    pub import_nothing: &'static str,
    pub nav_license: &'static str,
    pub license_title: &'static str,
    pub license_intro: &'static str,
    pub license_save: &'static str,
    pub license_activate: &'static str,
    pub license_drop: &'static str,
    pub license_activations: &'static str,
    pub license_issued: &'static str,
    pub license_machine: &'static str,
    pub license_all_machines: &'static str,
    pub license_issued_on: &'static str,
    pub license_valid_until: &'static str,
    pub license_revoked: &'static str,
    pub nav_downloads: &'static str,
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
    pub downloads_left: &'static str,
    pub downloads_saved_to: &'static str,
    pub downloads_active: &'static str,
    pub about: &'static str,
    pub about_title: &'static str,
    pub about_version: &'static str,
    pub about_portal: &'static str,
    pub about_close: &'static str,
    pub update_check: &'static str,
    pub update_checking: &'static str,
    pub update_current: &'static str,
    pub update_available: &'static str,
    pub update_install: &'static str,
    pub update_later: &'static str,
    pub update_installing: &'static str,
    pub update_installed: &'static str,
    pub update_restart: &'static str,
    pub license_revoke: &'static str,
    pub license_saved: &'static str,
    pub license_not_saved: &'static str,
    pub license_products: &'static str,
    pub license_customer: &'static str,
    pub license_bound: &'static str,
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
    err_checksum: "The downloaded file does not match its published checksum and was removed.",
    err_signature: "The update is not signed by the vendor and was not installed.",
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
    import: "Import…",
    import_title: "Import users",
    import_drop: "Drop an Excel (.xlsx) or CSV file onto this window, or choose one.",
    import_formats: "Kontor's template and the Microsoft 365 bulk-add template are read as they are.",
    import_choose: "Choose file…",
    import_template: "Download template",
    import_reading: "Reading the file…",
    import_rows: "Rows found",
    import_valid: "Valid",
    import_problems: "Problems",
    import_row: "Row",
    import_column: "Column",
    import_reason: "Reason",
    import_more: "more problems not shown",
    import_commit: "Import valid users",
    import_running: "Importing…",
    import_cancelled: "Import stopped. Users already imported stay; you can resume the rest.",
    import_pending: "An import was interrupted:",
    import_resume: "Resume",
    import_discard: "Discard",
    import_nothing: "No valid rows to import.",
    nav_license: "Offline license",
    license_title: "Offline license",
    license_intro: "For installations without internet access: save the license file and copy it to the air-gapped system. For a license bound to one machine, run `kontor-license request` there and drop the request file here.",
    license_save: "Save offline license…",
    license_activate: "Choose activation request…",
    license_drop: "Drop an activation request file onto this window.",
    license_activations: "Machine activations",
    license_issued: "Issued licenses",
    license_machine: "Machine",
    license_all_machines: "Any machine",
    license_issued_on: "Issued",
    license_valid_until: "Valid until",
    license_revoked: "Revoked",
    nav_downloads: "Downloads",
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
    downloads_left: "left",
    downloads_saved_to: "Saved to",
    downloads_active: "Your downloads",
    about: "About",
    about_title: "About Kontor",
    about_version: "Version",
    about_portal: "Portal",
    about_close: "Close",
    update_check: "Check for updates",
    update_checking: "Checking for updates…",
    update_current: "Kontor is up to date.",
    update_available: "A new version of Kontor is available:",
    update_install: "Install update",
    update_later: "Later",
    update_installing: "Downloading and checking the update…",
    update_installed: "The update is installed. Restart Kontor to use version",
    update_restart: "Restart now",
    license_revoke: "Revoke",
    license_saved: "License saved and verified:",
    license_not_saved: "License issued and verified, but not saved (dialog cancelled).",
    license_products: "Products",
    license_customer: "Customer",
    license_bound: "Bound to machine",
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
    err_checksum: "Die heruntergeladene Datei stimmt nicht mit ihrer veröffentlichten Prüfsumme überein und wurde gelöscht.",
    err_signature: "Das Update ist nicht vom Hersteller signiert und wurde nicht installiert.",
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
    import: "Importieren …",
    import_title: "Benutzer importieren",
    import_drop: "Ziehen Sie eine Excel- (.xlsx) oder CSV-Datei auf dieses Fenster oder wählen Sie eine aus.",
    import_formats: "Kontors Vorlage und die Massenimport-Vorlage von Microsoft 365 werden unverändert gelesen.",
    import_choose: "Datei wählen …",
    import_template: "Vorlage herunterladen",
    import_reading: "Datei wird gelesen …",
    import_rows: "Gefundene Zeilen",
    import_valid: "Gültig",
    import_problems: "Probleme",
    import_row: "Zeile",
    import_column: "Spalte",
    import_reason: "Grund",
    import_more: "weitere Probleme nicht angezeigt",
    import_commit: "Gültige Benutzer importieren",
    import_running: "Import läuft …",
    import_cancelled: "Import angehalten. Bereits importierte Benutzer bleiben; den Rest können Sie fortsetzen.",
    import_pending: "Ein Import wurde unterbrochen:",
    import_resume: "Fortsetzen",
    import_discard: "Verwerfen",
    import_nothing: "Keine gültigen Zeilen zum Importieren.",
    nav_license: "Offline-Lizenz",
    license_title: "Offline-Lizenz",
    license_intro: "Für Installationen ohne Internetzugang: Speichern Sie die Lizenzdatei und kopieren Sie sie auf das abgeschottete System. Für eine an einen Rechner gebundene Lizenz führen Sie dort `kontor-license request` aus und ziehen die Anfragedatei hierher.",
    license_save: "Offline-Lizenz speichern …",
    license_activate: "Aktivierungsanfrage wählen …",
    license_drop: "Ziehen Sie eine Aktivierungsanfrage auf dieses Fenster.",
    license_activations: "Rechner-Aktivierungen",
    license_issued: "Ausgestellte Lizenzen",
    license_machine: "Rechner",
    license_all_machines: "Jeder Rechner",
    license_issued_on: "Ausgestellt",
    license_valid_until: "Gültig bis",
    license_revoked: "Widerrufen",
    nav_downloads: "Downloads",
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
    downloads_left: "verbleibend",
    downloads_saved_to: "Gespeichert unter",
    downloads_active: "Ihre Downloads",
    about: "Über",
    about_title: "Über Kontor",
    about_version: "Version",
    about_portal: "Portal",
    about_close: "Schließen",
    update_check: "Nach Updates suchen",
    update_checking: "Suche nach Updates …",
    update_current: "Kontor ist auf dem neuesten Stand.",
    update_available: "Eine neue Version von Kontor ist verfügbar:",
    update_install: "Update installieren",
    update_later: "Später",
    update_installing: "Update wird heruntergeladen und geprüft …",
    update_installed: "Das Update ist installiert. Starten Sie Kontor neu, um die Version zu verwenden:",
    update_restart: "Jetzt neu starten",
    license_revoke: "Widerrufen",
    license_saved: "Lizenz gespeichert und geprüft:",
    license_not_saved: "Lizenz ausgestellt und geprüft, aber nicht gespeichert (Dialog abgebrochen).",
    license_products: "Produkte",
    license_customer: "Kunde",
    license_bound: "Gebunden an Rechner",
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
        assert_eq!(Lang::De.date("2026-12-01"), "01.12.2026");
        assert_eq!(Lang::En.date("2026-12-01"), "2026-12-01");
        assert_eq!(Lang::En.day(0), "1970-01-01");
        assert_eq!(Lang::De.day(1_795_305_600), "22.11.2026");
        assert_eq!(Lang::En.day(951_782_400), "2000-02-29");
    }
}
