//! clap's errors as one line naming the setting and the value.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::CommandFactory;

use super::args::Cli;

/// Why the command line did not yield settings.
#[derive(Debug)]
pub enum ConfigError {
    /// `--help` or `--version`: print it and exit 0.
    Display(clap::Error),
    /// A bad setting: the one-line message names it and its value.
    Invalid(String),
}

/// clap's error as one line naming the setting (its variable, if set) and value.
pub(super) fn describe(err: clap::Error) -> ConfigError {
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => ConfigError::Display(err),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let arg = context(&err, ContextKind::InvalidArg).unwrap_or_default();
            let value = context(&err, ContextKind::InvalidValue).unwrap_or_default();
            let flag = arg.split([' ', '[', '=']).next().unwrap_or_default();
            let setting = match env_of(flag) {
                Some(var) if std::env::var_os(&var).is_some_and(|v| v == value.as_str()) => var,
                Some(var) => format!("{flag} ({var})"),
                None => flag.to_string(),
            };
            let reason = std::error::Error::source(&err).map(ToString::to_string);
            invalid(&value, &setting, reason.as_deref())
        }
        _ => ConfigError::Invalid(compact(&err.render().to_string())),
    }
}

/// clap's message on one line, with its tip and usage when it has a tip or a list.
fn compact(rendered: &str) -> String {
    let mut lines = rendered
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty());
    let mut line = lines
        .next()
        .unwrap_or("invalid command line")
        .replacen("error: ", "", 1);
    let (mut tips, mut usage, mut helpful) = (String::new(), String::new(), false);
    for next in lines {
        if next.starts_with("tip:") {
            helpful = true;
            tips = format!("{tips}; {next}");
        } else if let Some(rest) = next.strip_prefix("Usage: ") {
            usage = format!("; usage: {rest}");
        } else if next.starts_with('<') || next.starts_with("--") {
            helpful = true;
            line = format!("{line} {next}");
        }
    }
    match helpful {
        true => format!("{line}{tips}{usage}"),
        false => line,
    }
}

/// The one line for a bad `value` of `setting`.
pub(super) fn invalid(value: &str, setting: &str, reason: Option<&str>) -> ConfigError {
    let shown = printable(value);
    let reason = reason.map(|r| format!(": {r}")).unwrap_or_default();
    ConfigError::Invalid(format!("invalid value '{shown}' for {setting}{reason}"))
}

/// Control characters escaped, so a stray newline cannot break the line.
fn printable(value: &str) -> String {
    value
        .chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect()
}

fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    err.get(kind).map(ContextValue::to_string)
}

/// The environment variable behind a flag such as `--fail-after`.
fn env_of(flag: &str) -> Option<String> {
    let command = Cli::command();
    let subcommands = command
        .get_subcommands()
        .flat_map(|sub| sub.get_arguments());
    let env = (command.get_arguments().chain(subcommands))
        .filter(|arg| {
            arg.get_long()
                .is_some_and(|long| flag == format!("--{long}"))
        })
        .find_map(|arg| arg.get_env().map(|env| env.to_string_lossy().into_owned()));
    env
}
