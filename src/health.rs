//! The call counter behind the lab's failure: the first `fail_after` calls of
//! `/rng` succeed, every later one fails, and so does `/health`.
//!
//! Healthiness is derived from the count rather than stored beside it, so the
//! two can never disagree, even with many workers counting at once.

use std::sync::atomic::{AtomicU64, Ordering};

/// Shared by every worker thread; one atomic add per `/rng` call.
#[derive(Debug)]
pub struct Health {
    /// How many `/rng` calls succeed before the service turns unhealthy;
    /// 0 means it never does.
    fail_after: u64,
    /// `/rng` calls since start (or since the last `/reset`). Health probes
    /// never count: watching the service must not change it.
    calls: AtomicU64,
}

impl Health {
    pub fn new(fail_after: u64) -> Self {
        Self {
            fail_after,
            calls: AtomicU64::new(0),
        }
    }

    /// Counts one `/rng` call and says whether it may still succeed.
    ///
    /// `fetch_add` hands every concurrent caller a distinct number, which is
    /// what makes "exactly N calls succeed" hold under load.
    pub fn record_call(&self) -> bool {
        let number = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        self.allows(number)
    }

    /// Whether the service is still healthy (what `/health` reports).
    pub fn is_healthy(&self) -> bool {
        self.calls() <= self.fail_after || self.fail_after == 0
    }

    /// Makes the service healthy again and restarts the count (`/reset`).
    pub fn reset(&self) {
        self.calls.store(0, Ordering::Relaxed);
    }

    /// `/rng` calls counted so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The fail-after setting this counter was built with.
    pub fn fail_after(&self) -> u64 {
        self.fail_after
    }

    fn allows(&self, call_number: u64) -> bool {
        self.fail_after == 0 || call_number <= self.fail_after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_after_fail_after_is_the_first_to_fail() {
        let health = Health::new(3);
        assert!(health.record_call());
        assert!(health.record_call());
        assert!(health.record_call());
        assert!(health.is_healthy());
        assert!(!health.record_call());
        assert!(!health.is_healthy());
        assert!(!health.record_call());
    }

    #[test]
    fn zero_means_never_fail() {
        let health = Health::new(0);
        for _ in 0..10_000 {
            assert!(health.record_call());
        }
        assert!(health.is_healthy());
    }

    #[test]
    fn reset_restores_health_and_restarts_the_count() {
        let health = Health::new(1);
        assert!(health.record_call());
        assert!(!health.record_call());
        health.reset();
        assert!(health.is_healthy());
        assert_eq!(health.calls(), 0);
        assert!(health.record_call());
        assert!(!health.record_call());
    }
}
