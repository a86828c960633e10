//! The desktop shell's session logic against a real portal server with a hand-moved clock: transparent
//! refresh after the access token expires, a clear "session expired" when the refresh token is gone, resume
//! after a restart from the OS keyring, sign-out, and the start-up resume begun at launch. Needs a Secret
//! Service (scripts/test.sh provides one).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use kontor_api::{ErrorCode, PasswordLogin};
use kontor_app::commands::error::CommandError;
use kontor_app::secrets::RefreshTokenStore;
use kontor_app::session::Portal;
use kontor_app::startup::{resume, Prefetch};
use kontor_client::PortalClient;
use kontor_server::seed::{seed_demo, DemoSeed, SeedOptions};
use kontor_server::{Config, ManualClock, RunningServer};

struct Fixture {
    server: RunningServer,
    clock: Arc<ManualClock>,
    seed: DemoSeed,
    service: String,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn start(name: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("portal.db").display());
        let db = kontor_server::open_database(&url).await.unwrap();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let clock = Arc::new(ManualClock::new(now));
        let seed = seed_demo(
            &*db,
            &SeedOptions {
                now: Some(now),
                ..SeedOptions::default()
            },
        )
        .await
        .unwrap();
        let server = kontor_server::start_with(
            Config::new(url, "127.0.0.1:0".parse().unwrap()),
            db,
            clock.clone(),
        )
        .await
        .unwrap();
        Fixture {
            server,
            clock,
            seed,
            service: format!("de.kontor.test.session.{name}.{}", std::process::id()),
            _dir: dir,
        }
    }

    fn client(&self) -> PortalClient {
        PortalClient::new(&self.server.base_url()).unwrap()
    }

    fn keyring(&self) -> RefreshTokenStore {
        RefreshTokenStore::new(&self.service, &self.server.base_url())
    }

    /// A fresh `Portal`, as after an app restart: nothing in memory, only the keyring.
    fn portal(&self) -> Portal {
        Portal::new(self.client(), self.keyring())
    }

    async fn sign_in(&self, portal: &Portal, remember: bool) {
        let tokens = self
            .client()
            .login_password(&PasswordLogin {
                email: self.seed.owner_email.clone(),
                password: self.seed.owner_password.clone(),
                remember,
            })
            .await
            .unwrap();
        portal.start(tokens, remember).await.unwrap();
    }
}

/// The dashboard as the UI gets it: errors through the command boundary's `{code, message}`.
async fn dashboard(portal: &Portal) -> Result<kontor_api::DashboardSummary, CommandError> {
    portal
        .call(|c, access, me| async move { c.dashboard(&access, &me.account_id).await })
        .await
        .map_err(CommandError::from)
}

#[tokio::test]
async fn expired_access_token_is_refreshed_and_expired_refresh_token_says_session_expired() {
    let f = Fixture::start("expiry").await;
    let portal = f.portal();
    f.sign_in(&portal, true).await;
    let first_refresh = f.keyring().load().unwrap().expect("remembered");

    let before = dashboard(&portal).await.unwrap();
    f.clock.advance(16 * 60); // the portal's 15-minute access token is gone
    let after = dashboard(&portal)
        .await
        .expect("refreshed transparently after the portal refused the access token");
    assert_eq!(before, after);
    let rotated = f.keyring().load().unwrap().expect("still remembered");
    assert_ne!(
        rotated, first_refresh,
        "the rotated refresh token replaces the old one in the keyring"
    );

    f.clock.advance(31 * 24 * 3600); // and now the 30-day refresh token too
    let err = dashboard(&portal).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(err.message.contains("expired"), "{}", err.message);
    assert_eq!(
        f.keyring().load().unwrap(),
        None,
        "a dead token is not kept"
    );
    f.server.shutdown().await;
}

#[tokio::test]
async fn restart_resumes_from_the_keyring_only_when_remembered_and_sign_out_ends_it() {
    let f = Fixture::start("resume").await;

    // Not remembered: nothing in the keyring, a restart asks to sign in.
    let portal = f.portal();
    f.sign_in(&portal, false).await;
    assert_eq!(f.keyring().load().unwrap(), None);
    assert!(
        portal.resume().await.unwrap().is_some(),
        "same process: still signed in"
    );
    assert_eq!(f.portal().resume().await.unwrap(), None);

    // Remembered: a restart resumes and works.
    f.sign_in(&portal, true).await;
    let restarted = f.portal();
    let me = restarted
        .resume()
        .await
        .unwrap()
        .expect("resumed from the keyring");
    assert_eq!(me.email, f.seed.owner_email);
    assert_eq!(
        dashboard(&restarted).await.unwrap().account.id,
        me.account_id
    );

    // Sign-out: keyring emptied, the session revoked on the portal, the next start asks to sign in.
    let remembered = f.keyring().load().unwrap().unwrap();
    restarted.sign_out().await.unwrap();
    assert_eq!(f.keyring().load().unwrap(), None);
    assert_eq!(
        f.client().refresh(&remembered).await.unwrap_err().status(),
        Some(401)
    );
    assert_eq!(
        dashboard(&restarted).await.unwrap_err().code,
        ErrorCode::Unauthorized
    );
    assert_eq!(f.portal().resume().await.unwrap(), None);
    f.server.shutdown().await;
}

#[tokio::test]
async fn a_portal_that_cannot_be_reached_is_a_network_error_and_keeps_the_remembered_session() {
    let f = Fixture::start("network").await;
    let portal = f.portal();
    f.sign_in(&portal, true).await;
    let url = f.server.base_url();
    let service = f.service.clone();
    f.server.shutdown().await;
    let restarted = Portal::new(
        PortalClient::new(&url).unwrap(),
        RefreshTokenStore::new(&service, &url),
    );
    let err = CommandError::from(restarted.resume().await.unwrap_err());
    assert_eq!(err.code, ErrorCode::Network);
    let keyring = RefreshTokenStore::new(&service, &url);
    assert!(keyring.load().unwrap().is_some(), "kept for the retry");
    keyring.delete().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_resumes_in_the_background_with_the_dashboard_and_a_retry_asks_again() {
    let f = Fixture::start("startup").await;
    f.sign_in(&f.portal(), true).await;

    // As at launch: a fresh connection with only the keyring, asked before the UI exists.
    let portal = Arc::new(f.portal());
    let prefetch = Prefetch::default();
    prefetch.start(portal.clone());
    let first = prefetch.take(portal.clone()).await;
    assert!(first.info.is_ok(), "GET /info answered");
    let me = first.session.expect("resumed").expect("remembered");
    assert_eq!(me.email, f.seed.owner_email);
    let summary = first
        .dashboard
        .expect("the dashboard comes with the session");
    assert_eq!(
        Some(summary),
        dashboard(&portal).await.ok(),
        "the same summary the dashboard command gets"
    );

    // The launch task is taken once: a retry asks the portal again, with the session now in memory.
    let again = prefetch.take(portal.clone()).await;
    assert_eq!(
        again.session.expect("resumed").map(|m| m.email),
        Some(f.seed.owner_email.clone())
    );
    assert!(again.dashboard.is_some());

    // Nothing remembered (another keyring entry): sign in, and no dashboard is asked for.
    let stranger = Arc::new(Portal::new(
        f.client(),
        RefreshTokenStore::new(&format!("{}.nobody", f.service), &f.server.base_url()),
    ));
    prefetch.start(stranger.clone());
    // A task begun for one portal is never handed to another: this asks `portal` afresh.
    let other = prefetch.take(portal.clone()).await;
    assert!(other.session.expect("resumed").is_some());
    let nobody = resume(stranger).await;
    assert!(nobody.info.is_ok());
    assert_eq!(nobody.session.expect("no error"), None);
    assert!(nobody.dashboard.is_none());
}
