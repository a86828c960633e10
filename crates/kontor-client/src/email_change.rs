//! Changing the own e-mail address by a code sent to the new address (acct9).

use kontor_api::{ConfirmEmailChange, Profile, RequestEmailChange};

use crate::{ClientError, PortalClient};

impl PortalClient {
    /// Asks for a code at the new address (the portal answers alike whether or not it can be used).
    pub async fn request_email_change(
        &self,
        access_token: &str,
        req: &RequestEmailChange,
    ) -> Result<(), ClientError> {
        self.send_empty(
            self.http
                .post(self.url("/me/email"))
                .json(req)
                .bearer_auth(access_token),
        )
        .await
    }

    /// Sets the new address with the mailed code; answers the changed profile.
    pub async fn confirm_email_change(
        &self,
        access_token: &str,
        req: &ConfirmEmailChange,
    ) -> Result<Profile, ClientError> {
        self.post("/me/email/confirm", Some(access_token), req)
            .await
    }
}
