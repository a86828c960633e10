//! Changing the own e-mail address by a code sent to the new address (acct9): `POST /me/email` asks for a
//! code, `POST /me/email/confirm` sets the address with it.

use serde::{Deserialize, Serialize};

/// Ask for a code at the new address. The answer (202) is the same whether or not the address can be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestEmailChange {
    /// The new address, at most 254 bytes.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 3,
            max_length = 254,
            pattern = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.]+(\.[^@\s\x00-\x1f\x7f-\x9f.]+)+\s*$"
        )
    )]
    pub new_email: String,
}

/// The code from the mail to the new address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmEmailChange {
    /// 10 letters and digits, `XXXXX-XXXXX` (case, spaces and dashes do not matter).
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 64))]
    pub code: String,
}
