//! The vendor profile: who issues the invoices (letterhead, VAT ID, bank account, VAT rate, payment terms,
//! invoice number prefix), read from a TOML file (`serve --vendor-profile FILE`, env
//! `KONTOR_VENDOR_PROFILE`) and validated at start. Without a file the built-in [`VendorProfile::demo`]
//! profile is used; it says so in its name and in [`VendorProfile::is_demo`].

use std::path::Path;

use serde::Deserialize;

/// The vendor's bank account (named on invoices paid by transfer).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorBank {
    pub holder: String,
    pub iban: String,
    #[serde(default)]
    pub bic: Option<String>,
    #[serde(default)]
    pub bank_name: Option<String>,
}

/// Who issues the invoices. Money rules: `vat_rate_bp` in basis points (1900 = 19 %).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorProfile {
    pub name: String,
    #[serde(default)]
    pub addressee: Option<String>,
    pub street: String,
    #[serde(default)]
    pub street2: Option<String>,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    pub country: String,
    pub vat_id: String,
    #[serde(default)]
    pub tax_number: Option<String>,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// E.g. "Amtsgericht Musterstadt HRB 12345".
    #[serde(default)]
    pub register: Option<String>,
    #[serde(default)]
    pub managing_directors: Option<String>,
    /// SEPA creditor identifier (named on direct-debit invoices).
    #[serde(default)]
    pub creditor_id: Option<String>,
    pub bank: VendorBank,
    pub vat_rate_bp: u32,
    pub payment_term_days: u32,
    /// Invoice numbers are `<prefix>-<year>-<000001>`, gapless per prefix and year.
    pub invoice_prefix: String,
    /// ISO 4217.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// support9: the help links and the support address (`[support]`, optional).
    #[serde(default)]
    pub support: VendorSupport,
    /// roles9b: who besides Owner and Admin may download installers (`[downloads]`, optional).
    #[serde(default)]
    pub downloads: VendorDownloads,
    /// Set only by [`VendorProfile::demo`].
    #[serde(skip)]
    demo: bool,
}

/// support9: where the app's Help page points and where support tickets are mailed (`[support]` in the
/// profile file). Every link is optional; each must be `https://` (or `http://` on loopback, for a demo).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSupport {
    /// Tickets are mailed here; default: the profile's `email`.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub knowledge_base: Option<String>,
    #[serde(default)]
    pub status_page: Option<String>,
    #[serde(default)]
    pub release_notes: Option<String>,
}

impl VendorSupport {
    /// The links as the app gets them.
    pub fn links(&self) -> kontor_api::HelpLinks {
        kontor_api::HelpLinks {
            documentation: self.documentation.clone(),
            knowledge_base: self.knowledge_base.clone(),
            status_page: self.status_page.clone(),
            release_notes: self.release_notes.clone(),
        }
    }
}

/// roles9b: `[downloads]` of the profile. Owner and Admin always download installers; the User role only
/// when `users = true` (default false: least privilege). Billing never (it manages money, not installs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorDownloads {
    /// The User role may see the installer catalog and download its files.
    #[serde(default)]
    pub users: bool,
}

fn default_currency() -> String {
    "EUR".to_string()
}

/// The EU member states (ISO 3166-1 alpha-2), for the reverse-charge rule.
pub const EU_COUNTRIES: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

impl VendorProfile {
    /// The built-in demo profile (clearly marked: "DEMO" in the name, an example IBAN).
    pub fn demo() -> Self {
        Self {
            name: "Kontor Demo GmbH (DEMO – no real vendor)".to_string(),
            addressee: None,
            street: "Musterstraße 1".to_string(),
            street2: None,
            postal_code: "10115".to_string(),
            city: "Berlin".to_string(),
            country: "DE".to_string(),
            vat_id: "DE136695976".to_string(),
            tax_number: Some("30/123/45678".to_string()),
            email: "billing@demo.invalid".to_string(),
            phone: Some("+49 30 1234567".to_string()),
            website: Some("https://demo.invalid".to_string()),
            register: Some("Amtsgericht Charlottenburg HRB 000000 (demo)".to_string()),
            managing_directors: Some("Erika Mustermann".to_string()),
            creditor_id: Some("DE98ZZZ09999999999".to_string()),
            bank: VendorBank {
                holder: "Kontor Demo GmbH".to_string(),
                iban: "DE89370400440532013000".to_string(),
                bic: Some("COBADEFFXXX".to_string()),
                bank_name: Some("Demo Bank".to_string()),
            },
            vat_rate_bp: 1900,
            payment_term_days: 14,
            invoice_prefix: "RE".to_string(),
            currency: "EUR".to_string(),
            support: VendorSupport {
                email: Some("support@demo.invalid".to_string()),
                documentation: Some("https://docs.demo.invalid/kontor".to_string()),
                knowledge_base: Some("https://help.demo.invalid/kb".to_string()),
                status_page: Some("https://status.demo.invalid".to_string()),
                release_notes: Some("https://docs.demo.invalid/kontor/releases".to_string()),
            },
            downloads: VendorDownloads::default(),
            demo: true,
        }
    }

    /// Whether this is the built-in demo profile.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// Reads and validates a profile file; the error is one line naming the file and the problem.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("vendor profile {}: cannot read: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("vendor profile {}: {e}", path.display()))
    }

    /// Parses and validates TOML text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let profile: Self = toml::from_str(text).map_err(|e| {
            e.to_string()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })?;
        profile.validate()?;
        Ok(profile)
    }

    /// Checks every field a document needs; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let required = [
            ("name", &self.name),
            ("street", &self.street),
            ("postal_code", &self.postal_code),
            ("city", &self.city),
            ("vat_id", &self.vat_id),
            ("email", &self.email),
            ("bank.holder", &self.bank.holder),
            ("invoice_prefix", &self.invoice_prefix),
        ];
        for (field, value) in required {
            if value.trim().is_empty() {
                return Err(format!("{field} must not be empty"));
            }
        }
        if self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "country must be an ISO 3166-1 alpha-2 code such as \"DE\", not {:?}",
                self.country
            ));
        }
        let vat_country = self.vat_id.get(..2).unwrap_or("");
        if !vat_country.bytes().all(|b| b.is_ascii_uppercase()) || self.vat_id.len() < 4 {
            return Err(format!(
                "vat_id must start with its country code, e.g. \"DE123456789\", not {:?}",
                self.vat_id
            ));
        }
        if !self.email.contains('@') {
            return Err(format!("email {:?} is not an e-mail address", self.email));
        }
        let iban: String = self.bank.iban.split_whitespace().collect();
        if !iban_ok(&iban) {
            return Err(format!(
                "bank.iban {:?} is not a valid IBAN",
                self.bank.iban
            ));
        }
        if self.vat_rate_bp > 10_000 {
            return Err(format!(
                "vat_rate_bp is in basis points (1900 = 19 %); {} is over 100 %",
                self.vat_rate_bp
            ));
        }
        if self.payment_term_days > 365 {
            return Err("payment_term_days must be at most 365".to_string());
        }
        let prefix_ok = self.invoice_prefix.len() <= 16
            && self
                .invoice_prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !prefix_ok {
            return Err(format!(
                "invoice_prefix {:?}: at most 16 letters, digits, '-' or '_'",
                self.invoice_prefix
            ));
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "currency must be an ISO 4217 code such as \"EUR\", not {:?}",
                self.currency
            ));
        }
        // support9
        if let Some(e) = &self.support.email {
            if !e.contains('@') {
                return Err(format!("support.email {e:?} is not an e-mail address"));
            }
        }
        let links = [
            ("support.documentation", &self.support.documentation),
            ("support.knowledge_base", &self.support.knowledge_base),
            ("support.status_page", &self.support.status_page),
            ("support.release_notes", &self.support.release_notes),
        ];
        for (field, link) in links {
            if let Some(l) = link {
                if !kontor_api::support::is_help_url(l) {
                    return Err(format!(
                        "{field} {l:?} must be an https:// address (http:// only on this computer)"
                    ));
                }
            }
        }
        Ok(())
    }

    /// support9: where support tickets are mailed.
    pub fn support_email(&self) -> &str {
        self.support.email.as_deref().unwrap_or(&self.email)
    }

    /// Whether the vendor is in the EU (reverse charge applies only then).
    pub fn in_eu(&self) -> bool {
        EU_COUNTRIES.contains(&self.country.as_str())
    }
}

/// ISO 13616 mod-97 check on a compact upper-case IBAN (the shape only; sepa8 owns the full rules).
fn iban_ok(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_profile_is_valid_and_marked() {
        let d = VendorProfile::demo();
        assert_eq!(d.validate(), Ok(()));
        assert!(d.is_demo());
        assert!(d.name.contains("DEMO"));
    }

    #[test]
    fn the_example_file_parses() {
        let text = include_str!("../../../docs/vendor-profile.example.toml");
        let p = VendorProfile::parse(text).expect("example parses");
        assert!(!p.is_demo());
        assert_eq!(p.vat_rate_bp, 1900);
    }

    #[test]
    fn bad_profiles_name_the_field() {
        let text = include_str!("../../../docs/vendor-profile.example.toml");
        let bad_iban = text.replace("DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 01");
        assert!(VendorProfile::parse(&bad_iban)
            .expect_err("bad iban")
            .contains("bank.iban"));
        let bad_country = text.replace("country = \"DE\"", "country = \"Germany\"");
        assert!(VendorProfile::parse(&bad_country)
            .expect_err("bad country")
            .contains("country"));
        let insecure = text.replace(
            "https://docs.musterfirma.example/kontor\"",
            "http://docs.musterfirma.example/kontor\"",
        );
        assert!(VendorProfile::parse(&insecure)
            .expect_err("insecure link")
            .contains("support.documentation"));
        let unknown = format!("{text}\nsurprise = 1\n");
        assert!(VendorProfile::parse(&unknown)
            .expect_err("unknown field")
            .contains("surprise"));
    }

    // roles9b
    #[test]
    fn downloads_for_users_are_off_unless_the_profile_says_so() {
        let text = include_str!("../../../docs/vendor-profile.example.toml");
        assert!(!VendorProfile::demo().downloads.users);
        assert!(!VendorProfile::parse(text).expect("example").downloads.users);
        let without: String = text
            .lines()
            .filter(|l| !l.starts_with("[downloads]") && !l.starts_with("users ="))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            !VendorProfile::parse(&without)
                .expect("no [downloads]")
                .downloads
                .users
        );
        let on = text.replace("users = false", "users = true");
        assert!(
            VendorProfile::parse(&on)
                .expect("users = true")
                .downloads
                .users
        );
        let typo = text.replace("users = false", "user = true");
        assert!(VendorProfile::parse(&typo)
            .expect_err("unknown key")
            .contains("user"));
    }
}
