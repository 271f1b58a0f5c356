//! Docker's health-check rules without Docker, for `watch`: `starting` until a probe passes
//! (`healthy`); `retries` failed in a row make it `unhealthy`, unless starting in the start period.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use jiff::tz::TimeZone;
use serde::Serialize;

use crate::util::time::{local_zone, rfc3339_nano_in};

/// Results Docker keeps.
pub const KEPT_RESULTS: usize = 5;
/// Bytes of output Docker keeps per result.
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
    /// The rules Docker applies for these settings: a zero means the default.
    pub fn with_defaults(self) -> Self {
        let default = Self::default();
        let or = |value: Duration, default| if value.is_zero() { default } else { value };
        Self {
            interval: or(self.interval, default.interval),
            timeout: or(self.timeout, default.timeout),
            retries: Some(self.retries)
                .filter(|&n| n > 0)
                .unwrap_or(default.retries),
            start_period: or(self.start_period, default.start_period),
            start_interval: or(self.start_interval, default.start_interval),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Starting,
    Healthy,
    Unhealthy,
}

impl Status {
    const ALL: [Status; 3] = [Status::Starting, Status::Healthy, Status::Unhealthy];
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(["starting", "healthy", "unhealthy"][*self as usize])
    }
}

/// A status as Docker spells it (`docker inspect`, and `watch --until`).
impl FromStr for Status {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        Status::ALL
            .into_iter()
            .find(|status| status.to_string() == text)
            .ok_or_else(|| "expected starting, healthy or unhealthy".into())
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
    /// A result with its output capped as Docker caps it.
    pub fn new(start: SystemTime, end: SystemTime, exit_code: i32, output: &str) -> Self {
        Self {
            start,
            end,
            exit_code,
            output: cap_output(output),
        }
    }

    /// The result Docker records for a probe it had to stop.
    pub fn timed_out(start: SystemTime, end: SystemTime, timeout: Duration) -> Self {
        let timeout = crate::util::duration::format(timeout);
        let output = format!("Health check exceeded timeout ({timeout})");
        Self::new(start, end, -1, &output)
    }
}

/// `State.Health`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerHealth {
    pub status: Status,
    pub failing_streak: u32,
    pub log: VecDeque<ProbeResult>,
}

/// `State.Health` as JSON, fields in Docker's order, times in one zone.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HealthJson<'a> {
    status: Status,
    failing_streak: u32,
    log: Vec<ResultJson<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResultJson<'a> {
    start: String,
    end: String,
    exit_code: i32,
    output: &'a str,
}

impl ContainerHealth {
    /// Applies one result of a probe begun `since_start`; the change, if any.
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
        let grace = self.status == Status::Starting && since_start < rules.start_period;
        if passed {
            self.failing_streak = 0;
            self.status = Status::Healthy;
        } else if !grace {
            self.failing_streak += 1;
            if self.failing_streak >= rules.with_defaults().retries {
                self.status = Status::Unhealthy;
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

    /// `State.Health` as `docker inspect` prints it, times in the local zone.
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

/// The first [`MAX_OUTPUT`] bytes and "...", a cut character as U+FFFDs (Go's).
fn cap_output(output: &str) -> String {
    if output.len() <= MAX_OUTPUT {
        return output.to_string();
    }
    let whole = output.floor_char_boundary(MAX_OUTPUT);
    let cut = "\u{FFFD}".repeat(MAX_OUTPUT - whole);
    format!("{}{cut}...", &output[..whole])
}

#[cfg(test)]
mod tests;
