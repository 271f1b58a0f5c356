//! `numbers-api healthcheck`, the probe of an image with no curl: one line, exit 0 only for
//! HTTP 200 within the timeout. [`probe`] is the one timed GET of the binary.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use crate::util::http::{self, HEALTHCHECK_USER_AGENT, HTTPCHECK_USER_AGENT};

/// Who probes: the User-Agent it sends, and where its clock stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// Ours: the clock stops at the status line.
    Healthcheck,
    /// The book's tool: the clock stops after the body, as in .NET's `GetAsync`.
    HttpCheck,
}

/// What one probe saw.
#[derive(Debug)]
pub enum Outcome {
    Status(u16),
    TimedOut,
    /// No answer at all: refused, reset, bad URL...
    Failed(ureq::Error),
}

/// One probe's URL, outcome and duration; `Display` is `healthcheck`'s line.
#[derive(Debug)]
pub struct Report {
    pub url: String,
    pub outcome: Outcome,
    pub took: Duration,
}

impl Report {
    /// 0 for HTTP 200, 1 for anything else.
    pub fn exit_code(&self) -> u8 {
        u8::from(!matches!(self.outcome, Outcome::Status(200)))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (url, took) = (&self.url, self.took.as_millis());
        let why = match &self.outcome {
            Outcome::Status(code) => {
                return write!(f, "HTTPCheck: status {code}, url {url}, took {took}ms")
            }
            Outcome::TimedOut => "no response within the timeout".to_string(),
            Outcome::Failed(error) => error.to_string(),
        };
        write!(f, "HTTPCheck: error, url {url}, took {took}ms: {why}")
    }
}

/// One GET of `url`, bounded by `timeout` as a whole.
pub fn probe(url: &str, timeout: Duration, client: Client) -> Report {
    let user_agent = [HEALTHCHECK_USER_AGENT, HTTPCHECK_USER_AGENT][client as usize];
    let agent = http::agent(timeout, user_agent);
    let started = Instant::now();
    let answer = agent.get(url).call().and_then(|mut response| {
        if client == Client::HttpCheck {
            let body = &mut response.body_mut().as_reader();
            std::io::copy(body, &mut std::io::sink()).map_err(ureq::Error::from)?;
        }
        Ok(response.status().as_u16())
    });
    let outcome = match answer {
        Ok(status) => Outcome::Status(status),
        Err(ureq::Error::Timeout(_)) => Outcome::TimedOut,
        Err(error) => Outcome::Failed(error),
    };
    Report {
        url: url.to_string(),
        outcome,
        took: started.elapsed(),
    }
}

/// Where the probe looks by default: the listen port, on loopback.
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
