//! Docker's health-check rules, as the engine applies them, so `numbers-api
//! watch` can show a class what Docker will decide without a Docker engine.
//!
//! The rules, as the engine has them:
//! - the status starts as `starting`;
//! - a probe that exits 0 makes it `healthy` and resets the failing streak;
//! - a failed probe adds one to the streak, except while the status is still
//!   `starting` and the probe began inside the start period: those do not
//!   count, so a slow start is not punished;
//! - `retries` failures in a row make it `unhealthy`;
//! - the last 5 results are kept, each output capped at 4096 bytes;
//! - a probe that outlives the timeout is exit code -1 with "Health check
//!   exceeded timeout (1s)";
//! - probes run `interval` apart, measured from the end of the previous one,
//!   but `start_interval` apart while starting inside the start period.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::util::time::rfc3339_nano;

/// Results the engine keeps.
pub const KEPT_RESULTS: usize = 5;
/// Bytes of output the engine keeps per result.
pub const MAX_OUTPUT: usize = 4096;

/// A HEALTHCHECK's settings, with Docker's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub interval: Duration,
    pub timeout: Duration,
    pub retries: u32,
    pub start_period: Duration,
    pub start_interval: Duration,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
            retries: 3,
            start_period: Duration::ZERO,
            start_interval: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Starting,
    Healthy,
    Unhealthy,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Starting => "starting",
            Status::Healthy => "healthy",
            Status::Unhealthy => "unhealthy",
        })
    }
}

/// One probe's result, as `docker inspect` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeResult {
    #[serde(rename = "Start", serialize_with = "as_rfc3339")]
    pub start: SystemTime,
    #[serde(rename = "End", serialize_with = "as_rfc3339")]
    pub end: SystemTime,
    #[serde(rename = "ExitCode")]
    pub exit_code: i32,
    #[serde(rename = "Output")]
    pub output: String,
}

impl ProbeResult {
    /// A result with its output capped as the engine caps it.
    pub fn new(start: SystemTime, end: SystemTime, exit_code: i32, output: &str) -> Self {
        Self {
            start,
            end,
            exit_code,
            output: cap_output(output),
        }
    }

    /// The result the engine records for a probe it had to stop.
    pub fn timed_out(start: SystemTime, end: SystemTime, timeout: Duration) -> Self {
        let output = format!(
            "Health check exceeded timeout ({})",
            crate::util::duration::format(timeout)
        );
        Self::new(start, end, -1, &output)
    }
}

/// `State.Health`, fields in the engine's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerHealth {
    #[serde(rename = "Status")]
    pub status: Status,
    #[serde(rename = "FailingStreak")]
    pub failing_streak: u32,
    #[serde(rename = "Log")]
    pub log: VecDeque<ProbeResult>,
}

impl Default for ContainerHealth {
    fn default() -> Self {
        Self {
            status: Status::Starting,
            failing_streak: 0,
            log: VecDeque::new(),
        }
    }
}

impl ContainerHealth {
    /// Applies one result; `since_start` is how long after the container
    /// started the probe began. Returns the change of status, if any.
    pub fn record(
        &mut self,
        result: ProbeResult,
        since_start: Duration,
        rules: &Rules,
    ) -> Option<(Status, Status)> {
        let before = self.status;
        let passed = result.exit_code == 0;
        if self.log.len() == KEPT_RESULTS {
            self.log.pop_front();
        }
        self.log.push_back(result);
        if passed {
            self.failing_streak = 0;
            self.status = Status::Healthy;
        } else {
            let grace = self.status == Status::Starting && since_start < rules.start_period;
            if !grace {
                self.failing_streak += 1;
                if self.failing_streak >= rules.retries.max(1) {
                    self.status = Status::Unhealthy;
                }
            }
        }
        (before != self.status).then_some((before, self.status))
    }

    /// How long to wait before the next probe.
    pub fn next_interval(&self, since_start: Duration, rules: &Rules) -> Duration {
        if since_start < rules.start_period && self.status == Status::Starting {
            rules.start_interval
        } else {
            rules.interval
        }
    }

    /// `State.Health` as `docker inspect` prints it (4-space indents).
    pub fn to_inspect_json(&self) -> String {
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        // Serialising strings, numbers and timestamps into memory cannot fail.
        let _ = self.serialize(&mut serializer);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Caps output at [`MAX_OUTPUT`] bytes, on a character boundary, marking
/// the cut with "..." as the engine does.
fn cap_output(output: &str) -> String {
    if output.len() <= MAX_OUTPUT {
        return output.to_string();
    }
    let mut end = MAX_OUTPUT;
    while !output.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &output[..end])
}

fn as_rfc3339<S: serde::Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rfc3339_nano(*time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn result(code: i32) -> ProbeResult {
        ProbeResult::new(UNIX_EPOCH, UNIX_EPOCH, code, "out\n")
    }

    fn rules(retries: u32, start_period: u64) -> Rules {
        Rules {
            retries,
            start_period: Duration::from_secs(start_period),
            ..Rules::default()
        }
    }

    #[test]
    fn retries_failures_in_a_row_make_it_unhealthy() {
        let rules = rules(3, 0);
        let mut health = ContainerHealth::default();
        let t = Duration::from_secs(100);

        assert_eq!(
            health.record(result(0), t, &rules),
            Some((Status::Starting, Status::Healthy))
        );
        assert_eq!(health.record(result(1), t, &rules), None);
        assert_eq!(health.record(result(1), t, &rules), None);
        assert_eq!(
            health.record(result(22), t, &rules),
            Some((Status::Healthy, Status::Unhealthy))
        );
        assert_eq!(health.failing_streak, 3);
    }

    #[test]
    fn one_success_resets_the_streak() {
        let rules = rules(3, 0);
        let mut health = ContainerHealth::default();
        let t = Duration::from_secs(100);
        for code in [0, 1, 1, 0, 1, 1] {
            health.record(result(code), t, &rules);
        }
        assert_eq!(health.status, Status::Healthy);
        assert_eq!(health.failing_streak, 2);
    }

    #[test]
    fn failures_inside_the_start_period_do_not_count_while_starting() {
        let rules = rules(1, 10);
        let mut health = ContainerHealth::default();

        health.record(result(1), Duration::from_secs(3), &rules);
        assert_eq!(
            (health.status, health.failing_streak),
            (Status::Starting, 0)
        );
        health.record(result(1), Duration::from_secs(11), &rules);
        assert_eq!(
            (health.status, health.failing_streak),
            (Status::Unhealthy, 1)
        );
    }

    #[test]
    fn after_a_success_the_start_period_no_longer_protects() {
        let rules = rules(1, 60);
        let mut health = ContainerHealth::default();
        health.record(result(0), Duration::from_secs(1), &rules);
        health.record(result(1), Duration::from_secs(2), &rules);
        assert_eq!(health.status, Status::Unhealthy);
    }

    #[test]
    fn the_start_interval_applies_only_while_starting_in_the_start_period() {
        let rules = Rules {
            interval: Duration::from_secs(30),
            start_interval: Duration::from_secs(2),
            start_period: Duration::from_secs(10),
            ..Rules::default()
        };
        let mut health = ContainerHealth::default();
        assert_eq!(
            health.next_interval(Duration::from_secs(1), &rules),
            Duration::from_secs(2)
        );
        assert_eq!(
            health.next_interval(Duration::from_secs(11), &rules),
            Duration::from_secs(30)
        );
        health.record(result(0), Duration::from_secs(1), &rules);
        assert_eq!(
            health.next_interval(Duration::from_secs(1), &rules),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn the_log_keeps_five_results_and_caps_output() {
        let mut health = ContainerHealth::default();
        for code in 0..7 {
            health.record(result(code), Duration::ZERO, &Rules::default());
        }
        let codes: Vec<i32> = health.log.iter().map(|r| r.exit_code).collect();
        assert_eq!(codes, [2, 3, 4, 5, 6]);

        let long = ProbeResult::new(UNIX_EPOCH, UNIX_EPOCH, 1, &"é".repeat(3000));
        assert!(long.output.len() <= MAX_OUTPUT + 3);
        assert!(long.output.ends_with("..."));
    }

    #[test]
    fn a_timeout_reads_as_the_engine_writes_it() {
        let timed_out = ProbeResult::timed_out(UNIX_EPOCH, UNIX_EPOCH, Duration::from_secs(1));
        assert_eq!(timed_out.exit_code, -1);
        assert_eq!(timed_out.output, "Health check exceeded timeout (1s)");
    }

    #[test]
    fn the_json_has_the_engines_shape() {
        let mut health = ContainerHealth::default();
        let start = UNIX_EPOCH + Duration::new(1_790_000_000, 357_113_569);
        let end = UNIX_EPOCH + Duration::new(1_790_000_000, 402_236_800);
        health.record(
            ProbeResult::new(start, end, 22, "x\n"),
            Duration::ZERO,
            &rules(1, 0),
        );

        assert_eq!(
            health.to_inspect_json(),
            "{\n    \"Status\": \"unhealthy\",\n    \"FailingStreak\": 1,\n    \"Log\": [\n        {\n            \"Start\": \"2026-09-21T14:13:20.357113569Z\",\n            \"End\": \"2026-09-21T14:13:20.4022368Z\",\n            \"ExitCode\": 22,\n            \"Output\": \"x\\n\"\n        }\n    ]\n}"
        );
    }
}
