//! The state every handler shares: storage, clock, configuration, sign-in throttle, the dummy hash and the
//! license signing key.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Database;
use crate::licensing::LicenseSigner;
use crate::throttle::Throttle;

#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn Database>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    pub throttle: Arc<Throttle>,
    /// Verified against when the user is unknown, so unknown and wrong answer alike and take as long.
    pub dummy_hash: Arc<String>,
    /// The license signing key (`licensing`).
    pub signer: Arc<LicenseSigner>,
}
