//! The vendor's package catalog file (`kontor-server packages import --file catalog.toml`, format in
//! `docs/catalog.example.toml`): parsed and validated into a [`CatalogDef`], every error located
//! (`packages[1].apps[0].product: …`, or the TOML parser's line and column).

use std::collections::{BTreeSet, HashSet};

use serde::Deserialize;

use crate::db::subscriptions::{AddonDef, CatalogDef, PackageDef, ProductDef};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCatalog {
    #[serde(default)]
    products: Vec<FileProduct>,
    #[serde(default)]
    packages: Vec<FilePackage>,
    #[serde(default)]
    addons: Vec<FileAddon>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProduct {
    code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileApp {
    product: String,
    seats: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePackage {
    code: String,
    name: String,
    rank: i64,
    currency: String,
    monthly_cents: i64,
    yearly_cents: i64,
    apps: Vec<FileApp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAddon {
    code: String,
    name: String,
    product: String,
    seats: i64,
    currency: String,
    monthly_cents: i64,
    yearly_cents: i64,
    packages: Vec<String>,
}

/// A code: 1–64 characters of `a-z`, `0-9`, `-`, `_`.
fn check_code(at: &str, raw: &str, errors: &mut Vec<String>) {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !ok {
        errors.push(format!(
            "{at}: {raw:?} is not a code (1–64 of a-z, 0-9, - and _)"
        ));
    }
}

fn check_name(at: &str, raw: &str, errors: &mut Vec<String>) {
    if raw.trim().is_empty() || raw.chars().count() > 200 || raw.chars().any(char::is_control) {
        errors.push(format!(
            "{at}: a name of 1–200 characters without control characters is required"
        ));
    }
}

fn check_cents(at: &str, v: i64, errors: &mut Vec<String>) {
    if !(0..=100_000_000_000).contains(&v) {
        errors.push(format!(
            "{at}: {v} is not an amount in cents (0 to 100,000,000,000)"
        ));
    }
}

fn check_currency(at: &str, raw: &str, errors: &mut Vec<String>) {
    if raw.len() != 3 || !raw.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.push(format!(
            "{at}: {raw:?} is not an ISO 4217 currency code (e.g. EUR)"
        ));
    }
}

/// Parses and validates a catalog file; `Err` lists every problem, one per line, each with its place.
pub fn parse(text: &str) -> Result<CatalogDef, Vec<String>> {
    let file: FileCatalog = toml::from_str(text).map_err(|e| {
        vec![e
            .to_string()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")]
    })?;
    let mut errors = Vec::new();
    let mut products = HashSet::new();
    for (i, p) in file.products.iter().enumerate() {
        check_code(&format!("products[{i}].code"), &p.code, &mut errors);
        check_name(&format!("products[{i}].name"), &p.name, &mut errors);
        if !products.insert(p.code.as_str()) {
            errors.push(format!("products[{i}].code: {:?} is defined twice", p.code));
        }
    }
    if file.packages.is_empty() {
        errors.push("packages: at least one [[packages]] is required".to_string());
    }
    let mut packages = HashSet::new();
    let mut ranks = BTreeSet::new();
    for (i, p) in file.packages.iter().enumerate() {
        let at = format!("packages[{i}]");
        check_code(&format!("{at}.code"), &p.code, &mut errors);
        check_name(&format!("{at}.name"), &p.name, &mut errors);
        check_currency(&format!("{at}.currency"), &p.currency, &mut errors);
        check_cents(&format!("{at}.monthly_cents"), p.monthly_cents, &mut errors);
        check_cents(&format!("{at}.yearly_cents"), p.yearly_cents, &mut errors);
        if !packages.insert(p.code.as_str()) {
            errors.push(format!("{at}.code: {:?} is defined twice", p.code));
        }
        if p.rank < 0 || !ranks.insert(p.rank) {
            errors.push(format!(
                "{at}.rank: {} must be 0 or more and differ from every other package's",
                p.rank
            ));
        }
        if p.apps.is_empty() {
            errors.push(format!(
                "{at}.apps: a package includes at least one application"
            ));
        }
        let mut seen = HashSet::new();
        for (j, a) in p.apps.iter().enumerate() {
            if !products.contains(a.product.as_str()) {
                errors.push(format!(
                    "{at}.apps[{j}].product: {:?} is not in [[products]]",
                    a.product
                ));
            }
            if !seen.insert(a.product.as_str()) {
                errors.push(format!(
                    "{at}.apps[{j}].product: {:?} is named twice",
                    a.product
                ));
            }
            if !(1..=1_000_000).contains(&a.seats) {
                errors.push(format!(
                    "{at}.apps[{j}].seats: {} is not between 1 and 1,000,000",
                    a.seats
                ));
            }
        }
    }
    let mut addons = HashSet::new();
    for (i, a) in file.addons.iter().enumerate() {
        let at = format!("addons[{i}]");
        check_code(&format!("{at}.code"), &a.code, &mut errors);
        check_name(&format!("{at}.name"), &a.name, &mut errors);
        check_currency(&format!("{at}.currency"), &a.currency, &mut errors);
        check_cents(&format!("{at}.monthly_cents"), a.monthly_cents, &mut errors);
        check_cents(&format!("{at}.yearly_cents"), a.yearly_cents, &mut errors);
        if !addons.insert(a.code.as_str()) {
            errors.push(format!("{at}.code: {:?} is defined twice", a.code));
        }
        if !products.contains(a.product.as_str()) {
            errors.push(format!(
                "{at}.product: {:?} is not in [[products]]",
                a.product
            ));
        }
        if !(1..=1_000_000).contains(&a.seats) {
            errors.push(format!(
                "{at}.seats: {} is not between 1 and 1,000,000",
                a.seats
            ));
        }
        for (j, p) in a.packages.iter().enumerate() {
            if !packages.contains(p.as_str()) {
                errors.push(format!("{at}.packages[{j}]: {p:?} is not in [[packages]]"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CatalogDef {
        products: file
            .products
            .into_iter()
            .map(|p| ProductDef {
                code: p.code,
                name: p.name.trim().to_string(),
            })
            .collect(),
        packages: file
            .packages
            .into_iter()
            .map(|p| PackageDef {
                code: p.code,
                name: p.name.trim().to_string(),
                rank: p.rank,
                monthly_cents: p.monthly_cents,
                yearly_cents: p.yearly_cents,
                currency: p.currency,
                apps: p.apps.into_iter().map(|a| (a.product, a.seats)).collect(),
            })
            .collect(),
        addons: file
            .addons
            .into_iter()
            .map(|a| AddonDef {
                code: a.code,
                name: a.name.trim().to_string(),
                product_code: a.product,
                seats: a.seats,
                monthly_cents: a.monthly_cents,
                yearly_cents: a.yearly_cents,
                currency: a.currency,
                packages: a.packages,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../../docs/catalog.example.toml");

    #[test]
    fn the_example_catalog_is_valid() {
        let c = parse(EXAMPLE).expect("example");
        assert_eq!(c.packages.len(), 3);
        assert!(c.addons.iter().all(|a| !a.packages.is_empty()));
    }

    #[test]
    fn errors_are_located() {
        let bad = EXAMPLE
            .replacen("product = \"docs\"", "product = \"nope\"", 1)
            .replacen("rank = 2", "rank = 1", 1);
        let errors = parse(&bad).expect_err("invalid");
        assert!(
            errors.iter().any(
                |e| e.contains("\"nope\" is not in [[products]]") && e.starts_with("packages[")
            ),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.starts_with("packages[1].rank")),
            "{errors:?}"
        );
        let syntax = parse("[[packages]]\ncode = 1\n").expect_err("syntax");
        assert!(syntax[0].contains("line 2"), "{syntax:?}");
        let unknown = parse(&EXAMPLE.replacen("rank = 2", "rank = 2\nrnak = 3", 1))
            .expect_err("unknown field");
        assert!(unknown[0].contains("rnak"), "{unknown:?}");
    }
}
