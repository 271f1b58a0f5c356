//! What numbers-web runs with: its own configuration, built by the command
//! line (`cli`) or by a test, and handed down.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::util::telemetry::LogLevel;

/// numbers-web's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    /// The API's `/rng`, called each time the page's button is pressed.
    pub api_url: String,
    /// How long a call of the API may take, and the start-up check too.
    pub api_timeout: Duration,
    pub workers: usize,
    /// The URL probed before serving (`--check-api`, resolved against
    /// `api_url`); `None`: no check.
    pub check_url: Option<String>,
    /// `--log-level` (`Logging__LogLevel__Default`), as the API reads it;
    /// `RUST_LOG` wins.
    pub log_level: Option<LogLevel>,
}

impl Config {
    /// An in-process web app for tests, calling `api_url`: a free loopback
    /// port (port 0), two workers, no start-up check.
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
