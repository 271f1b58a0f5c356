//! From what clap parsed to each part's configuration, every alias resolved;
//! a bad value stops the program with one line.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::args::{Cli, Command};
use super::errors::{describe, invalid, ConfigError};
use crate::compat::books::{self, Refused};
use crate::server::lesson::Rule;
use crate::tools::health_rules::Rules;
use crate::tools::{healthcheck, watch};
use crate::{server, web};

/// What the command line asked for, as the configuration of the part that runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Serve(server::Config),
    /// One probe of `url`, given up after `timeout`.
    Healthcheck {
        url: String,
        timeout: Duration,
    },
    Watch(watch::Config),
    Web(web::Config),
}

/// Parses the command line and the environment into an [`Invocation`].
pub fn parse<I, T>(args: I) -> Result<Invocation, ConfigError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = Cli::command()
        .try_get_matches_from(switches_alone(args))
        .map_err(describe)?;
    let cli = Cli::from_arg_matches(&matches).map_err(describe)?;
    let serve = cli.serve;
    let books = serve.books.read(&matches).map_err(refused)?;
    // `--listen` after the subcommand wins over the one before it.
    let listen = |name: &str, theirs| match matches.subcommand_matches(name) {
        Some(sub) if sub.value_source("listen") == Some(ValueSource::CommandLine) => theirs,
        _ => serve.listen,
    };

    Ok(match cli.command {
        Some(Command::Healthcheck(args)) => Invocation::Healthcheck {
            url: args
                .url
                .unwrap_or_else(|| healthcheck::default_url(listen("healthcheck", args.listen))),
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
            let web = matches.subcommand_matches("web");
            // The book's URL is read, and checked, only when ours is not given.
            let api_url = match web.is_some_and(|web| given(web, "api_url")) {
                true => args.api_url,
                false => books::api_url().map_err(refused)?.unwrap_or(args.api_url),
            };
            Invocation::Web(web::Config {
                listen: listen("web", args.listen),
                check_url: args.api_check.and_then(|check| check.check_url(&api_url)),
                api_url,
                api_timeout: args.api_timeout,
                workers: default_workers(),
                log_level: books.log_level,
            })
        }
        None => {
            let ours = (Rule::Chapter8, serve.fail_after);
            let (rule, fail_after) = ours_or_books(given(&matches, "fail_after"), ours, books.rule);
            let broken = ours_or_books(given(&matches, "broken"), serve.broken, books.broken);
            Invocation::Serve(server::Config {
                listen: serve.listen,
                fail_after,
                rule,
                broken,
                log_level: books.log_level,
                workers: serve.workers.map_or_else(default_workers, usize::from),
                health_mode: serve.health_mode,
                startup_delay: serve.startup_delay,
                shutdown_delay: serve.shutdown_delay,
                exit_on_unhealthy: serve.exit_on_unhealthy,
                control: serve.control,
            })
        }
    })
}

/// `watch --verbose URL`: a switch not followed by a boolish word means true,
/// where clap would take the URL for its value.
fn switches_alone<T: Into<OsString>>(args: impl IntoIterator<Item = T>) -> Vec<OsString> {
    const BOOLISH: [&str; 12] = [
        "y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0",
    ];
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let end = args
        .iter()
        .position(|arg| arg == "--")
        .unwrap_or(args.len());
    for at in 0..end {
        let next = args.get(at + 1).and_then(|arg| arg.to_str());
        let valued = next.is_some_and(|next| BOOLISH.iter().any(|b| b.eq_ignore_ascii_case(next)));
        if (args[at] == "--verbose" || args[at] == "--inspect") && !valued {
            args[at].push("=true");
        }
    }
    args
}

/// Ours when given (flag or variable), else the book's, else our default.
fn ours_or_books<T>(ours_given: bool, ours: T, books: Option<T>) -> T {
    match books {
        Some(theirs) if !ours_given => theirs,
        _ => ours,
    }
}

/// Whether the user gave a setting, on the command line or in its variable.
fn given(matches: &ArgMatches, id: &str) -> bool {
    let source = matches.value_source(id);
    source.is_some_and(|source| source != ValueSource::DefaultValue)
}

fn refused(refused: Refused) -> ConfigError {
    invalid(&refused.value, &refused.variable, Some(&refused.reason))
}

/// One worker per core, as actix-web itself would choose.
fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
