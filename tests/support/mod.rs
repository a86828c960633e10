//! Support for the end-to-end tests: a real portal server on port 0, and the built app under tauri-driver
//! with its own HOME, XDG directories and keyring service, so a test never touches a real user's data.

#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kontor_server::seed::{seed_demo, DemoSeed, SeedOptions};
use kontor_server::{Config, RunningServer};

/// A portal server with the demo data (and the demo installers), on a fresh SQLite file.
pub struct Portal {
    pub url: String,
    pub seed: DemoSeed,
    /// The installer content store (`<sha256>` files).
    pub installers_dir: PathBuf,
    /// The app's self-update releases folder (empty at start).
    pub releases_dir: PathBuf,
    server: RunningServer,
    _dir: tempfile::TempDir,
    /// harden10: the portal's database (e.g. to seed a second account).
    pub db: Arc<dyn kontor_server::db::Database>,
}

impl Portal {
    pub async fn start() -> Portal {
        Self::start_with(|_| {}).await
    }

    /// [`Portal::start`] with the server's configuration changed first (e.g. its mail transport).
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Portal {
        let dir = tempfile::tempdir().unwrap();
        let db_url = format!("sqlite://{}", dir.path().join("portal.db").display());
        let db = kontor_server::open_database(&db_url)
            .await
            .expect("open portal db");
        let seed = seed_demo(&*db, &SeedOptions::default())
            .await
            .expect("seed");
        let installers_dir = dir.path().join("installers");
        let releases_dir = dir.path().join("releases");
        std::fs::create_dir_all(&releases_dir).unwrap();
        kontor_server::installers::seed_demo_installers(&*db, &installers_dir, 1_790_000_000)
            .await
            .expect("seed installers");
        let mut config = Config::new(db_url, "127.0.0.1:0".parse::<SocketAddr>().unwrap());
        config.demo = true;
        config.installers_dir = Some(installers_dir.clone());
        config.releases_dir = Some(releases_dir.clone());
        configure(&mut config);
        let server =
            kontor_server::start_with(config, db.clone(), Arc::new(kontor_server::SystemClock))
                .await
                .expect("start portal");
        Portal {
            url: server.base_url(),
            seed,
            installers_dir,
            releases_dir,
            server,
            _dir: dir,
            db,
        }
    }

    pub async fn stop(self) {
        self.server.shutdown().await;
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// How long an e2e test waits for the UI.
pub const WAIT: Duration = Duration::from_secs(45);

/// Where screenshots of the e2e tests go.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

/// The built app (with the UI embedded), driven through tauri-driver.
pub struct AppUnderTest {
    home: tempfile::TempDir,
    driver: Option<Child>,
    port: u16,
    pub keyring_service: String,
    pub portal_url: String,
    bin: PathBuf,
}

impl AppUnderTest {
    /// The app launched with its portal fixed by the launcher (`KONTOR_PORTAL_URL`), in English.
    pub fn new(portal_url: &str) -> AppUnderTest {
        Self::with(portal_url, true, "en_US.UTF-8")
    }

    /// `fixed`: the launcher sets the portal; otherwise the user must enter `portal_url` on first start.
    /// `locale`: the OS locale the app sees (`LC_ALL`).
    pub fn with(portal_url: &str, fixed: bool, locale: &str) -> AppUnderTest {
        Self::with_env(portal_url, fixed, locale, &[])
    }

    /// Like [`AppUnderTest::with`], with extra environment for the app (test hooks).
    pub fn with_env(
        portal_url: &str,
        fixed: bool,
        locale: &str,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> AppUnderTest {
        let bin = std::env::var_os("KONTOR_APP_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| target_dir().join("debug").join("kontor"));
        assert!(
            bin.exists(),
            "the app binary {} is missing: scripts/test.sh builds it (UI first, then `cargo build --features custom-protocol`)",
            bin.display()
        );
        let home = tempfile::tempdir().unwrap();
        for d in ["config", "data", "cache", "saved"] {
            std::fs::create_dir_all(home.path().join(d)).unwrap();
        }
        let port = free_port();
        let native_port = free_port();
        let keyring_service = format!("de.kontor.e2e.{}.{port}", std::process::id());
        let mut driver =
            Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()));
        driver
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("LC_ALL", locale)
            .env("LANG", locale)
            .env("KONTOR_KEYRING_SERVICE", &keyring_service)
            .env("KONTOR_TEST_SAVE_DIR", home.path().join("saved"))
            .env_remove("KONTOR_PORTAL_URL")
            .env_remove("KONTOR_DATA_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if fixed {
            driver.env("KONTOR_PORTAL_URL", portal_url);
        }
        for (k, v) in env {
            driver.env(k, v);
        }
        let driver = driver
            .spawn()
            .expect("tauri-driver on PATH (scripts/setup.sh installs it)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        AppUnderTest {
            home,
            driver: Some(driver),
            port,
            keyring_service,
            portal_url: portal_url.to_string(),
            bin,
        }
    }

    /// Starts the app and returns a WebDriver session on its window.
    pub async fn launch(&self) -> fantoccini::Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": self.bin }),
        );
        let mut last = None;
        for _ in 0..5 {
            match fantoccini::ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(c) => return c,
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        panic!("could not start a WebDriver session: {last:?}");
    }

    /// Where the save-dialog test hook puts files (`KONTOR_TEST_SAVE_DIR`).
    pub fn saved_dir(&self) -> PathBuf {
        self.home.path().join("saved")
    }

    /// The refresh token the app left in the OS keyring, if any.
    pub fn remembered_refresh_token(&self) -> Option<String> {
        kontor_app::secrets::RefreshTokenStore::new(&self.keyring_service, &self.portal_url)
            .load()
            .expect("read the OS keyring")
    }

    /// Fails if any file the app (or its webview) wrote under its HOME contains `secret`.
    pub fn assert_no_file_contains(&self, secret: &str) {
        let mut files = 0;
        let mut stack = vec![self.home.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let ft = entry.file_type().unwrap();
                if ft.is_dir() {
                    stack.push(path);
                } else if ft.is_file() {
                    files += 1;
                    let bytes = std::fs::read(&path).unwrap_or_default();
                    assert!(
                        !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                        "{} contains the session secret",
                        path.display()
                    );
                }
            }
        }
        assert!(
            files > 0,
            "the app wrote no files at all under its HOME: wrong directory?"
        );
    }

    /// Saves a PNG of the window to target/e2e-screenshots/ (and $KONTOR_SCREENSHOT_DIR if set).
    pub async fn screenshot(&self, c: &fantoccini::Client, name: &str) {
        // Settle the page first: the screenshot shows what the test just checked.
        c.execute("return document.readyState;", vec![])
            .await
            .unwrap();
        let png = x_screenshot().expect("screenshot of the X display (imagemagick's import)");
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let mut dirs = vec![screenshot_dir()];
        if let Some(d) = std::env::var_os("KONTOR_SCREENSHOT_DIR") {
            dirs.push(PathBuf::from(d));
        }
        for d in dirs {
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join(format!("{name}.png")), &png).unwrap();
        }
    }
}

impl Drop for AppUnderTest {
    /// Stops tauri-driver with SIGTERM (SIGKILL would orphan WebKitWebDriver holding its port).
    fn drop(&mut self) {
        if let Some(mut child) = self.driver.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A PNG of the whole X display (the app's window sits at its origin under Xvfb). Not WebDriver's screenshot:
/// with WebKit's compositing off (the app's choice without a GPU, `src-tauri/render.rs`) WebKitWebDriver's
/// snapshot waits for a repaint that an idle page never makes, and blocks the session.
fn x_screenshot() -> Option<Vec<u8>> {
    let out = Command::new("import")
        .args(["-window", "root", "png:-"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

// --- WebDriver helpers: CSS selectors; a timeout saves a screenshot and the page source ---

/// Waits for `css`; on timeout saves a screenshot and the page source, then fails naming `what`.
pub async fn wait_for(
    c: &fantoccini::Client,
    css: &str,
    what: &str,
) -> fantoccini::elements::Element {
    wait_locator(c, fantoccini::Locator::Css(css), css, what).await
}

/// Waits for an XPath match (e.g. an element with a given text), like [`wait_for`].
pub async fn wait_xpath(
    c: &fantoccini::Client,
    xpath: &str,
    what: &str,
) -> fantoccini::elements::Element {
    wait_locator(c, fantoccini::Locator::XPath(xpath), xpath, what).await
}

async fn wait_locator(
    c: &fantoccini::Client,
    locator: fantoccini::Locator<'_>,
    shown: &str,
    what: &str,
) -> fantoccini::elements::Element {
    match c.wait().at_most(WAIT).for_element(locator).await {
        Ok(el) => el,
        Err(e) => {
            let dir = screenshot_dir();
            std::fs::create_dir_all(&dir).unwrap();
            let name: String = shown
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(60)
                .collect();
            if let Some(png) = x_screenshot() {
                std::fs::write(dir.join(format!("failed-{name}.png")), png).unwrap();
            }
            if let Ok(src) = c.source().await {
                std::fs::write(dir.join(format!("failed-{name}.html")), src).unwrap();
            }
            panic!(
                "{what}: {shown} did not appear ({e}); see {}",
                dir.display()
            );
        }
    }
}

/// Waits until nothing matches `css` any more; fails naming `what` after [`WAIT`].
pub async fn wait_gone(c: &fantoccini::Client, css: &str, what: &str) {
    let start = Instant::now();
    while c.find(fantoccini::Locator::Css(css)).await.is_ok() {
        assert!(start.elapsed() < WAIT, "{what}: {css} is still there");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits for `css` and clicks it.
pub async fn click(c: &fantoccini::Client, css: &str) {
    wait_for(c, css, "clickable").await.click().await.unwrap();
}

/// Replaces the value of the input at `css` (firing the `input` event the UI listens to).
pub async fn fill(c: &fantoccini::Client, css: &str, value: &str) {
    let el = wait_for(c, css, "input").await;
    el.clear().await.unwrap();
    if value.is_empty() {
        // WebDriver's clear() fires no `input` event; the UI's bindings listen to it.
        c.execute(
            "const e = document.querySelector(arguments[0]); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![css.into()],
        )
        .await
        .unwrap();
    } else {
        el.send_keys(value).await.unwrap();
    }
}

/// The trimmed text of `css`.
pub async fn text(c: &fantoccini::Client, css: &str) -> String {
    wait_for(c, css, "text")
        .await
        .text()
        .await
        .unwrap()
        .trim()
        .to_string()
}

/// Signs in on the sign-in page as the demo account's owner (not remembered) and waits for the dashboard.
pub async fn sign_in_as_owner(c: &fantoccini::Client, portal: &Portal) {
    fill(c, "#login-email", &portal.seed.owner_email).await;
    fill(c, "#login-password", &portal.seed.owner_password).await;
    click(c, "#login-submit").await;
    wait_for(c, "#seats-used", "dashboard after sign-in").await;
}
