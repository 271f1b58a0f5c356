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
//! - the last 5 results are kept, each output cut at 4096 bytes and marked
//!   with "..." (a character cut in two reads as U+FFFD);
//! - a probe that outlives the timeout is exit code -1 with "Health check
//!   exceeded timeout (1s)";
//! - probes run `interval` apart, measured from the end of the previous one,
//!   but `start_interval` apart while starting inside the start period;
//! - a zero interval, timeout, start period or start interval, and zero
//!   retries, mean that setting's default;
//! - `Start` and `End` are stamped in the daemon's local zone.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, SystemTime};

use jiff::tz::TimeZone;
use serde::Serialize;

use crate::util::time::{local_zone, rfc3339_nano_in};

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

impl Rules {
    /// The rules the engine applies for these settings: as `docker run
    /// --health-retries 0 --health-timeout 0s` does, a zero means that
    /// setting's default.
    pub fn with_defaults(self) -> Self {
        let default = Self::default();
        let or = |value: Duration, default: Duration| {
            if value.is_zero() {
                default
            } else {
                value
            }
        };
        Self {
            interval: or(self.interval, default.interval),
            timeout: or(self.timeout, default.timeout),
            retries: if self.retries == 0 {
                default.retries
            } else {
                self.retries
            },
            start_period: or(self.start_period, default.start_period),
            start_interval: or(self.start_interval, default.start_interval),
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    pub start: SystemTime,
    pub end: SystemTime,
    pub exit_code: i32,
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

/// `State.Health`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerHealth {
    pub status: Status,
    pub failing_streak: u32,
    pub log: VecDeque<ProbeResult>,
}

/// `State.Health` as JSON, fields in the engine's order, times in one zone.
#[derive(Serialize)]
struct HealthJson<'a> {
    #[serde(rename = "Status")]
    status: Status,
    #[serde(rename = "FailingStreak")]
    failing_streak: u32,
    #[serde(rename = "Log")]
    log: Vec<ResultJson<'a>>,
}

#[derive(Serialize)]
struct ResultJson<'a> {
    #[serde(rename = "Start")]
    start: String,
    #[serde(rename = "End")]
    end: String,
    #[serde(rename = "ExitCode")]
    exit_code: i32,
    #[serde(rename = "Output")]
    output: &'a str,
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
                if self.failing_streak >= rules.with_defaults().retries {
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

    /// `State.Health` as `docker inspect` prints it (4-space indents), times
    /// in the local zone as the daemon stamps them.
    pub fn to_inspect_json(&self) -> String {
        self.to_inspect_json_in(&local_zone())
    }

    /// [`Self::to_inspect_json`] with times in `zone`.
    pub fn to_inspect_json_in(&self, zone: &TimeZone) -> String {
        let json = HealthJson {
            status: self.status,
            failing_streak: self.failing_streak,
            log: self
                .log
                .iter()
                .map(|result| ResultJson {
                    start: rfc3339_nano_in(result.start, zone),
                    end: rfc3339_nano_in(result.end, zone),
                    exit_code: result.exit_code,
                    output: &result.output,
                })
                .collect(),
        };
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        // Serialising strings and numbers into memory cannot fail.
        let _ = json.serialize(&mut serializer);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Caps output as the engine does: it keeps the first [`MAX_OUTPUT`] bytes,
/// wherever they end, and appends "..." when more came. A character cut in
/// two is then invalid UTF-8, which Go's JSON encoder (and so `docker
/// inspect`) writes as one U+FFFD per stray byte.
fn cap_output(output: &str) -> String {
    if output.len() <= MAX_OUTPUT {
        return output.to_string();
    }
    let mut whole = MAX_OUTPUT;
    while !output.is_char_boundary(whole) {
        whole -= 1;
    }
    let mut capped = String::with_capacity(MAX_OUTPUT + 8);
    capped.push_str(&output[..whole]);
    for _ in whole..MAX_OUTPUT {
        capped.push(char::REPLACEMENT_CHARACTER);
    }
    capped.push_str("...");
    capped
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
    }

    fn capped(output: &str) -> String {
        ProbeResult::new(UNIX_EPOCH, UNIX_EPOCH, 1, output).output
    }

    #[test]
    fn output_is_cut_at_4096_bytes_as_the_engine_cuts_it() {
        // Exactly 4096 bytes: kept whole, no mark.
        let exact = "é".repeat(2048);
        assert_eq!(capped(&exact), exact);

        // One byte more: the first 4096 bytes and "...".
        let ascii = "x".repeat(5000);
        assert_eq!(capped(&ascii), format!("{}...", "x".repeat(4096)));

        // "é" is two bytes: after one "a", byte 4096 is the first half of
        // the 2048th "é", which docker inspect shows as U+FFFD.
        let split = format!("a{}", "é".repeat(3000));
        assert_eq!(capped(&split), format!("a{}\u{FFFD}...", "é".repeat(2047)));

        // "€" is three bytes: after "aa", 4096 bytes end two bytes into the
        // 1365th "€"; Go's encoder writes U+FFFD for each stray byte.
        let split = format!("aa{}", "€".repeat(2000));
        assert_eq!(
            capped(&split),
            format!("aa{}\u{FFFD}\u{FFFD}...", "€".repeat(1364))
        );
    }

    #[test]
    fn the_start_interval_holds_only_strictly_inside_the_start_period() {
        let rules = Rules {
            start_period: Duration::from_secs(5),
            start_interval: Duration::from_secs(1),
            ..Rules::default()
        };
        let starting = ContainerHealth::default();
        let just_before = Duration::from_secs(5) - Duration::from_nanos(1);
        assert_eq!(
            starting.next_interval(just_before, &rules),
            rules.start_interval
        );
        assert_eq!(
            starting.next_interval(Duration::from_secs(5), &rules),
            rules.interval
        );
    }

    #[test]
    fn zero_means_the_engines_default() {
        let zero = Rules {
            interval: Duration::ZERO,
            timeout: Duration::ZERO,
            retries: 0,
            start_period: Duration::ZERO,
            start_interval: Duration::ZERO,
        };
        assert_eq!(zero.with_defaults(), Rules::default());

        let set = Rules {
            interval: Duration::from_secs(2),
            timeout: Duration::from_secs(1),
            retries: 1,
            start_period: Duration::from_secs(4),
            start_interval: Duration::from_secs(3),
        };
        assert_eq!(set.with_defaults(), set);

        // --health-retries 0 is the default 3: the third failure turns it
        // unhealthy, not the first.
        let mut health = ContainerHealth::default();
        let t = Duration::from_secs(100);
        assert_eq!(health.record(result(1), t, &zero), None);
        assert_eq!(health.record(result(1), t, &zero), None);
        assert_eq!(
            health.record(result(1), t, &zero),
            Some((Status::Starting, Status::Unhealthy))
        );
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
            health.to_inspect_json_in(&TimeZone::UTC),
            "{\n    \"Status\": \"unhealthy\",\n    \"FailingStreak\": 1,\n    \"Log\": [\n        {\n            \"Start\": \"2026-09-21T14:13:20.357113569Z\",\n            \"End\": \"2026-09-21T14:13:20.4022368Z\",\n            \"ExitCode\": 22,\n            \"Output\": \"x\\n\"\n        }\n    ]\n}"
        );
    }

    #[test]
    fn the_json_stamps_times_in_the_daemons_zone() {
        let mut health = ContainerHealth::default();
        let start = UNIX_EPOCH + Duration::new(1_730_006_174, 357_113_569);
        let end = UNIX_EPOCH + Duration::new(1_730_006_174, 402_236_800);
        health.record(
            ProbeResult::new(start, end, 0, "ok\n"),
            Duration::ZERO,
            &Rules::default(),
        );
        let seoul = TimeZone::get("Asia/Seoul").expect("Asia/Seoul in the system tzdb");
        let json = health.to_inspect_json_in(&seoul);
        assert!(
            json.contains("\"Start\": \"2024-10-27T14:16:14.357113569+09:00\""),
            "{json}"
        );
        assert!(
            json.contains("\"End\": \"2024-10-27T14:16:14.4022368+09:00\""),
            "{json}"
        );
    }
}
