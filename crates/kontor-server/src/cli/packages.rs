//! `kontor-server packages import | list`: the vendor's package catalog (packages, included applications
//! with seats, add-ons and the packages they fit, prices per billing period).

use std::path::PathBuf;

use clap::Subcommand;
use kontor_server::{open_database, parse_catalog, ServerError};
use serde::Serialize;

use super::output::print_json;

#[derive(Debug, Subcommand)]
pub enum PackagesCommand {
    /// Load a catalog file (TOML, see docs/catalog.example.toml): upserts products, packages and add-ons
    /// by code in one transaction. Every problem is reported with its place; nothing is written then.
    /// Prints the counts as one JSON line.
    Import {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Print the catalog as one JSON line: packages with rank, prices, applications and seats, and add-ons
    /// with the packages they fit.
    List {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
    },
}

#[derive(Serialize)]
struct Imported {
    products: usize,
    packages: usize,
    addons: usize,
}

#[derive(Serialize)]
struct ListedApp {
    product: String,
    seats: i64,
}

#[derive(Serialize)]
struct ListedPackage {
    code: String,
    name: String,
    rank: i64,
    currency: String,
    monthly_cents: i64,
    yearly_cents: i64,
    apps: Vec<ListedApp>,
}

#[derive(Serialize)]
struct ListedAddon {
    code: String,
    name: String,
    product: String,
    seats: i64,
    currency: String,
    monthly_cents: i64,
    yearly_cents: i64,
    packages: Vec<String>,
}

#[derive(Serialize)]
struct Listed {
    packages: Vec<ListedPackage>,
    addons: Vec<ListedAddon>,
}

pub async fn run(command: PackagesCommand) -> Result<(), ServerError> {
    match command {
        PackagesCommand::Import { database_url, file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| ServerError::Usage(format!("cannot read {}: {e}", file.display())))?;
            let catalog = parse_catalog(&text).map_err(|errors| {
                ServerError::Usage(format!("{}: {}", file.display(), errors.join("; ")))
            })?;
            let db = open_database(&database_url).await?;
            let result = db.import_catalog(&catalog).await;
            db.close().await;
            result?;
            print_json(&Imported {
                products: catalog.products.len(),
                packages: catalog.packages.len(),
                addons: catalog.addons.len(),
            })
        }
        PackagesCommand::List { database_url } => {
            let db = open_database(&database_url).await?;
            let result = db.catalog().await;
            db.close().await;
            let c = result?;
            let listed = Listed {
                packages: c
                    .packages
                    .iter()
                    .map(|p| ListedPackage {
                        code: p.code.clone(),
                        name: p.name.clone(),
                        rank: p.rank,
                        currency: p.currency.clone(),
                        monthly_cents: p.monthly_cents,
                        yearly_cents: p.yearly_cents,
                        apps: c
                            .apps
                            .iter()
                            .filter(|a| a.package_code == p.code)
                            .map(|a| ListedApp {
                                product: a.product_code.clone(),
                                seats: a.seats,
                            })
                            .collect(),
                    })
                    .collect(),
                addons: c
                    .addons
                    .iter()
                    .map(|a| ListedAddon {
                        code: a.code.clone(),
                        name: a.name.clone(),
                        product: a.product_code.clone(),
                        seats: a.seats,
                        currency: a.currency.clone(),
                        monthly_cents: a.monthly_cents,
                        yearly_cents: a.yearly_cents,
                        packages: c
                            .fits
                            .iter()
                            .filter(|f| f.addon_code == a.code)
                            .map(|f| f.package_code.clone())
                            .collect(),
                    })
                    .collect(),
            };
            print_json(&listed)
        }
    }
}
