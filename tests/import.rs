//! The shell's import against a real portal: the preview names every problem by row and column, the
//! commit runs in atomic batches, and an import interrupted after some batches resumes without a single
//! duplicate (the portal's idempotency key at work). Needs a Secret Service like the other shell tests.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use kontor_api::{
    ImportField, ImportReason, NewUser, PasswordLogin, Role, UserQuery, MAX_IMPORT_BATCH,
};
use kontor_app::commands::error::CommandError;
use kontor_app::import::{self, ImportPlan, PlanStore};
use kontor_app::secrets::RefreshTokenStore;
use kontor_app::session::Portal;
use kontor_client::PortalClient;
use kontor_server::seed::{seed_demo, DemoSeed, SeedOptions};
use kontor_server::{Config, RunningServer, SystemClock};

async fn start(name: &str) -> (RunningServer, DemoSeed, Portal, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    let db = kontor_server::open_database(&url).await.unwrap();
    let seed = seed_demo(&*db, &SeedOptions::default()).await.unwrap();
    let server = kontor_server::start_with(
        Config::new(url, "127.0.0.1:0".parse().unwrap()),
        db,
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    let client = PortalClient::new(&server.base_url()).unwrap();
    let service = format!("de.kontor.test.import.{name}.{}", std::process::id());
    let portal = Portal::new(
        client.clone(),
        RefreshTokenStore::new(&service, client.base_url()),
    );
    let tokens = client
        .login_password(&PasswordLogin {
            email: seed.owner_email.clone(),
            password: seed.owner_password.clone(),
            remember: false,
        })
        .await
        .unwrap();
    portal.start(tokens, false).await.unwrap();
    (server, seed, portal, dir)
}

async fn total_users(portal: &Portal) -> i64 {
    portal
        .call(|c, a, me| async move { c.users(&a, &me.account_id, &UserQuery::default()).await })
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn preview_names_row_column_and_reason_against_the_portal() {
    let (server, seed, portal, dir) = start("preview").await;
    let file = dir.path().join("users.csv");
    std::fs::write(
        &file,
        format!(
            "\u{feff}E-Mail;Name;Rolle;Lizenzen\r\n\
             neu.eins@muster.example;Neu Eins;Benutzer;cmdb\r\n\
             kaputt;Kaputt;Benutzer;\r\n\
             {owner};Schon Da;Benutzer;\r\n\
             neu.eins@muster.example;Doppelt;Benutzer;\r\n\
             neu.zwei@muster.example;Neu Zwei;Chef;\r\n\
             neu.drei@muster.example;Neu Drei;Administrator;nichtda\r\n",
            owner = seed.owner_email
        ),
    )
    .unwrap();
    let (shown, previewed) = import::preview(&portal, &file).await.unwrap();
    assert_eq!(shown.rows_found, 6);
    assert_eq!(shown.valid, 1);
    assert_eq!(previewed.users.len(), 1);
    assert_eq!(previewed.users[0].email, "neu.eins@muster.example");
    assert_eq!(previewed.users[0].licenses, vec!["cmdb".to_string()]);
    let problems: Vec<(u64, &str, &str)> = shown
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.code.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (3, "E-Mail", "invalid_email"),
            (4, "E-Mail", "already_exists"),
            (5, "E-Mail", "duplicate_in_file"),
            (6, "Rolle", "unknown_role"),
            (7, "Lizenzen", "unknown_license"),
        ]
    );
    assert!(shown.problems.iter().all(|p| !p.message.is_empty()));
    // The typed form the UI translates: the field each column holds and the reason with its parameters.
    let typed: Vec<(Option<ImportField>, Option<ImportReason>)> = shown
        .problems
        .iter()
        .map(|p| (p.field, p.reason.clone()))
        .collect();
    assert_eq!(
        typed[0],
        (Some(ImportField::Email), Some(ImportReason::InvalidEmail))
    );
    assert_eq!(
        typed[2],
        (
            Some(ImportField::Email),
            Some(ImportReason::DuplicateInFile { first_row: 2 })
        )
    );
    assert_eq!(typed[3].0, Some(ImportField::Role));
    assert_eq!(typed[4].0, Some(ImportField::Licenses));

    // A binary file is a clear error, not a panic and not a preview.
    let png = dir.path().join("picture.csv");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    // As the UI gets it: through the command boundary's `{code, message}`.
    let err = CommandError::from(import::preview(&portal, &png).await.unwrap_err());
    assert_eq!(err.code, kontor_api::ErrorCode::Validation);
    assert!(err.message.contains("picture.csv"), "{}", err.message);
    server.shutdown().await;
}

fn users(n: usize) -> Vec<NewUser> {
    (0..n)
        .map(|i| NewUser {
            email: format!("import.{i}@muster.example"),
            display_name: format!("Import Nummer {i}"),
            role: Role::User,
            location_id: None,
            licenses: Vec::new(),
        })
        .collect()
}

/// A plan of `n` generated users for the signed-in account, as the import command makes it.
async fn plan_of(portal: &Portal, file_name: &str, n: usize) -> ImportPlan {
    let me = portal
        .call(|c, a, _| async move { c.me(&a).await })
        .await
        .unwrap();
    ImportPlan::new(
        portal.client().base_url(),
        &me.account_id,
        file_name,
        users(n),
    )
}

#[tokio::test]
async fn an_interrupted_import_resumes_without_duplicates_and_cancel_stops_between_batches() {
    let (server, _seed, portal, dir) = start("resume").await;
    let before = total_users(&portal).await;
    let n = 2 * MAX_IMPORT_BATCH + 7;
    let store = PlanStore::new(dir.path());
    let mut plan = plan_of(&portal, "big.csv", n).await;
    assert_eq!(plan.batches.len(), 3);
    store.save(&plan).unwrap();

    // The app commits the first batch, then "crashes": the plan file survives, the passwords do not.
    let first = kontor_api::ImportBatch {
        import_id: plan.import_id.clone(),
        batch: 0,
        users: plan.batches[0].clone(),
    };
    let r = portal
        .call(|c, a, me| {
            let b = first.clone();
            async move { c.import_batch(&a, &me.account_id, &b).await }
        })
        .await
        .unwrap();
    assert_eq!(r.created.len(), MAX_IMPORT_BATCH);
    plan.done = 1;
    store.save(&plan).unwrap();
    assert_eq!(total_users(&portal).await, before + MAX_IMPORT_BATCH as i64);

    // A cancel stops before the next batch.
    let mut resumed = store.load().expect("the plan survived the crash");
    let cancelled = import::run(
        &portal,
        &store,
        &mut resumed,
        &AtomicBool::new(true),
        |_, _| {},
    )
    .await
    .unwrap();
    assert!(cancelled.cancelled);
    assert_eq!(total_users(&portal).await, before + MAX_IMPORT_BATCH as i64);

    // Resume: every user exactly once, everyone on the confirmation screen with a fresh password.
    let mut resumed = store.load().unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let outcome = import::run(
        &portal,
        &store,
        &mut resumed,
        &AtomicBool::new(false),
        |d, t| seen.lock().unwrap().push((d, t)),
    )
    .await
    .unwrap();
    assert!(!outcome.cancelled);
    assert_eq!(outcome.created.len(), n);
    assert_eq!(
        total_users(&portal).await,
        before + n as i64,
        "no duplicates"
    );
    let emails: std::collections::HashSet<_> =
        outcome.created.iter().map(|u| u.email.clone()).collect();
    assert_eq!(emails.len(), n);
    assert_eq!(seen.lock().unwrap().last(), Some(&(n as u64, n as u64)));
    assert!(
        store.load().is_none(),
        "the plan is removed when the import is done"
    );

    // The passwords on the confirmation screen work, also for the batch committed before the crash.
    let u0 = outcome
        .created
        .iter()
        .find(|u| u.email == "import.0@muster.example")
        .unwrap();
    let t = portal
        .client()
        .login_password(&PasswordLogin {
            email: u0.email.clone(),
            password: u0.temporary_password.clone(),
            remember: false,
        })
        .await
        .unwrap();
    assert!(t.user.must_change_password);
    server.shutdown().await;
}

#[tokio::test]
async fn a_cancel_during_the_import_answers_the_batches_on_their_way_and_sends_no_more() {
    let (server, _seed, portal, dir) = start("cancel").await;
    let before = total_users(&portal).await;
    let n = 2 * MAX_IMPORT_BATCH + 7;
    let store = PlanStore::new(dir.path());
    let mut plan = plan_of(&portal, "c.csv", n).await;
    store.save(&plan).unwrap();
    assert_eq!(
        import::IN_FLIGHT,
        2,
        "this test expects two batches on their way"
    );

    // The admin cancels once the first batch is answered; the second is already on its way.
    let cancel = AtomicBool::new(false);
    let outcome = import::run(&portal, &store, &mut plan, &cancel, |done, _| {
        if done > 0 {
            cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    })
    .await
    .unwrap();
    assert!(outcome.cancelled);
    assert_eq!(outcome.created.len(), 2 * MAX_IMPORT_BATCH);
    assert_eq!(
        total_users(&portal).await,
        before + 2 * MAX_IMPORT_BATCH as i64,
        "the third batch was not sent"
    );
    let kept = store.load().expect("a cancelled import can be resumed");
    assert_eq!(kept.done, 2);
    assert_eq!(kept.done_users(), 2 * MAX_IMPORT_BATCH);

    let mut resumed = kept;
    let outcome = import::run(
        &portal,
        &store,
        &mut resumed,
        &AtomicBool::new(false),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(outcome.created.len(), n);
    assert_eq!(
        total_users(&portal).await,
        before + n as i64,
        "no duplicates"
    );
    server.shutdown().await;
}

#[test]
fn the_plan_is_written_once_and_the_progress_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = PlanStore::new(dir.path());
    let mut plan = ImportPlan::new(
        "https://portal.example",
        "acc-1",
        "a.csv",
        users(2 * MAX_IMPORT_BATCH + 7),
    );
    store.save(&plan).unwrap();
    let files = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let plan_file = dir.path().join(&files()[0]);
    let written = std::fs::read(&plan_file).unwrap();

    plan.done = 2;
    store.progress(&plan).unwrap();
    assert_eq!(
        std::fs::read(&plan_file).unwrap(),
        written,
        "the plan's users are not written again"
    );
    assert_eq!(files().len(), 2);
    let progress_file = files()
        .into_iter()
        .map(|f| dir.path().join(f))
        .find(|p| *p != plan_file)
        .unwrap();
    assert!(std::fs::metadata(&progress_file).unwrap().len() < 200);
    assert_eq!(store.load().unwrap().done, 2);

    // Another import's plan does not take over this one's progress.
    let other = ImportPlan::new("https://portal.example", "acc-1", "b.csv", users(3));
    assert_ne!(other.import_id, plan.import_id);
    store.save(&other).unwrap();
    assert_eq!(store.load().unwrap().done, 0);

    // Done: both files are gone, and a progress file alone is no import.
    store.delete().unwrap();
    assert!(files().is_empty(), "{:?}", files());
    std::fs::write(&progress_file, br#"{"import_id":"x","done":1}"#).unwrap();
    assert!(store.load().is_none());
}
