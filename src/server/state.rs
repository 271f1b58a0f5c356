//! What every worker shares, the operations the routes and the lab page call
//! with plain values (`context.rs` decides who may), and a [`Snapshot`] of it.

use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::lesson::{CallBudget, Rule};
use super::metrics::Metrics;
use super::mode::HealthMode;
use super::probe_log::{ProbeAnswer, ProbeLog, ProbeRecord, Prober};
use super::problem::ApiError;
use super::trace_id::{TraceId, TraceIds};
use super::Config;
use crate::startup::Lifecycle;

pub struct AppState {
    pub budget: CallBudget,
    pub trace_ids: TraceIds,
    probe_log: ProbeLog,
    metrics: Metrics,
    pub lifecycle: Arc<Lifecycle>,
    exit_on_unhealthy: Option<u8>,
    pub control: bool,
}

impl AppState {
    pub fn new(config: &Config) -> Self {
        let budget = CallBudget::under(config.rule, config.fail_after);
        Self {
            budget: budget.with_mode(config.health_mode).broken(config.broken),
            trace_ids: TraceIds::default(),
            probe_log: ProbeLog::default(),
            metrics: Metrics::new(config.fail_after),
            lifecycle: Arc::default(),
            exit_on_unhealthy: config.exit_on_unhealthy,
            control: config.control,
        }
    }

    /// One call of `/rng`, from curl or the page's form alike.
    pub fn call_rng(&self, trace_id: TraceId) -> Result<u8, ApiError> {
        let answer = self.budget.call(trace_id);
        self.metrics.count_call(answer.is_ok());
        if answer.is_err() {
            self.exit_if_asked();
        }
        answer
    }

    /// `/reset`, or the page's reset.
    pub fn reset(&self) {
        self.budget.reset();
    }

    /// Switches the health mode (the control API).
    pub fn set_mode(&self, mode: HealthMode) {
        self.budget.set_mode(mode);
        log::info!("Health mode set to {mode} (control API)");
    }

    /// A probe's bookkeeping: the page's timeline and the metrics.
    pub fn record_probe(&self, path: &'static str, prober: Prober, answer: ProbeAnswer) {
        let at = std::time::SystemTime::now();
        self.probe_log.record(ProbeRecord {
            at,
            path,
            answer,
            prober,
        });
        self.metrics.count_probe(answer, prober);
    }

    /// The 500 of a failing probe (see [`CallBudget::probe_failure`]).
    pub fn fail_probe(&self, trace_id: TraceId) -> ApiError {
        self.exit_if_asked();
        self.budget.probe_failure(trace_id)
    }

    /// This moment's state, read once, for the control API and the page.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            mode: self.budget.mode(),
            healthy: self.budget.is_healthy(),
            ready: self.lifecycle.is_ready(),
            calls: self.budget.calls(),
            fail_after: self.budget.fail_after,
            rule: self.budget.rule,
            marked: self.budget.marked(),
            probes: self.probe_log.recent(),
        }
    }

    /// `/metrics`, with the gauges read at this moment.
    pub fn render_metrics(&self) -> String {
        let healthy = self.budget.is_healthy();
        self.metrics.render(healthy, self.lifecycle.is_ready())
    }

    /// `--exit-on-unhealthy`: a restart policy gets something to act on.
    fn exit_if_asked(&self) {
        if let Some(code) = self.exit_on_unhealthy {
            if self.lifecycle.exit_code().is_none() {
                log::warn!("unhealthy: exiting with code {code} (--exit-on-unhealthy)");
            }
            self.lifecycle.request_exit(code);
        }
    }
}

/// As JSON, `GET /control/health`'s answer, in the order the docs show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// As `--health-mode` writes it (`fail-next` with the failures left).
    #[serde(serialize_with = "as_text")]
    pub mode: HealthMode,
    /// Whether the next probe would pass.
    pub healthy: bool,
    pub ready: bool,
    pub calls: u64,
    pub fail_after: u64,
    #[serde(skip)]
    pub rule: Rule,
    /// Unhealthy until `/reset`, whatever the count.
    #[serde(skip)]
    pub marked: bool,
    /// The probe log, newest last.
    #[serde(skip)]
    pub probes: Vec<ProbeRecord>,
}

fn as_text<S: Serializer>(mode: &HealthMode, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(mode)
}

#[cfg(test)]
mod tests;
