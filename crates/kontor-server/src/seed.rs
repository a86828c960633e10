//! Demo data: the vendor catalog and a customer account with subscription, users, licenses, invoices and a license token.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use kontor_api::{validate, Account, Role};

use crate::clock::{Clock, SystemClock};
use crate::credentials::{hash_password_blocking, hash_token, new_license_token};
use crate::db::{Database, SeedData, SeedProduct, SeedSeats, SeedUser, UserRecord};
use crate::error::ServerError;
use crate::service::accounts::{first_of_month_shifted, iso, package_terms};

/// What to seed. The defaults give the demo account "Muster GmbH"; change customer number, account name and
/// owner e-mail to add a second account to the same database.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub account_name: String,
    pub customer_number: String,
    pub owner_email: String,
    pub owner_name: String,
    pub owner_password: String,
    /// Password of the other users; `None`: they have none (cannot sign in with a password).
    pub user_password: Option<String>,
    /// `None`: a random one.
    pub license_token: Option<String>,
    /// Unix seconds "now" for dates and timestamps; `None`: the system clock.
    pub now: Option<i64>,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            account_name: "Muster GmbH".to_string(),
            customer_number: "K-100042".to_string(),
            owner_email: "admin@muster.example".to_string(),
            owner_name: "Maria Muster".to_string(),
            owner_password: "Demo-Passw0rd!".to_string(),
            user_password: None,
            license_token: None,
            now: None,
        }
    }
}

/// What was seeded; the license token is in clear here and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoSeed {
    pub account_id: String,
    pub owner_email: String,
    pub owner_password: String,
    pub license_token: String,
    pub customer_number: String,
}

/// Product code, name, seats, unit price (EUR cents per seat and month).
const SEATS: [(&str, &str, i64, i64); 3] = [
    ("cmdb", "CMDB Pro", 25, 4_900),
    ("docs", "Documents Add-on", 10, 1_500),
    ("analytics", "Analytics Add-on", 5, 2_900),
];
const EXTRA_PRODUCT: (&str, &str) = ("api", "API Access");
const CURRENCY: &str = "EUR";
/// The demo account's sites; seeded users are spread over them in turn.
const LOCATIONS: [&str; 3] = ["Berlin", "Hamburg", "München"];

/// Display name, e-mail local part, role, assigned products. The owner comes first and takes the owner e-mail.
const USERS: [(&str, &str, Role, &[&str]); 12] = [
    ("", "", Role::Owner, &["cmdb", "docs", "analytics"]),
    (
        "Jonas Becker",
        "jonas.becker",
        Role::Admin,
        &["cmdb", "docs"],
    ),
    ("Lea Schmidt", "lea.schmidt", Role::Billing, &["docs"]),
    (
        "Paul Wagner",
        "paul.wagner",
        Role::User,
        &["cmdb", "analytics"],
    ),
    ("Sophie Hoffmann", "sophie.hoffmann", Role::User, &["cmdb"]),
    (
        "Felix Schulz",
        "felix.schulz",
        Role::User,
        &["cmdb", "docs"],
    ),
    ("Emma Koch", "emma.koch", Role::User, &["cmdb"]),
    (
        "Lukas Richter",
        "lukas.richter",
        Role::User,
        &["cmdb", "analytics"],
    ),
    ("Mia Klein", "mia.klein", Role::User, &["cmdb", "docs"]),
    ("Noah Wolf", "noah.wolf", Role::User, &["cmdb"]),
    (
        "Hannah Neumann",
        "hannah.neumann",
        Role::Admin,
        &["cmdb", "docs", "analytics"],
    ),
    ("Elias Schwarz", "elias.schwarz", Role::User, &["cmdb"]),
];

/// The demo package catalog (`docs/catalog.example.toml`): Starter, Business, Enterprise with add-ons.
pub const DEMO_CATALOG: &str = include_str!("../../../docs/catalog.example.toml");
/// The demo account's package and the add-on it bought (one unit).
const DEMO_PACKAGE: &str = "business";
const DEMO_ADDON: &str = "analytics-5";

/// Loads the demo catalog (idempotent) and puts the account on the middle package, billed monthly for the
/// current month, with one add-on bought; the seat limits follow from package and add-on.
async fn seed_subscription_terms(
    db: &dyn Database,
    account_id: &str,
    period_start: Date,
    period_end: Date,
    addon_since: Date,
) -> Result<(), ServerError> {
    let catalog = crate::service::catalog::parse(DEMO_CATALOG)
        .map_err(|e| ServerError::InvalidSeed(format!("demo catalog: {}", e.join("; "))))?;
    db.import_catalog(&catalog).await?;
    let stored = db.catalog().await?;
    let addons = vec![(DEMO_ADDON.to_string(), 1, iso(addon_since))];
    let terms = package_terms(
        &stored,
        DEMO_PACKAGE,
        "monthly",
        (period_start, period_end),
        &addons,
    )
    .ok_or_else(|| ServerError::InvalidSeed("the demo catalog lacks its package".into()))?;
    db.set_terms(account_id, &terms).await?;
    Ok(())
}

/// Seeds the catalog (idempotent) and one account in one transaction.
/// Fails with [`ServerError::Conflict`] if the customer number exists (e-mail addresses are unique per
/// account only, harden10: a new account may reuse another's).
pub async fn seed_demo(db: &dyn Database, opts: &SeedOptions) -> Result<DemoSeed, ServerError> {
    let bad = |e: validate::FieldError| ServerError::InvalidSeed(e.to_string());
    let owner_email = validate::email("owner_email", &opts.owner_email).map_err(bad)?;
    validate::login_password("owner_password", &opts.owner_password).map_err(bad)?;
    let license_token = match &opts.license_token {
        Some(t) => validate::license_token("license_token", t).map_err(bad)?,
        None => new_license_token(),
    };
    if opts.customer_number.trim().is_empty() || opts.account_name.trim().is_empty() {
        return Err(ServerError::InvalidSeed(
            "customer number and account name are required".to_string(),
        ));
    }
    let domain = owner_email
        .split_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_default();

    let now = opts.now.unwrap_or_else(|| SystemClock.now());
    let today = OffsetDateTime::from_unix_timestamp(now)
        .map_err(|e| ServerError::InvalidSeed(format!("now: {e}")))?
        .date();
    let renews_on = first_of_month_shifted(today, 1)?;
    let this_month = first_of_month_shifted(today, 0)?;
    let started_on = first_of_month_shifted(today, -5)?;
    let license_expires_on = today
        .replace_year(today.year() + 1)
        .or_else(|_| (today - Duration::days(1)).replace_year(today.year() + 1))
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    let created_at = now - 200 * 86_400;

    let account_id = uuid::Uuid::new_v4().to_string();
    let locations: Vec<kontor_api::Location> = LOCATIONS
        .iter()
        .map(|name| kontor_api::Location {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_string(),
        })
        .collect();
    let owner_hash = hash_password_blocking(opts.owner_password.clone()).await?;
    let mut users = Vec::with_capacity(USERS.len());
    for (i, (name, local, role, products)) in USERS.iter().enumerate() {
        let (display_name, email, password_hash) = if i == 0 {
            (
                opts.owner_name.clone(),
                owner_email.clone(),
                Some(owner_hash.clone()),
            )
        } else {
            let hash = match &opts.user_password {
                Some(p) => Some(hash_password_blocking(p.clone()).await?),
                None => None,
            };
            (name.to_string(), format!("{local}@{domain}"), hash)
        };
        users.push(SeedUser {
            user: UserRecord {
                id: uuid::Uuid::new_v4().to_string(),
                account_id: account_id.clone(),
                email,
                display_name,
                role: *role,
                password_hash,
                must_change_password: false,
                created_at: created_at + i as i64 * 3_600,
                deleted_at: None,
            },
            product_codes: products.iter().map(|p| p.to_string()).collect(),
            location_id: Some(locations[i % locations.len()].id.clone()),
            language: None,
        });
    }
    let owner_id = users[0].user.id.clone();

    let monthly: i64 = SEATS.iter().map(|(_, _, n, price)| n * price).sum();
    // The demo invoices are issued through invoicing (seed_invoices, below); none are written here.
    let invoices = Vec::new();

    let mut products: Vec<SeedProduct> = SEATS
        .iter()
        .map(|(code, name, _, _)| SeedProduct {
            code: code.to_string(),
            name: name.to_string(),
        })
        .collect();
    products.push(SeedProduct {
        code: EXTRA_PRODUCT.0.to_string(),
        name: EXTRA_PRODUCT.1.to_string(),
    });

    let data = SeedData {
        products,
        package_code: "business".to_string(),
        package_name: "Business".to_string(),
        package_product_codes: SEATS.iter().map(|s| s.0.to_string()).collect(),
        account: Account {
            id: account_id.clone(),
            customer_number: opts.customer_number.trim().to_string(),
            name: opts.account_name.trim().to_string(),
            created_at,
        },
        started_on: iso(started_on),
        renews_on: iso(renews_on),
        license_expires_on: iso(license_expires_on),
        seats: SEATS
            .iter()
            .map(|(code, _, n, price)| SeedSeats {
                product_code: code.to_string(),
                seats: *n,
                unit_price_cents: *price,
                currency: CURRENCY.to_string(),
            })
            .collect(),
        locations,
        users,
        invoices,
        license_token_hash: hash_token(&license_token),
        license_token_user_id: owner_id,
        license_token_expires_at: now + 365 * 86_400,
        temp_passwords: Vec::new(),
        mails: Vec::new(),
        audit: Vec::new(),
    };
    db.seed(&data).await?;
    seed_subscription_terms(db, &account_id, this_month, renews_on, started_on).await?;
    seed_invoices(
        db,
        &account_id,
        opts.account_name.trim(),
        today,
        now,
        monthly,
    )
    .await?;
    Ok(DemoSeed {
        account_id,
        owner_email,
        owner_password: opts.owner_password.clone(),
        license_token,
        customer_number: data.account.customer_number,
    })
}

// inv8: the demo account's billing address, a monthly price and period, and a year of invoices.
/// A year of demo invoices issued through `service::invoicing::issue` (gapless numbers), with every status:
/// paid (older months), cancelled with its credit note (three months ago), overdue (last month), open
/// (this month, issued today). Also prices the package, sets the monthly period and writes a billing
/// address where those are not set yet.
async fn seed_invoices(
    db: &dyn Database,
    account_id: &str,
    company: &str,
    today: Date,
    now: i64,
    monthly_cents: i64,
) -> Result<(), ServerError> {
    use crate::db::invoices::SeedBilling;
    use crate::service::invoicing::{self, NewInvoice};
    let vendor = crate::vendor::VendorProfile::demo();
    let this_month = first_of_month_shifted(today, 0)?;
    db.seed_billing(&SeedBilling {
        account_id: account_id.to_string(),
        package_code: "business".to_string(),
        monthly_cents,
        yearly_cents: monthly_cents * 10,
        billing_period: "monthly".to_string(),
        period_start: iso(this_month),
        period_end: iso(first_of_month_shifted(today, 1)?),
        company: company.to_string(),
        street: "Musterstraße 12".to_string(),
        postal_code: "80331".to_string(),
        city: "München".to_string(),
        country: "DE".to_string(),
        vat_id: Some("DE811907980".to_string()),
        emails: "[\"rechnung@muster.example\"]".to_string(),
        updated_at: now,
    })
    .await?;
    let actor = crate::domain::Actor {
        account_id: account_id.to_string(),
        user_id: String::new(),
        system: Some("seed".to_string()),
        ip: None,
        at: now,
    };
    let refused = |r: crate::domain::Refusal| ServerError::Internal(r.message().to_string());
    let basis = db
        .billing_basis(account_id)
        .await?
        .ok_or_else(|| ServerError::InvalidSeed("the demo account has no subscription".into()))?;
    for back in (0..12).rev() {
        let start = first_of_month_shifted(this_month, -back)?;
        let last = first_of_month_shifted(this_month, 1 - back)?
            .previous_day()
            .unwrap_or(start);
        let issued_on = if back == 0 { today } else { start };
        // What the subscription bills each period (the catalog's package and add-on prices).
        let lines = invoicing::recurring_lines(&basis, &basis.package, (start, last));
        let issued = invoicing::issue(
            db,
            &vendor,
            &actor,
            &NewInvoice {
                account_id: account_id.to_string(),
                issued_on,
                period_start: start,
                period_end: last,
                lines,
                key: Some(format!("recurring:{}", iso(start))),
                subscription_change_id: None,
            },
        )
        .await?
        .map_err(refused)?;
        let id = issued.invoice.head.id;
        match back {
            0 | 1 => {} // open; last month's is past its due date: overdue
            3 => {
                invoicing::credit(
                    db,
                    &vendor,
                    &actor,
                    account_id,
                    &id,
                    "Seats booked twice",
                    start + Duration::days(5),
                )
                .await?
                .map_err(refused)?;
            }
            _ => {
                let paid_at = now - i64::from(back) * 30 * 86_400;
                db.set_invoice_status(&actor, &id, "paid", Some(paid_at))
                    .await?
                    .map_err(refused)?;
            }
        }
    }
    Ok(())
}
