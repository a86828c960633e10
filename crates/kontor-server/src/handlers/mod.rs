//! The HTTP handlers, one module per resource.

pub mod accounts;
pub mod auth;
pub mod info;
pub mod me;

use kontor_api::Me;

use crate::db::UserRecord;

pub(crate) fn me_of(u: &UserRecord) -> Me {
    Me {
        id: u.id.clone(),
        account_id: u.account_id.clone(),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        must_change_password: u.must_change_password,
    }
}
