//! Tenant isolation and roles, generated from `/api/openapi.json` (issue 10, "make it stay fixed"): every
//! documented route and method is called without a token, as each role of account A with account B's ids,
//! and as the roles without user management (Billing, User) with A's own ids. A new endpoint without an
//! account or role check fails this suite by itself. SQLite and PostgreSQL.

mod common;

use common::{check, login, owner, seed_options, Env};
use kontor_api::{ChangePassword, CreateUsers, ErrorBody, ErrorCode, NewUser, Role};
use kontor_server::seed::{seed_demo, SeedOptions};
use serde_json::{json, Value};

/// OpenAPI tags whose operations Owner and Billing may use (issue 8); Admin and User get their 403.
const OWNER_AND_BILLING_TAGS: [&str; 3] = ["invoices", "billing", "subscription"];

/// A value the schema accepts, structurally: required fields filled by type, the first enum value, the
/// first alternative. Content is not meant to be valid: the checks under test come before validation.
fn example(schema: &Value, doc: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return example(&doc["components"]["schemas"][name], doc, depth + 1);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|s| s.get("type") != Some(&json!("null"))))
        {
            return example(first, doc, depth + 1);
        }
    }
    if let Some(e) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return e.clone();
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ => "object".to_string(),
    };
    match ty.as_str() {
        "string" => json!("x"),
        "integer" => json!(1),
        "number" => json!(1.0),
        "boolean" => json!(false),
        "array" => json!([]),
        "null" => Value::Null,
        _ => {
            let mut out = serde_json::Map::new();
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, s) in props {
                    if required.contains(&name.as_str()) {
                        out.insert(name.clone(), example(s, doc, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
    }
}

/// Routes for the billing roles (sepa8, issue 8): Owner and Billing use them, Admin and User get 403.
const BILLING_ROLE_ROUTES: [&str; 1] = ["/billing/"];

/// A session of a new user of account A with `role` (temporary password replaced).
async fn session_as(env: &Env, owner_tok: &str, role: Role) -> String {
    let email = format!("gen-{}@muster.example", uuid::Uuid::new_v4().simple());
    let created = env
        .client
        .create_users(
            owner_tok,
            &env.seed.account_id,
            &CreateUsers {
                users: vec![NewUser {
                    email: email.clone(),
                    display_name: "Generated".to_string(),
                    role,
                    location_id: None,
                    licenses: vec![],
                }],
            },
        )
        .await
        .expect("create")
        .created
        .remove(0);
    let s = env
        .client
        .login_password(&login(&email, &created.temporary_password))
        .await
        .expect("sign in");
    env.client
        .change_password(
            &s.access_token,
            &ChangePassword {
                current_password: created.temporary_password,
                new_password: "a-Brand-new-passw0rd".to_string(),
            },
        )
        .await
        .expect("change password");
    s.access_token
}

struct Call {
    status: u16,
    body: Option<ErrorBody>,
}

async fn call(
    http: &reqwest::Client,
    env: &Env,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Call {
    let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
    let mut req = http.request(m, format!("{}{path}", env.base_url));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.expect("send");
    let status = resp.status().as_u16();
    let body = resp.json::<ErrorBody>().await.ok();
    Call { status, body }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_keeps_accounts_and_roles_apart() {
    check(|env| async move {
        let b = seed_demo(
            env.db.as_ref(),
            &SeedOptions {
                account_name: "Beispiel AG".into(),
                customer_number: "K-200078".into(),
                owner_email: "chef@beispiel.example".into(),
                owner_password: "Other-Passw0rd!".into(),
                ..seed_options()
            },
        )
        .await
        .expect("second account");
        let b_user = env
            .db
            .user_by_email(&b.owner_email)
            .await
            .expect("db")
            .expect("B's owner")
            .id;
        let a_owner = owner(&env).await;
        let a_owner_id = env.client.me(&a_owner).await.expect("me").id;
        let roles = [
            (Role::Owner, a_owner.clone()),
            (Role::Admin, session_as(&env, &a_owner, Role::Admin).await),
            (
                Role::Billing,
                session_as(&env, &a_owner, Role::Billing).await,
            ),
            (Role::User, session_as(&env, &a_owner, Role::User).await),
        ];
        let http = reqwest::Client::new();
        let doc: Value = http
            .get(format!("{}/api/openapi.json", env.base_url))
            .send()
            .await
            .expect("openapi")
            .json()
            .await
            .expect("openapi json");
        let fill = |path: &str, account: &str, user: &str| {
            path.replace("{account_id}", account)
                .replace("{user_id}", user)
                .replace("{license_id}", "00000000-0000-0000-0000-000000000001")
                .replace("{installer_id}", "00000000-0000-0000-0000-000000000002")
                .replace("{invoice_id}", "00000000-0000-0000-0000-000000000003")
                .replace("{target}", "linux")
                .replace("{arch}", "x86_64")
                .replace("{current_version}", "0.0.1")
                .replace("{version}", "9.9.9")
                .replace("{file}", "kontor.AppImage")
                // support9b: a ticket's attachment
                .replace("{ticket_id}", "00000000-0000-0000-0000-000000000004")
                .replace("{index}", "0")
        };
        let (mut operations, mut scoped, mut calls) = (0, 0, 0);
        let paths = doc["paths"].as_object().expect("paths").clone();
        for (path, item) in &paths {
            for (method, op) in item.as_object().expect("path item") {
                if !["get", "post", "patch", "put", "delete"].contains(&method.as_str()) {
                    continue;
                }
                operations += 1;
                let what = format!("{} {method} {path}", env.backend);
                let body = op
                    .pointer("/requestBody/content/application~1json/schema")
                    .map(|s| example(s, &doc, 0));
                let secured = op.get("security").is_some();
                let documents_403 = op.pointer("/responses/403").is_some();
                // Operations of these tags are Owner's and Billing's (issue 8): there Billing passes the
                // role check and only User (and Admin) get the documented 403.
                let billing_allowed = op["tags"].as_array().is_some_and(|t| {
                    t.iter()
                        .any(|t| OWNER_AND_BILLING_TAGS.contains(&t.as_str().unwrap_or("")))
                });
                if !secured {
                    let c = call(
                        &http,
                        &env,
                        method,
                        &fill(path, "x", "x"),
                        None,
                        body.as_ref(),
                    )
                    .await;
                    assert!(c.status < 500, "{what}: {} without a token", c.status);
                    calls += 1;
                    continue;
                }
                // No token: 401, nothing else.
                let c = call(
                    &http,
                    &env,
                    method,
                    &fill(path, &env.seed.account_id, &a_owner_id),
                    None,
                    body.as_ref(),
                )
                .await;
                assert_eq!(c.status, 401, "{what}: without a token");
                calls += 1;
                if !path.contains("{account_id}") {
                    continue;
                }
                scoped += 1;
                // Every role of A, with B's account (and B's user): 404 not_found, exactly as unknown.
                for (role, tok) in &roles {
                    let c = call(
                        &http,
                        &env,
                        method,
                        &fill(path, &b.account_id, &b_user),
                        Some(tok),
                        body.as_ref(),
                    )
                    .await;
                    assert_eq!(
                        (c.status, c.body.map(|b| b.code)),
                        (404, Some(ErrorCode::NotFound)),
                        "{what}: {role:?} of A with B's ids"
                    );
                    calls += 1;
                }
                // Billing and User in their own account: what documents 403 refuses them (before touching
                // anything) — except on the billing routes (tagged in `OWNER_AND_BILLING_TAGS` or under
                // `BILLING_ROLE_ROUTES`), which let Billing in and refuse Admin and User; nothing answers 5xx.
                let billing_route =
                    billing_allowed || BILLING_ROLE_ROUTES.iter().any(|p| path.contains(p));
                for (role, tok) in roles[1..].iter() {
                    if !billing_route && *role == Role::Admin {
                        continue;
                    }
                    let c = call(
                        &http,
                        &env,
                        method,
                        &fill(path, &env.seed.account_id, &a_owner_id),
                        Some(tok),
                        body.as_ref(),
                    )
                    .await;
                    calls += 1;
                    assert!(c.status < 500, "{what}: {role:?}: {}", c.status);
                    let is_refused = if billing_route {
                        matches!(role, Role::Admin | Role::User)
                    } else {
                        matches!(role, Role::Billing | Role::User)
                    };
                    if documents_403 && is_refused {
                        assert_eq!(c.status, 403, "{what}: {role:?} in the own account");
                    } else {
                        assert_ne!(c.status, 403, "{what}: {role:?}: undocumented 403");
                    }
                }
            }
        }
        eprintln!(
            "{}: {operations} operations, {scoped} account-scoped, {calls} calls",
            env.backend
        );
        assert!(operations >= 25 && scoped >= 18, "{operations} / {scoped}");
    })
    .await;
}
