//! The passwords-by-mail endpoints: forgotten-password request and confirm, mailing a temporary password.

use kontor_api::{PasswordResetConfirm, PasswordResetRequest, TemporaryPasswordMail};

use crate::{seg, ClientError, PortalClient};

impl PortalClient {
    /// Asks for a forgotten-password code (the portal answers alike for every address).
    pub async fn request_password_reset(
        &self,
        req: &PasswordResetRequest,
    ) -> Result<(), ClientError> {
        self.send_empty(self.http.post(self.url("/auth/password-reset")).json(req))
            .await
    }

    /// Sets a new password with the mailed code; every session of the user ends.
    pub async fn confirm_password_reset(
        &self,
        req: &PasswordResetConfirm,
    ) -> Result<(), ClientError> {
        self.send_empty(
            self.http
                .post(self.url("/auth/password-reset/confirm"))
                .json(req),
        )
        .await
    }

    /// Mails a user their current temporary password.
    pub async fn mail_temporary_password(
        &self,
        access_token: &str,
        account_id: &str,
        user_id: &str,
        req: &TemporaryPasswordMail,
    ) -> Result<(), ClientError> {
        let url = self.url(&format!(
            "/accounts/{}/users/{}/temporary-password/mail",
            seg(account_id),
            seg(user_id)
        ));
        self.send_empty(self.http.post(url).json(req).bearer_auth(access_token))
            .await
    }
}
