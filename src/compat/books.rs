//! The books' settings, read here only, by .NET's rule ([`configuration`]), handed on in
//! our words. clap's `env` on the three flags only names the variable in `--help`.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};

use super::configuration::{self, parse_dotnet_bool};
use crate::server::lesson::Rule;
use crate::util::http::parse_url;
use crate::util::telemetry::LogLevel;

#[derive(Debug, Args)]
#[command(
    next_help_heading = "The books' settings (read as .NET reads them: any case, ':' or '__')"
)]
pub struct BookArgs {
    /// The Kubernetes book's rule, used unless --fail-after or
    /// NUMBERS_FAIL_AFTER is set: the N-th call of /rng still answers and
    /// marks the service unhealthy, later calls answer 500
    /// {"message":"Unhealthy!"}, /health and /healthz 500
    /// {"message":"Unhealthy"}; /reset heals and the count stays; 0 (or
    /// unset, with UseFailureId) means never fail
    #[arg(long, env = "FailAfterCallCount", value_name = "N", value_parser = parse_count)]
    fail_after_call_count: Option<u64>,

    /// The Kubernetes book's rule (as FailAfterCallCount, which it picks
    /// too), with a GUID in each failing call's message:
    /// {"message":"Unhealthy! Failure ID: <guid>"}, logged as well; true or
    /// false
    #[arg(long, env = "UseFailureId", value_name = "BOOL", value_parser = parse_dotnet_bool)]
    use_failure_id: Option<bool>,

    /// Log level, in ASP.NET Core's words: Trace, Debug (logs each number
    /// handed out), Information, Warning, Error, Critical or None. RUST_LOG,
    /// when set, wins [default: Information]
    #[arg(long, env = "Logging__LogLevel__Default", value_name = "LEVEL")]
    log_level: Option<LogLevel>,
}

/// What the books ask for, in our words; `None` where they say nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Books {
    /// The Kubernetes book's rule and its budget.
    pub rule: Option<(Rule, u64)>,
    pub broken: Option<bool>,
    pub log_level: Option<LogLevel>,
}

/// A book's setting with a value it cannot take: for the one-line error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub value: String,
    pub variable: String,
    pub reason: String,
}

impl BookArgs {
    /// Every book's setting: its flag when given, else the environment.
    pub fn read(&self, matches: &ArgMatches) -> Result<Books, Refused> {
        let flag = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
        let count = match flag("fail_after_call_count") {
            true => self.fail_after_call_count,
            false => read("FailAfterCallCount", parse_count)?,
        };
        let failure_id = match flag("use_failure_id") {
            true => self.use_failure_id,
            false => read("UseFailureId", parse_dotnet_bool)?,
        };
        let log_level = match flag("log_level") {
            true => self.log_level,
            false => read("Logging:LogLevel:Default", str::parse)?,
        };
        // Either setting picks the Kubernetes rule; no count means never fail.
        let rule = (count.is_some() || failure_id.is_some()).then(|| {
            let failure_id = failure_id.unwrap_or(false);
            (Rule::Kubernetes { failure_id }, count.unwrap_or(0))
        });
        Ok(Books {
            rule,
            broken: read("Broken", parse_dotnet_bool)?,
            log_level,
        })
    }
}

/// Numbers.Web's `RngApi:Url`, if set.
pub fn api_url() -> Result<Option<String>, Refused> {
    read("RngApi:Url", parse_url)
}

fn read<T>(key: &str, parse: impl Fn(&str) -> Result<T, String>) -> Result<Option<T>, Refused> {
    let Some(found) = configuration::lookup(key) else {
        return Ok(None);
    };
    parse(&found.value).map(Some).map_err(|reason| Refused {
        value: found.value,
        variable: found.variable,
        reason,
    })
}

/// A whole number of calls, as `--fail-after` takes it too.
pub fn parse_count(value: &str) -> Result<u64, String> {
    let count = value.trim().parse();
    count.map_err(|_| "expected a whole number of calls, 0 or more (0 = never fail)".into())
}
