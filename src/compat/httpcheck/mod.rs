//! `dotnet Utilities.HttpCheck.dll`, the book's check: its flags ([`args`]), lines and exit
//! code (0 only for a 200 faster than `-t` ms) around our GET; quirks in docs/reference.md.

mod args;
mod status;

use args::default_url;
pub use args::Args;

use std::io::{ErrorKind, Write};
use std::time::Duration;

use super::configuration;
use crate::tools::healthcheck::{self, Client, Outcome};

/// The least the check waits: Docker's default health-check timeout.
const LEAST_WAIT: Duration = Duration::from_secs(30);

/// The most: .NET's `HttpClient.Timeout` default.
const DOTNET_TIMEOUT: Duration = Duration::from_secs(100);

/// .NET's words for a URL that is empty or not absolute.
const INVALID_URI: &str = "An invalid request URI was provided. Either the request URI must be an absolute URI or BaseAddress must be set.";

/// How long the check waits, given `-t`, which is a bar and no deadline.
fn wait_for(timeout_ms: i32) -> Duration {
    let asked = Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(0));
    asked.clamp(LEAST_WAIT, DOTNET_TIMEOUT)
}

/// A status and the milliseconds it took, or .NET's words for why none.
type Seen = Result<(u16, u128), String>;

/// Runs the check; `listen_port` sets the default URL. Returns the exit code.
pub fn run(args: &Args, listen_port: u16, out: &mut impl Write) -> u8 {
    let (url, seen) = check(args, listen_port);
    if let Some(line) = line(&url, &seen, args) {
        // stdout closed: the exit code still tells the outcome.
        let _ = writeln!(out, "{line}");
    }
    exit_code(&seen, args.timeout_ms)
}

/// 0 for a 200 in under `timeout_ms`, else 1.
fn exit_code(seen: &Seen, timeout_ms: i32) -> u8 {
    u8::from(!matches!(seen, Ok((200, took_ms)) if *took_ms < timeout_ms.max(0) as u128))
}

/// The line the book's tool prints, if `-ls` and `-lf` let it print one.
fn line(url: &str, seen: &Seen, args: &Args) -> Option<String> {
    match seen {
        Ok((status, took_ms)) => args.log_success.then(|| {
            let status = status::name(*status);
            format!("HTTPCheck: status {status}, url {url}, took {took_ms}ms")
        }),
        Err(message) => args
            .log_failure
            .then(|| format!("HTTPCheck: error. Url {url}, exception {message}")),
    }
}

/// One GET of the URL `args` name (`-c KEY` wins over `-u`).
fn check(args: &Args, listen_port: u16) -> (String, Seen) {
    let url = match args.config_key.as_deref().filter(|key| !key.is_empty()) {
        Some(key) => match configuration::lookup(key) {
            Some(found) => found.value,
            None => {
                let set = configuration::spellings(key);
                let message =
                    format!("No configuration value for {key}: set {set} in the environment.");
                return (String::new(), Err(message));
            }
        },
        None => args.url.clone().unwrap_or_else(|| default_url(listen_port)),
    };
    let seen = get(&url, wait_for(args.timeout_ms));
    (url, seen)
}

/// The status and the time to the end of the body, or the exception.
fn get(url: &str, wait: Duration) -> Seen {
    let Some((scheme, _)) = url.split_once("://") else {
        return Err(INVALID_URI.into());
    };
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(format!(
            "The '{scheme}' scheme is not supported by this check: plain http only."
        ));
    }
    let report = healthcheck::probe(url, wait, Client::HttpCheck);
    match report.outcome {
        Outcome::Status(status) => Ok((status, report.took.as_millis())),
        Outcome::TimedOut => Err(timed_out(wait)),
        Outcome::Failed(error) => Err(exception(error, url, wait)),
    }
}

/// The exception's message, in .NET 8's words where they hold.
fn exception(error: ureq::Error, url: &str, wait: Duration) -> String {
    // .NET names the host and port it could not connect to.
    let Ok(uri) = url.parse::<ureq::http::Uri>() else {
        return INVALID_URI.into();
    };
    let host = uri.host().unwrap_or_default();
    let port = uri.port_u16().unwrap_or(80);
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

/// The system's words for a failed connection, as .NET prints them.
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
    let seconds = wait.as_secs();
    format!("The request was canceled due to this check's timeout of {seconds} seconds elapsing.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> Args {
        Args::parse(&[]).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn only_a_200_under_t_passes() {
        assert_eq!(exit_code(&Ok((200, 299)), 300), 0);
        assert_eq!(exit_code(&Ok((200, 300)), 300), 1);
        assert_eq!(exit_code(&Ok((500, 1)), 300), 1);
        assert_eq!(exit_code(&Ok((204, 1)), 300), 1);
        assert_eq!(exit_code(&Ok((200, 0)), 0), 1);
        assert_eq!(exit_code(&Ok((200, 0)), -5), 1);
        assert_eq!(exit_code(&Err("m".into()), i32::MAX), 1);
    }

    #[test]
    fn lines_are_the_books_and_the_log_flags_silence_them() {
        let mut args = args();
        let failed: Seen = Err("m".into());
        assert_eq!(
            line("http://x", &Ok((500, 7)), &args).as_deref(),
            Some("HTTPCheck: status InternalServerError, url http://x, took 7ms")
        );
        assert_eq!(
            line("", &failed, &args).as_deref(),
            Some("HTTPCheck: error. Url , exception m")
        );
        args.log_success = false;
        assert_eq!(line("http://x", &Ok((200, 1)), &args), None);
        assert!(line("", &failed, &args).is_some());
        args.log_failure = false;
        assert_eq!(line("", &failed, &args), None);
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
