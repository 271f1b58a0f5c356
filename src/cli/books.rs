//! The server's settings under the books' names: ASP.NET Core configuration
//! keys, set as environment variables by the books' compose files and
//! Kubernetes manifests, each with a flag so that `--help` documents it.
//! Ours win where both name one setting (see [`BookArgs::rule`] and
//! [`BookArgs::broken`]). Their values are read as
//! .NET reads them (`true`/`false` in any case for a `bool`, a level's name
//! in any case or its number), and a bad one stops the program before it
//! serves, where .NET would fail later or at the first request.
//!
//! - `FailAfterCallCount`, `UseFailureId`: the Kubernetes book's numbers-api
//!   (kiamol, chapter 3 on), whose rule differs from chapter 8's (see
//!   [`crate::server::lesson::Rule`]).
//! - `Broken`: the v5 app of chapter 14 (`appsettings.json` sets it true;
//!   the book's compose files set `Broken=false`). Ours is false unless set.
//! - `Logging__LogLevel__Default`: every ASP.NET Core app's log level
//!   (chapter 19 sets `Debug`); see [`crate::util::telemetry`].

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};

use super::args::{BROKEN_ID, FAIL_AFTER_ID};
use super::parsers::parse_fail_after;
use crate::compat::configuration::parse_dotnet_bool;
use crate::server::lesson::Rule;
use crate::util::telemetry::LogLevel;

#[derive(Debug, Args)]
pub struct BookArgs {
    /// The Kubernetes book's rule, used unless --fail-after or
    /// NUMBERS_FAIL_AFTER is set: the N-th call of /rng still answers and
    /// marks the service unhealthy, later calls answer 500
    /// {"message":"Unhealthy!"}, /health and /healthz 500
    /// {"message":"Unhealthy"}; /reset heals and the count stays; 0 (or
    /// unset, with UseFailureId) means never fail
    #[arg(
        long = "fail-after-call-count",
        env = "FailAfterCallCount",
        value_name = "N",
        value_parser = parse_fail_after
    )]
    pub fail_after_call_count: Option<u64>,

    /// The Kubernetes book's rule (as FailAfterCallCount, which it picks
    /// too), with a GUID in each failing call's message:
    /// {"message":"Unhealthy! Failure ID: <guid>"}, logged as well; true or
    /// false
    #[arg(
        long = "use-failure-id",
        env = "UseFailureId",
        value_name = "BOOL",
        value_parser = parse_dotnet_bool
    )]
    pub use_failure_id: Option<bool>,

    /// The v5 app's name for --broken (documented there).
    #[arg(
        long = "v5-broken",
        env = "Broken",
        value_name = "BOOL",
        value_parser = parse_dotnet_bool,
        hide = true
    )]
    pub v5_broken: Option<bool>,

    /// Log level, in ASP.NET Core's words: Trace, Debug (logs each number
    /// handed out), Information, Warning, Error, Critical or None. RUST_LOG,
    /// when set, wins [default: Information]
    #[arg(long, env = "Logging__LogLevel__Default", value_name = "LEVEL")]
    pub log_level: Option<LogLevel>,
}

impl BookArgs {
    /// Which rule counts the calls, and after how many the service fails:
    /// chapter 8's when `--fail-after` or `NUMBERS_FAIL_AFTER` is given (the
    /// Kubernetes book's settings are then ignored); else the Kubernetes
    /// book's when `FailAfterCallCount` or `UseFailureId` is, never failing
    /// unless `FailAfterCallCount` says otherwise, as in its image; else
    /// chapter 8's with its default, three.
    pub(super) fn rule(&self, matches: &ArgMatches, fail_after: u64) -> (Rule, u64) {
        let kubernetes = self.fail_after_call_count.is_some() || self.use_failure_id.is_some();
        if given(matches, FAIL_AFTER_ID) || !kubernetes {
            return (Rule::Chapter8, fail_after);
        }
        (
            Rule::Kubernetes {
                failure_id: self.use_failure_id.unwrap_or(false),
            },
            self.fail_after_call_count.unwrap_or(0),
        )
    }

    /// `--broken` (`NUMBERS_BROKEN`) when given, else the v5 app's
    /// `Broken`, else not broken.
    pub(super) fn broken(&self, matches: &ArgMatches, broken: bool) -> bool {
        match self.v5_broken {
            Some(v5) if !given(matches, BROKEN_ID) => v5,
            _ => broken,
        }
    }
}

/// Whether the user gave a setting, on the command line or in its variable.
pub(super) fn given(matches: &ArgMatches, id: &str) -> bool {
    !matches!(
        matches.value_source(id),
        Some(ValueSource::DefaultValue) | None
    )
}

#[cfg(test)]
mod tests {
    use super::super::settings::{parse, Invocation};
    use super::*;
    use crate::server::Config;

    fn serve(args: &[&str]) -> Config {
        match parse(std::iter::once("numbers-api").chain(args.iter().copied())) {
            Ok(Invocation::Serve(config)) => config,
            other => panic!("expected the server's configuration, got {other:?}"),
        }
    }

    fn rule(args: &[&str]) -> (Rule, u64) {
        let config = serve(args);
        (config.rule, config.fail_after)
    }

    const KUBERNETES: Rule = Rule::Kubernetes { failure_id: false };

    #[test]
    fn chapter_8s_rule_with_three_calls_unless_a_book_setting_is_given() {
        assert_eq!(rule(&[]), (Rule::Chapter8, 3));
        assert_eq!(rule(&["--fail-after", "5"]), (Rule::Chapter8, 5));
    }

    #[test]
    fn fail_after_call_count_picks_the_kubernetes_rule() {
        assert_eq!(rule(&["--fail-after-call-count", "1"]), (KUBERNETES, 1));
        assert_eq!(rule(&["--fail-after-call-count", "0"]), (KUBERNETES, 0));
    }

    #[test]
    fn use_failure_id_alone_picks_the_kubernetes_rule_that_never_fails() {
        let with_ids = Rule::Kubernetes { failure_id: true };
        assert_eq!(rule(&["--use-failure-id", "true"]), (with_ids, 0));
        assert_eq!(rule(&["--use-failure-id", "False"]), (KUBERNETES, 0));
        assert_eq!(
            rule(&["--use-failure-id", "TRUE", "--fail-after-call-count", "2"]),
            (with_ids, 2)
        );
    }

    #[test]
    fn fail_after_wins_over_the_kubernetes_books_settings() {
        let both = [
            "--fail-after-call-count",
            "1",
            "--use-failure-id",
            "true",
            "--fail-after",
            "2",
        ];
        assert_eq!(rule(&both), (Rule::Chapter8, 2));
        // Given, even at its default value.
        assert_eq!(
            rule(&["--fail-after", "3", "--fail-after-call-count", "1"]),
            (Rule::Chapter8, 3)
        );
    }

    #[test]
    fn broken_is_off_by_default_and_ours_wins_over_the_v5_apps() {
        assert!(!serve(&[]).broken);
        assert!(serve(&["--broken"]).broken);
        assert!(serve(&["--broken", "true"]).broken);
        assert!(serve(&["--v5-broken", "true"]).broken);
        assert!(serve(&["--v5-broken", "True"]).broken);
        assert!(!serve(&["--v5-broken", "false"]).broken);
        assert!(!serve(&["--broken", "false", "--v5-broken", "true"]).broken);
        assert!(serve(&["--broken", "--v5-broken", "false"]).broken);
    }

    #[test]
    fn the_log_level_is_asp_net_cores() {
        assert_eq!(serve(&[]).log_level, None);
        assert_eq!(
            serve(&["--log-level", "Debug"]).log_level,
            Some(LogLevel::Debug)
        );
        assert!(parse(["numbers-api", "--log-level", "verbose"]).is_err());
    }

    #[test]
    fn the_start_line_says_which_rule_and_whether_broken() {
        assert_eq!(serve(&[]).failure_summary(), "fail-after 3");
        assert_eq!(
            serve(&["--fail-after", "0"]).failure_summary(),
            "fail-after 0 = never fail"
        );
        assert_eq!(
            serve(&["--fail-after-call-count", "1", "--use-failure-id", "true"]).failure_summary(),
            "FailAfterCallCount 1: the Kubernetes book's rule, with Failure IDs"
        );
        assert_eq!(
            serve(&["--broken"]).failure_summary(),
            "fail-after 3; broken: unhealthy until /reset"
        );
    }
}
