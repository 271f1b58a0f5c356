//! Configuration: every setting is a flag with an environment variable, and
//! `--help` is the one place they are described (the README's table is
//! checked against it by a test).
//!
//! A bad value stops the program before it serves, with one line that names
//! the setting and the value: a student who mistypes `NUMBERS_FAIL_AFTER`
//! should read what went wrong, not wonder why the service never fails.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::docker_health::{Rules, Status};
use crate::mode::HealthMode;

/// The fail-after of the lab: three good calls, then failure.
pub const DEFAULT_FAIL_AFTER: u64 = 3;

/// A random-number API that fails on cue, for teaching Docker health checks.
///
/// The first N calls of /rng return a number from 0 to 99; every later call
/// (and /health) answers HTTP 500 until /reset.
#[derive(Debug, Parser)]
#[command(name = "numbers-api", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub serve: ServeArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Probe /health once, as a Docker HEALTHCHECK: exit 0 for HTTP 200
    /// within the timeout, 1 otherwise
    Healthcheck(HealthcheckArgs),
    /// Probe a URL with Docker's health-check rules and print each change of
    /// status as it happens
    Watch(WatchArgs),
    /// Serve numbers-web, the book's web app: a page whose button asks the
    /// API for a random number over the network
    Web(WebArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (also sets the port `healthcheck` probes)
    #[arg(
        long,
        env = "NUMBERS_LISTEN",
        default_value = "0.0.0.0:8080",
        value_name = "ADDR:PORT",
        value_parser = parse_listen,
        global = true
    )]
    pub listen: SocketAddr,

    /// Calls of /rng that succeed before the service turns unhealthy; 0 means
    /// never fail. FailAfterCallCount (the Kubernetes book's name) is read
    /// when neither this flag nor NUMBERS_FAIL_AFTER is set
    #[arg(
        long,
        env = "NUMBERS_FAIL_AFTER",
        default_value_t = DEFAULT_FAIL_AFTER,
        value_name = "N",
        value_parser = parse_fail_after
    )]
    pub fail_after: u64,

    /// The Kubernetes book's name for --fail-after (documented there).
    #[arg(
        long = "fail-after-call-count",
        env = "FailAfterCallCount",
        value_name = "N",
        value_parser = parse_fail_after,
        hide = true
    )]
    pub fail_after_call_count: Option<u64>,

    /// Worker threads serving requests [default: one per CPU core]
    #[arg(long, env = "NUMBERS_WORKERS", value_name = "N", value_parser = parse_workers)]
    pub workers: Option<NonZeroUsize>,

    /// How /health behaves: ok (the lab), fail, hang, slow=<ms>,
    /// fail-next=<k> or flap[=<n>]; also changeable at run time through the
    /// control API
    #[arg(
        long,
        env = "NUMBERS_HEALTH_MODE",
        default_value = "ok",
        value_name = "MODE",
        value_parser = parse_mode
    )]
    pub health_mode: HealthMode,

    /// Wait this long before opening the port, like an app that is slow to
    /// start (teaches start_period)
    #[arg(
        long,
        env = "NUMBERS_STARTUP_DELAY",
        default_value = "0s",
        value_name = "DURATION",
        value_parser = parse_delay
    )]
    pub startup_delay: Duration,

    /// After SIGTERM, keep serving this long with /readyz answering 503
    /// before the port closes, so load balancers stop sending traffic first
    #[arg(
        long,
        env = "NUMBERS_SHUTDOWN_DELAY",
        default_value = "0s",
        value_name = "DURATION",
        value_parser = parse_delay
    )]
    pub shutdown_delay: Duration,

    /// Exit with CODE (1 if none is given) as soon as the service answers
    /// unhealthy, so a restart policy can bring it back
    #[arg(
        long,
        env = "NUMBERS_EXIT_ON_UNHEALTHY",
        value_name = "CODE",
        num_args = 0..=1,
        default_missing_value = "1",
        value_parser = parse_exit_code
    )]
    pub exit_on_unhealthy: Option<u8>,

    /// Serve the control API (/control/health) that changes the health mode
    /// at run time
    #[arg(
        long,
        env = "NUMBERS_CONTROL",
        default_value = "true",
        value_name = "BOOL",
        action = ArgAction::Set,
        value_parser = BoolishValueParser::new()
    )]
    pub control: bool,
}

#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// URL to probe [default: http://127.0.0.1:<port of --listen>/health]
    #[arg(long, env = "NUMBERS_HEALTHCHECK_URL", value_name = "URL", value_parser = parse_url)]
    pub url: Option<String>,

    /// Give up, and fail, after this many milliseconds
    #[arg(
        long,
        env = "NUMBERS_HEALTHCHECK_TIMEOUT_MS",
        default_value_t = 2000,
        value_name = "MS",
        value_parser = clap::value_parser!(u64).range(1..=3_600_000)
    )]
    pub timeout_ms: u64,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// URL to probe, such as http://127.0.0.1:8080/health
    #[arg(value_name = "URL", value_parser = parse_url)]
    pub url: String,

    /// Time between probes (HEALTHCHECK --interval)
    #[arg(long, env = "NUMBERS_WATCH_INTERVAL", default_value = "30s", value_name = "DURATION", value_parser = parse_probe_duration)]
    pub interval: Duration,

    /// A probe that takes longer fails with exit code -1 (HEALTHCHECK --timeout)
    #[arg(long, env = "NUMBERS_WATCH_TIMEOUT", default_value = "30s", value_name = "DURATION", value_parser = parse_probe_duration)]
    pub timeout: Duration,

    /// Failures in a row that make the status unhealthy (HEALTHCHECK --retries)
    #[arg(long, env = "NUMBERS_WATCH_RETRIES", default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub retries: u32,

    /// Failures this soon after the start do not count while starting
    /// (HEALTHCHECK --start-period)
    #[arg(long, env = "NUMBERS_WATCH_START_PERIOD", default_value = "0s", value_name = "DURATION", value_parser = parse_delay)]
    pub start_period: Duration,

    /// Time between probes during the start period (HEALTHCHECK
    /// --start-interval, Docker 25 and newer)
    #[arg(long, env = "NUMBERS_WATCH_START_INTERVAL", default_value = "5s", value_name = "DURATION", value_parser = parse_probe_duration)]
    pub start_interval: Duration,

    /// Print State.Health as `docker inspect` shows it at each change
    #[arg(long, env = "NUMBERS_WATCH_INSPECT", default_value = "false", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub inspect: bool,

    /// Print every probe, not only changes of status
    #[arg(long, env = "NUMBERS_WATCH_VERBOSE", default_value = "false", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub verbose: bool,

    /// Stop once the status is this: starting, healthy or unhealthy
    #[arg(long, env = "NUMBERS_WATCH_UNTIL", value_name = "STATUS", value_parser = parse_status)]
    pub until: Option<Status>,

    /// Stop after this many probes
    #[arg(long, env = "NUMBERS_WATCH_PROBES", value_name = "N")]
    pub probes: Option<u32>,
}

#[derive(Debug, Args)]
pub struct WebArgs {
    /// URL of the API's /rng, called each time the page's button is pressed
    #[arg(
        long,
        env = "NUMBERS_WEB_API_URL",
        default_value = "http://127.0.0.1:8080/rng",
        value_name = "URL",
        value_parser = parse_url
    )]
    pub api_url: String,

    /// Give up on the API after this long and show "RNG service unavailable!"
    #[arg(
        long,
        env = "NUMBERS_WEB_API_TIMEOUT",
        default_value = "2s",
        value_name = "DURATION",
        value_parser = parse_probe_duration
    )]
    pub api_timeout: Duration,
}

/// What the command line asked for, with every setting resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Serve(Settings),
    Healthcheck(HealthcheckSettings),
    Watch(WatchSettings),
    Web(WebSettings),
}

/// numbers-web's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSettings {
    pub listen: SocketAddr,
    pub api_url: String,
    pub api_timeout: Duration,
    pub workers: usize,
}

impl WebSettings {
    /// Settings for an in-process web app (tests): port 0 picks a free port.
    pub fn for_tests(api_url: &str) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_url: api_url.to_string(),
            api_timeout: Duration::from_secs(2),
            workers: 2,
        }
    }
}

/// The watcher's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchSettings {
    pub url: String,
    pub rules: Rules,
    pub inspect: bool,
    pub verbose: bool,
    pub until: Option<Status>,
    pub probes: Option<u32>,
}

/// The server's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub listen: SocketAddr,
    pub fail_after: u64,
    pub workers: usize,
    pub health_mode: HealthMode,
    pub startup_delay: Duration,
    pub shutdown_delay: Duration,
    pub exit_on_unhealthy: Option<u8>,
    pub control: bool,
}

/// The probe's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthcheckSettings {
    pub url: String,
    pub timeout: Duration,
}

/// Why the command line did not yield settings.
#[derive(Debug)]
pub enum ConfigError {
    /// `--help` or `--version`: print it and exit 0.
    Display(clap::Error),
    /// A bad setting: the one-line message names it and its value.
    Invalid(String),
}

impl Settings {
    /// Settings for an in-process server (tests): port 0 picks a free port.
    pub fn for_tests(fail_after: u64) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            fail_after,
            workers: 2,
            health_mode: HealthMode::Ok,
            startup_delay: Duration::ZERO,
            shutdown_delay: Duration::ZERO,
            exit_on_unhealthy: None,
            control: true,
        }
    }
}

/// Parses the command line and the environment into an [`Invocation`].
pub fn parse<I, T>(args: I) -> Result<Invocation, ConfigError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = Cli::command()
        .try_get_matches_from(args)
        .map_err(describe)?;
    let cli = Cli::from_arg_matches(&matches).map_err(describe)?;
    let serve = cli.serve;

    Ok(match cli.command {
        Some(Command::Healthcheck(args)) => Invocation::Healthcheck(HealthcheckSettings {
            url: args.url.unwrap_or_else(|| default_health_url(serve.listen)),
            timeout: Duration::from_millis(args.timeout_ms),
        }),
        Some(Command::Watch(args)) => Invocation::Watch(WatchSettings {
            url: args.url,
            rules: Rules {
                interval: args.interval,
                timeout: args.timeout,
                retries: args.retries,
                start_period: args.start_period,
                start_interval: args.start_interval,
            },
            inspect: args.inspect,
            verbose: args.verbose,
            until: args.until,
            probes: args.probes,
        }),
        Some(Command::Web(args)) => Invocation::Web(WebSettings {
            listen: serve.listen,
            api_url: args.api_url,
            api_timeout: args.api_timeout,
            workers: default_workers(),
        }),
        None => {
            // The alias only counts when the project's own setting is absent.
            let fail_after = match matches.value_source("fail_after") {
                Some(ValueSource::DefaultValue) | None => {
                    serve.fail_after_call_count.unwrap_or(serve.fail_after)
                }
                Some(_) => serve.fail_after,
            };
            Invocation::Serve(Settings {
                listen: serve.listen,
                fail_after,
                workers: serve
                    .workers
                    .map_or_else(default_workers, NonZeroUsize::get),
                health_mode: serve.health_mode,
                startup_delay: serve.startup_delay,
                shutdown_delay: serve.shutdown_delay,
                exit_on_unhealthy: serve.exit_on_unhealthy,
                control: serve.control,
            })
        }
    })
}

/// One worker per core, as actix-web itself would choose.
fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Where `healthcheck` looks by default: the listen port on loopback, so one
/// variable (`NUMBERS_LISTEN`) sets both the server and its probe.
pub fn default_health_url(listen: SocketAddr) -> String {
    let host = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("{}/health", base_url(SocketAddr::new(host, listen.port())))
}

/// `http://host:port` for an address, with brackets for IPv6.
pub fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    value
        .parse()
        .map_err(|_| "expected an IP address and port, such as 0.0.0.0:8080 or [::]:8080".into())
}

fn parse_fail_after(value: &str) -> Result<u64, String> {
    value
        .trim()
        .parse()
        .map_err(|_| "expected a whole number of calls, 0 or more (0 = never fail)".into())
}

fn parse_workers(value: &str) -> Result<NonZeroUsize, String> {
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN)),
        _ => Err("expected a number of threads from 1 to 1024".into()),
    }
}

fn parse_mode(value: &str) -> Result<HealthMode, String> {
    value.parse()
}

/// Delays up to an hour: longer is a typo, not a lesson.
fn parse_delay(value: &str) -> Result<Duration, String> {
    let delay = crate::duration::parse(value)?;
    if delay > Duration::from_secs(3600) {
        return Err("expected at most 1h".into());
    }
    Ok(delay)
}

/// Probe intervals and timeouts: Docker refuses anything under 1ms; we ask
/// for at least 10ms so a typo cannot flood the service.
fn parse_probe_duration(value: &str) -> Result<Duration, String> {
    let delay = parse_delay(value)?;
    if delay < Duration::from_millis(10) {
        return Err("expected at least 10ms".into());
    }
    Ok(delay)
}

fn parse_status(value: &str) -> Result<Status, String> {
    match value.trim() {
        "starting" => Ok(Status::Starting),
        "healthy" => Ok(Status::Healthy),
        "unhealthy" => Ok(Status::Unhealthy),
        _ => Err("expected starting, healthy or unhealthy".into()),
    }
}

fn parse_exit_code(value: &str) -> Result<u8, String> {
    match value.trim().parse::<u8>() {
        // 0 would look like success: `restart: on-failure` would not act.
        Ok(code) if code > 0 => Ok(code),
        _ => Err("expected an exit code from 1 to 255".into()),
    }
}

fn parse_url(value: &str) -> Result<String, String> {
    if value.starts_with("http://") && value.len() > "http://".len() {
        Ok(value.to_string())
    } else {
        Err("expected an http:// URL, such as http://127.0.0.1:8080/health".into())
    }
}

/// Turns clap's error into a [`ConfigError`] whose message is one line that
/// names the setting (the variable when the value came from one) and the value.
fn describe(err: clap::Error) -> ConfigError {
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => ConfigError::Display(err),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let arg = context(&err, ContextKind::InvalidArg).unwrap_or_default();
            let value = context(&err, ContextKind::InvalidValue).unwrap_or_default();
            let flag = arg.split_whitespace().next().unwrap_or(&arg).to_string();
            let setting = match env_of(&flag) {
                Some(var) if std::env::var_os(&var).is_some_and(|v| v == value.as_str()) => var,
                Some(var) => format!("{flag} ({var})"),
                None => flag,
            };
            let reason = std::error::Error::source(&err)
                .map(|source| format!(": {source}"))
                .unwrap_or_default();
            let shown = printable(&value);
            ConfigError::Invalid(format!("invalid value '{shown}' for {setting}{reason}"))
        }
        _ => {
            let rendered = err.render().to_string();
            let line = rendered
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("invalid command line")
                .trim_start_matches("error: ")
                .to_string();
            ConfigError::Invalid(line)
        }
    }
}

/// The value with control characters escaped (`\n`, `\u{1b}`), so that a
/// stray newline in a variable cannot break the message over two lines.
fn printable(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The environment variable behind a flag such as `--fail-after`.
fn env_of(flag: &str) -> Option<String> {
    let command = Cli::command();
    let args = command.get_arguments().chain(
        command
            .get_subcommands()
            .flat_map(|sub| sub.get_arguments()),
    );
    let env = args
        .filter(|arg| {
            arg.get_long()
                .is_some_and(|long| flag == format!("--{long}"))
        })
        .find_map(|arg| arg.get_env().map(|env| env.to_string_lossy().into_owned()));
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Settings {
        match parse(std::iter::once("numbers-api").chain(args.iter().copied())) {
            Ok(Invocation::Serve(settings)) => settings,
            other => panic!("expected serve settings, got {other:?}"),
        }
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_set_every_server_setting() {
        let settings = serve(&[
            "--listen",
            "127.0.0.1:9000",
            "--fail-after",
            "0",
            "--workers",
            "3",
        ]);
        assert_eq!(settings.listen, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(settings.fail_after, 0);
        assert_eq!(settings.workers, 3);
    }

    #[test]
    fn the_health_url_follows_the_listen_port() {
        assert_eq!(
            default_health_url("0.0.0.0:80".parse().unwrap()),
            "http://127.0.0.1:80/health"
        );
        assert_eq!(
            default_health_url("[::]:8080".parse().unwrap()),
            "http://[::1]:8080/health"
        );
        assert_eq!(
            default_health_url("10.1.2.3:81".parse().unwrap()),
            "http://10.1.2.3:81/health"
        );
    }

    #[test]
    fn a_bad_value_with_a_newline_is_reported_on_one_line() {
        let err = parse(["numbers-api", "--listen", "0.0.0.0:80\n"]).unwrap_err();
        match err {
            ConfigError::Invalid(message) => {
                assert!(!message.contains('\n'), "{message}");
                assert!(message.contains(r"'0.0.0.0:80\n'"), "{message}");
            }
            ConfigError::Display(e) => panic!("unexpected display: {e}"),
        }
    }

    #[test]
    fn a_bad_flag_value_is_named_with_its_variable() {
        let err = parse(["numbers-api", "--fail-after", "abc"]).unwrap_err();
        match err {
            ConfigError::Invalid(message) => {
                assert!(message.contains("'abc'"), "{message}");
                assert!(message.contains("--fail-after"), "{message}");
                assert!(message.contains("NUMBERS_FAIL_AFTER"), "{message}");
                assert!(!message.contains('\n'), "{message}");
            }
            ConfigError::Display(e) => panic!("unexpected display: {e}"),
        }
    }
}
