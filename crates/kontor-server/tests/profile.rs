//! The own profile (name, mail language) and sessions ("sign out everywhere else"), on both backends.

mod common;

use common::{api_error, check, login, owner};
use kontor_api::UpdateProfile;

#[tokio::test]
async fn the_profile_changes_name_and_mail_language() {
    check(|env| async move {
        let tok = owner(&env).await;
        let p = env.client.profile(&tok).await.expect("profile");
        assert_eq!(p.email, env.seed.owner_email);
        assert_eq!(p.language, "de", "German by default");
        let changed = env
            .client
            .update_profile(
                &tok,
                &UpdateProfile {
                    display_name: "Petra Neu".to_string(),
                    language: "en".to_string(),
                },
            )
            .await
            .expect("update");
        assert_eq!(
            (changed.display_name.as_str(), changed.language.as_str()),
            ("Petra Neu", "en")
        );
        assert_eq!(env.client.profile(&tok).await.expect("profile"), changed);
        assert_eq!(
            env.client.me(&tok).await.expect("me").display_name,
            "Petra Neu"
        );
        for (name, lang) in [("Petra", "fr"), ("", "de"), ("a\u{202e}b", "de")] {
            let (status, _) = api_error(
                env.client
                    .update_profile(
                        &tok,
                        &UpdateProfile {
                            display_name: name.to_string(),
                            language: lang.to_string(),
                        },
                    )
                    .await,
            );
            assert_eq!(status, 422, "{}: {name:?} {lang:?}", env.backend);
        }
        let events = env
            .db
            .audit_events(&env.seed.account_id)
            .await
            .expect("audit");
        assert!(events.iter().any(|e| e.event == "user.profile_changed"));
    })
    .await;
}

#[tokio::test]
async fn sign_out_everywhere_else_ends_the_other_sessions_only() {
    check(|env| async move {
        let here = owner(&env).await;
        let elsewhere = env
            .client
            .login_password(&login(&env.seed.owner_email, &env.seed.owner_password))
            .await
            .expect("second sign-in");
        env.clock.advance(60);
        // A refresh keeps its session (family), with a later last use.
        let refreshed = env
            .client
            .refresh(&elsewhere.refresh_token)
            .await
            .expect("refresh");
        let list = env.client.sessions(&here).await.expect("sessions").sessions;
        assert_eq!(list.len(), 2, "{}: {list:?}", env.backend);
        assert_eq!(list.iter().filter(|s| s.current).count(), 1);
        let other = list.iter().find(|s| !s.current).expect("the other one");
        assert!(other.last_used_at > other.started_at, "{other:?}");
        assert_eq!(other.ip.as_deref(), Some("127.0.0.1"));

        let ended = env
            .client
            .end_other_sessions(&here)
            .await
            .expect("end others");
        assert_eq!(ended.ended, 1);
        assert_eq!(
            api_error(env.client.me(&refreshed.access_token).await).0,
            401
        );
        assert_eq!(
            api_error(env.client.refresh(&refreshed.refresh_token).await).0,
            401
        );
        env.client.me(&here).await.expect("this session lives on");
        let list = env.client.sessions(&here).await.expect("sessions").sessions;
        assert_eq!(list.len(), 1);
        assert!(list[0].current);
        assert_eq!(
            env.client
                .end_other_sessions(&here)
                .await
                .expect("again")
                .ended,
            0
        );
    })
    .await;
}
