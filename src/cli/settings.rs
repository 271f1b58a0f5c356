//! From what clap parsed to what the program runs with: each part's own
//! configuration (`server::Config`, `web::Config`, `watch::Config`, the
//! probe's URL and timeout), with every alias resolved. A bad value stops
//! the program before it serves, with one line that names the setting and
//! the value (see [`super::errors`]).

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::time::Duration;

use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::args::{Cli, Command, API_URL_ID};
use super::books::given;
use super::errors::{describe, invalid, ConfigError};
use crate::compat::dotnet;
use crate::tools::engine::Rules;
use crate::tools::{healthcheck, watch};
use crate::util::http::parse_url;
use crate::{server, web};

/// What the command line asked for, as the configuration of the part that
/// runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// The API.
    Serve(server::Config),
    /// One probe of `url`, given up after `timeout`.
    Healthcheck {
        url: String,
        timeout: Duration,
    },
    Watch(watch::Config),
    /// numbers-web.
    Web(web::Config),
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
        Some(Command::Healthcheck(args)) => Invocation::Healthcheck {
            url: args
                .url
                .unwrap_or_else(|| healthcheck::default_url(serve.listen)),
            timeout: Duration::from_millis(args.timeout_ms),
        },
        Some(Command::Watch(args)) => Invocation::Watch(watch::Config {
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
            stop_after: args.stop_after,
        }),
        Some(Command::Web(args)) => {
            let api_url = web_api_url(&matches, args.api_url)?;
            Invocation::Web(web::Config {
                listen: serve.listen,
                check_url: args.api_check.and_then(|check| check.check_url(&api_url)),
                api_url,
                api_timeout: args.api_timeout,
                workers: default_workers(),
                log_level: serve.books.log_level,
            })
        }
        None => {
            let (rule, fail_after) = serve.books.rule(&matches, serve.fail_after);
            let broken = serve.books.broken(&matches, serve.broken);
            Invocation::Serve(server::Config {
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
    let ours_given = matches
        .subcommand_matches("web")
        .is_some_and(|web| given(web, API_URL_ID));
    let Some(found) = dotnet::rng_api_url().filter(|_| !ours_given) else {
        return Ok(ours);
    };
    parse_url(&found.value).map_err(|reason| invalid(&found.value, &found.variable, Some(&reason)))
}

/// One worker per core, as actix-web itself would choose.
fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
