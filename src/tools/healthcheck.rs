//! `numbers-api healthcheck`: the probe a Docker `HEALTHCHECK` runs in an
//! image that has no curl (and no shell).
//!
//! It prints one line, in the spirit of the book's HttpCheck tool, and exits
//! 0 only for HTTP 200 within the timeout, 1 otherwise. Never 2: Docker
//! reserves that code.
//!
//! The timeout bounds the whole request (ureq's `timeout_global`: the name
//! lookup, the connection, sending and the answer's head), so the probe
//! cannot outlive it even against a server that accepts the connection and
//! never answers.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

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

/// Probes `url` once, taking at most `timeout` (and the little it takes to
/// set up the request).
pub fn probe(url: &str, timeout: Duration) -> Report {
    let started = Instant::now();
    let agent = http::agent(timeout, HEALTHCHECK_USER_AGENT);
    let outcome = match agent.get(url).call() {
        Ok(response) => Outcome::Status(response.status().as_u16()),
        Err(ureq::Error::Timeout(_)) => Outcome::TimedOut,
        Err(error) => Outcome::Failed(error.to_string()),
    };
    Report {
        url: url.to_string(),
        outcome,
        took: started.elapsed(),
    }
}

/// Where the probe looks by default: the server's listen port on loopback,
/// so one variable (`NUMBERS_LISTEN`) sets both the server and its probe.
pub fn default_url(listen: SocketAddr) -> String {
    let host = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    // A SocketAddr prints IPv6 in brackets, as a URL needs it.
    format!("http://{}/health", SocketAddr::new(host, listen.port()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_url_follows_the_listen_port() {
        assert_eq!(
            default_url("0.0.0.0:80".parse().unwrap()),
            "http://127.0.0.1:80/health"
        );
        assert_eq!(
            default_url("[::]:8080".parse().unwrap()),
            "http://[::1]:8080/health"
        );
        assert_eq!(
            default_url("10.1.2.3:81".parse().unwrap()),
            "http://10.1.2.3:81/health"
        );
        assert_eq!(
            default_url("[2001:db8::1]:8080".parse().unwrap()),
            "http://[2001:db8::1]:8080/health"
        );
    }
}
