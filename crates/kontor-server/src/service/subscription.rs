//! The subscription rules: what the account's subscription and the catalog look like to the customer, what
//! a package change would do (the preview), booking it once per idempotency key, and applying downgrades
//! that are due.
//!
//! Seats: an application's effective limit (`subscription_seats`, what license assignment checks) is the
//! package's seats plus the bought add-ons' seats; add-ons that do not fit the new package end with the
//! change. An upgrade (a package of higher rank) takes effect at once and charges
//! [`prorate`](crate::domain::proration::prorate)`(old recurring, new recurring)` for the rest of the
//! period; a downgrade waits for the period's end (`pending_package_id`) and prorates nothing. A change that
//! would leave more licenses assigned than the new limit is refused with the products and numbers
//! (`SeatsOverLimit`); licenses are never revoked by it.

use std::collections::{BTreeMap, BTreeSet};

use kontor_api::{
    BillingPeriod, CatalogAddon, CatalogPackage, ChangeBooked, ChangeInvoice, ChangeKind,
    ChangePreview, ErrorDetail, FieldProblem, PackageApp, PackageCatalog, PackageRelation,
    PaymentMethod, PendingChange, Resource, SeatChange, Subscription, SubscriptionAddon,
    SubscriptionApp,
};
use time::{Date, Month, OffsetDateTime};

use crate::db::subscriptions::{
    AssignedRow, BoughtAddonRow, CatalogRecord, ChangePlan, ChangeRecord, PackageRow, TermsRow,
};
use crate::db::{Database, SeatRecord};
use crate::domain::proration::prorate;
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::{DbError, DbResult};
use crate::service::invoicing::{self, NewInvoice, NewLine};
use crate::vendor::VendorProfile;

/// The calendar day (UTC) of a Unix time.
pub fn today(now: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(now)
        .map(|t| t.date())
        .unwrap_or(Date::MIN)
}

/// `YYYY-MM-DD`.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A stored ISO date.
fn parse_iso(raw: &str) -> DbResult<Date> {
    let bad = || DbError::Corrupt(format!("not an ISO date: {raw:?}"));
    let mut parts = raw.splitn(3, '-');
    let mut next = || {
        parts
            .next()
            .and_then(|p| p.parse::<i32>().ok())
            .ok_or_else(bad)
    };
    let (y, m, d) = (next()?, next()?, next()?);
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(bad)?;
    Date::from_calendar_date(y, month, u8::try_from(d).map_err(|_| bad())?).map_err(|_| bad())
}

/// `d` shifted by whole months (the day clamped to the month's length).
pub fn add_months(d: Date, months: i32) -> Date {
    let total = d.year() * 12 + (d.month() as i32 - 1) + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = u8::try_from(month0 + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// The length of one billing period in months.
pub fn period_months(p: BillingPeriod) -> i32 {
    match p {
        BillingPeriod::Monthly => 1,
        BillingPeriod::Yearly => 12,
    }
}

/// A catalog price for the billing period.
pub fn price(period: BillingPeriod, monthly: i64, yearly: i64) -> i64 {
    match period {
        BillingPeriod::Monthly => monthly,
        BillingPeriod::Yearly => yearly,
    }
}

/// Everything a view or a change of one account's subscription needs, read once.
struct Context {
    terms: TermsRow,
    period: BillingPeriod,
    period_start: Date,
    period_end: Date,
    catalog: CatalogRecord,
    bought: Vec<BoughtAddonRow>,
    assigned: Vec<AssignedRow>,
    seats: Vec<SeatRecord>,
}

/// The seats per product a package gives with the bought add-ons that fit it: (package, add-on) seats by
/// product code, the add-on codes that do not fit (they end), and the recurring price of package and kept
/// add-ons.
struct SeatPlan {
    seats: BTreeMap<String, (i64, i64)>,
    dropped: Vec<String>,
    recurring: i64,
}

impl Context {
    async fn load(db: &dyn Database, account_id: &str) -> Outcome<Context> {
        let Some(terms) = db.terms(account_id).await? else {
            return Ok(Err(Refusal::not_found(Resource::Subscription)));
        };
        let period = BillingPeriod::parse(&terms.billing_period).ok_or_else(|| {
            DbError::Corrupt(format!("billing period {:?}", terms.billing_period))
        })?;
        let period_end = parse_iso(terms.period_end.as_deref().unwrap_or(&terms.renews_on))?;
        let period_start = match terms.period_start.as_deref() {
            Some(s) => parse_iso(s)?,
            None => add_months(period_end, -period_months(period)),
        };
        Ok(Ok(Context {
            period,
            period_start,
            period_end,
            catalog: db.catalog().await?,
            bought: db.bought_addons(account_id).await?,
            assigned: db.assigned(account_id).await?,
            seats: db.seats(account_id).await?,
            terms,
        }))
    }

    fn package(&self, code: &str) -> Option<&PackageRow> {
        self.catalog.packages.iter().find(|p| p.code == code)
    }

    fn current(&self) -> DbResult<&PackageRow> {
        self.package(&self.terms.package_code).ok_or_else(|| {
            DbError::Corrupt(format!("unknown package {:?}", self.terms.package_code))
        })
    }

    fn fits(&self, package: &str, addon: &str) -> bool {
        self.catalog
            .fits
            .iter()
            .any(|f| f.package_code == package && f.addon_code == addon)
    }

    fn assigned_of(&self, product: &str) -> i64 {
        self.assigned
            .iter()
            .find(|a| a.product_code == product)
            .map(|a| a.assigned)
            .unwrap_or(0)
    }

    /// Product names by code, from the catalog and the seat pools.
    fn names(&self) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        for a in &self.catalog.apps {
            names.insert(a.product_code.clone(), a.product_name.clone());
        }
        for a in &self.catalog.addons {
            names.insert(a.product_code.clone(), a.product_name.clone());
        }
        for s in &self.seats {
            names.insert(s.product_code.clone(), s.product_name.clone());
        }
        names
    }

    /// What `package` with the bought add-ons gives (`keep_all`: count every bought add-on, as the current
    /// subscription does; else only those that fit `package`).
    fn plan(&self, package: &PackageRow, keep_all: bool) -> SeatPlan {
        let mut seats: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for a in self
            .catalog
            .apps
            .iter()
            .filter(|a| a.package_code == package.code)
        {
            seats.entry(a.product_code.clone()).or_default().0 += a.seats;
        }
        let mut dropped = Vec::new();
        let mut recurring = price(self.period, package.monthly_cents, package.yearly_cents);
        for b in &self.bought {
            let Some(addon) = self.catalog.addons.iter().find(|a| a.code == b.addon_code) else {
                continue;
            };
            if !keep_all && !self.fits(&package.code, &addon.code) {
                dropped.push(addon.code.clone());
                continue;
            }
            seats.entry(addon.product_code.clone()).or_default().1 +=
                addon.seats.saturating_mul(b.quantity);
            recurring = recurring.saturating_add(
                price(self.period, addon.monthly_cents, addon.yearly_cents)
                    .saturating_mul(b.quantity),
            );
        }
        SeatPlan {
            seats,
            dropped,
            recurring,
        }
    }
}

/// The account's subscription as the Subscription page shows it.
pub async fn subscription(db: &dyn Database, account_id: &str) -> Outcome<Subscription> {
    let ctx = match Context::load(db, account_id).await? {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let current = ctx.current()?;
    let plan = ctx.plan(current, true);
    let names = ctx.names();
    let mut codes: BTreeSet<String> = plan.seats.keys().cloned().collect();
    codes.extend(ctx.seats.iter().map(|s| s.product_code.clone()));
    let apps = codes
        .into_iter()
        .map(|code| {
            let (package_seats, addon_seats) = plan.seats.get(&code).copied().unwrap_or((0, 0));
            let seats = ctx
                .seats
                .iter()
                .find(|s| s.product_code == code)
                .map(|s| s.seats)
                .unwrap_or(package_seats + addon_seats);
            SubscriptionApp {
                product_name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
                package_seats,
                addon_seats,
                seats,
                assigned: ctx.assigned_of(&code),
                product_code: code,
            }
        })
        .collect();
    let addons = ctx
        .bought
        .iter()
        .filter_map(|b| {
            let a = ctx.catalog.addons.iter().find(|a| a.code == b.addon_code)?;
            Some(SubscriptionAddon {
                code: a.code.clone(),
                name: a.name.clone(),
                product_code: a.product_code.clone(),
                product_name: a.product_name.clone(),
                quantity: b.quantity,
                seats_per_unit: a.seats,
                unit_price_cents: price(ctx.period, a.monthly_cents, a.yearly_cents),
                started_on: b.started_on.clone(),
            })
        })
        .collect();
    let pending_change = ctx.terms.pending_code.as_ref().map(|code| PendingChange {
        package_name: ctx
            .package(code)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| code.clone()),
        package_code: code.clone(),
        effective_on: iso(ctx.period_end),
    });
    Ok(Ok(Subscription {
        package_code: current.code.clone(),
        package_name: current.name.clone(),
        billing_period: ctx.period,
        term_start: ctx.terms.started_on.clone(),
        period_start: iso(ctx.period_start),
        period_end: iso(ctx.period_end),
        renews_on: ctx.terms.renews_on.clone(),
        currency: current.currency.clone(),
        package_price_cents: price(ctx.period, current.monthly_cents, current.yearly_cents),
        recurring_cents: plan.recurring,
        apps,
        addons,
        pending_change,
        payment_method: if ctx.terms.payment_method == "sepa" {
            PaymentMethod::Sepa
        } else {
            PaymentMethod::Invoice
        },
    }))
}

/// The catalog for comparison, priced for the account's billing period, lowest rank first.
pub async fn packages(db: &dyn Database, account_id: &str) -> Outcome<PackageCatalog> {
    let ctx = match Context::load(db, account_id).await? {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let current = ctx.current()?;
    let packages = ctx
        .catalog
        .packages
        .iter()
        .map(|p| CatalogPackage {
            code: p.code.clone(),
            name: p.name.clone(),
            rank: p.rank,
            price_cents: price(ctx.period, p.monthly_cents, p.yearly_cents),
            currency: p.currency.clone(),
            relation: relation(current, p),
            apps: ctx
                .catalog
                .apps
                .iter()
                .filter(|a| a.package_code == p.code)
                .map(|a| PackageApp {
                    product_code: a.product_code.clone(),
                    product_name: a.product_name.clone(),
                    seats: a.seats,
                })
                .collect(),
            addons: ctx
                .catalog
                .addons
                .iter()
                .filter(|a| ctx.fits(&p.code, &a.code))
                .map(|a| CatalogAddon {
                    code: a.code.clone(),
                    name: a.name.clone(),
                    product_code: a.product_code.clone(),
                    product_name: a.product_name.clone(),
                    seats_per_unit: a.seats,
                    price_cents: price(ctx.period, a.monthly_cents, a.yearly_cents),
                })
                .collect(),
        })
        .collect();
    Ok(Ok(PackageCatalog {
        billing_period: ctx.period,
        packages,
    }))
}

/// Where `p` stands against `current`: a higher rank is higher (equal ranks: the higher price).
fn relation(current: &PackageRow, p: &PackageRow) -> PackageRelation {
    if p.code == current.code {
        PackageRelation::Current
    } else if (p.rank, p.monthly_cents, &p.code)
        > (current.rank, current.monthly_cents, &current.code)
    {
        PackageRelation::Higher
    } else {
        PackageRelation::Lower
    }
}

/// A refusal of the requested package (`field` `package`, 422), with the English reason.
fn package_refused(problem: FieldProblem, why: &str) -> Refusal {
    Refusal::Detailed(
        ErrorDetail::Field {
            field: "package".to_string(),
            row: None,
            problem,
        },
        format!("package {why}"),
    )
}

/// Changing to the package the subscription already has (422, `package` unchanged).
pub fn same_package() -> Refusal {
    package_refused(
        FieldProblem::Unchanged,
        "is the subscription's current package",
    )
}

/// An idempotency key already used for a change to another package (409).
pub fn key_reused() -> Refusal {
    Refusal::Conflict("this idempotency key was already used for another change".to_string())
}

/// A preview and the plan that books exactly it.
struct Planned {
    preview: ChangePreview,
    new_seats: BTreeMap<String, i64>,
    names: BTreeMap<String, String>,
    dropped: Vec<String>,
}

fn plan_change(ctx: &Context, package: &str, today: Date) -> DbResult<Result<Planned, Refusal>> {
    let Some(to) = ctx.package(package) else {
        return Ok(Err(package_refused(
            FieldProblem::InvalidId,
            "is not in the catalog",
        )));
    };
    let from = ctx.current()?;
    if to.code == from.code {
        return Ok(Err(same_package()));
    }
    let kind = match relation(from, to) {
        PackageRelation::Higher => ChangeKind::Upgrade,
        _ => ChangeKind::Downgrade,
    };
    let names = ctx.names();
    let old_plan = ctx.plan(from, true);
    let new_plan = ctx.plan(to, false);
    let old_seats: BTreeMap<String, i64> = ctx
        .seats
        .iter()
        .map(|s| (s.product_code.clone(), s.seats))
        .collect();
    let new_seats: BTreeMap<String, i64> = new_plan
        .seats
        .iter()
        .map(|(code, (p, a))| (code.clone(), p + a))
        .filter(|(_, n)| *n > 0)
        .collect();
    let mut codes: BTreeSet<&String> = old_seats.keys().collect();
    codes.extend(new_seats.keys());
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    let mut seats = Vec::new();
    let (mut gained, mut lost) = (Vec::new(), Vec::new());
    for code in codes {
        let old = old_seats.get(code).copied().unwrap_or(0);
        let new = new_seats.get(code).copied().unwrap_or(0);
        if old == 0 && new > 0 {
            gained.push(name(code));
        }
        if old > 0 && new == 0 {
            lost.push(name(code));
        }
        seats.push(SeatChange {
            product_code: code.clone(),
            product_name: name(code),
            old_seats: old,
            new_seats: new,
            assigned: ctx.assigned_of(code),
        });
    }
    let over: Vec<kontor_api::OverLimit> = seats
        .iter()
        .filter(|s| s.assigned > s.new_seats)
        .map(|s| kontor_api::OverLimit {
            product_code: s.product_code.clone(),
            product_name: s.product_name.clone(),
            assigned: u32::try_from(s.assigned).unwrap_or(u32::MAX),
            allowed: u32::try_from(s.new_seats.max(0)).unwrap_or(u32::MAX),
        })
        .collect();
    if !over.is_empty() {
        return Ok(Err(Refusal::because(ErrorDetail::SeatsOverLimit {
            products: over,
        })));
    }
    let p = prorate(
        old_plan.recurring,
        new_plan.recurring,
        ctx.period_start,
        ctx.period_end,
        today,
    );
    let (prorated_cents, effective_on) = match kind {
        ChangeKind::Upgrade => (p.cents, today.clamp(ctx.period_start, ctx.period_end)),
        ChangeKind::Downgrade => (0, ctx.period_end),
    };
    let dropped_names = new_plan
        .dropped
        .iter()
        .filter_map(|c| ctx.catalog.addons.iter().find(|a| &a.code == c))
        .map(|a| a.name.clone())
        .collect();
    Ok(Ok(Planned {
        preview: ChangePreview {
            from_package: from.code.clone(),
            from_package_name: from.name.clone(),
            to_package: to.code.clone(),
            to_package_name: to.name.clone(),
            kind,
            apps_gained: gained,
            apps_lost: lost,
            seats,
            addons_dropped: dropped_names,
            currency: to.currency.clone(),
            old_recurring_cents: old_plan.recurring,
            new_recurring_cents: new_plan.recurring,
            prorated_cents,
            remaining_days: p.remaining_days,
            period_days: p.period_days,
            effective_on: iso(effective_on),
        },
        new_seats,
        names,
        dropped: new_plan.dropped,
    }))
}

/// What changing to `package` on `today` would do; refused like the booking would be.
pub async fn preview(
    db: &dyn Database,
    account_id: &str,
    package: &str,
    today: Date,
) -> Outcome<ChangePreview> {
    let ctx = match Context::load(db, account_id).await? {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    Ok(plan_change(&ctx, package, today)?.map(|p| p.preview))
}

/// An idempotency key: a UUID (any case), as text.
pub fn idempotency_key(raw: &str) -> Result<String, Refusal> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|u| u.to_string())
        .map_err(|_| {
            Refusal::because(ErrorDetail::Field {
                field: "idempotency_key".to_string(),
                row: None,
                problem: kontor_api::FieldProblem::InvalidId,
            })
        })
}

fn booked(r: ChangeRecord) -> ChangeBooked {
    let invoice = match (r.invoice_id, r.invoice_number, r.invoice_gross_cents) {
        (Some(id), Some(number), Some(gross_cents)) => Some(ChangeInvoice {
            id,
            number,
            gross_cents,
            currency: r.invoice_currency.unwrap_or_else(|| "EUR".to_string()),
        }),
        _ => None,
    };
    ChangeBooked {
        change_id: r.id,
        kind: if r.to_rank > r.from_rank {
            ChangeKind::Upgrade
        } else {
            ChangeKind::Downgrade
        },
        from_package: r.from_code,
        to_package: r.to_code,
        effective_on: r.effective_on,
        prorated_cents: r.prorated_cents,
        invoice,
    }
}

/// The proration invoice of an upgrade with a charge, issued through `service::invoicing` (gapless number,
/// address snapshot, VAT) with the key `change:<change id>` and linked to the change in the same
/// transaction, so a retry after a lost answer or a crash issues nothing twice. Other changes: as they are.
async fn with_invoice(
    db: &dyn Database,
    vendor: &VendorProfile,
    actor: &Actor,
    record: ChangeRecord,
    today: Date,
) -> Outcome<ChangeBooked> {
    let mut out = booked(record.clone());
    if out.kind != ChangeKind::Upgrade || out.prorated_cents <= 0 || out.invoice.is_some() {
        return Ok(Ok(out));
    }
    let ctx = match Context::load(db, &actor.account_id).await? {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let name = |code: &str| {
        ctx.package(code)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let start = parse_iso(&record.effective_on).unwrap_or(today);
    // The period is [start, end): the invoice names its last day.
    let last = ctx.period_end.previous_day().unwrap_or(start).max(start);
    let new = NewInvoice {
        account_id: actor.account_id.clone(),
        issued_on: today,
        period_start: start,
        period_end: last,
        lines: vec![NewLine {
            description: format!(
                "Package change {} → {} (prorated for the rest of the period)",
                name(&record.from_code),
                name(&record.to_code)
            ),
            quantity: 1,
            unit_price_cents: record.prorated_cents,
            period: Some((start, last)),
        }],
        key: Some(format!("change:{}", record.id)),
        subscription_change_id: Some(record.id.clone()),
    };
    // Parallel requests of one key race to issue with the same issue key; on PostgreSQL the loser fails on
    // the key's uniqueness and, asked again, answers the winner's invoice.
    let issued = match invoicing::issue(db, vendor, actor, &new).await {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!(error = %e, "proration invoice: issuing again after a race");
            invoicing::issue(db, vendor, actor, &new).await?
        }
    };
    let issued = match issued {
        Ok(i) => i,
        Err(r) => return Ok(Err(r)),
    };
    let head = issued.invoice.head;
    out.invoice = Some(ChangeInvoice {
        id: head.id,
        number: head.number,
        gross_cents: head.gross_cents,
        currency: head.currency,
    });
    Ok(Ok(out))
}

/// Books the change to `package` once per `key` (a UUID): the same key again answers the first booking,
/// also while it is being booked in parallel; a key used for another package is refused. An upgrade with a
/// charge gets its proration invoice ([`with_invoice`]).
pub async fn change(
    db: &dyn Database,
    vendor: &VendorProfile,
    actor: &Actor,
    package: &str,
    key: &str,
    today: Date,
) -> Outcome<ChangeBooked> {
    match book(db, actor, package, key, today).await? {
        Ok(record) => with_invoice(db, vendor, actor, record, today).await,
        Err(r) => Ok(Err(r)),
    }
}

/// Books the change (or finds the booking of this key); no invoice.
async fn book(
    db: &dyn Database,
    actor: &Actor,
    package: &str,
    key: &str,
    today: Date,
) -> Outcome<ChangeRecord> {
    let key = match idempotency_key(key) {
        Ok(k) => k,
        Err(r) => return Ok(Err(r)),
    };
    if let Some(done) = db.change_by_key(&actor.account_id, &key).await? {
        if done.to_code == package {
            return Ok(Ok(done));
        }
        return Ok(Err(key_reused()));
    }
    let ctx = match Context::load(db, &actor.account_id).await? {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let planned = match plan_change(&ctx, package, today)? {
        Ok(p) => p,
        Err(r) => {
            // A parallel request with the same key may have booked it meanwhile.
            if let Some(done) = db.change_by_key(&actor.account_id, &key).await? {
                if done.to_code == package {
                    return Ok(Ok(done));
                }
            }
            return Ok(Err(r));
        }
    };
    let plan = ChangePlan {
        id: uuid::Uuid::new_v4().to_string(),
        idempotency_key: key,
        from_code: planned.preview.from_package.clone(),
        to_code: planned.preview.to_package.clone(),
        at_once: planned.preview.kind == ChangeKind::Upgrade,
        effective_on: planned.preview.effective_on.clone(),
        prorated_cents: planned.preview.prorated_cents,
        new_seats: planned.new_seats,
        product_names: planned.names,
        dropped_addons: planned.dropped,
    };
    db.book_change(actor, &plan).await
}

/// One due downgrade: the account and whether it was applied (a refusal: licenses over the new limit, it
/// stays pending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub account_id: String,
    pub package_code: String,
    pub result: Result<(), Refusal>,
}

/// Applies every downgrade due on `today` or before (called by the server hourly and by the invoice run).
/// A downgrade whose account has more licenses assigned than the new package allows stays pending and is
/// reported (never revoked).
pub async fn apply_due_changes(db: &dyn Database, today: Date, at: i64) -> DbResult<Vec<Applied>> {
    let mut out = Vec::new();
    for due in db.due_changes(&iso(today)).await? {
        let ctx = match Context::load(db, &due.account_id).await? {
            Ok(c) => c,
            Err(_) => continue,
        };
        let Some(to) = ctx.package(&due.pending_code) else {
            continue;
        };
        let plan = ctx.plan(to, false);
        let new_seats: BTreeMap<String, i64> = plan
            .seats
            .iter()
            .map(|(c, (p, a))| (c.clone(), p + a))
            .filter(|(_, n)| *n > 0)
            .collect();
        let actor = Actor {
            account_id: due.account_id.clone(),
            user_id: String::new(),
            system: Some("server".to_string()),
            ip: None,
            at,
        };
        let result = db
            .apply_pending(
                &actor,
                &due.pending_code,
                &new_seats,
                &ctx.names(),
                &plan.dropped,
            )
            .await?;
        if let Err(r) = &result {
            tracing::warn!(account = %due.account_id, reason = %r.message(), "downgrade not applied");
        }
        out.push(Applied {
            account_id: due.account_id,
            package_code: due.pending_code,
            result,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_shift_with_the_day_clamped() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(
            add_months(date!(2026 - 03 - 01), -12),
            date!(2025 - 03 - 01)
        );
        assert_eq!(parse_iso("2026-06-01").ok(), Some(date!(2026 - 06 - 01)));
        assert!(parse_iso("2026-13-01").is_err());
        assert_eq!(iso(date!(2026 - 06 - 01)), "2026-06-01");
    }
}
