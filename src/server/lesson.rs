//! The lesson: when the service starts failing, what `/rng` and `/health`
//! answer then, and what `/reset` does; the routes, the lab page, the metrics
//! and the control API call into it. 0 means never fail; `--broken` starts
//! marked; a health mode (`mode.rs`) can make probes fail, hang or dawdle.
//! - **chapter 8's rule** (`--fail-after N`, 3 by default): calls 1..N of `/rng`
//!   answer a number, later ones and `/health` 500; `/reset` restarts the count.
//! - **the Kubernetes book's** (`FailAfterCallCount`): call N still answers
//!   and marks the service unhealthy until `/reset`, which keeps the count.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rand::Rng;

use super::mode::HealthMode;
use super::problem::ApiError;
use super::trace_id::TraceId;

/// Whose rule the count follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rule {
    /// Chapter 8's, set by `--fail-after`.
    #[default]
    Chapter8,
    /// The Kubernetes book's; `failure_id` is `UseFailureId`.
    Kubernetes { failure_id: bool },
}

/// What a probe of `/health` is to be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer, after `delay`: 200 when `healthy`, else 500.
    Answer { healthy: bool, delay: Duration },
    /// Never answer (the mode `hang`).
    Hang,
}

/// The call budget, shared by every worker.
#[derive(Debug)]
pub struct CallBudget {
    pub fail_after: u64,
    pub rule: Rule,
    /// Calls of `/rng` so far; probes never count.
    calls: AtomicU64,
    /// Unhealthy until `/reset`, whatever the count (the books' `Status.Healthy`).
    marked: AtomicBool,
    /// The health mode, and the probes it has answered (flap counts them).
    mode: Mutex<(HealthMode, u64)>,
}

impl CallBudget {
    pub fn under(rule: Rule, fail_after: u64) -> Self {
        Self {
            fail_after,
            rule,
            calls: AtomicU64::new(0),
            marked: AtomicBool::new(false),
            mode: Mutex::new((HealthMode::Ok, 0)),
        }
    }

    pub fn with_mode(self, mode: HealthMode) -> Self {
        self.set_mode(mode);
        self
    }

    /// Starts unhealthy until `/reset` when `broken` (`--broken`).
    pub fn broken(self, broken: bool) -> Self {
        self.marked.store(broken, Ordering::Relaxed);
        self
    }

    /// `/rng`: a number from 0 to 99 while the budget lasts, then the rule's 500.
    pub fn call(&self, trace_id: TraceId) -> Result<u8, ApiError> {
        if self.record_call() {
            let number = rand::rng().random_range(0..100);
            log::debug!("Returning random number: {number}");
            return Ok(number);
        }
        Err(match self.rule {
            Rule::Chapter8 => {
                log::warn!("Unhealthy! traceId {trace_id}");
                ApiError::Unhealthy { trace_id }
            }
            Rule::Kubernetes { failure_id } => {
                // The book logs what the client got, so the id can be found.
                let id = failure_id.then(|| format!(" Failure ID: {}", uuid::Uuid::new_v4()));
                let message = format!("Unhealthy!{}", id.unwrap_or_default());
                log::warn!("{message}");
                ApiError::UnhealthyMessage { message, trace_id }
            }
        })
    }

    /// Counts one call; whether it may answer. Each call gets its own number
    /// and one compare-and-swap wins the mark: exactly N succeed under load.
    fn record_call(&self) -> bool {
        let number = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        let unmarked = || !self.marked.load(Ordering::Relaxed);
        match self.rule {
            Rule::Chapter8 => self.allows(number) && unmarked(),
            Rule::Kubernetes { .. } if self.fail_after == 0 || number < self.fail_after => {
                unmarked()
            }
            // The call that spends the budget answers and marks the service.
            Rule::Kubernetes { .. } => self
                .marked
                .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok(),
        }
    }

    fn allows(&self, calls: u64) -> bool {
        self.fail_after == 0 || calls <= self.fail_after
    }

    /// Healthy by the count and the mark, before any health mode.
    pub fn within_budget(&self) -> bool {
        let counted = self.rule != Rule::Chapter8 || self.allows(self.calls());
        counted && !self.marked()
    }

    /// `/health`: what this probe is told; it advances fail-next and flap.
    pub fn answer_probe(&self) -> Verdict {
        let within_budget = self.within_budget();
        let mut state = self.mode_state();
        let verdict = verdict(*state, within_budget);
        state.1 += 1;
        if let HealthMode::FailNext(left) = state.0 {
            state.0 = match left {
                0 | 1 => HealthMode::Ok,
                more => HealthMode::FailNext(more - 1),
            };
        }
        verdict
    }

    /// A failing probe's 500: chapter 8's problem, or `{"message":"Unhealthy"}`.
    pub fn probe_failure(&self, trace_id: TraceId) -> ApiError {
        let message = "Unhealthy".to_string();
        match self.rule {
            Rule::Chapter8 => ApiError::Unhealthy { trace_id },
            Rule::Kubernetes { .. } => ApiError::UnhealthyMessage { message, trace_id },
        }
    }

    /// Whether the next probe would pass, without counting as one.
    pub fn is_healthy(&self) -> bool {
        let verdict = verdict(*self.mode_state(), self.within_budget());
        matches!(verdict, Verdict::Answer { healthy: true, .. })
    }

    /// `/reset`: the mark cleared, the mode back to `ok`, and chapter 8's
    /// count started over (the Kubernetes book's `/reset` keeps it).
    pub fn reset(&self) {
        if self.rule == Rule::Chapter8 {
            self.calls.store(0, Ordering::Relaxed);
        }
        self.marked.store(false, Ordering::Relaxed);
        self.set_mode(HealthMode::Ok);
        match self.rule {
            Rule::Chapter8 => log::info!("Reset: healthy again, call count restarted"),
            Rule::Kubernetes { .. } => log::info!(
                "Reset: healthy again; the call count stays at {} (FailAfterCallCount)",
                self.calls()
            ),
        }
    }

    /// Switches the mode; flap starts over with passing probes.
    pub fn set_mode(&self, mode: HealthMode) {
        *self.mode_state() = (mode, 0);
    }

    pub fn mode(&self) -> HealthMode {
        self.mode_state().0
    }

    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn marked(&self) -> bool {
        self.marked.load(Ordering::Relaxed)
    }

    fn mode_state(&self) -> MutexGuard<'_, (HealthMode, u64)> {
        // Every update is one assignment: a panic cannot leave it half-written.
        self.mode.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a probe is told in `mode`, after `seen` probes, by the budget.
fn verdict((mode, seen): (HealthMode, u64), within_budget: bool) -> Verdict {
    let answer = |healthy, delay| Verdict::Answer { healthy, delay };
    match mode {
        HealthMode::Ok => answer(within_budget, Duration::ZERO),
        HealthMode::Slow(delay) => answer(within_budget, delay),
        HealthMode::Fail | HealthMode::FailNext(_) => answer(false, Duration::ZERO),
        HealthMode::Hang => Verdict::Hang,
        // Flap: probes 0..run pass, run..2*run fail, and so on.
        HealthMode::Flap(run) => {
            let passes = (seen / u64::from(run.max(1))).is_multiple_of(2);
            answer(within_budget && passes, Duration::ZERO)
        }
    }
}

#[cfg(test)]
#[path = "lesson_tests.rs"]
mod tests;
