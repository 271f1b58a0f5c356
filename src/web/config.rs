//! What numbers-web runs with, built by the command line or by a test.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::util::telemetry::LogLevel;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    /// The API's `/rng`, called each time the page's button is pressed.
    pub api_url: String,
    /// How long a call of the API may take, and the start-up check too.
    pub api_timeout: Duration,
    pub workers: usize,
    /// The URL `--check-api` probes before serving, if any.
    pub check_url: Option<String>,
    /// `--log-level`; `RUST_LOG` wins.
    pub log_level: Option<LogLevel>,
}

impl Config {
    pub fn summary(&self) -> String {
        let timeout = crate::util::duration::format(self.api_timeout);
        format!("API {}, timeout {timeout}", self.api_url)
    }

    /// For tests: a free loopback port, two workers, no start-up check.
    pub fn for_tests(api_url: &str) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_url: api_url.to_string(),
            api_timeout: Duration::from_secs(2),
            workers: 2,
            check_url: None,
            log_level: None,
        }
    }
}
