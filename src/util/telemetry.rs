//! Logging: `RUST_LOG`, else `--log-level` (ASP.NET Core's names), else `info`; crates
//! under us stay at `info` at most, and the start and stop lines ([`LIFETIME`]) always show.

use std::str::FromStr;

use log::LevelFilter;

/// The target of the start and stop lines, kept at `info`.
pub const LIFETIME: &str = "numbers_api::lifetime";

/// ASP.NET Core's log levels, the values of `Logging__LogLevel__Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Trace,
    Debug,
    Information,
    Warning,
    Error,
    Critical,
    None,
}

impl LogLevel {
    const ALL: [LogLevel; 7] = [
        LogLevel::Trace,
        LogLevel::Debug,
        LogLevel::Information,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Critical,
        LogLevel::None,
    ];

    /// The `log` crate's level (no `Critical`: `error`).
    fn filter(self) -> LevelFilter {
        use LevelFilter::*;
        [Trace, Debug, Info, Warn, Error, Error, Off][self as usize]
    }
}

/// As .NET reads an enum: any case, or the number (`Trace` 0 to `None` 6).
impl FromStr for LogLevel {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let found = match text.parse::<usize>() {
            Ok(number) => Self::ALL.get(number).copied(),
            Err(_) => Self::ALL
                .into_iter()
                .find(|level| format!("{level:?}").eq_ignore_ascii_case(text)),
        };
        found.ok_or_else(|| {
            "expected Trace, Debug, Information, Warning, Error, Critical or None".into()
        })
    }
}

/// The env_logger filter for `--log-level`, when `RUST_LOG` is not set.
fn filter(level: Option<LogLevel>) -> String {
    let Some(ours) = level.map(LogLevel::filter) else {
        return "info".into();
    };
    let under_us = ours.min(LevelFilter::Info);
    format!("{under_us},numbers_api={ours},{LIFETIME}=info").to_lowercase()
}

/// Starts logging: `RUST_LOG` if set, else [`filter`] of `level`.
pub fn init(level: Option<LogLevel>) {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(filter(level)))
        .format_timestamp_millis()
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_asp_net_level_maps_onto_a_log_level() {
        let mapped: Vec<(LogLevel, LevelFilter)> =
            LogLevel::ALL.iter().map(|l| (*l, l.filter())).collect();
        assert_eq!(
            mapped,
            [
                (LogLevel::Trace, LevelFilter::Trace),
                (LogLevel::Debug, LevelFilter::Debug),
                (LogLevel::Information, LevelFilter::Info),
                (LogLevel::Warning, LevelFilter::Warn),
                (LogLevel::Error, LevelFilter::Error),
                (LogLevel::Critical, LevelFilter::Error),
                (LogLevel::None, LevelFilter::Off),
            ]
        );
    }

    #[test]
    fn levels_are_read_in_any_case_or_by_number_as_dotnet_reads_them() {
        assert_eq!("Debug".parse(), Ok(LogLevel::Debug));
        assert_eq!("debug".parse(), Ok(LogLevel::Debug));
        assert_eq!(" INFORMATION ".parse(), Ok(LogLevel::Information));
        assert_eq!("0".parse(), Ok(LogLevel::Trace));
        assert_eq!("6".parse(), Ok(LogLevel::None));
        for bad in ["", "7", "-1", "info", "Warn", "Debug,Info"] {
            assert!(bad.parse::<LogLevel>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_level_is_ours_the_framework_stays_at_info_at_most_and_start_lines_show() {
        assert_eq!(filter(None), "info");
        assert_eq!(
            filter(Some(LogLevel::Debug)),
            "info,numbers_api=debug,numbers_api::lifetime=info"
        );
        assert_eq!(
            filter(Some(LogLevel::Trace)),
            "info,numbers_api=trace,numbers_api::lifetime=info"
        );
        assert_eq!(
            filter(Some(LogLevel::Warning)),
            "warn,numbers_api=warn,numbers_api::lifetime=info"
        );
        assert_eq!(
            filter(Some(LogLevel::None)),
            "off,numbers_api=off,numbers_api::lifetime=info"
        );
    }
}
