//! Account (tenant) and dashboard types.

use serde::{Deserialize, Serialize};

/// A customer account: one tenant of the vendor's portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: String,
    pub customer_number: String,
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// Seats of one product: bought with the subscription, and assigned to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductSeats {
    pub product_code: String,
    pub product_name: String,
    pub seats_used: i64,
    pub seats_total: i64,
}

/// The next invoice the subscription will produce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NextInvoice {
    /// ISO date `YYYY-MM-DD`.
    pub date: String,
    pub amount_cents: i64,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
}

/// Everything the dashboard shows, computed by the server from the account's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardSummary {
    pub account: Account,
    pub package_name: String,
    /// Sum over all products.
    pub seats_used: i64,
    pub seats_total: i64,
    pub next_invoice: Option<NextInvoice>,
    /// ISO date `YYYY-MM-DD` the current license term ends.
    pub license_expires_on: Option<String>,
    /// Per product, for the chart.
    pub products: Vec<ProductSeats>,
    /// Active (not deleted) users of the account.
    pub user_count: i64,
}
