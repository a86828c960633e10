//! `kontor-server installers add`: an installer file into the content store and the catalog.

use std::path::PathBuf;

use clap::Subcommand;
use kontor_server::installers::{add_installer, AddInstaller};
use kontor_server::licensing::resolve_data_dir;
use kontor_server::{open_database, Clock, ServerError, SystemClock};

use super::output::print_json;

#[derive(Debug, Subcommand)]
pub enum InstallersCommand {
    /// Copy an installer into the content store (atomically, computing size and SHA-256) and add it to the
    /// catalog; prints it as one JSON line.
    Add {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// Product code from the catalog, e.g. cmdb.
        #[arg(long)]
        product: String,
        /// e.g. 4.2.1, 2.0.0-beta.1 or 4.2.1.310.
        #[arg(long)]
        version: String,
        /// windows, macos or linux.
        #[arg(long)]
        platform: String,
        /// x86_64 or aarch64.
        #[arg(long)]
        arch: String,
        /// The installer file.
        #[arg(long)]
        file: PathBuf,
        /// The name offered for download (default: the file's name).
        #[arg(long)]
        file_name: Option<String>,
        #[arg(long, default_value = "")]
        notes: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        released_on: Option<String>,
        /// As for `serve`; the store is `<data dir>/installers` unless --installers-dir is given.
        #[arg(long, env = "KONTOR_DATA_DIR")]
        data_dir: Option<PathBuf>,
        #[arg(long, env = "KONTOR_INSTALLERS_DIR")]
        installers_dir: Option<PathBuf>,
    },
}

pub async fn run(command: InstallersCommand) -> Result<(), ServerError> {
    let InstallersCommand::Add {
        database_url,
        product,
        version,
        platform,
        arch,
        file,
        file_name,
        notes,
        released_on,
        data_dir,
        installers_dir,
    } = command;
    let store = match installers_dir {
        Some(d) => d,
        None => resolve_data_dir(&database_url, data_dir)?.join("installers"),
    };
    let source = std::fs::File::open(&file)
        .map_err(|e| ServerError::Usage(format!("--file: cannot read {}: {e}", file.display())))?;
    if !source.metadata().map(|m| m.is_file()).unwrap_or(false) {
        return Err(ServerError::Usage(format!(
            "--file: {} is not a file",
            file.display()
        )));
    }
    let default_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let req = AddInstaller {
        product,
        version,
        platform,
        arch,
        file_name,
        notes,
        released_on,
    };
    let db = open_database(&database_url).await?;
    let added = add_installer(
        db.as_ref(),
        &store,
        &req,
        &default_name,
        source,
        SystemClock.now(),
    )
    .await;
    db.close().await;
    print_json(&added?)
}
