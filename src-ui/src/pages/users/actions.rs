//! The users page's actions on the selection or one user — delete, restore, reset the password — each
//! saying what happened: a notice that goes away (delete, restore) or a dialog where the user must read
//! something (the new password).

use kontor_api::{CreatedUser, ErrorBody, UserSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::dialogs::Dialog;
use crate::components::Toasts;
use crate::context::Ctx;
use crate::errors::describe_refusal;
use crate::ipc;

/// Deletes the users `ids` (they can be restored for 30 days), says how many in a notice that goes away by
/// itself (and which failed, and why), then `done()`.
pub fn delete(ctx: Ctx, toasts: Toasts, ids: Vec<String>, done: impl Fn() + 'static) {
    spawn_local(async move {
        match ctx.guard(ipc::delete_users(ids).await) {
            Ok(r) if r.failed.is_empty() => {
                let n = r.deleted.len();
                toasts.success(move |t| t.lang().users_page().users_deleted.of(n as u64));
            }
            Ok(r) => {
                let n = r.deleted.len();
                let failed: Vec<ErrorBody> = r.failed.into_iter().map(|f| f.error).collect();
                toasts.trouble(move |t| {
                    let mut msg = t.lang().users_page().users_deleted.of(n as u64);
                    for e in &failed {
                        msg.push('\n');
                        msg.push_str(&(t.lang().users_page().not_deleted)(&describe_refusal(
                            t, e,
                        )));
                    }
                    msg
                });
            }
            Err(e) => toasts.trouble(move |t| describe_refusal(t, &e)),
        }
        done();
    });
}

/// Restores the deleted users `ids`, says how many in a notice that goes away by itself (and, shown longer,
/// which licenses could not be given back), then `done()`.
pub fn restore(ctx: Ctx, toasts: Toasts, ids: Vec<String>, done: impl Fn() + 'static) {
    spawn_local(async move {
        match ctx.guard(ipc::restore_users(ids).await) {
            Ok(r) => {
                let n = r.restored.len() as u64;
                let missing: Vec<(String, String)> = r
                    .restored
                    .into_iter()
                    .filter(|u| !u.licenses_not_restored.is_empty())
                    .map(|u| (u.email, u.licenses_not_restored.join(", ")))
                    .collect();
                if missing.is_empty() {
                    toasts.success(move |t| t.lang().users_page().restored_count.of(n));
                } else {
                    toasts.trouble(move |t| {
                        let mut msg = t.lang().users_page().restored_count.of(n);
                        for (email, licenses) in &missing {
                            msg.push('\n');
                            msg.push_str(&(t.lang().users_page().not_restored_for)(
                                email, licenses,
                            ));
                        }
                        msg
                    });
                }
            }
            Err(e) => toasts.trouble(move |t| describe_refusal(t, &e)),
        }
        done();
    });
}

/// Gives `user` a new temporary password (the page asked first), shown on the password-reset screen, then
/// `done()`.
pub fn reset_password(
    ctx: Ctx,
    user: UserSummary,
    dialog: RwSignal<Dialog>,
    done: impl Fn() + 'static,
) {
    spawn_local(async move {
        match ctx.guard(ipc::reset_password(user.id.clone()).await) {
            Ok(t) => dialog.set(Dialog::PasswordReset(CreatedUser {
                id: user.id,
                email: user.email,
                display_name: user.display_name,
                temporary_password: t.temporary_password,
            })),
            Err(e) => dialog.set(Dialog::Notice(describe_refusal(ctx.t(), &e))),
        }
        done();
    });
}
