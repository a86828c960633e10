//! The app's download engine against a real portal: a download killed halfway (SIGKILL of the process doing
//! it) resumes from its partial file and ends with the catalog's SHA-256; a corrupted file is refused and
//! removed, and nothing ever appears under the final name unverified.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kontor_api::{Installer, PasswordLogin};
use kontor_client::download::{
    download, partial_path, DownloadError, DownloadOutcome, DownloadTarget,
};
use kontor_client::reqwest::Response;
use kontor_client::{ClientError, PortalClient};
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::{Config, RunningServer, SystemClock};
use sha2::{Digest, Sha256};

struct Fixture {
    server: RunningServer,
    client: PortalClient,
    access: String,
    account: String,
    installers_dir: PathBuf,
    _dir: tempfile::TempDir,
}

async fn start() -> Fixture {
    start_seeded(false).await
}

/// The portal with the demo catalog, and with the demo's large (64 MiB) installer when `large`.
async fn start_seeded(large: bool) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    let db = kontor_server::open_database(&url).await.unwrap();
    let seed = seed_demo(&*db, &SeedOptions::default()).await.unwrap();
    let installers_dir = dir.path().join("installers");
    kontor_server::installers::seed_demo_installers(&*db, &installers_dir, 1_790_000_000)
        .await
        .unwrap();
    if large {
        kontor_server::installers::seed_demo_large_installer(&*db, &installers_dir, 1_790_000_000)
            .await
            .unwrap();
    }
    let mut config = Config::new(url, "127.0.0.1:0".parse().unwrap());
    config.installers_dir = Some(installers_dir.clone());
    let server = kontor_server::start_with(config, db, Arc::new(SystemClock))
        .await
        .unwrap();
    let client = PortalClient::new(&server.base_url()).unwrap();
    let tokens = client
        .login_password(&PasswordLogin {
            email: seed.owner_email.clone(),
            password: seed.owner_password.clone(),
            remember: false,
        })
        .await
        .unwrap();
    Fixture {
        server,
        client,
        access: tokens.access_token,
        account: tokens.user.account_id,
        installers_dir,
        _dir: dir,
    }
}

impl Fixture {
    async fn installer(&self, file_name: &str) -> Installer {
        self.client
            .installers(&self.access, &self.account)
            .await
            .unwrap()
            .installers
            .into_iter()
            .find(|i| i.file_name == file_name)
            .expect("demo installer")
    }

    /// The owner's view of `installer`, through `client` (the portal itself, or a proxy in front of it).
    fn source(&self, client: &PortalClient, installer: &Installer) -> Source {
        Source {
            client: client.clone(),
            access: self.access.clone(),
            account: self.account.clone(),
            id: installer.id.clone(),
        }
    }

    async fn run(
        &self,
        installer: &Installer,
        dest: &Path,
        limit: Option<u64>,
    ) -> Result<DownloadOutcome, DownloadError> {
        fetch(
            &self.source(&self.client, installer),
            installer,
            dest,
            limit,
        )
        .await
    }
}

/// Where an installer's bytes come from: one installer of one account through one client.
#[derive(Clone)]
struct Source {
    client: PortalClient,
    access: String,
    account: String,
    id: String,
}

type Opened = Pin<Box<dyn Future<Output = Result<Response, ClientError>> + Send>>;

impl Source {
    /// The engine's `open(from, if_range)`.
    fn open(&self, from: u64, validator: Option<String>) -> Opened {
        let s = self.clone();
        Box::pin(async move {
            s.client
                .installer_file(&s.access, &s.account, &s.id, from, validator.as_deref())
                .await
        })
    }
}

/// One run of the engine for `installer` to `dest` (no stop requested).
async fn fetch(
    source: &Source,
    installer: &Installer,
    dest: &Path,
    limit: Option<u64>,
) -> Result<DownloadOutcome, DownloadError> {
    let target = DownloadTarget {
        dest: dest.to_path_buf(),
        size: installer.size,
        sha256: installer.sha256.clone(),
        max_bytes_per_sec: limit,
    };
    let (_stop_tx, stop) = tokio::sync::watch::channel(false);
    download(&target, |from, v| source.open(from, v), stop, |_| {}).await
}

fn sha256(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const CHILD: &str = "KONTOR_TEST_DOWNLOAD_CHILD";

/// Not a test of its own: the process the test below kills halfway. It downloads slowly to the path in
/// `$KONTOR_TEST_DOWNLOAD_CHILD` from the portal described by the other variables.
#[tokio::test]
#[ignore = "run by killed_halfway_download_resumes_with_the_right_sha256 as a child process"]
async fn child_downloads_slowly() {
    let Ok(dest) = std::env::var(CHILD) else {
        return;
    };
    let var = |k: &str| std::env::var(k).unwrap();
    let installer: Installer = serde_json::from_str(&var("KONTOR_TEST_INSTALLER")).unwrap();
    let source = Source {
        client: PortalClient::new(&var("KONTOR_TEST_PORTAL")).unwrap(),
        access: var("KONTOR_TEST_ACCESS"),
        account: var("KONTOR_TEST_ACCOUNT"),
        id: installer.id.clone(),
    };
    let _ = fetch(&source, &installer, Path::new(&dest), Some(500_000)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_halfway_download_resumes_with_the_right_sha256() {
    let f = start().await;
    let installer = f.installer("cmdb-pro_4.2.1_amd64.deb").await;
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join(&installer.file_name);
    let part = partial_path(&dest);

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_downloads_slowly",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD, &dest)
        .env("KONTOR_TEST_PORTAL", f.server.base_url())
        .env(
            "KONTOR_TEST_INSTALLER",
            serde_json::to_string(&installer).unwrap(),
        )
        .env("KONTOR_TEST_ACCESS", &f.access)
        .env("KONTOR_TEST_ACCOUNT", &f.account)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0) < installer.size / 3 {
        assert!(
            Instant::now() < deadline,
            "the child never got a third of the file"
        );
        assert!(child.try_wait().unwrap().is_none(), "the child ended early");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL: no flush, no clean-up
    child.wait().unwrap();
    let left = std::fs::metadata(&part).unwrap().len();
    assert!(left > 0 && left < installer.size, "{left}");
    assert!(
        !dest.exists(),
        "nothing under the final name after the kill"
    );

    let outcome = f.run(&installer, &dest, None).await.unwrap();
    assert_eq!(
        outcome,
        DownloadOutcome::Complete {
            sha256: installer.sha256.clone()
        }
    );
    assert!(!part.exists());
    assert_eq!(std::fs::metadata(&dest).unwrap().len(), installer.size);
    assert_eq!(sha256(&dest), installer.sha256);
    f.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_download_is_refused_and_removed() {
    let f = start().await;
    let installer = f.installer("Analytics-AddOn-1.5.3-x64.msi").await;
    // One flipped byte in the portal's stored copy.
    let stored = kontor_server::installers::store_path(&f.installers_dir, &installer.sha256);
    let mut bytes = std::fs::read(&stored).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&stored, &bytes).unwrap();

    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join(&installer.file_name);
    match f.run(&installer, &dest, None).await {
        Err(DownloadError::Checksum { expected, actual }) => {
            assert_eq!(expected, installer.sha256);
            assert_ne!(actual, installer.sha256);
        }
        other => panic!("a corrupted file must be refused: {other:?}"),
    }
    assert!(!dest.exists(), "a corrupted file never gets the final name");
    assert!(!partial_path(&dest).exists(), "the partial file is removed");
    f.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_partial_file_is_refused_and_a_retry_succeeds() {
    let f = start().await;
    let installer = f.installer("Documents-AddOn-2.8.0-arm64.dmg").await;
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join(&installer.file_name);
    // A partial file from something else (e.g. another version saved under the same name).
    std::fs::write(partial_path(&dest), vec![7u8; 100_000]).unwrap();
    assert!(matches!(
        f.run(&installer, &dest, None).await,
        Err(DownloadError::Checksum { .. })
    ));
    assert!(!partial_path(&dest).exists());
    // The next try starts clean and succeeds.
    f.run(&installer, &dest, None).await.unwrap();
    assert_eq!(sha256(&dest), installer.sha256);
    f.server.shutdown().await;
}

/// A loopback proxy in front of the portal that cuts the first connection after `cut_after` bytes of the
/// answer (a dropped network), and passes later connections through whole.
async fn flaky_proxy(upstream: String, cut_after: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let upstream = upstream.trim_start_matches("http://").to_string();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut client, _)) = listener.accept().await {
            let cut = first.then_some(cut_after);
            first = false;
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let mut server = tokio::net::TcpStream::connect(&upstream).await.unwrap();
                let (mut cr, mut cw) = client.split();
                let (mut sr, mut sw) = server.split();
                let up = tokio::io::copy(&mut cr, &mut sw);
                let down = async {
                    let mut sent = 0usize;
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let n = sr.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        if let Some(limit) = cut {
                            if sent + n > limit {
                                let _ = cw.write_all(&buf[..limit - sent]).await;
                                break; // the connection drops mid-body
                            }
                        }
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        sent += n;
                    }
                };
                tokio::select! { _ = up => {}, _ = down => {} }
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_keeps_the_partial_file_and_the_next_run_continues() {
    let f = start().await;
    let installer = f.installer("CMDB-Pro-4.2.1-x64.msi").await;
    let proxy = flaky_proxy(f.server.base_url(), 1_000_000).await;
    let source = f.source(&PortalClient::new(&proxy).unwrap(), &installer);
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join(&installer.file_name);
    let run = || fetch(&source, &installer, &dest, None);
    match run().await {
        Err(DownloadError::Portal(ClientError::Network(_))) => {}
        other => panic!("the cut connection is a network error: {other:?}"),
    }
    let kept = std::fs::metadata(partial_path(&dest)).unwrap().len();
    assert!(kept > 0 && kept < installer.size, "{kept}");
    assert!(!dest.exists());
    // The next run asks for the rest only and finishes with the right hash.
    assert_eq!(
        run().await.unwrap(),
        DownloadOutcome::Complete {
            sha256: installer.sha256.clone()
        }
    );
    assert_eq!(sha256(&dest), installer.sha256);
    f.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_retries_a_dropped_download_by_itself_and_finishes_it() {
    use kontor_api::ipc::DownloadState;
    use kontor_app::downloads::{Downloads, Emit, Opener};
    let f = start().await;
    let installer = f.installer("CMDB-Pro-4.1.0-x64.msi").await;
    let proxy = flaky_proxy(f.server.base_url(), 700_000).await;
    let source = f.source(&PortalClient::new(&proxy).unwrap(), &installer);
    let open: Opener = Arc::new(move |_id, from, v| source.open(from, v));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let emit: Emit = Arc::new(move |s| seen2.lock().unwrap().push(s.state));
    let app_dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join(&installer.file_name);
    let downloads = Arc::new(Downloads::load(app_dir.path()));
    downloads.start(installer.clone(), dest.clone(), open, emit);
    let deadline = Instant::now() + Duration::from_secs(30);
    // Done once the page was told so (the last event), not only the state.
    while seen.lock().unwrap().last() != Some(&DownloadState::Done) {
        let s = downloads.status(&installer.id).unwrap();
        assert_ne!(s.state, DownloadState::Failed, "{:?}", s.error);
        assert!(Instant::now() < deadline, "not done: {s:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let states = seen.lock().unwrap().clone();
    assert!(states.contains(&DownloadState::Retrying), "{states:?}");
    assert_eq!(states.last(), Some(&DownloadState::Done));
    assert_eq!(sha256(&dest), installer.sha256);
    // What a restarted app would find: the finished download, nothing running.
    let again = Downloads::load(app_dir.path());
    assert_eq!(again.list()[0].state, DownloadState::Done);
    f.server.shutdown().await;
}

/// The app's download manager on a slow line (400 kB/s), recording what it tells the page.
struct Managed {
    downloads: Arc<kontor_app::downloads::Downloads>,
    open: kontor_app::downloads::Opener,
    emit: kontor_app::downloads::Emit,
    _dir: tempfile::TempDir,
}

impl Managed {
    fn new(source: Source) -> Managed {
        let dir = tempfile::tempdir().unwrap();
        Managed {
            downloads: Arc::new(
                kontor_app::downloads::Downloads::load(dir.path()).limited(Some(400_000)),
            ),
            open: Arc::new(move |_id, from, v| source.open(from, v)),
            emit: Arc::new(|_| {}),
            _dir: dir,
        }
    }

    /// The manager downloading `installer` into a temporary folder, 100 kB in; and the destination.
    async fn running(f: &Fixture, installer: &Installer) -> (Managed, PathBuf) {
        let m = Managed::new(f.source(&f.client, installer));
        let dest = m._dir.path().join("out").join(&installer.file_name);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        m.downloads.start(
            installer.clone(),
            dest.clone(),
            m.open.clone(),
            m.emit.clone(),
        );
        m.wait(&installer.id, "some bytes", |s| s.received > 100_000)
            .await;
        (m, dest)
    }

    async fn wait(
        &self,
        id: &str,
        what: &str,
        done: impl Fn(&kontor_api::ipc::DownloadStatus) -> bool,
    ) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.downloads.status(id);
            if s.as_ref().is_some_and(&done) {
                return;
            }
            assert!(Instant::now() < deadline, "{what}: {s:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_running_download_removes_its_partial_file() {
    use kontor_api::ipc::DownloadState;
    let f = start().await;
    let installer = f.installer("CMDB-Pro-4.2.1-x64.msi").await;
    let (m, dest) = Managed::running(&f, &installer).await;
    assert_eq!(
        m.downloads.status(&installer.id).unwrap().state,
        DownloadState::Running
    );
    m.downloads.cancel(&installer.id);
    assert!(m.downloads.status(&installer.id).is_none());
    let deadline = Instant::now() + Duration::from_secs(10);
    while partial_path(&dest).exists() {
        assert!(
            Instant::now() < deadline,
            "the partial file stays after cancel"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!dest.exists());
    f.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_right_after_pause_goes_on_and_finishes() {
    use kontor_api::ipc::DownloadState;
    let f = start().await;
    let installer = f.installer("Documents-AddOn-2.8.0-arm64.dmg").await;
    let (m, dest) = Managed::running(&f, &installer).await;
    // A quick double click: pause, and resume before the run has stopped.
    m.downloads.pause(&installer.id).unwrap();
    m.downloads
        .resume(&installer.id, m.open.clone(), m.emit.clone())
        .unwrap();
    m.wait(&installer.id, "finished", |s| {
        s.state == DownloadState::Done
    })
    .await;
    assert_eq!(sha256(&dest), installer.sha256);
    f.server.shutdown().await;
}

/// downloading an installer again keeps the record of the earlier completed download (its own
/// key, its file), beside the new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloading_again_keeps_the_earlier_completed_download() {
    use kontor_api::ipc::DownloadState;
    let f = start().await;
    let installer = f.installer("Documents-AddOn-2.8.0-arm64.dmg").await;
    let (m, first) = Managed::running(&f, &installer).await;
    m.wait(&installer.id, "finished", |s| {
        s.state == DownloadState::Done
    })
    .await;
    let second = first.with_file_name("again.dmg");
    m.downloads.start(
        installer.clone(),
        second.clone(),
        m.open.clone(),
        m.emit.clone(),
    );
    m.wait(&installer.id, "finished again", |s| {
        s.state == DownloadState::Done
    })
    .await;
    let list = m.downloads.list();
    assert_eq!(list.len(), 2, "{list:?}");
    let earlier = list
        .iter()
        .find(|d| d.key != installer.id)
        .expect("the earlier download is still listed");
    assert_eq!(earlier.state, DownloadState::Done);
    assert_eq!(earlier.dest, first.display().to_string());
    let current = m.downloads.status(&installer.id).expect("the new one");
    assert_eq!(current.dest, second.display().to_string());
    assert_eq!(current.key, installer.id);
    assert_eq!(sha256(&first), installer.sha256);
    assert_eq!(sha256(&second), installer.sha256);
    // The earlier record can be removed by its key; the file stays.
    m.downloads.cancel(&earlier.key);
    assert_eq!(m.downloads.list().len(), 1);
    assert!(first.exists());
    f.server.shutdown().await;
}

/// Resuming a large partial file first re-checks it (re-hashing what is on disk), and the page is told how
/// far that got: events with `checked` growing through the file, before any new byte arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resuming_a_large_partial_file_reports_the_re_check() {
    use kontor_api::ipc::DownloadState;
    let f = start_seeded(true).await;
    let installer = f
        .installer(kontor_server::installers::DEMO_LARGE_INSTALLER.4)
        .await;
    // An earlier run left 24 MiB of it on disk.
    let partial_len = 24 * 1024 * 1024;
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join(&installer.file_name);
    let bytes = std::fs::read(f.installers_dir.join(&installer.sha256)).unwrap();
    std::fs::write(partial_path(&dest), &bytes[..partial_len]).unwrap();

    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let emit: kontor_app::downloads::Emit =
        Arc::new(move |s| seen2.lock().unwrap().push(s.clone()));
    let source = f.source(&f.client, &installer);
    let open: kontor_app::downloads::Opener = Arc::new(move |_id, from, v| source.open(from, v));
    let app_dir = tempfile::tempdir().unwrap();
    let downloads = Arc::new(kontor_app::downloads::Downloads::load(app_dir.path()));
    downloads.start(installer.clone(), dest.clone(), open, emit);
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.lock().unwrap().last().map(|s| s.state) != Some(DownloadState::Done) {
        let s = downloads.status(&installer.id).unwrap();
        assert_ne!(s.state, DownloadState::Failed, "{:?}", s.error);
        assert!(Instant::now() < deadline, "not done: {s:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let events = seen.lock().unwrap().clone();
    let checking: Vec<u64> = events.iter().filter_map(|s| s.checked).collect();
    // One event per whole percent of the 24 reads (1 MiB each), and the start.
    assert_eq!(checking.len(), 25, "{checking:?}");
    assert_eq!(checking[0], 0);
    assert_eq!(*checking.last().unwrap(), partial_len as u64);
    assert!(checking.windows(2).all(|w| w[0] < w[1]), "{checking:?}");
    for s in events.iter().filter(|s| s.checked.is_some()) {
        assert_eq!(s.state, DownloadState::Running);
        assert_eq!(s.received, partial_len as u64, "the partial file's length");
    }
    // The check comes first; afterwards no event says it is checking.
    let last_check = events.iter().rposition(|s| s.checked.is_some()).unwrap();
    let first_byte = events
        .iter()
        .position(|s| s.checked.is_none() && s.received > partial_len as u64)
        .expect("bytes after the check");
    assert!(last_check < first_byte, "{events:?}");
    assert_eq!(sha256(&dest), installer.sha256);
    f.server.shutdown().await;
}
