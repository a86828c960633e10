//! Which build this is: the demo build (the repository's default) or a vendor's (`scripts/package.sh
//! --vendor vendor.toml`, which sets `KONTOR_BUILD_KIND=vendor` at compile time).
//!
//! The demo updater key's private half is in the repository (`demo/updater/`), so anyone can sign an
//! "update" for an app that trusts it. A vendor build that trusts it refuses to start; `package.sh` already
//! refuses to make one, this catches a build made some other way.

/// The public half of the demo updater key (`plugins.updater.pubkey` of the demo build).
pub const DEMO_UPDATER_PUBKEY: &str = include_str!("../demo/updater/kontor-updater.key.pub");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildKind {
    /// The repository's default build: the demo, trusting the demo updater key.
    Demo,
    /// A vendor's build for its customers.
    Vendor,
}

/// The kind this binary was compiled as.
pub fn current() -> BuildKind {
    parse(option_env!("KONTOR_BUILD_KIND"))
}

fn parse(value: Option<&str>) -> BuildKind {
    match value {
        Some("vendor") => BuildKind::Vendor,
        _ => BuildKind::Demo,
    }
}

/// Whether a build of `kind` may start with the updater public key `pubkey` (`plugins.updater.pubkey`).
pub fn check_updater_key(kind: BuildKind, pubkey: Option<&str>) -> Result<(), String> {
    if kind == BuildKind::Demo {
        return Ok(());
    }
    match pubkey.map(str::trim) {
        None | Some("") => Err("this build has no updater public key (plugins.updater.pubkey); \
             it could never install an update"
            .into()),
        Some(key) if key == DEMO_UPDATER_PUBKEY.trim() => Err(
            "this vendor build trusts the DEMO updater key, whose private half is public: \
             anyone could sign an update for it. Build it with your own key (README, \"For vendors\")."
                .into(),
        ),
        Some(_) => Ok(()),
    }
}

/// `plugins.updater.pubkey` of the app's configuration.
pub fn configured_pubkey(config: &tauri::Config) -> Option<&str> {
    config
        .plugins
        .0
        .get("updater")
        .and_then(|u| u.get("pubkey"))
        .and_then(|k| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_vendor_selects_a_vendor_build() {
        assert_eq!(parse(Some("vendor")), BuildKind::Vendor);
        assert_eq!(parse(Some("demo")), BuildKind::Demo);
        assert_eq!(parse(None), BuildKind::Demo);
    }

    #[test]
    fn a_vendor_build_refuses_the_demo_key_and_no_key() {
        let demo = DEMO_UPDATER_PUBKEY.trim();
        let refused = check_updater_key(BuildKind::Vendor, Some(demo)).unwrap_err();
        assert!(refused.contains("DEMO updater key"), "{refused}");
        // The key as a config file holds it: surrounding whitespace changes nothing.
        assert!(check_updater_key(BuildKind::Vendor, Some(&format!(" {demo}\n"))).is_err());
        assert!(check_updater_key(BuildKind::Vendor, None).is_err());
        assert!(check_updater_key(BuildKind::Vendor, Some("")).is_err());
        assert!(check_updater_key(BuildKind::Vendor, Some("dW50cnVzdGVkIG90aGVy")).is_ok());
        assert!(check_updater_key(BuildKind::Demo, Some(demo)).is_ok());
    }

    #[test]
    fn the_repository_config_is_the_demo_build_with_the_demo_key() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(
            conf["plugins"]["updater"]["pubkey"].as_str().map(str::trim),
            Some(DEMO_UPDATER_PUBKEY.trim())
        );
    }
}
