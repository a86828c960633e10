//! The `kontor-server` binary: `serve` the portal API, `seed-demo` a database, `users import` a user file,
//! `license issue` / `license public-key`, `installers add` and `release keygen | sign | publish` for vendors'
//! scripts.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kontor_server::db::users::{Actor, Refusal};
use kontor_server::import::{import_file, ImportOptions};
use kontor_server::installers::{add_installer, seed_demo_installers, AddInstaller};
use kontor_server::licensing::{
    issue, parse_request, resolve_data_dir, write_atomic, LicenseSigner,
};
use kontor_server::releases;
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::{open_database, start, Clock, Config, ServerError, SystemClock};

#[derive(Debug, Parser)]
#[command(name = "kontor-server", version, about = "The Kontor portal server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the portal API (runs migrations first).
    Serve {
        /// sqlite:PATH, postgres://… or postgresql://…
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, env = "KONTOR_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Tell clients this portal holds demo data.
        #[arg(long, env = "KONTOR_DEMO")]
        demo: bool,
        #[arg(long, env = "KONTOR_VENDOR_NAME")]
        vendor_name: Option<String>,
        /// Where the license signing key is kept (created on first start). Default: the SQLite database
        /// file's directory; required with PostgreSQL.
        #[arg(long, env = "KONTOR_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// The installer content store. Default: `<data dir>/installers`.
        #[arg(long, env = "KONTOR_INSTALLERS_DIR")]
        installers_dir: Option<PathBuf>,
        /// The app's self-update releases (`<version>/release.json`). Default: `<data dir>/releases`.
        #[arg(long, env = "KONTOR_RELEASES_DIR")]
        releases_dir: Option<PathBuf>,
        /// The portal's public address for absolute URLs (update manifest). Default: http:// + Host header.
        #[arg(long, env = "KONTOR_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Seed the demo account and print it as one JSON line. With a data directory (a SQLite file's directory
    /// or --data-dir), demo installers are added to `<data dir>/installers` too.
    SeedDemo {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// As for `serve`.
        #[arg(long, env = "KONTOR_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// The owner's password (default Demo-Passw0rd!).
        #[arg(long)]
        password: Option<String>,
        /// The license token (default: random).
        #[arg(long)]
        license_token: Option<String>,
    },
    /// Manage an account's users.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Offline licenses, signed with the same key as `serve` uses.
    License {
        #[command(subcommand)]
        command: LicenseCommand,
    },
    /// The installer catalog customers download from.
    Installers {
        #[command(subcommand)]
        command: InstallersCommand,
    },
    /// The desktop app's self-update releases: updater keys, signatures, publishing.
    Release {
        #[command(subcommand)]
        command: ReleaseCommand,
    },
}

#[derive(Debug, Subcommand)]
enum InstallersCommand {
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

#[derive(Debug, Subcommand)]
enum ReleaseCommand {
    /// Write a new updater key pair (Tauri signer format) to OUT_DIR/kontor-updater.key (mode 0600) and
    /// OUT_DIR/kontor-updater.key.pub; prints the public key (for tauri.conf.json) in one JSON line.
    Keygen {
        #[arg(long)]
        out_dir: PathBuf,
        /// The key's password (default: empty, as `cargo tauri signer generate --ci -p ""`).
        #[arg(long, env = "TAURI_SIGNING_PRIVATE_KEY_PASSWORD", default_value = "")]
        password: String,
    },
    /// Sign FILE with a private key file, writing FILE.sig (base64 minisign signature, as Tauri's bundler).
    Sign {
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        file: PathBuf,
        /// The app version FILE is (recorded in the signature; the app's updater requires it).
        #[arg(long)]
        app_version: Option<String>,
        #[arg(long, env = "TAURI_SIGNING_PRIVATE_KEY_PASSWORD", default_value = "")]
        password: String,
    },
    /// Copy a bundle into RELEASES_DIR/VERSION/, sign it and write or update release.json.
    Publish {
        #[arg(long, env = "KONTOR_RELEASES_DIR")]
        releases_dir: PathBuf,
        /// Semantic version, e.g. 0.2.0.
        #[arg(long)]
        version: String,
        #[arg(long, default_value = "")]
        notes: String,
        /// TARGET-ARCH as the updater asks for it: linux-x86_64, windows-x86_64, darwin-aarch64, …
        #[arg(long)]
        platform: String,
        /// The update bundle (e.g. the .AppImage, the NSIS setup .exe, the .app.tar.gz).
        #[arg(long)]
        file: PathBuf,
        /// The private key file.
        #[arg(long)]
        key: PathBuf,
        #[arg(long, env = "TAURI_SIGNING_PRIVATE_KEY_PASSWORD", default_value = "")]
        password: String,
        /// RFC 3339 (default: now).
        #[arg(long)]
        pub_date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum LicenseCommand {
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
    },
    /// Print the license signing public key (`kontor-ed25519:…`), creating the key if there is none yet.
    PublicKey {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// As for `serve`.
        #[arg(long, env = "KONTOR_DATA_DIR")]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Import users from a CSV or XLSX file; prints one JSON summary on stdout.
    ///
    /// Exit code 0: every row valid (and committed unless --dry-run); 1: some rows have problems (the valid
    /// ones are committed unless --dry-run); 2: usage, file or database error. Running the same file again
    /// creates nobody twice and finishes an interrupted import.
    Import {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// The account id.
        #[arg(long)]
        account: String,
        /// Validate only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// CSV file for the created users' temporary passwords (written atomically, mode 0600); required
        /// unless --dry-run. Passwords are never printed.
        #[arg(long)]
        passwords_out: Option<PathBuf>,
        /// The user file (.csv, .txt, .tsv or .xlsx).
        file: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    if let Command::Users {
        command: UsersCommand::Import { .. },
    } = &cli.command
    {
        return users_import(cli.command).await;
    }
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("kontor-server: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), ServerError> {
    match command {
        Command::Serve {
            database_url,
            bind,
            demo,
            vendor_name,
            data_dir,
            installers_dir,
            releases_dir,
            public_url,
        } => {
            let data_dir = resolve_data_dir(&database_url, data_dir)?;
            if let Some(u) = &public_url {
                let ok = url_like(u);
                if !ok {
                    return Err(ServerError::Usage(format!(
                        "--public-url: {u:?} is not an http(s) address"
                    )));
                }
            }
            let mut config = Config::new(database_url, bind);
            config.demo = demo;
            config.installers_dir =
                Some(installers_dir.unwrap_or_else(|| data_dir.join("installers")));
            config.releases_dir = Some(releases_dir.unwrap_or_else(|| data_dir.join("releases")));
            config.public_url = public_url;
            config.data_dir = Some(data_dir);
            if let Some(v) = vendor_name {
                config.vendor_name = v;
            }
            let server = start(config).await?;
            println!("listening on {}", server.base_url());
            let _ = std::io::stdout().flush();
            shutdown_signal().await;
            tracing::info!("shutting down");
            server.shutdown().await;
            Ok(())
        }
        Command::SeedDemo {
            database_url,
            data_dir,
            password,
            license_token,
        } => {
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
                }
            } else if installers_dir.is_none() {
                tracing::warn!("no data directory (--data-dir): no demo installers added");
            }
            db.close().await;
            let seeded = seeded?;
            let line =
                serde_json::to_string(&seeded).map_err(|e| ServerError::Internal(e.to_string()))?;
            println!("{line}");
            Ok(())
        }
        Command::Users { .. } => Err(ServerError::Internal(
            "users commands are run by users_import".to_string(),
        )),
        Command::License {
            command:
                LicenseCommand::PublicKey {
                    database_url,
                    data_dir,
                },
        } => {
            let dir = resolve_data_dir(&database_url, data_dir)?;
            let signer = LicenseSigner::load_or_create(&dir)?;
            println!("{}", signer.public_key().to_text());
            Ok(())
        }
        Command::License {
            command:
                LicenseCommand::Issue {
                    database_url,
                    account,
                    request,
                    out,
                    data_dir,
                },
        } => license_issue(database_url, account, request, out, data_dir).await,
        Command::Installers {
            command:
                InstallersCommand::Add {
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
                },
        } => {
            let store = match installers_dir {
                Some(d) => d,
                None => resolve_data_dir(&database_url, data_dir)?.join("installers"),
            };
            let source = std::fs::File::open(&file).map_err(|e| {
                ServerError::Usage(format!("--file: cannot read {}: {e}", file.display()))
            })?;
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
        Command::Release { command } => release(command),
    }
}

/// `release keygen | sign | publish`: no database, no async work.
fn release(command: ReleaseCommand) -> Result<(), ServerError> {
    let read_key = |key: &PathBuf| {
        std::fs::read_to_string(key)
            .map_err(|e| ServerError::Usage(format!("--key: cannot read {}: {e}", key.display())))
    };
    match command {
        ReleaseCommand::Keygen { out_dir, password } => {
            print_json(&releases::write_keys(&out_dir, &password)?)
        }
        ReleaseCommand::Sign {
            key,
            file,
            app_version,
            password,
        } => {
            let sk = releases::load_secret_key(&read_key(&key)?, &password)?;
            releases::sign_file(&sk, &file, app_version.as_deref(), SystemClock.now())?;
            let sig = releases::sig_path_of(&file);
            print_json(&serde_json::json!({ "signature_file": sig.display().to_string() }))
        }
        ReleaseCommand::Publish {
            releases_dir,
            version,
            notes,
            platform,
            file,
            key,
            password,
            pub_date,
        } => {
            let p = releases::Publish {
                releases_dir,
                version,
                notes,
                platform,
                file,
                key: read_key(&key)?,
                password,
                pub_date,
            };
            print_json(&releases::publish(&p, SystemClock.now())?)
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), ServerError> {
    let line = serde_json::to_string(v).map_err(|e| ServerError::Internal(e.to_string()))?;
    println!("{line}");
    Ok(())
}

/// `http://HOST[:PORT][/PATH]` or `https://…`, without spaces.
fn url_like(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// `license issue`: signs with the data directory's key, records the license (audit actor `cli`), writes
/// the file, prints the license's details as one JSON line.
async fn license_issue(
    database_url: String,
    account: String,
    request: Option<PathBuf>,
    out: PathBuf,
    data_dir: Option<PathBuf>,
) -> Result<(), ServerError> {
    let dir = resolve_data_dir(&database_url, data_dir)?;
    let signer = LicenseSigner::load_or_create(&dir)?;
    let machine = match &request {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ServerError::Usage(format!("cannot read {}: {e}", path.display())))?;
            Some(parse_request(&text).map_err(|r| refusal(path.display().to_string(), r))?)
        }
        None => None,
    };
    let db = open_database(&database_url).await?;
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
    write_atomic(&out, license.text.as_bytes()).map_err(|e| {
        ServerError::Usage(format!(
            "the license {} was issued but {} cannot be written: {e}",
            license.info.license_id,
            out.display()
        ))
    })?;
    let line =
        serde_json::to_string(&license.info).map_err(|e| ServerError::Internal(e.to_string()))?;
    println!("{line}");
    Ok(())
}

fn refusal(what: String, r: Refusal) -> ServerError {
    match r {
        Refusal::NotFound(m) => ServerError::Usage(format!("{what}: {m}")),
        Refusal::Conflict(m) => ServerError::Conflict(format!("{what}: {m}")),
        Refusal::Invalid(m) | Refusal::Forbidden(m) => ServerError::Usage(format!("{what}: {m}")),
    }
}

/// `users import`: the JSON summary on stdout; exit 2 with one error line on stderr for usage and database
/// errors.
async fn users_import(command: Command) -> ExitCode {
    let Command::Users {
        command:
            UsersCommand::Import {
                database_url,
                account,
                dry_run,
                passwords_out,
                file,
            },
    } = command
    else {
        return ExitCode::from(2);
    };
    let opts = ImportOptions {
        account_id: account,
        file,
        dry_run,
        passwords_out,
        now: SystemClock.now(),
    };
    let result = match open_database(&database_url).await {
        Ok(db) => {
            let r = import_file(db.as_ref(), &opts).await;
            db.close().await;
            r
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => {
            match serde_json::to_string(&report) {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("kontor-server: error: {e}");
                    return ExitCode::from(2);
                }
            }
            let _ = std::io::stdout().flush();
            if let Some(f) = &report.file_error {
                eprintln!(
                    "kontor-server: error: {}",
                    f.message.replace(['\n', '\r'], " ")
                );
            }
            ExitCode::from(report.exit_code())
        }
        Err(e) => {
            let msg = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("kontor-server: error: {msg}");
            ExitCode::from(2)
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
