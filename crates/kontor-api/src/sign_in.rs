//! Signing in when one e-mail address has users in several customer accounts (issue 10, branch harden10):
//! the accounts the password matched, and the request that picks one of them.

use serde::{Deserialize, Serialize};

/// One account the password matched, as the chooser lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountChoice {
    pub account_id: String,
    /// The account's (company) name.
    pub name: String,
    pub customer_number: String,
}

/// `POST /auth/login/choose`: the chooser's token (from `ErrorDetail::ChooseAccount`) and the chosen account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChooseAccount {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub choice_token: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub account_id: String,
}

/// The app's `login_choose` command: the chooser's token, the chosen account, and whether to stay signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginChoice {
    pub choice_token: String,
    pub account_id: String,
    pub remember: bool,
}
