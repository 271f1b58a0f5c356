//! What the program runs with: the settings of each command, resolved from
//! what clap parsed. A bad value stops the program before it serves, with
//! one line that names the setting and the value (see [`super::errors`]).

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::args::{Cli, Command, API_URL_ID};
use super::errors::{describe, printable, ConfigError};
use super::parsers::parse_url;
use crate::compat::dotnet;
use crate::server::budget::Rule;
use crate::server::mode::HealthMode;
use crate::tools::engine::{Rules, Status};
use crate::util::telemetry::LogLevel;

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
    /// The URL `--check-api` probes before serving; `None`: no check.
    pub check_api: Option<String>,
}

impl WebSettings {
    /// Settings for an in-process web app (tests): port 0 picks a free port.
    pub fn for_tests(api_url: &str) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_url: api_url.to_string(),
            api_timeout: Duration::from_secs(2),
            workers: 2,
            check_api: None,
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
    /// Whose rule `fail_after` follows: chapter 8's or the Kubernetes book's.
    pub rule: Rule,
    /// Start unhealthy (`--broken`, the v5 app's `Broken`).
    pub broken: bool,
    /// `--log-level` (`Logging__LogLevel__Default`); `RUST_LOG` wins.
    pub log_level: Option<LogLevel>,
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

impl Settings {
    /// Settings for an in-process server (tests): port 0 picks a free port.
    pub fn for_tests(fail_after: u64) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            fail_after,
            rule: Rule::Lab,
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

    /// The start line's account of how the service fails (`fail-after 3`,
    /// `FailAfterCallCount 1: the Kubernetes book's rule, with Failure
    /// IDs`) and whether it starts broken.
    pub fn failure_summary(&self) -> String {
        let never = if self.fail_after == 0 {
            " = never fail"
        } else {
            ""
        };
        let rule = match self.rule {
            Rule::Lab => format!("fail-after {}{never}", self.fail_after),
            Rule::Kubernetes { failure_id } => format!(
                "FailAfterCallCount {}{never}: the Kubernetes book's rule{}",
                self.fail_after,
                if failure_id { ", with Failure IDs" } else { "" }
            ),
        };
        if self.broken {
            format!("{rule}; broken: unhealthy until /reset")
        } else {
            rule
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
            }
            .with_defaults(),
            inspect: args.inspect,
            verbose: args.verbose,
            until: args.until,
            probes: args.probes,
        }),
        Some(Command::Web(args)) => {
            let api_url = web_api_url(&matches, args.api_url)?;
            Invocation::Web(WebSettings {
                listen: serve.listen,
                check_api: args.check_api.and_then(|check| check.url(&api_url)),
                api_url,
                api_timeout: args.api_timeout,
                workers: default_workers(),
            })
        }
        None => {
            let (rule, fail_after) = serve.books.rule(&matches, serve.fail_after);
            let broken = serve.books.broken(&matches, serve.broken);
            Invocation::Serve(Settings {
                listen: serve.listen,
                fail_after,
                rule,
                broken,
                log_level: serve.books.log_level,
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

/// numbers-web's API URL: ours (`--api-url`, then `NUMBERS_WEB_API_URL`),
/// else the book's (`RngApi__Url`, then `RngApi:Url`), else the default.
fn web_api_url(matches: &ArgMatches, ours: String) -> Result<String, ConfigError> {
    let source = matches
        .subcommand_matches("web")
        .and_then(|web| web.value_source(API_URL_ID));
    let book = match source {
        Some(ValueSource::DefaultValue) | None => dotnet::rng_api_url(),
        Some(_) => None,
    };
    let Some(found) = book else {
        return Ok(ours);
    };
    parse_url(&found.value).map_err(|reason| {
        let value = printable(&found.value);
        ConfigError::Invalid(format!(
            "invalid value '{value}' for {}: {reason}",
            found.variable
        ))
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
        assert_eq!(
            default_health_url("[2001:db8::1]:8080".parse().unwrap()),
            "http://[2001:db8::1]:8080/health"
        );
    }

    #[test]
    fn the_default_is_one_worker_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(serve(&[]).workers, cores);
        assert_eq!(serve(&["--workers", "3"]).workers, 3);
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
