//! The refresh token really reaches the OS keyring: run under a Secret Service (the test command starts
//! `dbus-run-session` + `gnome-keyring-daemon --unlock`). keyring's silent in-memory mock would fail here,
//! because the mock does not share entries between two `Entry` values.

use kontor_app::secrets::RefreshTokenStore;

#[test]
fn refresh_token_persists_in_the_os_keyring_and_is_deleted() {
    let service = format!("de.kontor.test.{}", std::process::id());
    let portal = "http://127.0.0.1:1";
    let secret = format!("refresh-{}", std::process::id());

    RefreshTokenStore::new(&service, portal).save(&secret).expect(
        "saving to the OS keyring failed: is a Secret Service running (dbus-run-session + gnome-keyring-daemon)?",
    );
    // A second, independent store object must see it: only a real backend shares state.
    let loaded = RefreshTokenStore::new(&service, portal).load().unwrap();
    assert_eq!(loaded.as_deref(), Some(secret.as_str()));
    // Another portal's entry is separate.
    assert_eq!(
        RefreshTokenStore::new(&service, "http://127.0.0.1:2")
            .load()
            .unwrap(),
        None
    );

    RefreshTokenStore::new(&service, portal).delete().unwrap();
    assert_eq!(
        RefreshTokenStore::new(&service, portal).load().unwrap(),
        None
    );
    // Deleting what is not there is not an error (sign-out twice).
    RefreshTokenStore::new(&service, portal).delete().unwrap();
}
