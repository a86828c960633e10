//! The question before a bulk delete: how many, the first few names ("and 9 more"), and who is left out up
//! front (the signed-in user, the Owner), saying so.

use std::collections::BTreeSet;

use kontor_api::{Role, UserSummary};
use leptos::prelude::*;

use super::kind::Dialog;
use crate::components::ConfirmDialog;
use crate::context::Ctx;

/// How many names the question lists before "and N more".
const NAMED: usize = 5;

/// What a delete of the selection will do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeletePlan {
    /// The users to delete.
    pub ids: Vec<String>,
    /// Their names, in list order (users selected but no longer loaded have none).
    pub names: Vec<String>,
    /// The signed-in user was selected and is left out (nobody deletes themselves).
    pub me: bool,
    /// Owners selected and left out (the Owner cannot be deleted), other than the signed-in user.
    pub owners: Vec<String>,
}

impl DeletePlan {
    /// Splits the `selected` ids (looked up in the loaded `rows`) into who is deleted and who is left out.
    pub fn new(selected: &BTreeSet<String>, rows: &[UserSummary], me_id: &str) -> DeletePlan {
        let mut plan = DeletePlan {
            me: selected.contains(me_id),
            ..DeletePlan::default()
        };
        for u in rows
            .iter()
            .filter(|u| selected.contains(&u.id) && u.id != me_id)
        {
            if u.role == Role::Owner {
                plan.owners.push(u.display_name.clone());
            } else {
                plan.ids.push(u.id.clone());
                plan.names.push(u.display_name.clone());
            }
        }
        // Selected, but not among the loaded rows: deleted by id (the portal still applies its rules).
        for id in selected {
            if id != me_id && !rows.iter().any(|u| &u.id == id) {
                plan.ids.push(id.clone());
            }
        }
        plan
    }

    /// The names the question shows, and how many more it only counts.
    pub fn shown(&self) -> (&[String], usize) {
        let shown = &self.names[..self.names.len().min(NAMED)];
        (shown, self.ids.len() - shown.len())
    }
}

/// "Delete 3 users?" with their names and who is left out; `on_yes` deletes `plan.ids`.
#[component]
pub fn ConfirmDelete(
    plan: DeletePlan,
    dialog: RwSignal<Dialog>,
    on_yes: impl Fn(Vec<String>) + Copy + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let n = plan.ids.len();
    let (shown, more) = plan.shown();
    let shown = shown.to_vec();
    let ids = StoredValue::new(plan.ids.clone());
    let owners = plan.owners.clone();
    let me = plan.me;
    view! {
        <ConfirmDialog id="confirm-delete" danger=true disabled=n == 0
            title=move || if n == 0 { ctx.lang.get().users_page().delete_nothing.to_string() } else { ctx.lang.get().users_page().delete_confirm_title.of(n as u64) }
            confirm=move || ctx.lang.get().users_page().delete_selected.to_string()
            on_confirm=move || { dialog.set(Dialog::None); on_yes(ids.get_value()); }
            on_cancel=move || dialog.set(Dialog::None)>
            <Show when=move || n != 0>
                <ul id="confirm-delete-names">
                    {shown.iter().map(|name| view! { <li>{name.clone()}</li> }).collect_view()}
                </ul>
            </Show>
            <Show when=move || more != 0>
                <p id="confirm-delete-more">{move || ctx.lang.get().users_page().and_more.of(more as u64)}</p>
            </Show>
            <Show when=move || me>
                <p class="muted" id="confirm-delete-skip-me">{move || ctx.lang.get().users_page().delete_skip_me}</p>
            </Show>
            {owners.iter().map(|o| {
                let o = o.clone();
                view! { <p class="muted confirm-delete-skip-owner">{move || (ctx.lang.get().users_page().delete_skip_owner)(&o)}</p> }
            }).collect_view()}
            <Show when=move || n != 0>
                <p class="muted">{move || ctx.lang.get().users_page().delete_restorable}</p>
            </Show>
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    use kontor_api::UserStatus;

    use super::*;

    fn user(id: &str, role: Role) -> UserSummary {
        UserSummary {
            id: id.into(),
            email: format!("{id}@x.example"),
            display_name: format!("Name {id}"),
            role,
            location_id: None,
            location_name: None,
            licenses: Vec::new(),
            status: UserStatus::Active,
            created_at: 0,
            deleted_at: None,
            purge_at: None,
        }
    }

    #[test]
    fn leaves_out_me_and_the_owner_and_counts_the_rest() {
        let rows: Vec<UserSummary> = (0..9)
            .map(|i| user(&format!("u{i}"), Role::User))
            .chain([user("me", Role::Admin), user("boss", Role::Owner)])
            .collect();
        let selected: BTreeSet<String> = rows
            .iter()
            .map(|u| u.id.clone())
            .chain(["gone".into()])
            .collect();
        let plan = DeletePlan::new(&selected, &rows, "me");
        assert!(plan.me);
        assert_eq!(plan.owners, vec!["Name boss".to_string()]);
        assert_eq!(plan.ids.len(), 10, "nine listed and one no longer loaded");
        assert!(!plan.ids.contains(&"me".to_string()) && !plan.ids.contains(&"boss".to_string()));
        let (shown, more) = plan.shown();
        assert_eq!(shown.len(), 5);
        assert_eq!(more, 5);
    }
}
