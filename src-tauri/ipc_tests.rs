//! Wiring tests: the real command handlers behind Tauri's mock runtime, called over IPC the way the UI
//! calls them (command name and `{req: ...}` from `kontor_api::ipc`), errors arriving as `{code, message}`.

use kontor_api::ipc::{cmd, PortalStart, Startup, ARG};
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;

fn check(app_dir: &std::path::Path, calls: &[(&str, Value)]) -> Vec<Result<Value, Value>> {
    let app = crate::run_app(mock_builder(), Some(app_dir.to_path_buf()))
        // The real context: the real capabilities decide what the window may call.
        .build(tauri::generate_context!())
        .expect("app builds");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    calls
        .iter()
        .map(|(name, arg)| {
            let req = InvokeRequest {
                cmd: (*name).into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(json!({ ARG: arg })),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            };
            get_ipc_response(&webview, req).map(|r| r.deserialize::<Value>().unwrap())
        })
        .collect()
}

#[test]
fn commands_answer_over_ipc_and_fail_with_code_and_message() {
    std::env::remove_var("KONTOR_PORTAL_URL");
    let dir = tempfile::tempdir().unwrap();
    let results = check(
        dir.path(),
        &[
            (cmd::STARTUP, json!({})),
            (cmd::DASHBOARD, json!({})),
            (cmd::SET_LANGUAGE, json!({"language": "fr"})),
            (cmd::SET_LANGUAGE, json!({"language": "de"})),
            (cmd::STARTUP, json!({})),
            (
                cmd::SET_PORTAL_URL,
                json!({"url": "http://portal.example.com"}),
            ),
            (
                cmd::LOGIN_PASSWORD,
                json!({"email": "nope", "password": "x"}),
            ),
        ],
    );
    let start: Startup = serde_json::from_value(results[0].clone().unwrap()).unwrap();
    assert_eq!(start.portal, PortalStart::NotConfigured);
    let first = start.config;
    assert!(
        first.test_hooks,
        "a debug shell turns the UI's test hooks on"
    );
    assert_eq!(first.portal_url, None);
    assert!(!first.portal_locked);
    assert_eq!(first.language, None);

    let err = results[1].clone().unwrap_err();
    assert_eq!(err["code"], "not_configured", "{err}");
    assert!(err["message"].as_str().unwrap().contains("portal"));

    assert_eq!(results[2].clone().unwrap_err()["code"], "validation");
    assert!(results[3].is_ok());
    let after = serde_json::from_value::<Startup>(results[4].clone().unwrap())
        .unwrap()
        .config;
    assert_eq!(after.language.as_deref(), Some("de"), "language persisted");

    let insecure = results[5].clone().unwrap_err();
    assert_eq!(insecure["code"], "validation");
    assert!(
        insecure["message"].as_str().unwrap().contains("https"),
        "{insecure}"
    );

    let bad_email = results[6].clone().unwrap_err();
    assert_eq!(bad_email["code"], "validation");
    assert!(bad_email["message"].as_str().unwrap().starts_with("email"));

    // Settings hold the language and nothing else.
    let saved = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&saved).unwrap(),
        json!({"portal_url": null, "language": "de"})
    );
}

#[test]
fn every_command_the_ui_knows_is_registered() {
    std::env::remove_var("KONTOR_PORTAL_URL");
    let dir = tempfile::tempdir().unwrap();
    // An argument no command accepts: a registered command refuses it ("invalid args"), an unregistered
    // one is "not found", and none runs (`app_restart` would restart the test process, dialogs would wait).
    let calls: Vec<(&str, Value)> = cmd::ALL.iter().map(|c| (*c, json!(1))).collect();
    for (name, result) in cmd::ALL.iter().zip(check(dir.path(), &calls)) {
        let text = match result {
            Ok(v) => panic!("command {name} ran with a bad argument: {v}"),
            Err(e) => e.to_string(),
        };
        assert!(
            !text.contains("not found"),
            "command {name} is not registered in run_app: {text}"
        );
        assert!(
            text.contains("invalid args") || text.contains("invalid type"),
            "command {name}: {text}"
        );
    }
}

/// `src-ui/main.js` begins the `startup` call before the UI's code has loaded (issue 7), so it names the
/// command as text: it must be the real command with the real argument key, kept where the UI takes it.
#[test]
fn main_js_begins_the_real_startup_command_where_the_ui_takes_it() {
    let main_js = include_str!("../src-ui/main.js");
    let call = format!(
        "if (tauri) window.__kontorStartup = tauri.invoke('{}', {{ {}: {{}} }});",
        cmd::STARTUP,
        ARG
    );
    assert!(
        main_js.contains("const tauri = window.__TAURI_INTERNALS__;") && main_js.contains(&call),
        "src-ui/main.js must begin `{call}` with Tauri's internals"
    );
    let ui_ipc = include_str!("../src-ui/src/ipc.rs");
    assert!(
        ui_ipc.contains("const EARLY_STARTUP: &str = \"__kontorStartup\";"),
        "src-ui/src/ipc.rs must take the early call from window.__kontorStartup"
    );
}
