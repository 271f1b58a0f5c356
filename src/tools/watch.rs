//! `numbers-api watch <url>`: probes with Docker's rules and prints each
//! change of status, so a class sees what Docker would decide, and when.

use std::io::Write;
use std::time::{Duration, Instant, SystemTime};

use super::health_rules::{ContainerHealth, ProbeResult, Rules, Status};
use super::healthcheck::{self, Client, Outcome};
use crate::util::duration;

/// What `watch` runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub url: String,
    pub rules: Rules,
    pub inspect: bool,
    pub verbose: bool,
    pub until: Option<Status>,
    /// Stop after this many probes (`--probes`).
    pub stop_after: Option<u32>,
}

/// Runs until `--until` or `--probes` (or forever); the final state.
pub fn run(config: &Config, out: &mut impl Write) -> std::io::Result<ContainerHealth> {
    let rules = &config.rules;
    writeln!(
        out,
        "watching {} with Docker's rules: interval {}, timeout {}, retries {}, start period {}, start interval {}",
        config.url,
        duration::format(rules.interval),
        duration::format(rules.timeout),
        rules.retries,
        duration::format(rules.start_period),
        duration::format(rules.start_interval),
    )?;
    let started = Instant::now();
    let mut health = ContainerHealth::default();
    writeln!(out, "{:>8}  {}", stamp(started.elapsed()), health.status)?;

    let mut probed = 0u32;
    while config.until != Some(health.status) && config.stop_after != Some(probed) {
        std::thread::sleep(health.next_interval(started.elapsed(), rules));
        let since_start = started.elapsed();
        let start = SystemTime::now();
        let report = healthcheck::probe(&config.url, rules.timeout, Client::Healthcheck);
        let end = SystemTime::now();
        let code = i32::from(report.exit_code());
        let result = match report.outcome {
            Outcome::TimedOut => ProbeResult::timed_out(start, end, rules.timeout),
            _ => ProbeResult::new(start, end, code, &format!("{report}\n")),
        };
        let line = format!("exit {}: {}", result.exit_code, result.output.trim_end());
        let change = health.record(result, since_start, rules);
        probed += 1;
        let at = stamp(started.elapsed());
        let streak = format!("(failing streak {}; {line})", health.failing_streak);
        match change {
            Some((from, to)) => writeln!(out, "{at:>8}  {from} -> {to}  {streak}")?,
            None if config.verbose => writeln!(out, "{at:>8}  {}  {streak}", health.status)?,
            None => {}
        }
        if change.is_some() && config.inspect {
            writeln!(out, "{}", health.to_inspect_json())?;
        }
        out.flush()?;
    }
    if config.inspect && config.stop_after.is_some() {
        writeln!(out, "{}", health.to_inspect_json())?;
    }
    Ok(health)
}

/// `+12.3s` since the watch began.
fn stamp(elapsed: Duration) -> String {
    format!("+{:.1}s", elapsed.as_secs_f64())
}

/// 1 when it stopped unhealthy without `--until unhealthy`, else 0.
pub fn exit_code(config: &Config, health: &ContainerHealth) -> u8 {
    u8::from(health.status == Status::Unhealthy && config.until != Some(Status::Unhealthy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_is_seconds_since_the_start_to_a_tenth() {
        assert_eq!(stamp(Duration::ZERO), "+0.0s");
        assert_eq!(stamp(Duration::from_millis(12_340)), "+12.3s");
        assert_eq!(stamp(Duration::from_millis(1_060)), "+1.1s");
    }

    #[test]
    fn unhealthy_is_exit_1_unless_it_is_what_until_waited_for() {
        let config = |until| Config {
            url: "http://127.0.0.1/health".into(),
            rules: Rules::default(),
            inspect: false,
            verbose: false,
            until,
            stop_after: Some(3),
        };
        let health = |status| ContainerHealth {
            status,
            ..ContainerHealth::default()
        };
        let unhealthy = health(Status::Unhealthy);
        assert_eq!(exit_code(&config(None), &unhealthy), 1);
        assert_eq!(exit_code(&config(Some(Status::Healthy)), &unhealthy), 1);
        assert_eq!(exit_code(&config(Some(Status::Unhealthy)), &unhealthy), 0);
        assert_eq!(exit_code(&config(None), &health(Status::Healthy)), 0);
    }
}
