//! Installer downloads (`…/accounts/{account_id}/installers`, Owner and Admin, and Users when the vendor
//! profile allows it) and the app's self-update
//! (`/app/update/…` and `/app/releases/…`, no sign-in), with the one file answer both use: streamed from
//! disk, single HTTP range, `ETag` and `If-Range`.
//!
//! Ranges: `bytes=a-b`, `bytes=a-` and `bytes=-n` answer 206 with `Content-Range`; a malformed or
//! unsatisfiable one answers 416 with `Content-Range: bytes */SIZE`; a list of ranges (`bytes=0-1,5-6`) is
//! answered with the whole file (200), which RFC 9110 allows; `If-Range` naming another entity tag (or a date)
//! also answers the whole file.

use std::net::SocketAddr;
use std::path::{Path as FsPath, PathBuf};

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kontor_api::{ErrorBody, ErrorCode, InstallerList, UpdateManifest};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

/// Bytes read from disk per step of a file answer: every read is a trip to tokio's blocking pool, so larger
/// steps leave more CPU to the sending (measured in BENCHMARKS.md, installer download).
const READ_CHUNK: usize = 512 * 1024;

use crate::auth::{AuthUser, Permission};
use crate::db::AuditEvent;
use crate::handlers::accounts::own_account;
use crate::handlers::id_field;
use crate::http_error::{ApiError, ApiQuery};
use crate::installers::{sort_catalog, store_path, to_api};
use crate::releases;
use crate::state::AppState;

// ci10: the pure `Range` rule lives in kontor-api, where its fuzz target (crates/kontor-api/fuzz) reaches it.
pub use kontor_api::http_range::{range_answer, RangeAnswer};

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Streams `path` (`size` bytes) as the answer to a GET with `headers`.
async fn file_response(
    path: &FsPath,
    size: u64,
    etag: &str,
    file_name: &str,
    headers: &HeaderMap,
    limit: Option<u64>,
) -> Result<Response, ApiError> {
    let answer = range_answer(
        header_str(headers, header::RANGE),
        header_str(headers, header::IF_RANGE),
        etag,
        size,
    );
    let common = |b: axum::http::response::Builder| {
        b.header(header::ACCEPT_RANGES, "bytes")
            .header(header::ETAG, etag)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::CONTENT_DISPOSITION, content_disposition(file_name))
            .header(header::CACHE_CONTROL, "private, no-transform")
    };
    let (status, start, len) = match answer {
        RangeAnswer::Whole => (StatusCode::OK, 0, size),
        RangeAnswer::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        RangeAnswer::Unsatisfiable => {
            let body = ErrorBody::new(
                ErrorCode::Validation,
                format!("range not satisfiable (the file has {size} bytes)"),
            );
            let mut resp = (StatusCode::RANGE_NOT_SATISFIABLE, Json(body)).into_response();
            let h = resp.headers_mut();
            h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                h.insert(header::CONTENT_RANGE, v);
            }
            return Ok(resp);
        }
    };
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?;
    let on_disk = file
        .metadata()
        .await
        .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?
        .len();
    if on_disk != size {
        return Err(ApiError::internal(format!(
            "{} has {on_disk} bytes, the catalog says {size}",
            path.display()
        )));
    }
    if start > 0 {
        file.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?;
    }
    let body = match limit.filter(|l| *l > 0) {
        None => Body::from_stream(ReaderStream::with_capacity(file.take(len), READ_CHUNK)),
        Some(rate) => {
            // Small steps, each sent no earlier than the rate allows (the demo's throttled installer).
            use futures_util::StreamExt;
            let started = tokio::time::Instant::now();
            let mut sent = 0u64;
            let stream =
                ReaderStream::with_capacity(file.take(len), 64 * 1024).then(move |chunk| {
                    if let Ok(c) = &chunk {
                        sent += c.len() as u64;
                    }
                    let due =
                        started + std::time::Duration::from_secs_f64(sent as f64 / rate as f64);
                    async move {
                        tokio::time::sleep_until(due).await;
                        chunk
                    }
                });
            Body::from_stream(stream)
        }
    };
    let mut b = common(Response::builder().status(status)).header(header::CONTENT_LENGTH, len);
    if status == StatusCode::PARTIAL_CONTENT {
        b = b.header(
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{size}", start + len - 1),
        );
    }
    b.body(body).map_err(|e| ApiError::internal(e.to_string()))
}

/// `attachment; filename="…"`, plus `filename*=UTF-8''…` (RFC 6266) for a name that is not plain ASCII.
fn content_disposition(file_name: &str) -> String {
    if file_name.is_ascii() {
        format!("attachment; filename=\"{file_name}\"")
    } else {
        let fallback: String = file_name
            .chars()
            .map(|c| if c.is_ascii() { c } else { '_' })
            .collect();
        format!(
            "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
            seg(file_name)
        )
    }
}

/// Whether the answer to these headers starts at byte 0 (a download start, audited), not a resumed chunk.
fn starts_download(headers: &HeaderMap, etag: &str, size: u64) -> bool {
    match range_answer(
        header_str(headers, header::RANGE),
        header_str(headers, header::IF_RANGE),
        etag,
        size,
    ) {
        RangeAnswer::Whole => true,
        RangeAnswer::Part { start, .. } => start == 0,
        RangeAnswer::Unsatisfiable => false,
    }
}

fn installers_dir(st: &AppState) -> Result<&PathBuf, ApiError> {
    st.config
        .installers_dir
        .as_ref()
        .ok_or_else(|| ApiError::internal("no installers directory is configured"))
}

/// The installers of the products in the account's package, by product, newest version first.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/installers", tag = "downloads",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "What the account may download", body = InstallerList),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not download installers (a User only when the vendor profile has `[downloads] users = true`)", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
    ))]
pub async fn list(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<InstallerList>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::DownloadInstallers {
        users_allowed: st.config.vendor.downloads.users,
    })?;
    let mut rows = st.db.account_installers(&id).await?;
    sort_catalog(&mut rows);
    Ok(Json(InstallerList {
        installers: rows.into_iter().map(to_api).collect(),
    }))
}

/// The installer's bytes, resumable with `Range` (see the module documentation). A download start (no
/// range, or one from byte 0) writes the audit event `installer.downloaded`.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/installers/{installer_id}/file", tag = "downloads",
    security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The caller's account id"),
        ("installer_id" = String, Path, description = "The installer id"),
        ("Range" = Option<String>, Header, description = "`bytes=a-b`, `bytes=a-` or `bytes=-n`"),
        ("If-Range" = Option<String>, Header, description = "The ETag the client has part of"),
    ),
    responses(
        (status = 200, description = "The whole file", content_type = "application/octet-stream"),
        (status = 206, description = "The requested range, with Content-Range", content_type = "application/octet-stream"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not download installers (a User only when the vendor profile has `[downloads] users = true`)", body = ErrorBody),
        (status = 404, description = "Not the caller's account, no such installer, or its product is not in the account's package", body = ErrorBody),
        (status = 416, description = "Malformed or unsatisfiable range; Content-Range: bytes */SIZE", body = ErrorBody),
    ))]
pub async fn file(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path((account_id, installer_id)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::DownloadInstallers {
        users_allowed: st.config.vendor.downloads.users,
    })?;
    let installer_id = id_field("installer_id", &installer_id)
        .map_err(|_| ApiError::not_found(kontor_api::Resource::Installer))?;
    let Some(rec) = st.db.account_installer(&id, &installer_id).await? else {
        return Err(ApiError::not_found(kontor_api::Resource::Installer));
    };
    let size = u64::try_from(rec.size).map_err(|e| ApiError::internal(e.to_string()))?;
    let etag = format!("\"{}\"", rec.sha256);
    let path = store_path(installers_dir(&st)?, &rec.sha256);
    let resp = file_response(
        &path,
        size,
        &etag,
        &rec.file_name,
        &headers,
        st.config.download_limit,
    )
    .await?;
    // A HEAD (axum answers it with this handler, without the body) is no download.
    if method != Method::HEAD && starts_download(&headers, &etag, size) {
        st.db
            .audit(&AuditEvent {
                account_id: id,
                actor_user_id: Some(auth.user_id.clone()),
                event: "installer.downloaded".to_string(),
                target: Some(rec.id.clone()),
                ip: Some(peer.ip().to_string()),
                at: st.clock.now(),
            })
            .await?;
    }
    Ok(resp)
}

/// Whether `host` (from a Host header, with or without port) names this computer.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The portal's public address for absolute URLs: the configured one, else `http://<Host>` — but only for
/// a loopback Host (a development portal): a Host header from the internet is not trusted to build the
/// URLs the updater downloads from.
fn public_base(st: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    if let Some(u) = &st.config.public_url {
        return Ok(u.trim_end_matches('/').to_string());
    }
    let host = header_str(headers, header::HOST)
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
                && is_loopback_host(h)
        })
        .ok_or_else(|| {
            ApiError::invalid_field(
                "host",
                kontor_api::FieldProblem::Invalid,
                "the portal's public URL is not configured (--public-url); only a loopback Host is trusted without it",
            )
        })?;
    Ok(format!("http://{host}"))
}

/// The update manifest's query: the language the release notes are wanted in.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UpdateLanguage {
    #[serde(default)]
    pub lang: Option<String>,
}

/// The update manifest for tauri-plugin-updater: the newest release in the releases folder that is newer
/// than `current_version` and has a bundle for `{target}-{arch}`, or 204 when there is none.
#[utoipa::path(get, path = "/api/v1/app/update/{target}/{arch}/{current_version}", tag = "downloads",
    params(
        ("target" = String, Path, description = "`linux`, `windows` or `darwin`"),
        ("arch" = String, Path, description = "`x86_64`, `aarch64`, …"),
        ("current_version" = String, Path, description = "The running app's semantic version"),
        ("lang" = Option<String>, Query, description = "The app's language (`de`, `en`): the notes in it, else English; without it `Accept-Language` counts"),
    ),
    responses(
        (status = 200, description = "A newer release", body = UpdateManifest),
        (status = 204, description = "Nothing newer for this platform"),
        (status = 422, description = "current_version is not a semantic version", body = ErrorBody),
    ))]
pub async fn update(
    State(st): State<AppState>,
    Path((target, arch, current)): Path<(String, String, String)>,
    ApiQuery(lang): ApiQuery<UpdateLanguage>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let current = semver::Version::parse(current.trim_start_matches('v')).map_err(|_| {
        ApiError::invalid_field(
            "current_version",
            kontor_api::FieldProblem::Invalid,
            format!("current_version {current:?} is not a semantic version"),
        )
    })?;
    let Some(dir) = st.config.releases_dir.clone() else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let platform = format!("{target}-{arch}");
    let found =
        tokio::task::spawn_blocking(move || releases::find_update(&dir, &platform, &current))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
    let Some((release, file, signature)) = found else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    // The app names its language as `?lang=de`; other clients may send Accept-Language. English otherwise.
    let language = lang
        .lang
        .as_deref()
        .or_else(|| header_str(&headers, header::ACCEPT_LANGUAGE));
    let notes = release.json.notes_for(language).to_string();
    let base = public_base(&st, &headers)?;
    let url = format!(
        "{base}{}/app/releases/{}/{}",
        kontor_api::API_PREFIX,
        seg(&release.json.version),
        seg(&file)
    );
    Ok(Json(UpdateManifest {
        version: release.json.version,
        notes,
        pub_date: release.json.pub_date,
        url,
        signature,
    })
    .into_response())
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved characters).
fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A bundle of a release: only the file names its `release.json` lists are served.
#[utoipa::path(get, path = "/api/v1/app/releases/{version}/{file}", tag = "downloads",
    params(
        ("version" = String, Path, description = "The release version"),
        ("file" = String, Path, description = "A file named in the release's release.json"),
    ),
    responses(
        (status = 200, description = "The whole file", content_type = "application/octet-stream"),
        (status = 206, description = "The requested range", content_type = "application/octet-stream"),
        (status = 404, description = "No such release or file", body = ErrorBody),
        (status = 416, description = "Malformed or unsatisfiable range", body = ErrorBody),
    ))]
pub async fn release_file(
    State(st): State<AppState>,
    Path((version, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found(kontor_api::Resource::ReleaseFile);
    let Some(root) = st.config.releases_dir.clone() else {
        return Err(not_found());
    };
    if releases::parse_release_version(&version).is_none() {
        return Err(not_found());
    }
    let dir = root.join(&version);
    let release = tokio::task::spawn_blocking(move || releases::read_release(&dir))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| {
            // Anyone can ask for any version: a miss is no news for the operator (no log flood).
            tracing::debug!(error = %e, "release folder not usable");
            not_found()
        })?;
    if !release.json.platforms.values().any(|p| p.file == file) {
        return Err(not_found());
    }
    let path = release.dir.join(&file);
    let meta = tokio::fs::metadata(&path).await.map_err(|_| not_found())?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let etag = format!("\"{}-{:x}-{mtime:x}\"", version, meta.len());
    file_response(&path, meta.len(), &etag, &file, &headers, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: &str = "\"abc\"";

    #[test]
    fn ranges() {
        use RangeAnswer::*;
        let r = |h: &str| range_answer(Some(h), None, E, 100);
        assert_eq!(range_answer(None, None, E, 100), Whole);
        assert_eq!(r("bytes=0-0"), Part { start: 0, end: 0 });
        assert_eq!(r("bytes=10-19"), Part { start: 10, end: 19 });
        assert_eq!(r("bytes=90-500"), Part { start: 90, end: 99 });
        assert_eq!(r("bytes=40-"), Part { start: 40, end: 99 });
        assert_eq!(r("bytes=-10"), Part { start: 90, end: 99 });
        assert_eq!(r("bytes=-1000"), Part { start: 0, end: 99 });
        assert_eq!(r("bytes=0-1,5-6"), Whole);
        for bad in [
            "bytes=5-2",
            "bytes=abc",
            "bytes=100-",
            "bytes=-0",
            "bytes=-",
            "items=0-1",
            "bytes=1-x",
        ] {
            assert_eq!(r(bad), Unsatisfiable, "{bad}");
        }
        assert_eq!(range_answer(Some("bytes=0-"), None, E, 0), Unsatisfiable);
        assert_eq!(
            range_answer(Some("bytes=5-"), Some(E), E, 100),
            Part { start: 5, end: 99 }
        );
        assert_eq!(
            range_answer(Some("bytes=5-"), Some("\"other\""), E, 100),
            Whole
        );
    }

    #[test]
    fn dispositions() {
        assert_eq!(
            content_disposition("a b.msi"),
            "attachment; filename=\"a b.msi\""
        );
        assert_eq!(
            content_disposition("Übersicht.msi"),
            "attachment; filename=\"_bersicht.msi\"; filename*=UTF-8''%C3%9Cbersicht.msi"
        );
    }

    #[test]
    fn only_a_loopback_host_is_trusted_without_a_public_url() {
        for h in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1",
            "127.0.0.1:3000",
            "[::1]:8080",
            "[::1]",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "evil.example",
            "evil.example:80",
            "10.0.0.1",
            "localhost.evil.example",
            "[2001:db8::1]:80",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }
}
