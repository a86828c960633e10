//! Every answer is documented (issue 10, found by schemathesis, `scripts/schemathesis.sh`): each documented
//! operation with an id in its path (other than the account's) is called by the Owner with malformed ids in
//! that place — spaces and punctuation, non-ASCII, 300 characters — and must answer a status its operation
//! documents, never 5xx, and for an `…_id` never 2xx. (`POST …/offline-license/{license_id}/revoke` answered an undocumented
//! 422.) Generated from `/api/openapi.json`, so a new operation is checked by itself. SQLite and PostgreSQL.

mod common;

use common::{check, owner};
use serde_json::{json, Value};

/// Malformed ids as they appear in a URL path (already percent-encoded).
fn malformed_ids() -> Vec<String> {
    vec![
        "not%20an%20id%21".to_string(),
        "%C3%A9%C3%A5%28L".to_string(),
        "a".repeat(300),
    ]
}

/// A well-formed value for every path parameter but `bad`, which gets `value`.
fn fill(path: &str, account: &str, bad: &str, value: &str) -> String {
    let mut out = path.replace("{account_id}", account);
    for (name, good) in [
        ("user_id", "00000000-0000-0000-0000-000000000000"),
        ("location_id", "00000000-0000-0000-0000-000000000004"),
        ("license_id", "00000000-0000-0000-0000-000000000001"),
        ("installer_id", "00000000-0000-0000-0000-000000000002"),
        ("invoice_id", "00000000-0000-0000-0000-000000000003"),
        ("target", "linux"),
        ("arch", "x86_64"),
        ("current_version", "0.0.1"),
        ("version", "9.9.9"),
        ("file", "kontor.AppImage"),
    ] {
        let v = if name == bad { value } else { good };
        out = out.replace(&format!("{{{name}}}"), v);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_path_ids_answer_a_documented_status() {
    check(|env| async move {
        let token = owner(&env).await;
        let http = reqwest::Client::new();
        let doc: Value = http
            .get(format!("{}/api/openapi.json", env.base_url))
            .send()
            .await
            .expect("openapi")
            .json()
            .await
            .expect("openapi json");
        let mut calls = 0;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            let params: Vec<String> = path
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
                .filter(|name| name != "account_id")
                .collect();
            for (method, op) in item.as_object().expect("path item") {
                if !["get", "post", "patch", "put", "delete"].contains(&method.as_str()) {
                    continue;
                }
                let documented: Vec<u16> = op["responses"]
                    .as_object()
                    .expect("responses")
                    .keys()
                    .filter_map(|k| k.parse().ok())
                    .collect();
                for param in &params {
                    for bad in malformed_ids() {
                        let url = format!(
                            "{}{}",
                            env.base_url,
                            fill(path, &env.seed.account_id, param, &bad)
                        );
                        let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())
                            .expect("method");
                        let mut req = http.request(m, url).bearer_auth(&token);
                        if op.get("requestBody").is_some() {
                            req = req.json(&json!({}));
                        }
                        let status = req.send().await.expect("send").status().as_u16();
                        let what = format!(
                            "{} {method} {path} with {param} = {}…",
                            env.backend,
                            &bad[..bad.len().min(20)]
                        );
                        assert!(
                            documented.contains(&status),
                            "{what}: {status} is not documented ({documented:?})"
                        );
                        assert!(status < 500, "{what}: {status}");
                        // Nothing has a malformed id (a target or version may just have no update: 204).
                        if param.ends_with("_id") {
                            assert!(!(200..300).contains(&status), "{what}: {status}");
                        }
                        calls += 1;
                    }
                }
            }
        }
        // The document has ids in paths (users, locations, licenses, installers, invoices, releases).
        assert!(
            calls >= 30,
            "only {calls} calls: the generator found no ids"
        );
    })
    .await;
}
