//! Customer accounts made by the vendor (acct9): `kontor-server accounts create | list | token --rotate`.
//!
//! [`create_account`] writes a new account with its subscription (a package of the catalog, `packages
//! import`), its owner with a temporary password (they must choose their own at the first sign-in) and a
//! license token, in ONE transaction (`db.seed`, the path `seed-demo` takes too), and either answers the
//! secrets for printing or queues them in the outbox for the owner in that same transaction. Input is
//! checked before anything is written: an unknown package, a customer number in use, or an
//! invalid value writes nothing. Tokens and passwords are stored only as hashes. The date helpers and the
//! subscription terms of a catalog package are shared with `seed`.

use std::collections::BTreeMap;

use kontor_api::{validate, Account, Role};
use serde::Serialize;
use time::{Date, Month, OffsetDateTime};

use crate::credentials::{hash_temp_password, hash_token, new_license_token, new_temp_password};
use crate::db::accounts::{AccountRow, NewLicenseToken};
use crate::db::subscriptions::{CatalogRecord, TermsDef};
use crate::db::{AuditEvent, Database, SeedData, SeedProduct, SeedSeats, SeedUser, UserRecord};
use crate::error::ServerError;
use crate::mail::{self, Lang};

/// How long a license token lives.
pub const LICENSE_TOKEN_TTL_SECS: i64 = 365 * 86_400;
/// Longest account name and customer number.
const MAX_NAME: usize = 200;
const MAX_CUSTOMER_NUMBER: usize = 64;

/// The first day of the month `months` away from `d`'s month.
pub fn first_of_month_shifted(d: Date, months: i32) -> Result<Date, ServerError> {
    let total = d.year() * 12 + (d.month() as i32 - 1) + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month =
        Month::try_from((month0 + 1) as u8).map_err(|e| ServerError::Internal(e.to_string()))?;
    Date::from_calendar_date(year, month, 1).map_err(|e| ServerError::Internal(e.to_string()))
}

/// `YYYY-MM-DD`.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// The date of a Unix time.
pub fn date_of(now: i64) -> Result<Date, ServerError> {
    Ok(OffsetDateTime::from_unix_timestamp(now)
        .map_err(|e| ServerError::Usage(format!("time {now}: {e}")))?
        .date())
}

/// The terms of a subscription on `package` of `catalog` with `addons` (code, quantity, since): the seat
/// limit per product is the package's seats plus the add-ons'. `None` if the package is not in the catalog.
pub fn package_terms(
    catalog: &CatalogRecord,
    package: &str,
    billing_period: &str,
    period: (Date, Date),
    addons: &[(String, i64, String)],
) -> Option<TermsDef> {
    catalog.packages.iter().find(|p| p.code == package)?;
    let mut seats: BTreeMap<String, i64> = catalog
        .apps
        .iter()
        .filter(|a| a.package_code == package)
        .map(|a| (a.product_code.clone(), a.seats))
        .collect();
    for (code, qty, _) in addons {
        for a in catalog.addons.iter().filter(|a| &a.code == code) {
            *seats.entry(a.product_code.clone()).or_default() += a.seats * qty;
        }
    }
    Some(TermsDef {
        package_code: package.to_string(),
        billing_period: billing_period.to_string(),
        period_start: iso(period.0),
        period_end: iso(period.1),
        renews_on: iso(period.1),
        addons: addons.to_vec(),
        seats: seats.into_iter().collect(),
    })
}

/// A new customer account as the vendor describes it.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: String,
    pub customer_number: String,
    /// A package code of the catalog.
    pub package: String,
    /// `monthly` or `yearly`.
    pub billing_period: String,
    pub owner_email: String,
    /// Default: the e-mail's local part.
    pub owner_name: Option<String>,
    /// The owner's language (`de`, `en`): their profile's and that of this mail.
    pub language: String,
    /// Queue the secrets in the outbox for the owner instead of answering them.
    pub mail: bool,
    /// The vendor's name in the mail.
    pub vendor_name: String,
}

/// What was created. The secrets are here only when they were not mailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatedAccount {
    pub account_id: String,
    pub customer_number: String,
    pub name: String,
    pub package: String,
    pub owner_email: String,
    /// The secrets went to the owner's address through the outbox.
    pub mailed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_password: Option<String>,
}

/// A text the vendor typed: trimmed, present, at most `max` characters, no control characters.
fn text(field: &str, raw: &str, max: usize) -> Result<String, ServerError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(ServerError::Usage(format!("--{field} is required")));
    }
    if t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(ServerError::Usage(format!(
            "--{field} must be at most {max} characters without control characters"
        )));
    }
    Ok(t.to_string())
}

/// Creates the account (see the module comment). Refusals are `Usage` (bad input) or `Conflict` (in use).
pub async fn create_account(
    db: &dyn Database,
    new: &NewCustomer,
    now: i64,
) -> Result<CreatedAccount, ServerError> {
    let name = text("name", &new.name, MAX_NAME)?;
    let customer_number = text("customer-number", &new.customer_number, MAX_CUSTOMER_NUMBER)?;
    let owner_email = validate::email("owner_email", &new.owner_email)
        .map_err(|e| ServerError::Usage(format!("--owner-email: {e}")))?;
    let owner_name = match &new.owner_name {
        Some(n) => text("owner-name", n, MAX_NAME)?,
        None => owner_email
            .split_once('@')
            .map(|(l, _)| l.to_string())
            .unwrap_or_default(),
    };
    let months = match new.billing_period.as_str() {
        "monthly" => 1,
        "yearly" => 12,
        other => {
            return Err(ServerError::Usage(format!(
                "--billing-period must be monthly or yearly, not {other:?}"
            )))
        }
    };
    let lang = match new.language.as_str() {
        "de" => Lang::De,
        "en" => Lang::En,
        other => {
            return Err(ServerError::Usage(format!(
                "--language must be de or en, not {other:?}"
            )))
        }
    };
    let package_code = new.package.trim();
    let catalog = db.catalog().await?;
    let today = date_of(now)?;
    let period = (
        first_of_month_shifted(today, 0)?,
        first_of_month_shifted(today, months)?,
    );
    let Some(terms) = package_terms(&catalog, package_code, &new.billing_period, period, &[])
    else {
        let known: Vec<&str> = catalog.packages.iter().map(|p| p.code.as_str()).collect();
        return Err(ServerError::Usage(if known.is_empty() {
            format!("unknown package {package_code:?}: the catalog is empty (packages import)")
        } else {
            format!(
                "unknown package {package_code:?} (the catalog has {})",
                known.join(", ")
            )
        }));
    };
    check_unused(db, &customer_number).await?;
    let package = catalog
        .packages
        .iter()
        .find(|p| p.code == package_code)
        .ok_or_else(|| ServerError::Internal("package vanished".to_string()))?;
    let apps: Vec<_> = catalog
        .apps
        .iter()
        .filter(|a| a.package_code == package_code)
        .collect();

    let account_id = uuid::Uuid::new_v4().to_string();
    let owner_id = uuid::Uuid::new_v4().to_string();
    let license_token = new_license_token();
    let password = new_temp_password();
    let mails = if new.mail {
        let rendered = mail::new_account(
            lang,
            &new.vendor_name,
            &mail::NewAccountMail {
                name: &owner_name,
                email: &owner_email,
                account: &name,
                customer_number: &customer_number,
                password: &password,
                license_token: &license_token,
            },
        );
        vec![mail::new_mail(
            "new_account",
            Some(&account_id),
            &owner_email,
            rendered,
            now,
        )]
    } else {
        Vec::new()
    };
    let data = SeedData {
        products: apps
            .iter()
            .map(|a| SeedProduct {
                code: a.product_code.clone(),
                name: a.product_name.clone(),
            })
            .collect(),
        package_code: package.code.clone(),
        package_name: package.name.clone(),
        package_product_codes: apps.iter().map(|a| a.product_code.clone()).collect(),
        account: Account {
            id: account_id.clone(),
            customer_number: customer_number.clone(),
            name: name.clone(),
            created_at: now,
        },
        started_on: iso(today),
        renews_on: terms.renews_on.clone(),
        license_expires_on: iso(date_of(now + LICENSE_TOKEN_TTL_SECS)?),
        seats: apps
            .iter()
            .map(|a| SeedSeats {
                product_code: a.product_code.clone(),
                seats: a.seats,
                unit_price_cents: 0,
                currency: package.currency.clone(),
            })
            .collect(),
        locations: Vec::new(),
        users: vec![SeedUser {
            user: UserRecord {
                id: owner_id.clone(),
                account_id: account_id.clone(),
                email: owner_email.clone(),
                display_name: owner_name,
                role: Role::Owner,
                password_hash: None,
                must_change_password: true,
                created_at: now,
                deleted_at: None,
            },
            product_codes: Vec::new(),
            location_id: None,
            // roles9b: the owner's own language, as their mail's.
            language: Some(new.language.clone()),
        }],
        invoices: Vec::new(),
        license_token_hash: hash_token(&license_token),
        license_token_user_id: owner_id.clone(),
        license_token_expires_at: now + LICENSE_TOKEN_TTL_SECS,
        temp_passwords: vec![(owner_id, hash_temp_password(&password))],
        mails,
        audit: vec![AuditEvent {
            account_id: account_id.clone(),
            actor_user_id: None,
            event: "account.created".to_string(),
            target: Some(format!("{customer_number} ({})", package.code)),
            ip: None,
            at: now,
        }],
    };
    db.seed(&data).await?;
    db.set_terms(&account_id, &terms).await?;
    Ok(CreatedAccount {
        account_id,
        customer_number,
        name,
        package: package.code.clone(),
        owner_email,
        mailed: new.mail,
        license_token: (!new.mail).then_some(license_token),
        temporary_password: (!new.mail).then_some(password),
    })
}

/// The uniqueness check of a new account, in one place: the customer number. The owner's e-mail may have
/// users in other accounts (addresses are unique per account, issue 10; sign-in then offers a choice).
async fn check_unused(db: &dyn Database, customer_number: &str) -> Result<(), ServerError> {
    if db
        .account_by_customer_number(customer_number)
        .await?
        .is_some()
    {
        return Err(ServerError::Conflict(format!(
            "an account with customer number {customer_number} already exists"
        )));
    }
    Ok(())
}

/// Every account, by customer number.
pub async fn list(db: &dyn Database, now: i64) -> Result<Vec<AccountRow>, ServerError> {
    Ok(db.list_accounts(now).await?)
}

/// A rotated license token: in clear here and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotatedToken {
    pub account_id: String,
    pub customer_number: String,
    pub license_token: String,
    pub expires_at: i64,
}

/// A new license token for the account with this customer number; every earlier one stops working, and so
/// does every session started with one of them (roles9b), in the same transaction.
pub async fn rotate_token(
    db: &dyn Database,
    customer_number: &str,
    now: i64,
) -> Result<RotatedToken, ServerError> {
    let number = customer_number.trim();
    let Some(account) = db.account_by_customer_number(number).await? else {
        return Err(ServerError::Usage(format!(
            "no account with customer number {number:?}"
        )));
    };
    let token = new_license_token();
    let expires_at = now + LICENSE_TOKEN_TTL_SECS;
    let stored = db
        .rotate_license_token(
            &NewLicenseToken {
                account_id: account.id.clone(),
                token_hash: hash_token(&token),
                created_at: now,
                expires_at,
            },
            &AuditEvent {
                account_id: account.id.clone(),
                actor_user_id: None,
                event: "account.token_rotated".to_string(),
                target: Some(account.customer_number.clone()),
                ip: None,
                at: now,
            },
        )
        .await?;
    if !stored {
        return Err(ServerError::Usage(format!(
            "account {number} has no owner to hold a license token"
        )));
    }
    Ok(RotatedToken {
        account_id: account.id,
        customer_number: account.customer_number,
        license_token: token,
        expires_at,
    })
}
