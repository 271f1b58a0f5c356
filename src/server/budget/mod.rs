//! The call counter behind the lab's failure, under one of two rules:
//!
//! - **the lab's** (chapter 8, `--fail-after`): the first N calls of `/rng`
//!   succeed, every later one fails, and so does `/health`; `/reset` starts
//!   the count again. Healthiness is derived from the count rather than
//!   stored beside it, so the two can never disagree, even with many
//!   workers counting at once.
//! - **the Kubernetes book's** (`FailAfterCallCount`): the N-th call still
//!   answers a number and marks the service unhealthy; `/reset` heals it
//!   but the count stays, so the next call answers and marks it again.
//!
//! Either way a service started broken (`--broken`, the v5 app's `Broken`)
//! is unhealthy until `/reset`. On top of the count, a [`HealthMode`] (see
//! `mode.rs`) can make probes fail, hang or dawdle on cue.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::mode::HealthMode;

#[cfg(test)]
mod tests;

/// Which book's rule the count follows. The failure bodies differ too: see
/// [`crate::server::state::AppState::call_rng`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rule {
    /// Chapter 8's, set by `--fail-after` (`NUMBERS_FAIL_AFTER`).
    #[default]
    Lab,
    /// The Kubernetes book's, set by `FailAfterCallCount` or `UseFailureId`;
    /// `failure_id` is `UseFailureId`.
    Kubernetes { failure_id: bool },
}

/// What a probe of `/health` is to be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer, after `delay`: 200 when `healthy`, else 500.
    Answer { healthy: bool, delay: Duration },
    /// Never answer: the request hangs (the mode `hang`).
    Hang,
}

/// The mode and how many probes it has answered (flap and fail-next count
/// them).
#[derive(Debug, Default)]
struct ModeState {
    mode: HealthMode,
    answered: u64,
}

/// Shared by every worker thread; one atomic add and one load per `/rng`
/// call.
#[derive(Debug)]
pub struct CallBudget {
    /// How many `/rng` calls succeed before the service turns unhealthy;
    /// 0 means it never does.
    fail_after: u64,
    rule: Rule,
    /// `/rng` calls since start (or, under the lab's rule, since the last
    /// `/reset`). Health probes never count: watching the service must not
    /// change it.
    calls: AtomicU64,
    /// Unhealthy whatever the count says: from the start when broken, and
    /// under the Kubernetes book's rule from the call that spends the
    /// budget. Only `/reset` clears it: the books' `Status.Healthy`.
    marked: AtomicBool,
    /// Probes are rare next to `/rng` calls, so a plain mutex is cheap here.
    mode: Mutex<ModeState>,
}

impl CallBudget {
    /// The lab's rule, healthy, in the mode `ok`.
    pub fn new(fail_after: u64) -> Self {
        Self::under(Rule::Lab, fail_after)
    }

    /// `rule`'s count, healthy, in the mode `ok`.
    pub fn under(rule: Rule, fail_after: u64) -> Self {
        Self {
            fail_after,
            rule,
            calls: AtomicU64::new(0),
            marked: AtomicBool::new(false),
            mode: Mutex::new(ModeState::default()),
        }
    }

    /// Starts in `mode` instead of `ok`.
    pub fn with_mode(self, mode: HealthMode) -> Self {
        self.set_mode(mode);
        self
    }

    /// Starts unhealthy, as the v5 app does with `Broken`, until `/reset`.
    pub fn broken(self) -> Self {
        self.marked.store(true, Ordering::Relaxed);
        self
    }

    /// Counts one `/rng` call and says whether it may still succeed.
    ///
    /// `fetch_add` hands every concurrent caller a distinct number, and the
    /// Kubernetes book's mark is taken by a compare-and-swap that one caller
    /// wins, which is what makes "exactly N calls succeed" hold under load.
    pub fn record_call(&self) -> bool {
        let number = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        let never = self.fail_after == 0;
        match self.rule {
            Rule::Lab => self.lab_allows(number) && !self.marked.load(Ordering::Relaxed),
            Rule::Kubernetes { .. } if never || number < self.fail_after => {
                !self.marked.load(Ordering::Relaxed)
            }
            // The call that spends the budget answers, and marks the
            // service unhealthy; every call after it fails until `/reset`.
            Rule::Kubernetes { .. } => self
                .marked
                .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok(),
        }
    }

    /// Whether the count (and the mark) leave the service healthy: the
    /// lab's notion of health, before any health mode.
    pub fn within_budget(&self) -> bool {
        let counted = match self.rule {
            Rule::Lab => self.lab_allows(self.calls()),
            Rule::Kubernetes { .. } => true,
        };
        counted && !self.marked.load(Ordering::Relaxed)
    }

    /// The lab's count test, for the call being counted and for the count
    /// as it stands: whether `calls` calls of `/rng` are within the budget.
    fn lab_allows(&self, calls: u64) -> bool {
        self.fail_after == 0 || calls <= self.fail_after
    }

    /// Whether the next probe would pass, without counting as one.
    pub fn is_healthy(&self) -> bool {
        let state = self.state();
        self.within_budget()
            && match state.mode {
                HealthMode::Ok | HealthMode::Slow(_) => true,
                HealthMode::Fail | HealthMode::Hang | HealthMode::FailNext(_) => false,
                HealthMode::Flap(run) => flap_passes(state.answered, run),
            }
    }

    /// Answers one probe of `/health`, advancing fail-next and flap.
    pub fn answer_probe(&self) -> Verdict {
        let within_budget = self.within_budget();
        let mut state = self.state();
        let seen = state.answered;
        state.answered += 1;
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
        *self.state() = ModeState { mode, answered: 0 };
    }

    /// Makes the service healthy again (`/reset`): the mark is cleared and
    /// the mode returns to `ok`. Under the lab's rule the count starts over;
    /// under the Kubernetes book's it stays, as its `/reset` only sets
    /// `Status.Healthy`.
    pub fn reset(&self) {
        if self.rule == Rule::Lab {
            self.calls.store(0, Ordering::Relaxed);
        }
        self.marked.store(false, Ordering::Relaxed);
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

    /// Whether the service is marked unhealthy (broken, or under the
    /// Kubernetes book's rule past its budget) until `/reset`.
    pub fn marked(&self) -> bool {
        self.marked.load(Ordering::Relaxed)
    }

    /// The rule this counter follows.
    pub fn rule(&self) -> Rule {
        self.rule
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
