//! What clap parses: the command line and its environment variables. `--help`
//! describes the settings; the reference's tables are checked against it.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand};

use super::parsers::{
    parse_at_least_10ms, parse_delay, parse_exit_code, parse_health_duration, parse_listen,
    parse_workers,
};
use crate::compat::books::{parse_count, BookArgs};
use crate::server::mode::HealthMode;
use crate::tools::health_rules::Status;
use crate::util::http::parse_url;
use crate::web::check::ApiCheck;

/// The fail-after of the lab: three good calls, then failure.
pub const DEFAULT_FAIL_AFTER: u64 = 3;

/// The bare command, the name `dotnet`, and the books' settings with no flag.
const AFTER_HELP: &str = "With no command, numbers-api serves the API: /rng, /health, /reset, \
/readyz, /metrics and the lab page at /.

Called as dotnet (a link or copy by that name), it answers the book's command lines: \
dotnet Numbers.Api.dll (the API), dotnet Numbers.Web.dll (web) and \
dotnet Utilities.HttpCheck.dll (the book's health check).

The books' other settings, read the same way: Broken (the v5 app's --broken) and, for web, \
RngApi__Url or RngApi:Url (Numbers.Web's --api-url). Ours win where both are set.";

/// A random-number API that fails on cue, for teaching Docker health checks.
///
/// The first N calls of /rng return a number from 0 to 99; every later call
/// (and /health) answers HTTP 500 until /reset.
#[derive(Debug, Parser)]
#[command(name = "numbers-api", version, about, long_about = None, after_help = AFTER_HELP)]
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
    /// Address and port the API listens on (also sets the port `healthcheck` probes)
    #[arg(long, env = "NUMBERS_LISTEN", default_value = "0.0.0.0:8080", value_name = "ADDR:PORT", value_parser = parse_listen)]
    pub listen: SocketAddr,

    /// Chapter 8's rule: calls of /rng that succeed before the service turns
    /// unhealthy (/health fails from the first call past them, with the
    /// problem+json 500; /reset restarts the count); 0 means never fail. Set,
    /// it wins over FailAfterCallCount and UseFailureId
    #[arg(long, env = "NUMBERS_FAIL_AFTER", default_value_t = DEFAULT_FAIL_AFTER, value_name = "N", value_parser = parse_count)]
    pub fail_after: u64,

    /// Start unhealthy, as the book's v5 app does: /rng, /health and
    /// /healthz answer 500 until /reset. Broken (the v5 app's name, true or
    /// false) is read when neither this flag nor NUMBERS_BROKEN is set
    #[arg(long, env = "NUMBERS_BROKEN", default_value = "false", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub broken: bool,

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
        value_name = "MODE"
    )]
    pub health_mode: HealthMode,

    /// Wait this long before opening the port, like an app that is slow to
    /// start (teaches start_period)
    #[arg(long, env = "NUMBERS_STARTUP_DELAY", default_value = "0s", value_name = "DURATION", value_parser = parse_delay)]
    pub startup_delay: Duration,

    /// After SIGTERM, keep serving this long with /readyz answering 503
    /// before the port closes, so load balancers stop sending traffic first
    #[arg(long, env = "NUMBERS_SHUTDOWN_DELAY", default_value = "0s", value_name = "DURATION", value_parser = parse_delay)]
    pub shutdown_delay: Duration,

    /// Exit with CODE (1 if none is given) as soon as the service answers
    /// unhealthy, so a restart policy can bring it back
    #[arg(long, env = "NUMBERS_EXIT_ON_UNHEALTHY", value_name = "CODE", num_args = 0..=1, default_missing_value = "1", value_parser = parse_exit_code)]
    pub exit_on_unhealthy: Option<u8>,

    // One paragraph: a second would switch `--help` to clap's long layout.
    /// Serve the requests that change the state for everyone: /reset (GET,
    /// POST), the lab page's reset (POST /page/reset) and the control API
    /// (/control/health, GET, POST). false turns off these and nothing else:
    /// they answer 403 and the page shows no reset button, while /rng, the
    /// page and its number button, the probes and /metrics still work. Use
    /// false where strangers can reach the port
    #[arg(long, env = "NUMBERS_CONTROL", default_value = "true", value_name = "BOOL", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub control: bool,

    #[command(flatten)]
    pub books: BookArgs,
}

#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// The address the API listens on: the probe's default URL is its port,
    /// on loopback
    #[arg(long, env = "NUMBERS_LISTEN", default_value = "0.0.0.0:8080", value_name = "ADDR:PORT", value_parser = parse_listen)]
    pub listen: SocketAddr,

    /// URL to probe [default: http://127.0.0.1:<port of --listen>/health]
    #[arg(long, env = "NUMBERS_HEALTHCHECK_URL", value_name = "URL", value_parser = parse_url)]
    pub url: Option<String>,

    /// Give up, and fail, after this many milliseconds
    #[arg(long, env = "NUMBERS_HEALTHCHECK_TIMEOUT_MS", default_value_t = 2000, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub timeout_ms: u64,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// URL to probe, such as http://127.0.0.1:8080/health
    #[arg(value_name = "URL", value_parser = parse_url)]
    pub url: String,

    /// Time between probes (HEALTHCHECK --interval); 0 means Docker's
    /// default, 30s
    #[arg(long, env = "NUMBERS_WATCH_INTERVAL", default_value = "30s", value_name = "DURATION", value_parser = parse_health_duration)]
    pub interval: Duration,

    /// A probe that takes longer fails with exit code -1 (HEALTHCHECK
    /// --timeout); 0 means Docker's default, 30s
    #[arg(long, env = "NUMBERS_WATCH_TIMEOUT", default_value = "30s", value_name = "DURATION", value_parser = parse_health_duration)]
    pub timeout: Duration,

    /// Failures in a row that make the status unhealthy (HEALTHCHECK
    /// --retries); 0 means Docker's default, 3
    #[arg(long, env = "NUMBERS_WATCH_RETRIES", default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub retries: u32,

    /// Failures this soon after the start do not count while starting
    /// (HEALTHCHECK --start-period)
    #[arg(long, env = "NUMBERS_WATCH_START_PERIOD", default_value = "0s", value_name = "DURATION", value_parser = parse_delay)]
    pub start_period: Duration,

    /// Time between probes during the start period (HEALTHCHECK
    /// --start-interval, Docker 25 and newer); 0 means Docker's default, 5s
    /// (Docker 27's and newer; Docker 25 and 26 use --interval instead)
    #[arg(long, env = "NUMBERS_WATCH_START_INTERVAL", default_value = "5s", value_name = "DURATION", value_parser = parse_health_duration)]
    pub start_interval: Duration,

    /// Print State.Health as `docker inspect` shows it at each change
    #[arg(long, env = "NUMBERS_WATCH_INSPECT", default_value = "false", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub inspect: bool,

    /// Print every probe, not only changes of status
    #[arg(long, env = "NUMBERS_WATCH_VERBOSE", default_value = "false", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub verbose: bool,

    /// Stop once the status is this: starting, healthy or unhealthy
    #[arg(long, env = "NUMBERS_WATCH_UNTIL", value_name = "STATUS")]
    pub until: Option<Status>,

    /// Stop after this many probes
    #[arg(long = "probes", env = "NUMBERS_WATCH_PROBES", value_name = "N")]
    pub stop_after: Option<u32>,
}

#[derive(Debug, Args)]
pub struct WebArgs {
    /// Address and port numbers-web listens on
    #[arg(long, env = "NUMBERS_LISTEN", default_value = "0.0.0.0:8080", value_name = "ADDR:PORT", value_parser = parse_listen)]
    pub listen: SocketAddr,

    /// URL of the API's /rng, called each time the page's button is pressed.
    /// When neither this flag nor NUMBERS_WEB_API_URL is set, the book's
    /// RngApi__Url is read, then RngApi:Url
    #[arg(long, env = "NUMBERS_WEB_API_URL", default_value = "http://127.0.0.1:8080/rng", value_name = "URL", value_parser = parse_url)]
    pub api_url: String,

    /// Give up on the API after this long and show "RNG service unavailable!"
    #[arg(long, env = "NUMBERS_WEB_API_TIMEOUT", default_value = "2s", value_name = "DURATION", value_parser = parse_at_least_10ms)]
    pub api_timeout: Duration,

    /// Before serving, probe the API once and exit 1 unless it answers 200,
    /// like the book's `curl --fail http://numbers-api/rng && ...`: bare (or
    /// `health`), the API's /health beside --api-url, which spends no call;
    /// a URL, that URL (the book's /rng spends a good call at every start);
    /// false, no check. Gives up after --api-timeout
    #[arg(long = "check-api", env = "NUMBERS_WEB_CHECK_API", value_name = "URL", num_args = 0..=1, default_missing_value = "health")]
    pub api_check: Option<ApiCheck>,
}
