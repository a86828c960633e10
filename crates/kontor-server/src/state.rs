//! The state every handler shares: storage, clock, configuration, sign-in throttle, the password-hashing pool, the dummy hash and the
//! license signing key.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::credentials::HashPool;
use crate::db::Database;
use crate::licensing::LicenseSigner;
use crate::throttle::Throttle;

#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn Database>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    pub throttle: Arc<Throttle>,
    /// Issued account-wide offline licenses per account (`POST …/offline-license`).
    pub issue_limit: Arc<Throttle>,
    /// Every Argon2 run of a request (bounded: one worker per core, a queue with a deadline).
    pub hashes: Arc<HashPool>,
    /// Verified against when the user is unknown, so unknown and wrong answer alike and take as long.
    pub dummy_hash: Arc<String>,
    /// The license signing key (`licensing`).
    pub signer: Arc<LicenseSigner>,
    /// Forgotten-password requests per IP (any address).
    pub reset_limit: Arc<Throttle>,
    /// Forgotten-password requests per address (any IP).
    pub reset_limit_by_address: Arc<Throttle>,
    /// support9: support tickets per user and IP.
    pub support_limit: Arc<Throttle>,
    /// issue 12: told of every committed import batch (`search_index`).
    pub search_index: Arc<crate::search_index::SearchIndexer>,
}
