//! The machine fingerprint (hashed OS machine id, never the raw id) and the armoured activation request.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::armor;
use crate::license::LicenseError;

/// Environment variable that overrides the OS machine id (tests, containers without one).
pub const MACHINE_ID_ENV: &str = "KONTOR_MACHINE_ID";
/// The armour label: `-----BEGIN KONTOR ACTIVATION REQUEST-----`.
pub const ACTIVATION_REQUEST_LABEL: &str = "KONTOR ACTIVATION REQUEST";
const REQUEST_VERSION: u32 = 1;
const FINGERPRINT_CONTEXT: &[u8] = b"kontor-license/v1";

/// Why the machine id could not be read. The messages never contain the id itself.
#[derive(Debug, thiserror::Error)]
pub enum MachineIdError {
    /// Reading the id file or running the OS tool failed.
    #[error("cannot read the machine id from {source_name}: {error}")]
    Unreadable {
        /// Where the id was looked for.
        source_name: &'static str,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The source was read but held no usable id.
    #[error("no machine id found in {0}")]
    Missing(&'static str),
}

/// The fingerprint of a raw machine id: lowercase hex SHA-256 of `"kontor-license/v1" || id` (id trimmed).
pub fn fingerprint_from_machine_id(raw_id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(FINGERPRINT_CONTEXT);
    hasher.update(raw_id.trim().as_bytes());
    hex::encode(hasher.finalize())
}

/// This machine's fingerprint, from `KONTOR_MACHINE_ID` if set, else the OS machine id: Linux
/// `/etc/machine-id` (fallback `/var/lib/dbus/machine-id`), Windows `MachineGuid` in the registry,
/// macOS `IOPlatformUUID`. Only the hash leaves this function.
pub fn machine_fingerprint() -> Result<String, MachineIdError> {
    if let Some(id) = std::env::var_os(MACHINE_ID_ENV) {
        let id = id.to_string_lossy();
        if id.trim().is_empty() {
            return Err(MachineIdError::Missing(MACHINE_ID_ENV));
        }
        return Ok(fingerprint_from_machine_id(&id));
    }
    os_machine_id().map(|id| fingerprint_from_machine_id(&id))
}

#[cfg(target_os = "windows")]
fn os_machine_id() -> Result<String, MachineIdError> {
    const SOURCE: &str = "the registry (MachineGuid)";
    let out = std::process::Command::new("reg")
        .args([
            "query",
            r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Cryptography",
            "/v",
            "MachineGuid",
        ])
        .output()
        .map_err(|error| MachineIdError::Unreadable {
            source_name: SOURCE,
            error,
        })?;
    parse_reg_query(&String::from_utf8_lossy(&out.stdout)).ok_or(MachineIdError::Missing(SOURCE))
}

#[cfg(target_os = "macos")]
fn os_machine_id() -> Result<String, MachineIdError> {
    const SOURCE: &str = "ioreg (IOPlatformUUID)";
    let out = std::process::Command::new("ioreg")
        .args(["-rd1", "-c", "IOPlatformExpertDevice"])
        .output()
        .map_err(|error| MachineIdError::Unreadable {
            source_name: SOURCE,
            error,
        })?;
    parse_ioreg(&String::from_utf8_lossy(&out.stdout)).ok_or(MachineIdError::Missing(SOURCE))
}

#[cfg(not(any(target_os = "windows", target_os = "macos")))]
fn os_machine_id() -> Result<String, MachineIdError> {
    const SOURCE: &str = "/etc/machine-id or /var/lib/dbus/machine-id";
    let mut last_error = None;
    for path in ["/etc/machine-id", "/var/lib/dbus/machine-id"] {
        match std::fs::read_to_string(path) {
            Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
            Ok(_) => {}
            Err(error) => last_error = Some(error),
        }
    }
    Err(match last_error {
        Some(error) => MachineIdError::Unreadable {
            source_name: SOURCE,
            error,
        },
        None => MachineIdError::Missing(SOURCE),
    })
}

/// The `MachineGuid` value from `reg query ... /v MachineGuid` output.
#[cfg_attr(not(target_os = "windows"), allow(dead_code))]
fn parse_reg_query(output: &str) -> Option<String> {
    output
        .lines()
        .find(|l| l.trim_start().starts_with("MachineGuid"))
        .and_then(|l| l.split_whitespace().nth(2))
        .map(str::to_owned)
}

/// The `IOPlatformUUID` value from `ioreg -rd1 -c IOPlatformExpertDevice` output.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
fn parse_ioreg(output: &str) -> Option<String> {
    output
        .lines()
        .find(|l| l.contains("\"IOPlatformUUID\""))
        .and_then(|l| l.split('"').nth(3))
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// What the air-gapped side sends to the vendor to get a machine-bound license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivationRequest {
    /// Format version (1).
    pub format: u32,
    /// The machine fingerprint (hex SHA-256, see [`fingerprint_from_machine_id`]).
    pub fingerprint: String,
    /// The host name, to help the vendor recognise the machine.
    pub hostname: String,
    /// When the request was written (Unix seconds, local clock).
    pub created_at: i64,
}

impl ActivationRequest {
    /// A request for this machine at time `now`.
    pub fn for_this_machine(now: i64) -> Result<Self, MachineIdError> {
        Ok(Self {
            format: REQUEST_VERSION,
            fingerprint: machine_fingerprint()?,
            hostname: hostname(),
            created_at: now,
        })
    }

    /// The armoured text: `-----BEGIN KONTOR ACTIVATION REQUEST-----`, `Version:`, base64 of the JSON.
    pub fn to_armored(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        armor::encode(
            ACTIVATION_REQUEST_LABEL,
            &[("Version", &self.format.to_string())],
            &json,
        )
    }

    /// Reads an armoured request (on the vendor's side). Never panics.
    pub fn parse(text: &str) -> Result<Self, LicenseError> {
        let armor = armor::decode(text, ACTIVATION_REQUEST_LABEL, &["Version"])?;
        let version = armor::parse_version(armor.headers.first().copied().unwrap_or_default())?;
        if version != REQUEST_VERSION {
            return Err(LicenseError::UnsupportedVersion { found: version });
        }
        let request: Self = serde_json::from_slice(&armor.body).map_err(|e| {
            LicenseError::BadEncoding(format!("the request is not activation request JSON: {e}"))
        })?;
        if request.format != version
            || request.fingerprint.len() != 64
            || !request
                .fingerprint
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(LicenseError::BadEncoding(
                "the request's format or fingerprint is malformed".into(),
            ));
        }
        Ok(request)
    }
}

/// The host name, or `unknown`.
fn hostname() -> String {
    let from_env = std::env::var("COMPUTERNAME").ok();
    let from_proc = || std::fs::read_to_string("/proc/sys/kernel/hostname").ok();
    let from_cmd = || {
        std::process::Command::new("hostname")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    from_env
        .or_else(from_proc)
        .or_else(from_cmd)
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_hashed_and_trimmed() {
        let raw = "0123456789abcdef0123456789abcdef";
        let fp = fingerprint_from_machine_id(raw);
        assert_eq!(fp.len(), 64);
        assert!(!fp.contains(raw));
        assert_eq!(fp, fingerprint_from_machine_id(&format!("{raw}\n")));
        assert_ne!(fp, fingerprint_from_machine_id("another id"));
        let mut h = Sha256::new();
        h.update(b"kontor-license/v1");
        h.update(raw.as_bytes());
        assert_eq!(fp, hex::encode(h.finalize()));
    }

    #[test]
    fn parses_windows_and_macos_tool_output() {
        let reg = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n    MachineGuid    REG_SZ    \
                   1b2c3d4e-0000-1111-2222-333344445555\r\n\r\n";
        assert_eq!(
            parse_reg_query(reg).as_deref(),
            Some("1b2c3d4e-0000-1111-2222-333344445555")
        );
        assert_eq!(parse_reg_query("ERROR: not found"), None);
        let ioreg = "+-o J314sAP  <class IOPlatformExpertDevice>\n    {\n      \"IOPlatformSerialNumber\" = \"C02\"\n      \
                     \"IOPlatformUUID\" = \"A1B2C3D4-1111-2222-3333-444455556666\"\n    }\n";
        assert_eq!(
            parse_ioreg(ioreg).as_deref(),
            Some("A1B2C3D4-1111-2222-3333-444455556666")
        );
        assert_eq!(parse_ioreg("nothing"), None);
    }

    #[test]
    fn activation_request_round_trip_and_rejections() {
        let req = ActivationRequest {
            format: 1,
            fingerprint: fingerprint_from_machine_id("x"),
            hostname: "host-1".into(),
            created_at: 1_700_000_000,
        };
        let text = req.to_armored();
        assert!(text.starts_with("-----BEGIN KONTOR ACTIVATION REQUEST-----\nVersion: 1\n\n"));
        assert_eq!(ActivationRequest::parse(&text).unwrap(), req);
        assert!(matches!(
            ActivationRequest::parse(&text.replace("Version: 1", "Version: 2")),
            Err(LicenseError::UnsupportedVersion { found: 2 })
        ));
        assert!(matches!(
            ActivationRequest::parse(&text.replace("ACTIVATION REQUEST", "LICENSE")),
            Err(LicenseError::BadArmour(_))
        ));
        let bad = ActivationRequest {
            fingerprint: "raw-id".into(),
            ..req
        };
        assert!(matches!(
            ActivationRequest::parse(&bad.to_armored()),
            Err(LicenseError::BadEncoding(_))
        ));
    }
}
