//! What the dashboard summary shows to whom: amounts (the next invoice) only to the roles that see invoices
//! (Owner and Billing, issue 8); Admin and User get the same figures without any amount.

use kontor_api::{DashboardSummary, Role};

/// Whether `role` may see amounts of money (the next invoice) on the dashboard.
pub fn sees_amounts(role: Role) -> bool {
    match role {
        Role::Owner | Role::Billing => true,
        Role::Admin | Role::User => false,
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
    fn only_owner_and_billing_see_amounts() {
        assert_eq!(
            Role::ALL.map(sees_amounts),
            [true, false, true, false],
            "Owner, Admin, Billing, User"
        );
    }
}
