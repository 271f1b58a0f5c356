//! What the page shows in words, from one [`Snapshot`]: `/page/state`'s JSON
//! and what the HTML reads, so both read the same.

use serde::Serialize;

use crate::server::lesson::Rule;
use crate::server::mode::HealthMode;
use crate::server::probe_log::ProbeRecord;
use crate::server::state::Snapshot;
use crate::util::time::{rfc3339_nano_utc, time_of_day};

/// The snapshot's fields, then the page's sentences and the timeline's rows.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageView {
    #[serde(flatten)]
    pub state: Snapshot,
    pub status_text: &'static str,
    pub status_detail: String,
    /// "1 of 3 calls used", or how far past the budget the count is.
    pub calls_text: String,
    pub probes: Vec<ProbeRow>,
    /// What `/reset` does under the rule, for the note and the result line.
    #[serde(skip)]
    pub reset_effect: &'static str,
}

/// One row of the timeline.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeRow {
    /// UTC, as `docker inspect` writes a probe's `Start`.
    pub at: String,
    pub time: String,
    pub path: &'static str,
    pub result: &'static str,
    /// The metrics' `result` label: the row's colour.
    pub outcome: &'static str,
    pub prober: &'static str,
    pub who: &'static str,
    pub hint: &'static str,
}

impl PageView {
    pub fn of(state: Snapshot) -> Self {
        let why = why_unhealthy(state.rule, state.marked);
        PageView {
            status_text: ["Unhealthy", "Healthy"][usize::from(state.healthy)],
            status_detail: status_detail(state.mode, state.healthy, why),
            calls_text: calls_text(state.calls, state.fail_after),
            probes: state.probes.iter().rev().map(row).collect(),
            reset_effect: reset_effect(state.rule),
            state,
        }
    }
}

/// Why the count (or the mark) made the service unhealthy.
fn why_unhealthy(rule: Rule, marked: bool) -> &'static str {
    match (rule, marked) {
        (Rule::Chapter8, false) => "the good calls are used up",
        (Rule::Chapter8, true) => "it started broken (--broken); /reset heals it",
        (Rule::Kubernetes { .. }, _) => "marked unhealthy, the Kubernetes book's way, until /reset",
    }
}

/// Chapter 8's `/reset` starts the count over; the Kubernetes book's keeps it.
fn reset_effect(rule: Rule) -> &'static str {
    match rule {
        Rule::Chapter8 => "healthy again, the count starts over.",
        Rule::Kubernetes { .. } => {
            "healthy again; the count stays, as the Kubernetes book's /reset keeps it."
        }
    }
}

fn status_detail(mode: HealthMode, healthy: bool, why: &str) -> String {
    let answer = if healthy { "200 OK" } else { "500" };
    match mode {
        HealthMode::Ok if healthy => "/health answers 200 OK.".into(),
        HealthMode::Ok => format!("/health answers 500: {why}."),
        HealthMode::Fail => "/health answers 500 (health mode fail).".into(),
        HealthMode::Hang => "/health never answers: every probe hangs (health mode hang).".into(),
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

fn row(record: &ProbeRecord) -> ProbeRow {
    // In the order of `ProbeAnswer`: ok, fail, hang.
    let result = ["200 OK", "500 failed", "no answer"][record.answer as usize];
    let (who, hint) = record.prober.who();
    ProbeRow {
        at: rfc3339_nano_utc(record.at),
        time: time_of_day(record.at),
        path: record.path,
        result,
        outcome: record.answer.label(),
        prober: record.prober.label(),
        who,
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::probe_log::{ProbeAnswer, Prober};

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
        let spent = why_unhealthy(Rule::Chapter8, false);
        let broken = why_unhealthy(Rule::Chapter8, true);
        let kubernetes = why_unhealthy(Rule::Kubernetes { failure_id: false }, true);

        assert_eq!(spent, "the good calls are used up");
        assert!(broken.contains("--broken"));
        assert!(kubernetes.contains("Kubernetes"));
    }

    #[test]
    fn a_row_says_what_the_probe_was_told_in_the_metrics_words() {
        let record = |answer| ProbeRecord {
            at: std::time::SystemTime::UNIX_EPOCH,
            path: "/healthz",
            answer,
            prober: Prober::KubeProbe,
        };
        let rows: Vec<(&str, &str)> = ProbeAnswer::ALL
            .into_iter()
            .map(|answer| row(&record(answer)))
            .map(|row| (row.result, row.outcome))
            .collect();

        assert_eq!(
            rows,
            [
                ("200 OK", "ok"),
                ("500 failed", "fail"),
                ("no answer", "hang")
            ]
        );
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
