//! The `kontor-license` CLI for the air-gapped side: write an activation request, verify a license file.
//!
//! Exit codes: 0 accepted / written, 1 license rejected, 2 usage or I/O error.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use kontor_license::{
    machine_fingerprint, verify, ActivationRequest, KeyParseError, MachineIdError, PublicKey,
    VerifyOptions,
};

/// Environment variable holding the trusted public key when `--public-key` is not given.
const PUBLIC_KEY_ENV: &str = "KONTOR_LICENSE_PUBLIC_KEY";

#[derive(Parser)]
#[command(
    name = "kontor-license",
    version,
    about = "Kontor offline license files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write an activation request holding this machine's fingerprint (never the raw machine id).
    Request {
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Verify a license file; prints the payload as JSON, or `rejected: <reason>` and exits 1.
    Verify {
        /// The license file (`-` for standard input).
        file: PathBuf,
        /// A trusted key `kontor-ed25519:...`, or `@FILE` with one key per line; repeatable.
        /// Default: the environment variable KONTOR_LICENSE_PUBLIC_KEY.
        #[arg(long = "public-key", value_name = "KEY|@FILE")]
        public_keys: Vec<String>,
        /// The time to verify at, in Unix seconds (default: this machine's clock).
        #[arg(long, value_name = "UNIX", allow_hyphen_values = true)]
        now: Option<i64>,
        /// Accept a license bound to another machine.
        #[arg(long)]
        ignore_machine: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Request { out } => request(out.as_deref()),
        Command::Verify {
            file,
            public_keys,
            now,
            ignore_machine,
        } => verify_file(&file, &public_keys, now, ignore_machine),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// A usage or I/O error: printed as `error: <message>`, exit code 2.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("{0} (set KONTOR_MACHINE_ID to override)")]
    MachineId(#[source] MachineIdError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write to standard output: {0}")]
    Stdout(#[source] std::io::Error),
    #[error("cannot read standard input: {0}")]
    Stdin(#[source] std::io::Error),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Json(#[source] serde_json::Error),
    #[error("no trusted public key: pass --public-key KEY|@FILE or set {PUBLIC_KEY_ENV}")]
    NoKey,
    #[error("cannot read key file {path}: {source}")]
    KeyFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the key file holds no key")]
    EmptyKeyFile,
    #[error("bad public key in {origin}: {source}")]
    BadKey {
        origin: String,
        #[source]
        source: KeyParseError,
    },
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn request(out: Option<&Path>) -> Result<ExitCode, CliError> {
    let request = ActivationRequest::for_this_machine(unix_now()).map_err(CliError::MachineId)?;
    let text = request.to_armored();
    match out {
        Some(path) => {
            kontor_fs::write_atomic(path, text.as_bytes()).map_err(|source| CliError::Write {
                path: path.to_path_buf(),
                source,
            })?;
            eprintln!("activation request written to {}", path.display());
        }
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(CliError::Stdout)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn verify_file(
    file: &Path,
    key_args: &[String],
    now: Option<i64>,
    ignore_machine: bool,
) -> Result<ExitCode, CliError> {
    let keys = trusted_keys(key_args)?;
    let text = if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(CliError::Stdin)?;
        text
    } else {
        match std::fs::read(file) {
            // A file that is not UTF-8 is not a license file: a rejection, not a usage error.
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(source) => {
                return Err(CliError::Read {
                    path: file.to_path_buf(),
                    source,
                })
            }
        }
    };
    let fingerprint = if ignore_machine {
        None
    } else {
        Some(machine_fingerprint().unwrap_or_else(|e| {
            eprintln!("warning: {e}; a machine-bound license will be rejected");
            // Not a hex fingerprint, so it matches no license binding.
            "unavailable".to_owned()
        }))
    };
    let options = VerifyOptions {
        now: now.unwrap_or_else(unix_now),
        machine: fingerprint.as_deref(),
    };
    match verify(&text, &keys, options) {
        Ok(payload) => {
            let json = serde_json::to_string_pretty(&payload).map_err(CliError::Json)?;
            println!("{json}");
            Ok(ExitCode::SUCCESS)
        }
        Err(reason) => {
            eprintln!("rejected: {reason}");
            Ok(ExitCode::from(1))
        }
    }
}

/// The trusted keys from `--public-key` arguments, else from `KONTOR_LICENSE_PUBLIC_KEY`.
fn trusted_keys(args: &[String]) -> Result<Vec<PublicKey>, CliError> {
    let mut texts = Vec::new();
    if args.is_empty() {
        match std::env::var(PUBLIC_KEY_ENV) {
            Ok(v) if !v.trim().is_empty() => texts.push(("$".to_owned() + PUBLIC_KEY_ENV, v)),
            _ => return Err(CliError::NoKey),
        }
    }
    for arg in args {
        match arg.strip_prefix('@') {
            Some(path) => {
                let content =
                    std::fs::read_to_string(path).map_err(|source| CliError::KeyFile {
                        path: path.to_owned(),
                        source,
                    })?;
                for line in content.lines() {
                    let line = line.trim();
                    if !line.is_empty() && !line.starts_with('#') {
                        texts.push((path.to_owned(), line.to_owned()));
                    }
                }
            }
            None => texts.push(("--public-key".to_owned(), arg.clone())),
        }
    }
    if texts.is_empty() {
        return Err(CliError::EmptyKeyFile);
    }
    texts
        .iter()
        .map(|(origin, text)| {
            PublicKey::parse(text).map_err(|source| CliError::BadKey {
                origin: origin.clone(),
                source,
            })
        })
        .collect()
}
