//! The guessing throttle for sign-ins and password checks: failures counted per (key, IP) — the key is the
//! e-mail address, or the user for `/me/password` — per IP, and server-wide, with growing delays.
//!
//! The counts live in the database (`rate_limits`: one row per limit name and key with a fixed window, a
//! counter and the last failure), so every replica of the portal sees the same counts (issue 12). The check
//! and the count are one step: [`LimitStore::update_counters`] locks the attempt's rows (PostgreSQL `FOR
//! UPDATE`, SQLite the write lock), the pure rule here decides, and the new counts are written in the same
//! transaction. An attempt counts as a failure from the moment it is let through until it is reported a
//! success, so parallel attempts — on one replica or several — cannot exceed the limit. Someone else's
//! failures from another address never lock a (key, IP) pair out. Keys are opaque strings.

use std::sync::Arc;

/// The limits of a [`Throttle`]. Delays grow: after `max` failures within the window the next attempt
/// waits `base_delay_secs` after the last failure, then twice as long after each further failure, at most
/// `max_delay_secs`.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Failures of one key from one IP before it waits.
    pub per_key_ip: usize,
    /// Failures from one IP (any keys) before it waits.
    pub per_ip: usize,
    /// Failures server-wide within `global_window_secs` beyond which IPs that have failed in the window are
    /// refused (an address without failures still gets through).
    pub global: usize,
    pub global_window_secs: i64,
    /// How long a failure is remembered.
    pub window_secs: i64,
    pub base_delay_secs: i64,
    pub max_delay_secs: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_key_ip: 10,
            per_ip: 50,
            global: 1_000,
            global_window_secs: 60,
            window_secs: 3_600,
            base_delay_secs: 60,
            max_delay_secs: 900,
        }
    }
}

/// The forgotten-password requests' limits (every request counts, whether the address exists or not): 5
/// per address and 20 per IP within an hour, then growing waits from 5 minutes. The server keeps two
/// throttles with these limits, one keyed on the address (any IP), one on the IP.
pub const RESET_LIMITS: Limits = Limits {
    per_key_ip: 5,
    per_ip: 20,
    global: usize::MAX,
    global_window_secs: 60,
    window_secs: 3_600,
    base_delay_secs: 300,
    max_delay_secs: 3_600,
};

/// One stored counter: failures since `window_start` (0 when none), the last at `last_at`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counter {
    pub window_start: i64,
    pub count: i64,
    pub last_at: i64,
}

impl Counter {
    /// The counter as it stands at `now`: empty once its window has passed.
    fn current(self, window_secs: i64, now: i64) -> Counter {
        if self.count <= 0 || self.window_start <= now - window_secs {
            Counter::default()
        } else {
            self
        }
    }

    fn counted(self, now: i64) -> Counter {
        Counter {
            window_start: if self.count == 0 {
                now
            } else {
                self.window_start
            },
            count: self.count + 1,
            last_at: now,
        }
    }

    /// One failure at `at` taken back, if it is still in the window.
    fn uncounted(self, at: i64) -> Counter {
        if self.count > 0 && self.window_start <= at {
            Counter {
                count: self.count - 1,
                ..self
            }
        } else {
            self
        }
    }
}

/// The rule applied to a set of counters under the store's lock: the new counters, or `Err(seconds to
/// wait)` to store nothing.
pub type CounterRule<'a> = dyn Fn(&[Counter]) -> Result<Vec<Counter>, i64> + Send + Sync + 'a;

/// Where the counters live (the database, shared by every replica; `db::replicas`).
#[async_trait::async_trait]
pub trait LimitStore: Send + Sync {
    /// Reads the counters of `keys` under limit `name` (missing ones as `Counter::default()`), locked
    /// against every other update of them until `rule` has run and its answer is written, in `keys`'
    /// order. `Err(wait)` from the rule writes nothing.
    async fn update_counters(
        &self,
        name: &str,
        keys: &[String],
        rule: &CounterRule<'_>,
    ) -> crate::error::DbResult<Result<(), i64>>;
}

/// An attempt let through by [`Throttle::begin`]; it counts as a failure until [`Throttle::succeeded`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    keys: Slots,
    at: i64,
}

/// The row keys of one attempt: the (key, IP) pair, the IP, the server-wide row — each only when its limit
/// applies.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slots {
    pair: Option<String>,
    ip: Option<String>,
    global: Option<String>,
}

impl Slots {
    fn keys(&self) -> Vec<String> {
        [&self.pair, &self.ip, &self.global]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// Counts failed guesses of one limit (`name`), shared by all requests of all replicas.
pub struct Throttle {
    name: &'static str,
    limits: Limits,
    store: Arc<dyn LimitStore>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("name", &self.name)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Seconds to wait before a counter with `max` allowed failures may try again, if it must.
fn wait(limits: &Limits, c: Counter, max: usize, now: i64) -> Option<i64> {
    let n = usize::try_from(c.count).unwrap_or(0);
    if n < max {
        return None;
    }
    let doublings = u32::try_from(n - max).unwrap_or(u32::MAX).min(20);
    let delay = limits
        .base_delay_secs
        .saturating_mul(1i64 << doublings)
        .min(limits.max_delay_secs);
    let until = c.last_at + delay;
    (now < until).then_some(until - now)
}

/// The check-and-count rule over the slots' counters (in `slots.keys()` order).
fn begin_rule(
    limits: &Limits,
    slots: &Slots,
    stored: &[Counter],
    now: i64,
) -> Result<Vec<Counter>, i64> {
    let mut it = stored.iter().copied();
    let mut next = || it.next().unwrap_or_default();
    let pair = slots
        .pair
        .as_ref()
        .map(|_| next().current(limits.window_secs, now));
    let ip = slots
        .ip
        .as_ref()
        .map(|_| next().current(limits.window_secs, now));
    let global = slots
        .global
        .as_ref()
        .map(|_| next().current(limits.global_window_secs, now));
    let mut w: Option<i64> = None;
    let mut worst = |x: Option<i64>| {
        if let Some(x) = x {
            w = Some(w.map_or(x, |y| y.max(x)));
        }
    };
    if let Some(p) = pair {
        worst(wait(limits, p, limits.per_key_ip, now));
    }
    if let Some(i) = ip {
        worst(wait(limits, i, limits.per_ip, now));
    }
    if let Some(g) = global {
        let ip_failed = ip.is_some_and(|i| i.count > 0);
        if usize::try_from(g.count).unwrap_or(0) >= limits.global && ip_failed {
            worst(Some(limits.global_window_secs));
        }
    }
    if let Some(w) = w {
        return Err(w.max(1));
    }
    Ok([pair, ip, global]
        .into_iter()
        .flatten()
        .map(|c| c.counted(now))
        .collect())
}

/// The success rule: the pair's failures are forgiven, the attempt is no failure of the IP or the server.
fn success_rule(slots: &Slots, stored: &[Counter], at: i64) -> Vec<Counter> {
    let mut it = stored.iter().copied();
    let mut out = Vec::new();
    if slots.pair.is_some() {
        let _ = it.next();
        out.push(Counter::default());
    }
    out.extend(it.map(|c| c.uncounted(at)));
    out
}

impl Throttle {
    pub fn new(name: &'static str, limits: Limits, store: Arc<dyn LimitStore>) -> Self {
        Self {
            name,
            limits,
            store,
        }
    }

    fn slots(&self, key: &str, ip: &str) -> Slots {
        let l = &self.limits;
        let global = l.global != usize::MAX;
        Slots {
            pair: (l.per_key_ip != usize::MAX).then(|| format!("p:{key}\n{ip}")),
            ip: (l.per_ip != usize::MAX || global).then(|| format!("i:{ip}")),
            global: global.then(|| "g:".to_string()),
        }
    }

    /// Checks and counts one attempt of `key` from `ip` atomically: `Ok(Err(seconds to wait))` if a limit
    /// is reached, else the attempt, already counted as a failure.
    pub async fn begin(
        &self,
        key: &str,
        ip: &str,
        now: i64,
    ) -> crate::error::DbResult<Result<Attempt, i64>> {
        let slots = self.slots(key, ip);
        let limits = &self.limits;
        let rule = |stored: &[Counter]| begin_rule(limits, &slots, stored, now);
        Ok(self
            .store
            .update_counters(self.name, &slots.keys(), &rule)
            .await?
            .map(|()| Attempt {
                keys: slots.clone(),
                at: now,
            }))
    }

    /// The attempt succeeded: it is no failure, and the pair's earlier failures are forgiven. A storage
    /// error is logged (the attempt then stays counted).
    pub async fn succeeded(&self, attempt: &Attempt) {
        let rule = |stored: &[Counter]| Ok(success_rule(&attempt.keys, stored, attempt.at));
        if let Err(e) = self
            .store
            .update_counters(self.name, &attempt.keys.keys(), &rule)
            .await
        {
            tracing::warn!(error = %e, limit = self.name, "cannot forgive a successful attempt");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// The rule over counters in memory: the store's contract (read, rule, write under one lock).
    #[derive(Default)]
    struct Memory(Mutex<HashMap<String, Counter>>);

    #[async_trait::async_trait]
    impl LimitStore for Memory {
        async fn update_counters(
            &self,
            name: &str,
            keys: &[String],
            rule: &CounterRule<'_>,
        ) -> crate::error::DbResult<Result<(), i64>> {
            let mut m = self.0.lock().expect("lock");
            let stored: Vec<Counter> = keys
                .iter()
                .map(|k| m.get(&format!("{name}/{k}")).copied().unwrap_or_default())
                .collect();
            Ok(rule(&stored).map(|new| {
                for (k, c) in keys.iter().zip(new) {
                    m.insert(format!("{name}/{k}"), c);
                }
            }))
        }
    }

    fn throttle(l: Limits) -> Throttle {
        Throttle::new("t", l, Arc::new(Memory::default()))
    }

    fn limits() -> Limits {
        Limits {
            per_key_ip: 3,
            per_ip: 5,
            global: 8,
            global_window_secs: 60,
            window_secs: 3_600,
            base_delay_secs: 10,
            max_delay_secs: 25,
        }
    }

    #[tokio::test]
    async fn a_pair_waits_with_growing_delays_and_others_do_not() {
        let t = throttle(limits());
        for i in 0..3 {
            t.begin("a", "1.1.1.1", 1000 + i)
                .await
                .expect("store")
                .unwrap();
        }
        assert_eq!(t.begin("a", "1.1.1.1", 1002).await.expect("store"), Err(10));
        // The same key from another address, and another key from this one, still get through.
        let other = t.begin("a", "2.2.2.2", 1002).await.expect("store").unwrap();
        t.succeeded(&other).await;
        t.begin("b", "1.1.1.1", 1002).await.expect("store").unwrap();
        // After the wait one more guess; then twice the wait, capped.
        t.begin("a", "1.1.1.1", 1012).await.expect("store").unwrap();
        assert_eq!(t.begin("a", "1.1.1.1", 1013).await.expect("store"), Err(19));
        t.begin("a", "1.1.1.1", 1032).await.expect("store").unwrap();
        assert_eq!(t.begin("a", "1.1.1.1", 1032).await.expect("store"), Err(25));
    }

    #[tokio::test]
    async fn success_forgives_the_pair_and_is_no_failure_of_the_ip() {
        let t = throttle(limits());
        t.begin("a", "ip", 1).await.expect("store").unwrap();
        t.begin("a", "ip", 2).await.expect("store").unwrap();
        let ok = t.begin("a", "ip", 3).await.expect("store").unwrap();
        t.succeeded(&ok).await;
        for i in 0..3 {
            t.begin("a", "ip", 4 + i).await.expect("store").unwrap();
        }
        // 2 + 3 failures of this IP: the IP limit (5) holds for every key now.
        assert!(t.begin("c", "ip", 7).await.expect("store").is_err());
    }

    #[tokio::test]
    async fn the_global_cap_refuses_failing_addresses_only() {
        let t = throttle(limits());
        for i in 0..8 {
            t.begin(&format!("k{i}"), &format!("ip{i}"), 100)
                .await
                .expect("store")
                .unwrap();
        }
        assert_eq!(t.begin("x", "ip0", 100).await.expect("store"), Err(60));
        t.begin("x", "fresh", 100).await.expect("store").unwrap();
        t.begin("x", "ip0", 161).await.expect("store").unwrap();
    }
}
