//! Subscription and package types: the account's subscription, the package catalog to compare, and the
//! package change (preview, then booking with an idempotency key). Money is integer cents (net), dates ISO.

use crate::billing_details::PaymentMethod;
use serde::{Deserialize, Serialize};

/// How often the subscription is billed; package and add-on prices are per this period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillingPeriod {
    Monthly,
    Yearly,
}

impl BillingPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            BillingPeriod::Monthly => "monthly",
            BillingPeriod::Yearly => "yearly",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "monthly" => Some(BillingPeriod::Monthly),
            "yearly" => Some(BillingPeriod::Yearly),
            _ => None,
        }
    }
}

/// One application of the subscription: the seats the package includes, those add-ons add, the effective
/// limit and how many licenses are assigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionApp {
    pub product_code: String,
    pub product_name: String,
    /// Seats the package includes (0: the application comes only with an add-on).
    pub package_seats: i64,
    /// Seats the bought add-ons add.
    pub addon_seats: i64,
    /// The limit license assignment checks: package seats + add-on seats.
    pub seats: i64,
    pub assigned: i64,
}

/// An add-on bought on top of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionAddon {
    pub code: String,
    pub name: String,
    pub product_code: String,
    pub product_name: String,
    pub quantity: i64,
    /// Seats per unit bought.
    pub seats_per_unit: i64,
    /// Price per unit for the subscription's billing period.
    pub unit_price_cents: i64,
    /// ISO date.
    pub started_on: String,
}

/// A downgrade booked for the end of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingChange {
    pub package_code: String,
    pub package_name: String,
    /// ISO date the change takes effect (the current period's end).
    pub effective_on: String,
}

/// The account's subscription (`GET …/subscription`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub package_code: String,
    pub package_name: String,
    pub billing_period: BillingPeriod,
    /// ISO date the subscription started.
    pub term_start: String,
    /// ISO date the current period began.
    pub period_start: String,
    /// ISO date the current period ends (exclusive: the next period starts that day).
    pub period_end: String,
    /// ISO date the subscription renews.
    pub renews_on: String,
    pub currency: String,
    /// The package's price for the billing period (net cents).
    pub package_price_cents: i64,
    /// Package plus add-ons per billing period (net cents).
    pub recurring_cents: i64,
    /// Applications by product code; the package's and the add-ons' seats apart.
    pub apps: Vec<SubscriptionApp>,
    pub addons: Vec<SubscriptionAddon>,
    pub pending_change: Option<PendingChange>,
    pub payment_method: PaymentMethod,
}

/// Where a catalog package stands against the account's current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PackageRelation {
    Current,
    Higher,
    Lower,
}

/// An application a package includes, with its seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageApp {
    pub product_code: String,
    pub product_name: String,
    pub seats: i64,
}

/// An add-on offered with a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogAddon {
    pub code: String,
    pub name: String,
    pub product_code: String,
    pub product_name: String,
    pub seats_per_unit: i64,
    /// Per unit, for the account's billing period.
    pub price_cents: i64,
}

/// One package of the catalog, priced for the account's billing period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogPackage {
    pub code: String,
    pub name: String,
    pub rank: i64,
    pub price_cents: i64,
    pub currency: String,
    pub relation: PackageRelation,
    pub apps: Vec<PackageApp>,
    pub addons: Vec<CatalogAddon>,
}

/// The catalog for comparison (`GET …/packages`), lowest rank first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageCatalog {
    pub billing_period: BillingPeriod,
    pub packages: Vec<CatalogPackage>,
}

/// `POST …/subscription/preview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePreviewRequest {
    /// The package code to change to.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub package: String,
}

/// `POST …/subscription/change`. The idempotency key may instead come as the `Idempotency-Key` header; the
/// body's wins when both are given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub package: String,
    /// A UUID the client makes once per intended change; the same key books once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 32, max_length = 36, pattern = r"^[0-9A-Fa-f-]{32,36}$")
    )]
    pub idempotency_key: Option<String>,
}

/// Whether a change is an upgrade (at once) or a downgrade (at the period's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Upgrade,
    Downgrade,
}

/// The seat limit of one application before and after a change (0: not included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeatChange {
    pub product_code: String,
    pub product_name: String,
    pub old_seats: i64,
    pub new_seats: i64,
    pub assigned: i64,
}

/// What a package change would do (`POST …/subscription/preview`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePreview {
    pub from_package: String,
    pub from_package_name: String,
    pub to_package: String,
    pub to_package_name: String,
    pub kind: ChangeKind,
    /// Product names the change adds / removes.
    pub apps_gained: Vec<String>,
    pub apps_lost: Vec<String>,
    pub seats: Vec<SeatChange>,
    /// Add-on names that do not fit the new package and end with the change.
    pub addons_dropped: Vec<String>,
    pub currency: String,
    pub old_recurring_cents: i64,
    /// Package plus the add-ons that stay, per billing period (net).
    pub new_recurring_cents: i64,
    /// Charge (> 0) or credit (< 0) for the rest of the period, net: (new − old recurring) × remaining days /
    /// period days, rounded half away from zero. 0 for a downgrade (it starts with the next period).
    pub prorated_cents: i64,
    pub remaining_days: i64,
    pub period_days: i64,
    /// ISO date: today for an upgrade, the period's end for a downgrade.
    pub effective_on: String,
}

/// The proration invoice of an upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeInvoice {
    pub id: String,
    pub number: String,
    pub gross_cents: i64,
    pub currency: String,
}

/// A booked change (`POST …/subscription/change`); the same answer for the same idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeBooked {
    pub change_id: String,
    pub from_package: String,
    pub to_package: String,
    pub kind: ChangeKind,
    pub effective_on: String,
    pub prorated_cents: i64,
    /// The proration invoice (upgrades with a charge).
    pub invoice: Option<ChangeInvoice>,
}

/// One application a downgrade would leave with more licenses assigned than allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverLimit {
    pub product_code: String,
    pub product_name: String,
    pub assigned: u32,
    pub allowed: u32,
}
