//! The signed-in user's profile and sessions.

use kontor_api::{Profile, SessionList, SessionsEnded, UpdateProfile};

use crate::{ClientError, PortalClient};

impl PortalClient {
    pub async fn profile(&self, access_token: &str) -> Result<Profile, ClientError> {
        self.get("/me/profile", access_token).await
    }

    /// Changes the own name and mail language.
    pub async fn update_profile(
        &self,
        access_token: &str,
        req: &UpdateProfile,
    ) -> Result<Profile, ClientError> {
        self.send(
            self.http
                .put(self.url("/me/profile"))
                .json(req)
                .bearer_auth(access_token),
        )
        .await
    }

    /// Where the user is signed in.
    pub async fn sessions(&self, access_token: &str) -> Result<SessionList, ClientError> {
        self.get("/me/sessions", access_token).await
    }

    /// Signs out everywhere else.
    pub async fn end_other_sessions(
        &self,
        access_token: &str,
    ) -> Result<SessionsEnded, ClientError> {
        self.post(
            "/me/sessions/end-others",
            Some(access_token),
            &serde_json::json!({}),
        )
        .await
    }
}
