//! What the API runs with, built by the command line or a test.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use super::lesson::Rule;
use super::mode::HealthMode;
use crate::util::telemetry::LogLevel;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    /// The call budget (0: never fail) and the rule it follows.
    pub fail_after: u64,
    pub rule: Rule,
    /// Start unhealthy (`--broken`).
    pub broken: bool,
    /// `--log-level`; `RUST_LOG` wins.
    pub log_level: Option<LogLevel>,
    pub workers: usize,
    pub health_mode: HealthMode,
    /// How long the start-up waits before the port opens.
    pub startup_delay: Duration,
    /// How long `/readyz` answers 503 after a signal before the port closes.
    pub shutdown_delay: Duration,
    /// Exit with this code once the service answers unhealthy.
    pub exit_on_unhealthy: Option<u8>,
    /// `--control`: whether requests may change the state for everyone.
    pub control: bool,
}

impl Config {
    /// For tests: a free loopback port, two workers, chapter 8's rule, no delays.
    pub fn for_tests(fail_after: u64) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            fail_after,
            rule: Rule::Chapter8,
            broken: false,
            log_level: None,
            workers: 2,
            health_mode: HealthMode::Ok,
            startup_delay: Duration::ZERO,
            shutdown_delay: Duration::ZERO,
            exit_on_unhealthy: None,
            control: true,
        }
    }

    pub fn summary(&self) -> String {
        let control = if self.control { "on" } else { "off" };
        let (failure, workers, mode) = (self.failure_summary(), self.workers, self.health_mode);
        format!("{failure}, workers {workers}, health mode {mode}, control API {control}")
    }

    /// How the service fails, for the start line, and whether it starts broken.
    pub fn failure_summary(&self) -> String {
        let never = (self.fail_after == 0).then_some(" = never fail");
        let never = never.unwrap_or_default();
        let rule = match self.rule {
            Rule::Chapter8 => format!("fail-after {}{never}", self.fail_after),
            Rule::Kubernetes { failure_id } => format!(
                "FailAfterCallCount {}{never}: the Kubernetes book's rule{}",
                self.fail_after,
                if failure_id { ", with Failure IDs" } else { "" }
            ),
        };
        let broken = self.broken.then_some("; broken: unhealthy until /reset");
        let broken = broken.unwrap_or_default();
        format!("{rule}{broken}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(rule: Rule, fail_after: u64, broken: bool) -> Config {
        Config {
            rule,
            broken,
            ..Config::for_tests(fail_after)
        }
    }

    #[test]
    fn the_start_line_says_which_rule_and_whether_broken() {
        assert_eq!(
            with(Rule::Chapter8, 3, false).failure_summary(),
            "fail-after 3"
        );
        assert_eq!(
            with(Rule::Chapter8, 0, false).failure_summary(),
            "fail-after 0 = never fail"
        );
        assert_eq!(
            with(Rule::Kubernetes { failure_id: true }, 1, false).failure_summary(),
            "FailAfterCallCount 1: the Kubernetes book's rule, with Failure IDs"
        );
        assert_eq!(
            with(Rule::Kubernetes { failure_id: false }, 0, false).failure_summary(),
            "FailAfterCallCount 0 = never fail: the Kubernetes book's rule"
        );
        assert_eq!(
            with(Rule::Chapter8, 3, true).failure_summary(),
            "fail-after 3; broken: unhealthy until /reset"
        );
    }
}
