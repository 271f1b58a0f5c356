//! `numbers-api healthcheck`: the probe a Docker `HEALTHCHECK` runs in an
//! image that has no curl (and no shell).
//!
//! It prints one line, in the spirit of the book's HttpCheck tool, and exits
//! 0 only for HTTP 200 within the timeout, 1 otherwise. Never 2: Docker
//! reserves that code.
//!
//! The request runs on its own thread and the caller waits at most the
//! timeout for it, so the probe cannot outlive its timeout even against a
//! server that accepts the connection and never answers.

use std::fmt;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::cli::HealthcheckSettings;
use crate::util::http::{self, HEALTHCHECK_USER_AGENT};

/// What one probe saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered with this status.
    Status(u16),
    /// No answer within the timeout.
    TimedOut,
    /// No answer at all: refused, reset, bad URL...
    Failed(String),
}

/// One probe's outcome, URL and duration; `Display` is the printed line.
#[derive(Debug, Clone)]
pub struct Report {
    pub url: String,
    pub outcome: Outcome,
    pub took: Duration,
}

impl Report {
    /// 0 for HTTP 200, 1 for anything else.
    pub fn exit_code(&self) -> u8 {
        match self.outcome {
            Outcome::Status(200) => 0,
            _ => 1,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let took = self.took.as_millis();
        match &self.outcome {
            Outcome::Status(code) => {
                write!(
                    f,
                    "HTTPCheck: status {code}, url {}, took {took}ms",
                    self.url
                )
            }
            Outcome::TimedOut => write!(
                f,
                "HTTPCheck: error, url {}, took {took}ms: no response within the timeout",
                self.url
            ),
            Outcome::Failed(error) => {
                write!(
                    f,
                    "HTTPCheck: error, url {}, took {took}ms: {error}",
                    self.url
                )
            }
        }
    }
}

/// Probes once, taking at most `settings.timeout` (plus thread start-up).
pub fn probe(settings: &HealthcheckSettings) -> Report {
    let started = Instant::now();
    let (sender, receiver) = mpsc::channel();
    let url = settings.url.clone();
    let timeout = settings.timeout;
    let spawned = std::thread::Builder::new()
        .name("healthcheck".into())
        .spawn(move || {
            // The receiver may have given up already; nothing to do then.
            let _ = sender.send(request(&url, timeout));
        });
    let outcome = match spawned {
        Err(error) => Outcome::Failed(format!("cannot start the probe: {error}")),
        Ok(_) => match receiver.recv_timeout(timeout) {
            Ok(outcome) => outcome,
            Err(_) => Outcome::TimedOut,
        },
    };
    Report {
        url: settings.url.clone(),
        outcome,
        took: started.elapsed(),
    }
}

fn request(url: &str, timeout: Duration) -> Outcome {
    let agent = http::agent(timeout, HEALTHCHECK_USER_AGENT);
    match agent.get(url).call() {
        Ok(response) => Outcome::Status(response.status().as_u16()),
        Err(ureq::Error::Timeout(_)) => Outcome::TimedOut,
        Err(error) => Outcome::Failed(error.to_string()),
    }
}
