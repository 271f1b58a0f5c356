//! The call counter behind the lab's failure: the first `fail_after` calls of
//! `/rng` succeed, every later one fails, and so does `/health`.
//!
//! Healthiness is derived from the count rather than stored beside it, so the
//! two can never disagree, even with many workers counting at once. On top
//! of the count, a [`HealthMode`] (see `mode.rs`) can make probes fail, hang
//! or dawdle on cue.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::mode::HealthMode;

/// What a probe of `/health` is to be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer, after `delay`: 200 when `healthy`, else 500.
    Answer { healthy: bool, delay: Duration },
    /// Hold the request and never answer.
    Hang,
}

/// The mode and the probes it has seen (flap and fail-next count them).
#[derive(Debug, Default)]
struct ModeState {
    mode: HealthMode,
    probes: u64,
}

/// Shared by every worker thread; one atomic add per `/rng` call.
#[derive(Debug)]
pub struct CallBudget {
    /// How many `/rng` calls succeed before the service turns unhealthy;
    /// 0 means it never does.
    fail_after: u64,
    /// `/rng` calls since start (or since the last `/reset`). Health probes
    /// never count: watching the service must not change it.
    calls: AtomicU64,
    /// Probes are rare next to `/rng` calls, so a plain mutex is cheap here.
    mode: Mutex<ModeState>,
}

impl CallBudget {
    pub fn new(fail_after: u64) -> Self {
        Self::with_mode(fail_after, HealthMode::Ok)
    }

    pub fn with_mode(fail_after: u64, mode: HealthMode) -> Self {
        Self {
            fail_after,
            calls: AtomicU64::new(0),
            mode: Mutex::new(ModeState { mode, probes: 0 }),
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

    /// Whether the call budget still lasts (the lab's notion of health).
    pub fn within_budget(&self) -> bool {
        self.fail_after == 0 || self.calls() <= self.fail_after
    }

    /// Whether the next probe would pass, without counting as one.
    pub fn is_healthy(&self) -> bool {
        let state = self.state();
        self.within_budget()
            && match state.mode {
                HealthMode::Ok | HealthMode::Slow(_) => true,
                HealthMode::Fail | HealthMode::Hang | HealthMode::FailNext(_) => false,
                HealthMode::Flap(run) => flap_passes(state.probes, run),
            }
    }

    /// Answers one probe of `/health`, advancing fail-next and flap.
    pub fn probe(&self) -> Verdict {
        let within_budget = self.within_budget();
        let mut state = self.state();
        let seen = state.probes;
        state.probes += 1;
        let answer = |healthy: bool, delay: Duration| Verdict::Answer { healthy, delay };
        match state.mode {
            HealthMode::Ok => answer(within_budget, Duration::ZERO),
            HealthMode::Fail => answer(false, Duration::ZERO),
            HealthMode::Hang => Verdict::Hang,
            HealthMode::Slow(delay) => answer(within_budget, delay),
            HealthMode::FailNext(left) => {
                state.mode = match left {
                    0 | 1 => HealthMode::Ok,
                    more => HealthMode::FailNext(more - 1),
                };
                answer(false, Duration::ZERO)
            }
            HealthMode::Flap(run) => {
                answer(within_budget && flap_passes(seen, run), Duration::ZERO)
            }
        }
    }

    /// The current mode (`fail-next` shows how many failures are left).
    pub fn mode(&self) -> HealthMode {
        self.state().mode
    }

    /// Switches the mode; flap starts a new cycle with passing probes.
    pub fn set_mode(&self, mode: HealthMode) {
        *self.state() = ModeState { mode, probes: 0 };
    }

    /// Makes the service healthy again and restarts the count (`/reset`):
    /// the call budget starts over and the mode returns to `ok`.
    pub fn reset(&self) {
        self.calls.store(0, Ordering::Relaxed);
        self.set_mode(HealthMode::Ok);
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

    fn state(&self) -> std::sync::MutexGuard<'_, ModeState> {
        // A panic elsewhere cannot leave ModeState half-written: every
        // update is a single assignment.
        self.mode.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Flap: probes 0..run pass, run..2*run fail, and so on.
fn flap_passes(probe: u64, run: u32) -> bool {
    (probe / u64::from(run.max(1))).is_multiple_of(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_after_fail_after_is_the_first_to_fail() {
        let health = CallBudget::new(3);
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
        let health = CallBudget::new(0);
        for _ in 0..10_000 {
            assert!(health.record_call());
        }
        assert!(health.is_healthy());
    }

    fn probes(health: &CallBudget, n: usize) -> Vec<bool> {
        (0..n)
            .map(|_| match health.probe() {
                Verdict::Answer { healthy, .. } => healthy,
                Verdict::Hang => panic!("hung"),
            })
            .collect()
    }

    #[test]
    fn fail_next_fails_k_probes_then_recovers() {
        let health = CallBudget::with_mode(0, HealthMode::FailNext(2));
        assert!(!health.is_healthy());
        assert_eq!(probes(&health, 4), [false, false, true, true]);
        assert_eq!(health.mode(), HealthMode::Ok);
    }

    #[test]
    fn flap_alternates_runs_of_n() {
        let health = CallBudget::with_mode(0, HealthMode::Flap(2));
        assert_eq!(probes(&health, 6), [true, true, false, false, true, true]);
    }

    #[test]
    fn fail_and_hang_ignore_the_budget_while_slow_keeps_it() {
        let health = CallBudget::with_mode(1, HealthMode::Fail);
        assert_eq!(probes(&health, 1), [false]);
        health.set_mode(HealthMode::Hang);
        assert_eq!(health.probe(), Verdict::Hang);
        health.set_mode(HealthMode::Slow(Duration::from_millis(5)));
        assert_eq!(
            health.probe(),
            Verdict::Answer {
                healthy: true,
                delay: Duration::from_millis(5)
            }
        );
        health.record_call();
        health.record_call();
        assert_eq!(probes(&health, 1), [false]);
    }

    #[test]
    fn the_lab_mode_follows_the_count_and_probes_do_not_count() {
        let health = CallBudget::new(1);
        assert_eq!(probes(&health, 10), [true; 10]);
        assert!(health.record_call());
        assert!(!health.record_call());
        assert_eq!(probes(&health, 1), [false]);
    }

    #[test]
    fn reset_restores_health_and_restarts_the_count() {
        let health = CallBudget::new(1);
        assert!(health.record_call());
        assert!(!health.record_call());
        health.set_mode(HealthMode::Fail);
        health.reset();
        assert!(health.is_healthy());
        assert_eq!(health.mode(), HealthMode::Ok);
        assert_eq!(health.calls(), 0);
        assert!(health.record_call());
        assert!(!health.record_call());
    }
}
