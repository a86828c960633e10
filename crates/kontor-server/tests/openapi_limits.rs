//! Issue 10, defect 11: `/api/openapi.json` declares the input limits the server enforces (lengths, item
//! counts, ranges, as in `kontor_api::validate` and the handlers), and every operation that takes input
//! documents its 422 answer, so a request valid by the document is not refused for a limit it never stated.

use kontor_api::validate::{
    LICENSE_TOKEN_MAX, LICENSE_TOKEN_MIN, MAX_EMAIL_LEN, MAX_PASSWORD_LEN, MIN_NEW_PASSWORD_LEN,
};
use kontor_api::{MAX_BATCH, MAX_EXISTING_EMAILS, MAX_IMPORT_BATCH, MAX_NAME_LEN};
use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(kontor_server::openapi::document()).expect("document as JSON")
}

/// The schema of `property` of component `schema`.
fn property<'a>(doc: &'a Value, schema: &str, property: &str) -> &'a Value {
    let p = &doc["components"]["schemas"][schema]["properties"][property];
    assert!(p.is_object(), "{schema}.{property} is not in the document");
    p
}

/// Asserts `key` of `schema.property` is `want` (a number).
fn limit(doc: &Value, schema: &str, prop: &str, key: &str, want: usize) {
    assert_eq!(
        property(doc, schema, prop)[key].as_u64(),
        Some(want as u64),
        "{schema}.{prop}.{key}: {}",
        property(doc, schema, prop)
    );
}

#[test]
fn request_types_declare_the_limits_the_server_enforces() {
    let doc = document();
    for (schema, prop) in [("PasswordLogin", "email"), ("NewUser", "email")] {
        limit(&doc, schema, prop, "maxLength", MAX_EMAIL_LEN);
        assert!(
            property(&doc, schema, prop)["pattern"].is_string(),
            "{schema}.{prop}"
        );
    }
    limit(&doc, "PasswordLogin", "password", "minLength", 1);
    limit(
        &doc,
        "PasswordLogin",
        "password",
        "maxLength",
        MAX_PASSWORD_LEN,
    );
    limit(
        &doc,
        "ChangePassword",
        "current_password",
        "maxLength",
        MAX_PASSWORD_LEN,
    );
    limit(
        &doc,
        "ChangePassword",
        "new_password",
        "minLength",
        MIN_NEW_PASSWORD_LEN,
    );
    limit(
        &doc,
        "ChangePassword",
        "new_password",
        "maxLength",
        MAX_PASSWORD_LEN,
    );
    limit(
        &doc,
        "TokenLogin",
        "license_token",
        "minLength",
        LICENSE_TOKEN_MIN,
    );
    limit(
        &doc,
        "TokenLogin",
        "license_token",
        "maxLength",
        LICENSE_TOKEN_MAX,
    );
    limit(&doc, "RefreshRequest", "refresh_token", "maxLength", 256);
    for schema in ["NewUser", "UpdateUser"] {
        limit(&doc, schema, "display_name", "minLength", 1);
        limit(&doc, schema, "display_name", "maxLength", MAX_NAME_LEN);
        let pattern = property(&doc, schema, "display_name")["pattern"]
            .as_str()
            .expect("display_name pattern");
        // Bidi controls (U+202E) and zero-width characters are refused, so the pattern excludes them.
        assert!(
            pattern.contains(r"\u202a-\u202e") && pattern.contains(r"\u200b"),
            "{pattern}"
        );
    }
    limit(&doc, "NewUser", "licenses", "maxItems", 50);
    limit(&doc, "CreateUsers", "users", "minItems", 1);
    limit(&doc, "CreateUsers", "users", "maxItems", MAX_BATCH);
    limit(&doc, "ImportBatch", "users", "maxItems", MAX_IMPORT_BATCH);
    limit(&doc, "ImportBatch", "import_id", "maxLength", 64);
    limit(&doc, "LicenseChange", "user_ids", "maxItems", MAX_BATCH);
    limit(&doc, "LicenseChange", "assign", "maxItems", 50);
    limit(&doc, "RestoreUsers", "user_ids", "maxItems", MAX_BATCH);
    limit(
        &doc,
        "ExistingEmailsRequest",
        "emails",
        "maxItems",
        MAX_EXISTING_EMAILS,
    );
}

/// A query parameter of `GET path`.
fn query_param<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    let params = doc["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap_or_else(|| panic!("GET {path} has no parameters"));
    let p = params
        .iter()
        .find(|p| p["name"] == name && p["in"] == "query")
        .unwrap_or_else(|| panic!("GET {path} has no query parameter {name}: {params:?}"));
    &p["schema"]
}

#[test]
fn page_sizes_declare_their_ranges() {
    let doc = document();
    let users = query_param(&doc, "/api/v1/accounts/{account_id}/users", "limit");
    assert_eq!(
        (users["minimum"].as_u64(), users["maximum"].as_u64()),
        (Some(1), Some(500)),
        "{users}"
    );
    // The filters are optional query parameters (they were documented as required path parameters).
    let params = doc["paths"]["/api/v1/accounts/{account_id}/users"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    for p in params.iter().filter(|p| p["name"] != "account_id") {
        assert_eq!(
            (&p["in"], &p["required"]),
            (&Value::from("query"), &Value::from(false)),
            "{p}"
        );
    }
    let audit = query_param(&doc, "/api/v1/accounts/{account_id}/audit", "limit");
    assert_eq!(
        (audit["minimum"].as_u64(), audit["maximum"].as_u64()),
        (Some(1), Some(200)),
        "{audit}"
    );
}

#[test]
fn every_operation_with_input_documents_its_422() {
    let doc = document();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let takes_input = op.get("requestBody").is_some()
                || op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
            if takes_input && op["responses"].get("422").is_none() {
                missing.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert!(missing.is_empty(), "no 422 documented: {missing:?}");
}

/// The `pattern` of `schema.prop`, compiled (JSON Schema patterns match anywhere unless anchored).
fn pattern(doc: &Value, schema: &str, prop: &str) -> regex::Regex {
    let p = property(doc, schema, prop)["pattern"]
        .as_str()
        .unwrap_or_else(|| panic!("{schema}.{prop} has no pattern"));
    regex::Regex::new(p).unwrap_or_else(|e| panic!("{schema}.{prop}: {e}"))
}

/// The patterns agree with the validators: what the pattern admits (within the length limits) the server
/// accepts, and what the server refuses for its form the pattern refuses.
#[test]
fn patterns_agree_with_the_validators() {
    use kontor_api::validate;
    let doc = document();
    let emails = [
        "a@b.example",
        " Anna.One@Example.COM ",
        "x@y.z",
        "",
        "a",
        "a@b",
        "@b.example",
        "a@@b.example",
        "a@b@c.example",
        "a@.b.example",
        "a@b.example.",
        "a@b..example",
        "a b@c.example",
        "a\u{0}@b.example",
        "a@b.exa\u{85}mple",
        "ä@ö.example",
    ];
    for schema in ["NewUser", "PasswordLogin"] {
        let re = pattern(&doc, schema, "email");
        for e in emails {
            assert_eq!(
                re.is_match(e),
                validate::email("email", e).is_ok(),
                "{schema}.email {e:?}"
            );
        }
    }
    let names = [
        "Anna",
        " Anna One ",
        "Müller, Jörg",
        "=HYPERLINK(1)",
        "",
        "   ",
        "evil\u{202E}txt.exe",
        "zero\u{200B}width",
        "tab\tname",
        "bom\u{FEFF}",
        "arabic\u{061C}mark",
    ];
    for schema in ["NewUser", "UpdateUser"] {
        let re = pattern(&doc, schema, "display_name");
        for n in names {
            assert_eq!(
                re.is_match(n),
                validate::display_name("display_name", n).is_ok(),
                "{schema}.display_name {n:?}"
            );
        }
    }
    let token = pattern(&doc, "TokenLogin", "license_token");
    for t in [
        "A".repeat(31),
        "A".repeat(32),
        "a-Z9".repeat(32),
        "A".repeat(129),
        format!("{}_", "A".repeat(40)),
    ] {
        assert_eq!(
            token.is_match(&t),
            validate::license_token("license_token", &t).is_ok(),
            "{t:?}"
        );
    }
    let id = pattern(&doc, "ImportBatch", "import_id");
    for (i, ok) in [
        ("import-1_A", true),
        ("", false),
        ("a b", false),
        ("ä", false),
    ] {
        assert_eq!(id.is_match(i), ok, "{i:?}");
    }
}

/// The answers of the throttle and of the bounded password hashing are documented with their wait.
#[test]
fn throttled_operations_document_429_and_503_with_retry_after() {
    let doc = document();
    for path in ["/api/v1/auth/login", "/api/v1/me/password"] {
        for status in ["429", "503"] {
            let r = &doc["paths"][path]["post"]["responses"][status];
            assert!(r.is_object(), "POST {path} does not document {status}");
            assert!(
                r["headers"]["Retry-After"].is_object(),
                "POST {path} {status}: {r}"
            );
        }
    }
}

/// support9: the support ticket's limits and answers are documented.
#[test]
fn support_ticket_limits_are_documented() {
    use kontor_api::support::{MAX_ATTACHMENTS, MAX_MESSAGE_LEN, MAX_PHONE_LEN, MAX_SUBJECT_LEN};
    let doc = document();
    limit(&doc, "NewTicket", "subject", "maxLength", MAX_SUBJECT_LEN);
    limit(&doc, "NewTicket", "subject", "minLength", 1);
    limit(&doc, "NewTicket", "message", "maxLength", MAX_MESSAGE_LEN);
    limit(
        &doc,
        "NewTicket",
        "contact_phone",
        "maxLength",
        MAX_PHONE_LEN,
    );
    limit(
        &doc,
        "NewTicket",
        "attachments",
        "maxItems",
        MAX_ATTACHMENTS,
    );
    limit(&doc, "NewAttachment", "file_name", "maxLength", 200);
    let responses =
        &doc["paths"]["/api/v1/accounts/{account_id}/support/tickets"]["post"]["responses"];
    for status in ["201", "422", "429"] {
        assert!(responses[status].is_object(), "support ticket {status}");
    }
    assert!(responses["429"]["headers"]["Retry-After"].is_object());
}

/// support9b: the attachment download documents its path parameters' range and its answers.
#[test]
fn support_attachment_download_is_documented() {
    let doc = document();
    let path = "/api/v1/accounts/{account_id}/support/tickets/{ticket_id}/attachments/{index}";
    let op = &doc["paths"][path]["get"];
    assert!(op.is_object(), "GET {path} is documented");
    for status in ["200", "401", "404"] {
        assert!(op["responses"][status].is_object(), "attachment {status}");
    }
    assert!(
        op["responses"].get("403").is_none(),
        "another account's or user's ticket is 404, never 403"
    );
    let index = op["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "index"))
        .expect("index parameter");
    assert_eq!(index["in"], "path");
    assert_eq!(index["schema"]["minimum"], 0);
    assert_eq!(
        index["schema"]["maximum"],
        kontor_api::support::MAX_ATTACHMENTS - 1
    );
    assert!(op["security"].is_array(), "a session is needed");
}
