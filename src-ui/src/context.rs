//! The app-wide state every page reads: `Ctx` (language, phase, portal, page, update), provided as context.

use kontor_api::ipc::{AppConfig, UpdateOffer};
use kontor_api::{DashboardSummary, ErrorBody, ErrorCode, Me, PortalInfo};
use leptos::prelude::*;

use crate::i18n::{Lang, Texts};

/// Where the user is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Starting,
    /// The portal could not be asked at start (network down, server error): message and retry.
    StartupFailed(ErrorBody),
    /// No portal address yet: ask the user.
    Setup,
    SignIn {
        expired: bool,
    },
    /// "Forgot password?" from the sign-in page, with the address typed there.
    ForgotPassword {
        email: String,
    },
    /// A password sign-in matched users in several customer accounts: choose one (single-use token).
    ChooseAccount {
        choice_token: String,
        accounts: Vec<kontor_api::AccountChoice>,
        remember: bool,
    },
    SignedIn(Me),
}

/// Which page of the signed-in app shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Dashboard,
    Users,
    License,
    Downloads,
    /// sepa8: billing address and payment (Owner and Billing).
    Billing,
    Locations,
    Audit,
    /// The own profile (every role).
    Profile,
    /// inv8: Owner and Billing.
    Invoices,
    Subscription,
    /// support9: Help and support (every role).
    Help,
}

// roles9b
impl Page {
    /// Whether `me` may open this page: exactly what the portal lets the role use (it answers 403 to the
    /// rest); Downloads for a User only when the vendor allows it (`Me::can_download_installers`).
    pub fn open_to(self, me: &Me) -> bool {
        match self {
            Page::Users | Page::License | Page::Locations | Page::Audit => {
                me.role.can_manage_users()
            }
            Page::Downloads => me.can_download_installers,
            Page::Billing | Page::Invoices | Page::Subscription => me.role.can_manage_billing(),
            Page::Dashboard | Page::Profile | Page::Help => true,
        }
    }

    /// The pages that share one entry of the top bar, shown as tabs on each of them (so that an Owner's
    /// navigation fits one row at the minimum window width): the installers with the offline license, and
    /// the subscription with the invoices and the billing details. A page of no group is alone.
    pub fn group(self) -> &'static [Page] {
        match self {
            Page::Downloads | Page::License => &[Page::Downloads, Page::License],
            Page::Subscription | Page::Invoices | Page::Billing => {
                &[Page::Subscription, Page::Invoices, Page::Billing]
            }
            Page::Dashboard => &[Page::Dashboard],
            Page::Users => &[Page::Users],
            Page::Locations => &[Page::Locations],
            Page::Audit => &[Page::Audit],
            Page::Profile => &[Page::Profile],
            Page::Help => &[Page::Help],
        }
    }
}

/// Where the self-update stands (shown by the update banner and the About dialog).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum UpdateUi {
    #[default]
    Idle,
    Checking,
    Current,
    Offer(UpdateOffer),
    Installing {
        version: String,
        received: u64,
        total: Option<u64>,
    },
    Installed(String),
    Failed(ErrorBody),
}

/// App-wide state, provided as context.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub phase: RwSignal<Phase>,
    pub info: RwSignal<Option<PortalInfo>>,
    pub config: RwSignal<Option<AppConfig>>,
    pub page: RwSignal<Page>,
    /// The self-update's state (banner and About dialog).
    pub update: RwSignal<UpdateUi>,
    /// The About dialog is open.
    pub about: RwSignal<bool>,
    /// The dashboard the shell fetched at start with the resumed session, until the dashboard shows it.
    pub first_dashboard: StoredValue<Option<DashboardSummary>>,
}

impl Ctx {
    /// The state of a fresh start: English until the configuration says otherwise, nothing known yet.
    pub fn new() -> Self {
        Ctx {
            lang: RwSignal::new(Lang::En),
            phase: RwSignal::new(Phase::Starting),
            info: RwSignal::new(None),
            config: RwSignal::new(None),
            page: RwSignal::new(Page::Dashboard),
            update: RwSignal::new(UpdateUi::default()),
            about: RwSignal::new(false),
            first_dashboard: StoredValue::new(None),
        }
    }

    /// The texts in the current language (tracked: views re-render on a language switch).
    pub fn t(&self) -> &'static Texts {
        self.lang.get().texts()
    }

    /// The session is gone: back to sign-in with a notice. Only a signed-in user's session can expire: an
    /// answer that arrives after the user signed out (a page's request still on its way) changes nothing,
    /// so signing out by choice never shows "Your session has expired".
    pub fn expire(&self) {
        if !matches!(self.phase.get_untracked(), Phase::SignedIn(_)) {
            return;
        }
        self.phase.set(Phase::SignIn { expired: true });
        self.page.set(Page::Dashboard);
    }

    /// The user signed out: back to sign-in, without the expiry notice. The phase changes first, so no page
    /// is mounted again (and asks the portal with the ended session) on the way out.
    pub fn signed_out(&self) {
        self.phase.set(Phase::SignIn { expired: false });
        self.page.set(Page::Dashboard);
    }

    /// Passes a command result through, sending the user to sign-in if the session expired.
    pub fn guard<T>(&self, r: Result<T, ErrorBody>) -> Result<T, ErrorBody> {
        if matches!(&r, Err(e) if e.code == ErrorCode::Unauthorized) {
            self.expire();
        }
        r
    }

    /// The shell installed the test hooks (a debug build of the app): the UI may install its own, such as
    /// `window.__kontorDrop`. The UI itself is always built for release, so only the shell can tell.
    pub fn test_hooks(&self) -> bool {
        self.config
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.test_hooks))
    }
}

impl Default for Ctx {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kontor_api::Role;

    const ALL: [Page; 11] = [
        Page::Dashboard,
        Page::Users,
        Page::License,
        Page::Downloads,
        Page::Billing,
        Page::Locations,
        Page::Audit,
        Page::Profile,
        Page::Invoices,
        Page::Subscription,
        Page::Help,
    ];

    fn me(role: Role, downloads: bool) -> Me {
        Me {
            id: "u".into(),
            account_id: "a".into(),
            email: "a@b.example".into(),
            display_name: "A".into(),
            role,
            must_change_password: false,
            can_download_installers: role.can_download_installers(downloads),
        }
    }

    // roles9b
    /// Each page is in its own group, groups do not overlap, and a User sees Downloads only when the
    /// vendor allows it; Billing never.
    #[test]
    fn pages_groups_and_roles_agree() {
        for p in ALL {
            assert!(p.group().contains(&p), "{p:?}");
            for q in p.group() {
                assert_eq!(q.group(), p.group(), "{p:?} and {q:?}");
            }
        }
        let open = |m: &Me| -> Vec<Page> { ALL.into_iter().filter(|p| p.open_to(m)).collect() };
        assert_eq!(
            open(&me(Role::User, false)),
            [Page::Dashboard, Page::Profile, Page::Help]
        );
        assert_eq!(
            open(&me(Role::User, true)),
            [Page::Dashboard, Page::Downloads, Page::Profile, Page::Help]
        );
        assert!(!Page::Downloads.open_to(&me(Role::Billing, true)));
        assert_eq!(
            open(&me(Role::Owner, false)).len(),
            ALL.len(),
            "the Owner opens every page"
        );
    }
}
