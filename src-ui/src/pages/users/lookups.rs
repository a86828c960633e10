//! The users page's reference data, one request each: the account's license pools and its locations.
//! The page shows them through `<Transition>` + `<ErrorBoundary>` with a retry; the filters and dialogs
//! read the loaded values.

use kontor_api::{LicensePool, Location};
use leptos::prelude::*;

use crate::context::Ctx;
use crate::errors::Shown;
use crate::ipc;

/// A load's answer, its error already in the user's words.
pub type Loaded<T> = LocalResource<Result<T, Shown>>;

/// License pools and locations, loaded when the page opens.
#[derive(Clone, Copy)]
pub struct Lookups {
    pub pools: Loaded<Vec<LicensePool>>,
    pub locations: Loaded<Vec<Location>>,
}

impl Lookups {
    pub fn new(ctx: Ctx) -> Self {
        Lookups {
            pools: LocalResource::new(move || async move {
                ctx.guard(ipc::licenses().await)
                    .map_err(|e| Shown::new(ctx.t(), &e))
            }),
            locations: LocalResource::new(move || async move {
                ctx.guard(ipc::locations().await)
                    .map_err(|e| Shown::new(ctx.t(), &e))
            }),
        }
    }

    /// The pools as loaded (tracked); empty while loading or after a failure, which the page shows.
    pub fn pools_now(self) -> Vec<LicensePool> {
        self.pools.get().and_then(Result::ok).unwrap_or_default()
    }

    /// The locations as loaded (tracked); empty while loading or after a failure.
    pub fn locations_now(self) -> Vec<Location> {
        self.locations
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    }

    /// Loads both again: the retry of a failed load.
    pub fn retry(self) {
        self.pools.refetch();
        self.locations.refetch();
    }
}
