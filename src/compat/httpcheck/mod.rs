//! `dotnet Utilities.HttpCheck.dll`: the book's own health-check tool, so
//! the book's compose files run their checks as written, such as
//! `["CMD", "dotnet", "Utilities.HttpCheck.dll", "-t", "150"]`.
//!
//! One GET, one line on stdout, and an exit code:
//!
//! ```text
//! HTTPCheck: status OK, url http://localhost:8080/health, took 3ms
//! HTTPCheck: status InternalServerError, url http://localhost:8080/health, took 2ms
//! HTTPCheck: error. Url http://localhost:8080/health, exception Connection refused (localhost:8080)
//! ```
//!
//! Exit 0 only for a 200 that took less than `-t` milliseconds; 1 for
//! anything else. The status is .NET's name for it ([`status`]); the
//! flags are PowerArgs' ([`args`]).
//!
//! The tool's quirks, kept:
//! - `-t` is no deadline. The clock runs until the whole answer is in, and
//!   is compared with `-t` only then: a 200 in 400 ms prints
//!   `status OK ... took 400ms` and exits 1.
//! - `-ls false` silences the line of any answer, a 500's as well as a
//!   200's; `-lf false` the line of a failure to get one.
//! - `-c KEY` replaces the URL, `-u` or not. Unset, the URL is empty and
//!   the line says so: `HTTPCheck: error. Url , exception ...`.
//! - It follows redirects and prints the last status.
//!
//! What differs:
//! - How long it waits. .NET gives up after 100 s, its `HttpClient`
//!   default; we wait `-t`, but at least 30 s (Docker's default health-check
//!   timeout) and at most those 100 s. Exit codes are the same as .NET's for
//!   every answer (none passes after `-t`); only an answer later than that
//!   wait prints the error line where .NET would print its status.
//! - The exception text. We print .NET 8's words where they are true of us
//!   (`Connection refused (localhost:8080)`, the first edition's .NET Core
//!   3.0 left out the host and port), and our own, in the same shape, for
//!   the rest: `The request was canceled due to this check's timeout of 30
//!   seconds elapsing.`, or `An error occurred while sending the request:`
//!   and what went wrong.
//! - No HTTPS, and no proxy from the environment: checks stay on the
//!   container's own network.

mod args;
mod status;

use args::default_url;
pub use args::Args;

use std::io::{ErrorKind, Write};
use std::time::{Duration, Instant};

use super::configuration;
use crate::util::http::{self, HTTPCHECK_USER_AGENT};

/// The least the check waits for an answer: Docker's default health-check
/// timeout, past which Docker itself would have stopped a check.
const LEAST_WAIT: Duration = Duration::from_secs(30);

/// The most it waits: .NET's `HttpClient.Timeout` default, the longest the
/// book's tool ever waited.
const DOTNET_TIMEOUT: Duration = Duration::from_secs(100);

/// .NET's words for a URL that is empty or not absolute.
const INVALID_URI: &str = "An invalid request URI was provided. Either the request URI must be an absolute URI or BaseAddress must be set.";

/// How long the check waits for an answer, given `-t`.
fn wait_for(timeout_ms: i32) -> Duration {
    let asked = Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(0));
    asked.clamp(LEAST_WAIT, DOTNET_TIMEOUT)
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// An answer, and the milliseconds it took, as .NET's stopwatch counts.
    Answered {
        url: String,
        status: u16,
        took_ms: u128,
    },
    /// No answer: the exception's message.
    Failed { url: String, message: String },
}

impl Report {
    /// 0 for a 200 in under `timeout_ms`, else 1.
    pub fn exit_code(&self, timeout_ms: i32) -> u8 {
        match self {
            Report::Answered {
                status: 200,
                took_ms,
                ..
            } if *took_ms < timeout_ms.max(0) as u128 => 0,
            _ => 1,
        }
    }

    /// The line the book's tool prints, if `args` let it print one.
    pub fn line(&self, args: &Args) -> Option<String> {
        match self {
            Report::Answered {
                url,
                status,
                took_ms,
            } => args.log_success.then(|| {
                let status = status::name(*status);
                format!("HTTPCheck: status {status}, url {url}, took {took_ms}ms")
            }),
            Report::Failed { url, message } => args
                .log_failure
                .then(|| format!("HTTPCheck: error. Url {url}, exception {message}")),
        }
    }
}

/// Runs the check as the book's tool does: `listen_port` sets the default
/// URL. Prints to `out`; returns the exit code.
pub fn run(args: &Args, listen_port: u16, out: &mut impl Write) -> u8 {
    let report = check(args, listen_port);
    if let Some(line) = report.line(args) {
        // stdout closed: the exit code still tells the outcome.
        let _ = writeln!(out, "{line}");
    }
    report.exit_code(args.timeout_ms)
}

/// One GET of the URL `args` name.
fn check(args: &Args, listen_port: u16) -> Report {
    let url = match args.config_key.as_deref().filter(|key| !key.is_empty()) {
        Some(key) => match configuration::lookup(key) {
            Some(found) => found.value,
            None => {
                return Report::Failed {
                    url: String::new(),
                    message: format!(
                        "No configuration value for {key}: set {} in the environment.",
                        configuration::spellings(key)
                    ),
                }
            }
        },
        None => args.url.clone().unwrap_or_else(|| default_url(listen_port)),
    };
    match get(&url, wait_for(args.timeout_ms)) {
        Ok((status, took)) => Report::Answered {
            url,
            status,
            took_ms: took.as_millis(),
        },
        Err(message) => Report::Failed { url, message },
    }
}

/// The status, and the time from sending the request to the end of the
/// body (.NET's `GetAsync` reads the body before it returns).
fn get(url: &str, wait: Duration) -> Result<(u16, Duration), String> {
    let Some((scheme, _)) = url.split_once("://") else {
        return Err(INVALID_URI.into());
    };
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(format!(
            "The '{scheme}' scheme is not supported by this check: plain http only."
        ));
    }
    let agent = http::agent(wait, HTTPCHECK_USER_AGENT);
    let started = Instant::now();
    let mut response = agent.get(url).call().map_err(|e| exception(e, url, wait))?;
    let status = response.status().as_u16();
    std::io::copy(&mut response.body_mut().as_reader(), &mut std::io::sink())
        .map_err(|e| exception(ureq::Error::from(e), url, wait))?;
    Ok((status, started.elapsed()))
}

/// The exception's message, in .NET 8's words where they hold.
fn exception(error: ureq::Error, url: &str, wait: Duration) -> String {
    // .NET names the host and port it could not connect to.
    let (host, port) = match url.parse::<ureq::http::Uri>() {
        Ok(uri) => (
            uri.host().unwrap_or_default().to_string(),
            uri.port_u16().unwrap_or(80),
        ),
        Err(_) => return INVALID_URI.into(),
    };
    match error {
        ureq::Error::Timeout(_) => timed_out(wait),
        ureq::Error::Io(e) if e.kind() == ErrorKind::TimedOut => timed_out(wait),
        ureq::Error::Io(e) => match connect_error(&e) {
            // SocketsHttpHandler's shape: the socket's words, then where.
            Some(words) => format!("{words} ({host}:{port})"),
            None => format!("An error occurred while sending the request: {e}"),
        },
        ureq::Error::HostNotFound => format!("Name or service not known ({host}:{port})"),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => INVALID_URI.into(),
        other => format!("An error occurred while sending the request: {other}"),
    }
}

/// The system's words for an error that kept the connection from being
/// made (`Connection refused`, or the resolver's `Name or service not
/// known`), as .NET prints them; `None` for an error once connected.
fn connect_error(error: &std::io::Error) -> Option<String> {
    let text = error.to_string();
    // Rust's resolver wraps getaddrinfo's words in a sentence of its own.
    if let Some(words) = text.strip_prefix("failed to lookup address information: ") {
        return Some(words.to_string());
    }
    let connecting = matches!(
        error.kind(),
        ErrorKind::ConnectionRefused
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable
            | ErrorKind::NetworkDown
            | ErrorKind::AddrNotAvailable
    );
    // "Connection refused (os error 111)": .NET leaves out the number.
    let words = text.split(" (os error ").next().unwrap_or(&text);
    connecting.then(|| words.to_string())
}

fn timed_out(wait: Duration) -> String {
    format!(
        "The request was canceled due to this check's timeout of {} seconds elapsing.",
        wait.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> Args {
        Args::parse(&[]).unwrap_or_else(|e| panic!("{e}"))
    }

    fn answered(status: u16, took_ms: u128) -> Report {
        Report::Answered {
            url: "http://x".into(),
            status,
            took_ms,
        }
    }

    #[test]
    fn only_a_200_under_t_passes() {
        assert_eq!(answered(200, 299).exit_code(300), 0);
        assert_eq!(answered(200, 300).exit_code(300), 1);
        assert_eq!(answered(500, 1).exit_code(300), 1);
        assert_eq!(answered(204, 1).exit_code(300), 1);
        assert_eq!(answered(200, 0).exit_code(0), 1);
        assert_eq!(answered(200, 0).exit_code(-5), 1);
        let failed = Report::Failed {
            url: "http://x".into(),
            message: "m".into(),
        };
        assert_eq!(failed.exit_code(i32::MAX), 1);
    }

    #[test]
    fn lines_are_the_books_and_the_log_flags_silence_them() {
        let mut args = args();
        assert_eq!(
            answered(500, 7).line(&args).as_deref(),
            Some("HTTPCheck: status InternalServerError, url http://x, took 7ms")
        );
        let failed = Report::Failed {
            url: String::new(),
            message: "m".into(),
        };
        assert_eq!(
            failed.line(&args).as_deref(),
            Some("HTTPCheck: error. Url , exception m")
        );
        args.log_success = false;
        assert_eq!(answered(200, 1).line(&args), None);
        assert!(failed.line(&args).is_some());
        args.log_failure = false;
        assert_eq!(failed.line(&args), None);
    }

    #[test]
    fn the_wait_is_t_within_30_to_100_seconds() {
        assert_eq!(wait_for(150), Duration::from_secs(30));
        assert_eq!(wait_for(-1), Duration::from_secs(30));
        assert_eq!(wait_for(45_000), Duration::from_secs(45));
        assert_eq!(wait_for(i32::MAX), Duration::from_secs(100));
    }

    #[test]
    fn a_url_that_is_not_absolute_http_fails_before_any_request() {
        let wait = Duration::from_secs(30);
        assert_eq!(get("", wait), Err(INVALID_URI.into()));
        assert_eq!(get("localhost/health", wait), Err(INVALID_URI.into()));
        let https = get("https://localhost/", wait).unwrap_err();
        assert!(https.contains("'https' scheme"), "{https}");
    }
}
