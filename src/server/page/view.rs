//! What the page shows, read from the state of one moment: the JSON of
//! `/page/state`, which the server-side rendering reads too.

use serde::Serialize;

use crate::server::budget::{CallBudget, Rule};
use crate::server::mode::HealthMode;
use crate::server::probes::{ProbeRecord, Prober};
use crate::server::state::AppState;
use crate::util::time::{rfc3339_nano_utc, time_of_day};

/// What the page shows: the JSON of `/page/state`, and what the server-side
/// rendering reads. The sentences are made here once, so the page reads the
/// same with and without JavaScript.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageState {
    pub healthy: bool,
    pub mode: String,
    pub calls: u64,
    pub fail_after: u64,
    /// "Healthy" or "Unhealthy".
    pub status_text: &'static str,
    /// What `/health` answers now, in words.
    pub status_detail: String,
    /// "1 of 3 calls used", or how far past the budget the count is.
    pub calls_text: String,
    /// Newest first.
    pub probes: Vec<ProbeView>,
}

/// One row of the timeline.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeView {
    /// UTC, as `docker inspect` writes a probe's `Start`, so the two can be
    /// matched.
    pub at: String,
    /// The time of day of `at`, to the millisecond.
    pub time: String,
    pub path: &'static str,
    /// "200 OK", "500 failed" or "no answer".
    pub result: String,
    /// "ok", "fail" or "held": the row's colour.
    pub outcome: &'static str,
    /// The metrics' `prober` label.
    pub prober: &'static str,
    /// Who probed, in words.
    pub who: &'static str,
    /// Where such probes come from.
    pub hint: &'static str,
}

impl PageState {
    pub fn read(state: &AppState) -> Self {
        let healthy = state.budget.is_healthy();
        let mode = state.budget.mode();
        let calls = state.budget.calls();
        let fail_after = state.budget.fail_after();
        PageState {
            healthy,
            mode: mode.to_string(),
            calls,
            fail_after,
            status_text: if healthy { "Healthy" } else { "Unhealthy" },
            status_detail: status_detail(mode, healthy, why_unhealthy(&state.budget)),
            calls_text: calls_text(calls, fail_after),
            probes: state.probes.recent().iter().rev().map(view).collect(),
        }
    }
}

/// Why the count (or the mark) made the service unhealthy, in the page's
/// words.
fn why_unhealthy(budget: &CallBudget) -> &'static str {
    match (budget.rule(), budget.marked()) {
        (Rule::Lab, false) => "the good calls are used up",
        (Rule::Lab, true) => "it started broken (--broken); /reset heals it",
        (Rule::Kubernetes { .. }, _) => "marked unhealthy, the Kubernetes book's way, until /reset",
    }
}

fn status_detail(mode: HealthMode, healthy: bool, why: &str) -> String {
    let answer = if healthy { "200 OK" } else { "500" };
    match mode {
        HealthMode::Ok if healthy => "/health answers 200 OK.".into(),
        HealthMode::Ok => format!("/health answers 500: {why}."),
        HealthMode::Fail => "/health answers 500 (health mode fail).".into(),
        HealthMode::Hang => {
            "/health holds every probe without an answer (health mode hang).".into()
        }
        HealthMode::Slow(delay) => format!(
            "/health answers {answer} after {}ms (health mode slow).",
            delay.as_millis()
        ),
        HealthMode::FailNext(left) => {
            format!("/health answers 500 to the next {left} probes (health mode fail-next).")
        }
        HealthMode::Flap(run) => {
            format!("/health passes and fails in runs of {run} (health mode flap).")
        }
    }
}

fn calls_text(calls: u64, fail_after: u64) -> String {
    match fail_after {
        0 => format!("{calls} calls of /rng; with fail-after 0 it never fails."),
        n if calls <= n => format!("{calls} of {n} calls used."),
        n => format!("{calls} calls of /rng: all {n} good ones are used."),
    }
}

fn view(record: &ProbeRecord) -> ProbeView {
    let (result, outcome) = match record.status {
        Some(200) => ("200 OK".to_string(), "ok"),
        Some(status) => (format!("{status} failed"), "fail"),
        None => ("no answer".to_string(), "held"),
    };
    let (who, hint) = who(record.prober);
    ProbeView {
        at: rfc3339_nano_utc(record.at),
        time: time_of_day(record.at),
        path: record.path,
        result,
        outcome,
        prober: record.prober.label(),
        who,
        hint,
    }
}

/// Docker's own check has no name of its own: it is whatever program the
/// HEALTHCHECK runs, which the hint says.
fn who(prober: Prober) -> (&'static str, &'static str) {
    match prober {
        Prober::Curl => ("curl", "Docker's check in v2, or someone's curl"),
        Prober::NumbersApiHealthcheck => ("numbers-api healthcheck", "Docker's check in v3"),
        Prober::KubeProbe => ("kube-probe", "a Kubernetes kubelet"),
        Prober::Browser => ("a browser", "someone opened /health"),
        Prober::Other => ("other", "an unknown User-Agent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_says_what_health_answers_and_why() {
        let why = "the good calls are used up";
        assert_eq!(
            status_detail(HealthMode::Ok, true, why),
            "/health answers 200 OK."
        );
        assert_eq!(
            status_detail(HealthMode::Ok, false, why),
            "/health answers 500: the good calls are used up."
        );
        assert_eq!(
            status_detail(HealthMode::Fail, false, why),
            "/health answers 500 (health mode fail)."
        );
    }

    #[test]
    fn the_reason_names_the_rule_and_a_broken_start() {
        let spent = CallBudget::new(1);
        spent.record_call();
        spent.record_call();
        let broken = CallBudget::new(3).broken();
        let kubernetes = CallBudget::under(Rule::Kubernetes { failure_id: false }, 1);
        kubernetes.record_call();

        assert_eq!(why_unhealthy(&spent), "the good calls are used up");
        assert!(why_unhealthy(&broken).contains("--broken"));
        assert!(why_unhealthy(&kubernetes).contains("Kubernetes"));
    }

    #[test]
    fn the_count_reads_as_calls_used_of_the_budget() {
        assert_eq!(calls_text(1, 3), "1 of 3 calls used.");
        assert_eq!(
            calls_text(4, 3),
            "4 calls of /rng: all 3 good ones are used."
        );
        assert!(calls_text(7, 0).contains("never fails"));
    }
}
