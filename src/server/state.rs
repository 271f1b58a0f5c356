//! What every worker shares: the call budget, the trace ids, the probe log,
//! the metrics and the process's lifecycle.

use super::budget::CallBudget;
use super::lifecycle::Lifecycle;
use super::metrics::Metrics;
use super::probes::ProbeLog;
use super::trace_id::TraceIds;
use super::Config;

#[derive(Debug)]
pub struct AppState {
    pub budget: CallBudget,
    pub trace_ids: TraceIds,
    pub probes: ProbeLog,
    pub metrics: Metrics,
    pub lifecycle: Lifecycle,
    /// `--exit-on-unhealthy`: the code to exit with once unhealthy.
    pub exit_on_unhealthy: Option<u8>,
    /// `--control`: whether requests may change the state (see
    /// [`super::context::ControlCall`]).
    pub control: bool,
}

impl AppState {
    pub fn new(settings: &Config) -> prometheus::Result<Self> {
        Ok(Self {
            budget: budget(settings),
            trace_ids: TraceIds::new(),
            probes: ProbeLog::default(),
            metrics: Metrics::new(settings.fail_after)?,
            lifecycle: Lifecycle::default(),
            exit_on_unhealthy: settings.exit_on_unhealthy,
            control: settings.control,
        })
    }

    /// Called with every unhealthy answer: with `--exit-on-unhealthy` the
    /// process stops, so a restart policy has something to act on.
    pub fn answered_unhealthy(&self) {
        if let Some(code) = self.exit_on_unhealthy {
            if self.lifecycle.exit_code().is_none() {
                log::warn!("unhealthy: exiting with code {code} (--exit-on-unhealthy)");
            }
            self.lifecycle.request_exit(code);
        }
    }
}

/// The counter the settings ask for: its rule, its mode, and whether it
/// starts broken.
fn budget(settings: &Config) -> CallBudget {
    let budget =
        CallBudget::under(settings.rule, settings.fail_after).with_mode(settings.health_mode);
    if settings.broken {
        budget.broken()
    } else {
        budget
    }
}
