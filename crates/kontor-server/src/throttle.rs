//! The guessing throttle for sign-ins and password checks: failures counted per (key, IP) — the key is the
//! e-mail address, or the user for `/me/password` — per IP, and server-wide, with growing delays. The check
//! and the count are one step under one lock ([`Throttle::begin`]): an attempt counts as a failure from the
//! moment it is let through until it is reported a success, so parallel attempts cannot exceed the limit.
//! Someone else's failures from another address never lock a (key, IP) pair out.

use std::collections::HashMap;
use std::sync::Mutex;

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

/// An attempt let through by [`Throttle::begin`]; it counts as a failure until [`Throttle::succeeded`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pair: String,
    ip: String,
    at: i64,
}

#[derive(Debug, Default)]
struct Failures {
    pairs: HashMap<String, Vec<i64>>,
    ips: HashMap<String, Vec<i64>>,
    global: Vec<i64>,
}

/// Counts failed guesses; shared by all requests of a server.
#[derive(Debug)]
pub struct Throttle {
    limits: Limits,
    failures: Mutex<Failures>,
}

/// Above this many remembered keys, expired ones are dropped on the next failure.
const PRUNE_ABOVE: usize = 10_000;

impl Throttle {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            failures: Mutex::new(Failures::default()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Failures) -> R) -> R {
        let mut guard = match self.failures.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Seconds to wait before `times` (failures, oldest first) may try again, if it must.
    fn wait(&self, times: &[i64], max: usize, now: i64) -> Option<i64> {
        let n = times.len();
        if n < max {
            return None;
        }
        let last = *times.last()?;
        let doublings = u32::try_from(n - max).unwrap_or(u32::MAX).min(20);
        let delay = self
            .limits
            .base_delay_secs
            .saturating_mul(1i64 << doublings)
            .min(self.limits.max_delay_secs);
        let until = last + delay;
        (now < until).then_some(until - now)
    }

    /// Checks and counts one attempt of `key` from `ip` atomically: `Err(seconds to wait)` if a limit is
    /// reached, else the attempt, already counted as a failure.
    pub fn begin(&self, key: &str, ip: &str, now: i64) -> Result<Attempt, i64> {
        let since = now - self.limits.window_secs;
        let global_since = now - self.limits.global_window_secs;
        let pair = format!("{key}\n{ip}");
        self.with(|f| {
            if f.pairs.len() + f.ips.len() > PRUNE_ABOVE {
                f.pairs.retain(|_, v| v.iter().any(|&t| t > since));
                f.ips.retain(|_, v| v.iter().any(|&t| t > since));
            }
            f.global.retain(|&t| t > global_since);
            let pair_times = f.pairs.entry(pair.clone()).or_default();
            pair_times.retain(|&t| t > since);
            let mut wait = self.wait(pair_times, self.limits.per_key_ip, now);
            let ip_times = f.ips.entry(ip.to_string()).or_default();
            ip_times.retain(|&t| t > since);
            if let Some(w) = self.wait(ip_times, self.limits.per_ip, now) {
                wait = Some(wait.map_or(w, |x| x.max(w)));
            }
            if f.global.len() >= self.limits.global && !ip_times.is_empty() {
                let w = self.limits.global_window_secs;
                wait = Some(wait.map_or(w, |x| x.max(w)));
            }
            if let Some(w) = wait {
                return Err(w.max(1));
            }
            ip_times.push(now);
            f.global.push(now);
            f.pairs.entry(pair.clone()).or_default().push(now);
            Ok(Attempt {
                pair,
                ip: ip.to_string(),
                at: now,
            })
        })
    }

    /// The attempt succeeded: it is no failure, and the pair's earlier failures are forgiven.
    pub fn succeeded(&self, attempt: &Attempt) {
        self.with(|f| {
            f.pairs.remove(&attempt.pair);
            if let Some(v) = f.ips.get_mut(&attempt.ip) {
                if let Some(i) = v.iter().rposition(|&t| t == attempt.at) {
                    v.remove(i);
                }
            }
            if let Some(i) = f.global.iter().rposition(|&t| t == attempt.at) {
                f.global.remove(i);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_pair_waits_with_growing_delays_and_others_do_not() {
        let t = Throttle::new(limits());
        for i in 0..3 {
            t.begin("a", "1.1.1.1", 1000 + i).unwrap();
        }
        assert_eq!(t.begin("a", "1.1.1.1", 1002), Err(10));
        // The same key from another address, and another key from this one, still get through.
        let other = t.begin("a", "2.2.2.2", 1002).unwrap();
        t.succeeded(&other);
        t.begin("b", "1.1.1.1", 1002).unwrap();
        // After the wait one more guess; then twice the wait, capped.
        t.begin("a", "1.1.1.1", 1012).unwrap();
        assert_eq!(t.begin("a", "1.1.1.1", 1013), Err(19));
        t.begin("a", "1.1.1.1", 1032).unwrap();
        assert_eq!(t.begin("a", "1.1.1.1", 1032), Err(25));
    }

    #[test]
    fn success_forgives_the_pair_and_is_no_failure_of_the_ip() {
        let t = Throttle::new(limits());
        t.begin("a", "ip", 1).unwrap();
        t.begin("a", "ip", 2).unwrap();
        let ok = t.begin("a", "ip", 3).unwrap();
        t.succeeded(&ok);
        for i in 0..3 {
            t.begin("a", "ip", 4 + i).unwrap();
        }
        // 2 + 3 failures of this IP: the IP limit (5) holds for every key now.
        assert!(t.begin("c", "ip", 7).is_err());
    }

    #[test]
    fn the_global_cap_refuses_failing_addresses_only() {
        let t = Throttle::new(limits());
        for i in 0..8 {
            t.begin(&format!("k{i}"), &format!("ip{i}"), 100).unwrap();
        }
        assert_eq!(t.begin("x", "ip0", 100), Err(60));
        t.begin("x", "fresh", 100).unwrap();
        t.begin("x", "ip0", 161).unwrap();
    }
}
