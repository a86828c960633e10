//! The users list's state: tab, filters and sort, the keyset pages loaded so far, the selection and the
//! scroll position, and the loading of pages (the first on every change, the next near the end).
//!
//! The list keeps its own loading instead of a `<Transition>`: it grows page by page as the user scrolls, a
//! new filter must not blank the rows in view (they keep their DOM), and answers to a query the user has
//! typed past are dropped.

use std::collections::BTreeSet;

use kontor_api::{Role, UserQuery, UserSort, UserStatus, UserSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::context::Ctx;
use crate::errors::Problem;
use crate::ipc;

/// Height of one list row in pixels; the list renders only the rows in view.
pub const ROW_H: f64 = 40.0;
/// Rows rendered above and below the visible ones.
pub const OVERSCAN: usize = 8;
/// Rows fetched per page.
const PAGE: u32 = 200;
/// Height of the list's viewport in pixels until it is measured.
pub const VIEWPORT: f64 = 480.0;

/// The users in the account, or those deleted within the last 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Live,
    Deleted,
}

/// Which rows to render for a scroll position: `[first, last)` with overscan, clamped to `len`.
pub fn window(scroll_top: f64, viewport: f64, len: usize) -> (usize, usize) {
    let first = (scroll_top / ROW_H).floor().max(0.0) as usize;
    let visible = (viewport / ROW_H).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(len);
    let end = (first + visible + OVERSCAN).min(len);
    (start, end)
}

/// The list's signals; `Copy`, so views and handlers take it by value.
#[derive(Clone, Copy)]
pub struct UserList {
    ctx: Ctx,
    pub tab: RwSignal<Tab>,
    /// The search text.
    pub q: RwSignal<String>,
    /// Filters as the selects give them (`""`: all).
    pub role: RwSignal<String>,
    pub license: RwSignal<String>,
    pub location: RwSignal<String>,
    pub status: RwSignal<String>,
    pub sort: RwSignal<UserSort>,
    pub desc: RwSignal<bool>,
    /// The rows of the pages loaded so far, in list order.
    pub rows: RwSignal<Vec<UserSummary>>,
    /// The cursor of the next page, if there is one.
    next: RwSignal<Option<String>>,
    /// Users matching the filter (all pages).
    pub total: RwSignal<i64>,
    /// Users in the Deleted tab (for its badge).
    pub deleted_count: RwSignal<i64>,
    pub loading: RwSignal<bool>,
    /// The last load's failure, in the user's words.
    pub error: RwSignal<Option<Problem>>,
    /// Ids of the checked rows.
    pub selected: RwSignal<BTreeSet<String>>,
    /// The list's scroll position in pixels.
    pub scroll: RwSignal<f64>,
    /// The list's visible height in pixels (it fills the page, so it follows the window).
    pub viewport: RwSignal<f64>,
    /// Answers to stale queries (the user typed on) are dropped.
    generation: StoredValue<u64>,
    /// Notified to load the first page again with the same filter.
    refresh: Trigger,
}

impl UserList {
    /// The list on its first tab, unfiltered; loads its first page now and whenever a filter, the sort
    /// or the tab changes.
    pub fn new(ctx: Ctx) -> Self {
        let list = UserList {
            ctx,
            tab: RwSignal::new(Tab::Live),
            q: RwSignal::new(String::new()),
            role: RwSignal::new(String::new()),
            license: RwSignal::new(String::new()),
            location: RwSignal::new(String::new()),
            status: RwSignal::new(String::new()),
            sort: RwSignal::new(UserSort::Name),
            desc: RwSignal::new(false),
            rows: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            total: RwSignal::new(0),
            deleted_count: RwSignal::new(0),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            selected: RwSignal::new(BTreeSet::new()),
            scroll: RwSignal::new(0.0),
            viewport: RwSignal::new(VIEWPORT),
            generation: StoredValue::new(0),
            refresh: Trigger::new(),
        };
        Effect::new(move |_| {
            list.refresh.track();
            list.load_first(list.query());
        });
        list
    }

    /// The first page's query for the current tab, filters and sort (tracked).
    fn query(self) -> UserQuery {
        UserQuery {
            q: Some(self.q.get()).filter(|s| !s.trim().is_empty()),
            role: Role::parse(&self.role.get()),
            license: Some(self.license.get()).filter(|s| !s.is_empty()),
            location_id: Some(self.location.get()).filter(|s| !s.is_empty()),
            status: match self.tab.get() {
                Tab::Deleted => Some(UserStatus::Deleted),
                Tab::Live => match self.status.get().as_str() {
                    "active" => Some(UserStatus::Active),
                    "password_change_required" => Some(UserStatus::PasswordChangeRequired),
                    _ => None,
                },
            },
            sort: self.sort.get(),
            desc: self.desc.get(),
            after: None,
            limit: Some(PAGE),
        }
    }

    /// Loads the first page of `query`, replacing the rows, the selection and the scroll position.
    fn load_first(self, query: UserQuery) {
        let ctx = self.ctx;
        let my_gen = self.generation.get_value() + 1;
        self.generation.set_value(my_gen);
        self.loading.set(true);
        spawn_local(async move {
            let result = ctx.guard(ipc::users(query).await);
            if self.generation.get_value() != my_gen {
                return;
            }
            self.loading.set(false);
            match result {
                Ok(page) => {
                    self.error.set(None);
                    self.total.set(page.total);
                    self.deleted_count.set(page.deleted_count);
                    self.next.set(page.next);
                    self.rows.set(page.users);
                    self.selected.set(BTreeSet::new());
                    self.scroll.set(0.0);
                }
                Err(e) => self.error.set(Some(Problem::Refused(e))),
            }
        });
    }

    /// Loads the first page again (after a change to users).
    pub fn reload(self) {
        self.refresh.notify();
    }

    /// Appends the next page, unless there is none or a load is running.
    pub fn load_more(self) {
        let ctx = self.ctx;
        let Some(after) = self.next.get_untracked() else {
            return;
        };
        if self.loading.get_untracked() {
            return;
        }
        self.loading.set(true);
        let mut query = self.query();
        query.after = Some(after);
        let my_gen = self.generation.get_value();
        spawn_local(async move {
            let result = ctx.guard(ipc::users(query).await);
            if self.generation.get_value() != my_gen {
                return;
            }
            self.loading.set(false);
            match result {
                Ok(page) => {
                    self.next.set(page.next);
                    self.rows.update(|r| r.extend(page.users));
                }
                Err(e) => self.error.set(Some(Problem::Refused(e))),
            }
        });
    }

    /// The list scrolled: render the rows now in view, and load the next page when near the end.
    pub fn scrolled(self, el: &web_sys::HtmlElement) {
        let top = el.scroll_top() as f64;
        self.scroll.set(top);
        self.measured(el);
        let remaining = el.scroll_height() as f64 - top - el.client_height() as f64;
        if remaining < ROW_H * 20.0 {
            self.load_more();
        }
    }

    /// The list's element was laid out (mounted, the window resized, scrolled): take its height.
    pub fn measured(self, el: &web_sys::HtmlElement) {
        let h = el.client_height() as f64;
        if h > 0.0 && h != self.viewport.get_untracked() {
            self.viewport.set(h);
        }
    }

    /// A click on a column head: sort by it, or reverse the order if it already sorts.
    pub fn sort_by(self, key: UserSort) {
        if self.sort.get_untracked() == key {
            self.desc.update(|d| *d = !*d);
        } else {
            self.sort.set(key);
            self.desc.set(false);
        }
    }

    /// The arrow after a column head: the sort direction, if the list is sorted by it (tracked).
    pub fn arrow(self, key: UserSort) -> &'static str {
        match (self.sort.get() == key, self.desc.get()) {
            (true, false) => " ▲",
            (true, true) => " ▼",
            _ => "",
        }
    }

    /// The rows in view with their list positions. A Memo: rows that stay in view keep their DOM (keyed by
    /// user id) and take changes through `UserRow`'s per-row memos, so scrolling moves rows and a new filter
    /// result rebuilds only the rows of users that were not in view before.
    pub fn visible(self) -> Memo<Vec<(usize, UserSummary)>> {
        Memo::new(move |_| {
            self.rows.with(|all| {
                let (start, end) = window(self.scroll.get(), self.viewport.get(), all.len());
                all[start..end]
                    .iter()
                    .enumerate()
                    .map(|(i, u)| (start + i, u.clone()))
                    .collect::<Vec<_>>()
            })
        })
    }

    /// The checked users' ids.
    pub fn selected_ids(self) -> Vec<String> {
        self.selected.get_untracked().into_iter().collect()
    }

    /// "Select all" (the loaded rows) or none.
    pub fn select_all(self, on: bool) {
        if on {
            self.selected.set(
                self.rows
                    .get_untracked()
                    .into_iter()
                    .map(|u| u.id)
                    .collect(),
            );
        } else {
            self.selected.set(BTreeSet::new());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_renders_only_rows_in_view() {
        assert_eq!(window(0.0, 400.0, 0), (0, 0));
        assert_eq!(window(0.0, 400.0, 100_000), (0, 11 + OVERSCAN));
        let (s, e) = window(40_000.0, 400.0, 100_000);
        assert_eq!(s, 1000 - OVERSCAN);
        assert_eq!(e, 1000 + 11 + OVERSCAN);
        assert_eq!(window(1e9, 400.0, 10), (10, 10));
    }
}
