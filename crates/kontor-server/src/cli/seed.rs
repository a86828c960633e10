//! `kontor-server seed-demo`: the demo account (and, with a data directory, the demo installers).

use std::path::PathBuf;

use clap::Args;
use kontor_server::installers::{seed_demo_installers, seed_demo_large_installer};
use kontor_server::licensing::resolve_data_dir;
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::{open_database, Clock, ServerError, SystemClock};

use super::output::print_json;

// No doc comment here: the `SeedDemo` variant's is the command's help.
#[derive(Debug, Args)]
pub struct SeedDemoArgs {
    #[arg(long, env = "KONTOR_DATABASE_URL")]
    pub database_url: String,
    /// As for `serve`.
    #[arg(long, env = "KONTOR_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The owner's password (default Demo-Passw0rd!).
    #[arg(long)]
    pub password: Option<String>,
    /// The license token (default: random).
    #[arg(long)]
    pub license_token: Option<String>,
    /// Also add one large (64 MiB) installer, to try pause and resume with `serve --download-limit`.
    #[arg(long)]
    pub large_installer: bool,
}

pub async fn run(args: SeedDemoArgs) -> Result<(), ServerError> {
    let SeedDemoArgs {
        database_url,
        data_dir,
        password,
        license_token,
        large_installer,
    } = args;
    let installers_dir = resolve_data_dir(&database_url, data_dir)
        .ok()
        .map(|d| d.join("installers"));
    let db = open_database(&database_url).await?;
    let mut opts = SeedOptions {
        license_token,
        ..SeedOptions::default()
    };
    if let Some(p) = password {
        opts.owner_password = p;
    }
    let mut seeded = seed_demo(db.as_ref(), &opts).await;
    if let (Ok(_), Some(dir)) = (&seeded, &installers_dir) {
        if let Err(e) = seed_demo_installers(db.as_ref(), dir, SystemClock.now()).await {
            seeded = Err(e);
        } else if large_installer {
            if let Err(e) = seed_demo_large_installer(db.as_ref(), dir, SystemClock.now()).await {
                seeded = Err(e);
            }
        }
    } else if installers_dir.is_none() {
        tracing::warn!("no data directory (--data-dir): no demo installers added");
    }
    db.close().await;
    print_json(&seeded?)
}
