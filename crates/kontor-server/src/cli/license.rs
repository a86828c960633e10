//! `kontor-server license issue | public-key`: offline licenses, signed with the same key as `serve` uses.

use std::path::PathBuf;

use clap::Subcommand;
use kontor_server::domain::{Actor, Refusal};
use kontor_server::licensing::{issue, parse_request, resolve_data_dir, LicenseSigner};
use kontor_server::{open_database, Clock, ServerError, SystemClock};

use super::output::print_json;

#[derive(Debug, Subcommand)]
pub enum LicenseCommand {
    /// Issue an account's offline license into a file (written atomically) and print its details as one
    /// JSON line. With --request, the license is bound to that machine (the activation limit applies).
    Issue {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// The account id.
        #[arg(long)]
        account: String,
        /// An activation request file (`kontor-license request`).
        #[arg(long)]
        request: Option<PathBuf>,
        /// The license file to write.
        #[arg(long)]
        out: PathBuf,
        /// As for `serve`.
        #[arg(long, env = "KONTOR_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// As for `serve` (replicas' shared key file).
        #[arg(long, env = "KONTOR_SIGNING_KEY_FILE")]
        signing_key_file: Option<PathBuf>,
    },
    /// Print the license signing public key (`kontor-ed25519:…`), creating the key if there is none yet.
    PublicKey {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// As for `serve`.
        #[arg(long, env = "KONTOR_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// As for `serve` (replicas' shared key file).
        #[arg(long, env = "KONTOR_SIGNING_KEY_FILE")]
        signing_key_file: Option<PathBuf>,
    },
}

/// The key file named by `--signing-key-file`, else the data directory's.
fn signer(
    database_url: &str,
    data_dir: Option<PathBuf>,
    signing_key_file: Option<PathBuf>,
) -> Result<LicenseSigner, ServerError> {
    match signing_key_file {
        Some(file) => LicenseSigner::load_or_create_file(&file),
        None => LicenseSigner::load_or_create(&resolve_data_dir(database_url, data_dir)?),
    }
}

pub async fn run(command: LicenseCommand) -> Result<(), ServerError> {
    match command {
        LicenseCommand::PublicKey {
            database_url,
            data_dir,
            signing_key_file,
        } => {
            let signer = signer(&database_url, data_dir, signing_key_file)?;
            println!("{}", signer.public_key().to_text());
            Ok(())
        }
        LicenseCommand::Issue {
            database_url,
            account,
            request,
            out,
            data_dir,
            signing_key_file,
        } => {
            let signer = signer(&database_url, data_dir, signing_key_file)?;
            license_issue(database_url, account, request, out, signer).await
        }
    }
}

/// `license issue`: signs with the data directory's key, records the license (audit actor `cli`), writes
/// the file, prints the license's details as one JSON line.
async fn license_issue(
    database_url: String,
    account: String,
    request: Option<PathBuf>,
    out: PathBuf,
    signer: LicenseSigner,
) -> Result<(), ServerError> {
    let machine = match &request {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ServerError::Usage(format!("cannot read {}: {e}", path.display())))?;
            Some(parse_request(&text).map_err(|r| refusal(path.display().to_string(), r))?)
        }
        None => None,
    };
    let db = open_database(&database_url).await?;
    kontor_server::licensing::same_key_as_recorded(db.as_ref(), &signer, SystemClock.now()).await?;
    let actor = Actor {
        account_id: account.clone(),
        user_id: String::new(),
        system: Some("cli".to_string()),
        ip: None,
        at: SystemClock.now(),
    };
    let issued = issue(db.as_ref(), &signer, &actor, machine.as_ref()).await;
    db.close().await;
    let license = issued?.map_err(|r| refusal(format!("account {account}"), r))?;
    kontor_fs::write_atomic(&out, license.text.as_bytes()).map_err(|e| {
        ServerError::Usage(format!(
            "the license {} was issued but {} cannot be written: {e}",
            license.info.license_id,
            out.display()
        ))
    })?;
    print_json(&license.info)
}

fn refusal(what: String, r: Refusal) -> ServerError {
    let m = r.message();
    match r.code() {
        kontor_api::ErrorCode::Conflict => ServerError::Conflict(format!("{what}: {m}")),
        _ => ServerError::Usage(format!("{what}: {m}")),
    }
}
