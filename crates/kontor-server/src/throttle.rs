//! The sign-in throttle: failures per key (the e-mail) in a sliding window, shared by all requests.

use std::collections::HashMap;
use std::sync::Mutex;

/// Counts sign-in failures per key (the e-mail) in a sliding window.
#[derive(Debug)]
pub struct Throttle {
    max_failures: usize,
    window_secs: i64,
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl Throttle {
    pub fn new(max_failures: usize, window_secs: i64) -> Self {
        Self {
            max_failures,
            window_secs,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Vec<i64>>) -> R) -> R {
        let mut guard = match self.failures.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// True if `key` has had too many failures within the window before `now`.
    pub fn is_blocked(&self, key: &str, now: i64) -> bool {
        let since = now - self.window_secs;
        self.with(|m| {
            m.get(key)
                .is_some_and(|v| v.iter().filter(|&&t| t > since).count() >= self.max_failures)
        })
    }

    pub fn record_failure(&self, key: &str, now: i64) {
        let since = now - self.window_secs;
        self.with(|m| {
            if m.len() > 10_000 {
                m.retain(|_, v| v.iter().any(|&t| t > since));
            }
            let v = m.entry(key.to_string()).or_default();
            v.retain(|&t| t > since);
            v.push(now);
        });
    }

    pub fn clear(&self, key: &str) {
        self.with(|m| {
            m.remove(key);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_blocks_after_max_and_forgets_after_window() {
        let t = Throttle::new(3, 300);
        for i in 0..3 {
            assert!(!t.is_blocked("a", 1000 + i));
            t.record_failure("a", 1000 + i);
        }
        assert!(t.is_blocked("a", 1010));
        assert!(!t.is_blocked("b", 1010));
        assert!(!t.is_blocked("a", 1303));
        t.record_failure("a", 1303);
        t.clear("a");
        assert!(!t.is_blocked("a", 1304));
    }
}
