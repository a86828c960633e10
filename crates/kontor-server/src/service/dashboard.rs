//! What the dashboard summary shows to whom: amounts (the next invoice) only to roles that deal with money
//! or the contract; a plain User gets the same figures without any amount.

use kontor_api::{DashboardSummary, Role};

/// Whether `role` may see amounts of money (the next invoice) on the dashboard.
pub fn sees_amounts(role: Role) -> bool {
    match role {
        Role::Owner | Role::Admin | Role::Billing => true,
        Role::User => false,
    }
}

/// The summary as `role` may see it: for a role without [`sees_amounts`], no next invoice (its amount and
/// date are billing data).
pub fn for_role(mut summary: DashboardSummary, role: Role) -> DashboardSummary {
    if !sees_amounts(role) {
        summary.next_invoice = None;
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_user_sees_no_amounts() {
        assert_eq!(
            Role::ALL.map(sees_amounts),
            [true, true, true, false],
            "Owner, Admin, Billing, User"
        );
    }
}
