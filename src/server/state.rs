//! What every worker shares, and the lab's operations on it: a call of
//! `/rng`, a reset, a switch of the health mode, a probe answered and
//! recorded, and a [`Snapshot`] of it all. The routes and the lab page call
//! these, so curl and the page's buttons change the state the same way.
//!
//! The parts (the call budget, the probe log, the metrics) are private:
//! whatever changes them goes through an operation here.

use rand::Rng;

use super::budget::{CallBudget, Rule, Verdict};
use super::context::ControlContext;
use super::failure_id::FailureId;
use super::lifecycle::Lifecycle;
use super::metrics::Metrics;
use super::mode::HealthMode;
use super::probe_log::{ProbeAnswer, ProbeLog, ProbeRecord, Prober};
use super::problem::ApiError;
use super::snapshot::Snapshot;
use super::trace_id::{TraceId, TraceIds};
use super::Config;

#[cfg(test)]
mod tests;

#[derive(Debug)]
pub struct AppState {
    budget: CallBudget,
    pub trace_ids: TraceIds,
    probe_log: ProbeLog,
    metrics: Metrics,
    pub lifecycle: Lifecycle,
    /// `--exit-on-unhealthy`: the code to exit with once unhealthy.
    pub exit_on_unhealthy: Option<u8>,
    /// `--control`: whether requests may change the state (see
    /// [`ControlContext`]).
    pub control: bool,
}

impl AppState {
    pub fn new(config: &Config) -> prometheus::Result<Self> {
        Ok(Self {
            budget: budget(config),
            trace_ids: TraceIds::new(),
            probe_log: ProbeLog::default(),
            metrics: Metrics::new(config.fail_after)?,
            lifecycle: Lifecycle::default(),
            exit_on_unhealthy: config.exit_on_unhealthy,
            control: config.control,
        })
    }

    /// One call of `/rng`, whoever makes it: counted, measured and logged
    /// the same for curl and for the lab page's form, so the page cannot
    /// make the service fail sooner or later than the lab says. Once the
    /// budget is spent, the 500 in the words of the rule's book.
    pub fn call_rng(&self, trace_id: TraceId) -> Result<u8, ApiError> {
        let ok = self.budget.record_call();
        self.metrics.count_call(ok);
        if !ok {
            return Err(self.fail_call(trace_id));
        }
        let number: u8 = rand::rng().random_range(0..100);
        log::debug!("Returning random number: {number}");
        Ok(number)
    }

    /// Makes the service healthy again (`/reset`, the page's reset): see
    /// [`CallBudget::reset`]. It asks for the request's [`ControlContext`],
    /// so no caller can skip `--control`.
    pub fn reset(&self, _allowed: &ControlContext) {
        self.budget.reset();
        match self.budget.rule() {
            Rule::Lab => log::info!("Reset: healthy again, call count restarted"),
            Rule::Kubernetes { .. } => log::info!(
                "Reset: healthy again; the call count stays at {} (FailAfterCallCount)",
                self.budget.calls()
            ),
        }
    }

    /// Switches the health mode (the control API); like [`Self::reset`],
    /// only for a request that `--control` lets through.
    pub fn set_mode(&self, mode: HealthMode, _allowed: &ControlContext) {
        self.budget.set_mode(mode);
        log::info!("Health mode set to {mode} (control API)");
    }

    /// What this probe is to be told, by the count and the health mode;
    /// answering advances fail-next and flap. Never counts as a call.
    pub fn answer_probe(&self) -> Verdict {
        self.budget.answer_probe()
    }

    /// The probe's bookkeeping, in one place: into the probe log (the
    /// page's timeline) and the metrics.
    pub fn record_probe(&self, path: &'static str, prober: Prober, answer: ProbeAnswer) {
        self.probe_log.record(ProbeRecord {
            at: std::time::SystemTime::now(),
            path,
            answer,
            prober,
        });
        self.metrics.count_probe(answer, prober);
    }

    /// The 500 of a failing probe (`/health`, `/healthz`): chapter 8's
    /// problem body, or the Kubernetes book's `{"message":"Unhealthy"}`
    /// (its health controller's word has no `!` and never a Failure ID).
    /// With `--exit-on-unhealthy` it also asks the process to exit.
    pub fn fail_probe(&self, trace_id: TraceId) -> ApiError {
        self.exit_if_asked();
        match self.budget.rule() {
            Rule::Lab => ApiError::Unhealthy { trace_id },
            Rule::Kubernetes { .. } => ApiError::UnhealthyMessage {
                message: "Unhealthy".to_string(),
                trace_id,
            },
        }
    }

    /// The state of this moment, read once, for the control API and the
    /// lab page.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            mode: self.budget.mode(),
            healthy: self.budget.is_healthy(),
            ready: self.lifecycle.is_ready(),
            calls: self.budget.calls(),
            fail_after: self.budget.fail_after(),
            rule: self.budget.rule(),
            marked: self.budget.marked(),
            probes: self.probe_log.recent(),
        }
    }

    /// `/metrics`' exposition, with the gauges read at this moment.
    pub fn render_metrics(&self) -> String {
        self.metrics
            .render(self.budget.is_healthy(), self.lifecycle.is_ready())
    }

    /// The 500 of a call of `/rng` once unhealthy, in the words of the
    /// rule's book, logged as a warning. Chapter 8's is the problem body,
    /// its log line has the `traceId`; the Kubernetes book's is
    /// `{"message":"Unhealthy!"}`, or `Unhealthy! Failure ID: <guid>` with
    /// `UseFailureId`, and its log line is that message, as the book logs
    /// it, so the id can be looked up in the logs. With
    /// `--exit-on-unhealthy` it also asks the process to exit.
    fn fail_call(&self, trace_id: TraceId) -> ApiError {
        let error = match self.budget.rule() {
            Rule::Lab => {
                log::warn!("Unhealthy! traceId {trace_id}");
                ApiError::Unhealthy { trace_id }
            }
            Rule::Kubernetes { failure_id } => {
                let message = if failure_id {
                    format!("Unhealthy! Failure ID: {}", FailureId::new())
                } else {
                    "Unhealthy!".to_string()
                };
                log::warn!("{message}");
                ApiError::UnhealthyMessage { message, trace_id }
            }
        };
        self.exit_if_asked();
        error
    }

    /// With `--exit-on-unhealthy` an unhealthy answer stops the process, so
    /// a restart policy has something to act on.
    fn exit_if_asked(&self) {
        if let Some(code) = self.exit_on_unhealthy {
            if self.lifecycle.exit_code().is_none() {
                log::warn!("unhealthy: exiting with code {code} (--exit-on-unhealthy)");
            }
            self.lifecycle.request_exit(code);
        }
    }
}

/// The counter the configuration asks for: its rule, its mode, and whether it
/// starts broken.
fn budget(config: &Config) -> CallBudget {
    let budget = CallBudget::under(config.rule, config.fail_after).with_mode(config.health_mode);
    if config.broken {
        budget.broken()
    } else {
        budget
    }
}
