//! Health modes a teacher can switch on (`--health-mode`, the control API), one per
//! Docker setting: `fail` (retries), `hang`, `slow` (timeout), `fail-next`, `flap` (streak).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// How `/health` behaves, on top of the lab's call counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HealthMode {
    /// The lab: healthy until the call budget is spent.
    #[default]
    Ok,
    /// Every probe fails with 500.
    Fail,
    /// Probes are accepted and never answered.
    Hang,
    /// Probes are answered as in `Ok`, after this delay.
    Slow(Duration),
    /// The next k probes fail; then the mode returns to `Ok`.
    FailNext(u32),
    /// Runs of n passing probes and n failing ones, alternately.
    Flap(u32),
}

impl HealthMode {
    /// Every mode's syntax, for error messages and help.
    pub const SYNTAX: &'static str = "ok, fail, hang, slow=<ms>, fail-next=<k> or flap[=<n>]";
}

impl FromStr for HealthMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (name, value) = match text.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim())),
            None => (text, None),
        };
        let count = |value: &str, what: &str| {
            let n = value.parse::<u32>().ok().filter(|&n| n > 0);
            n.ok_or_else(|| format!("{what} must be a whole number from 1 up, not {value:?}"))
        };
        match (name, value) {
            ("ok", None) => Ok(HealthMode::Ok),
            ("fail", None) => Ok(HealthMode::Fail),
            ("hang", None) => Ok(HealthMode::Hang),
            ("slow", Some(value)) => {
                // `slow=500` is milliseconds; `slow=2s` says its unit.
                let delay = match value.parse::<u64>() {
                    Ok(ms) => Duration::from_millis(ms),
                    Err(_) => crate::util::duration::parse(value)?,
                };
                if delay > Duration::from_secs(3600) {
                    return Err(format!("slow={value} is over an hour"));
                }
                Ok(HealthMode::Slow(delay))
            }
            ("fail-next", Some(value)) => Ok(HealthMode::FailNext(count(value, "fail-next")?)),
            ("flap", None) => Ok(HealthMode::Flap(1)),
            ("flap", Some(value)) => Ok(HealthMode::Flap(count(value, "flap")?)),
            ("slow" | "fail-next", None) => Err(format!("{name} needs a value: {}", Self::SYNTAX)),
            ("ok" | "fail" | "hang", Some(_)) => Err(format!("{name} takes no value")),
            _ => Err(format!("unknown mode {text:?}: expected {}", Self::SYNTAX)),
        }
    }
}

impl fmt::Display for HealthMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HealthMode::Ok => write!(f, "ok"),
            HealthMode::Fail => write!(f, "fail"),
            HealthMode::Hang => write!(f, "hang"),
            // Whole milliseconds bare; anything finer with its unit.
            HealthMode::Slow(delay) if delay.subsec_nanos() % 1_000_000 == 0 => {
                write!(f, "slow={}", delay.as_millis())
            }
            HealthMode::Slow(delay) => write!(f, "slow={}", crate::util::duration::format(*delay)),
            HealthMode::FailNext(k) => write!(f, "fail-next={k}"),
            HealthMode::Flap(1) => write!(f, "flap"),
            HealthMode::Flap(n) => write!(f, "flap={n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_parses_and_prints_back() {
        for text in [
            "ok",
            "fail",
            "hang",
            "slow=1500",
            "fail-next=2",
            "flap",
            "flap=3",
        ] {
            let mode: HealthMode = text.parse().unwrap();
            assert_eq!(mode.to_string(), text);
        }
    }

    #[test]
    fn slow_takes_milliseconds_or_a_duration() {
        assert_eq!(
            "slow=250".parse(),
            Ok(HealthMode::Slow(Duration::from_millis(250)))
        );
        assert_eq!(
            "slow=2s".parse(),
            Ok(HealthMode::Slow(Duration::from_secs(2)))
        );
    }

    #[test]
    fn bad_modes_say_what_is_expected() {
        for bad in [
            "",
            "broken",
            "slow",
            "slow=x",
            "fail-next=0",
            "fail-next=-1",
            "ok=1",
            "flap=0",
        ] {
            let err = bad.parse::<HealthMode>().unwrap_err();
            assert!(!err.is_empty() && !err.contains('\n'), "{bad:?}: {err}");
        }
    }

    #[test]
    fn a_mode_that_needs_a_value_says_so() {
        for (bad, says) in [
            ("slow", "slow needs a value"),
            ("fail-next", "fail-next needs a value"),
            ("ok=1", "ok takes no value"),
            ("fail=2", "fail takes no value"),
            ("hang=3", "hang takes no value"),
            ("broken", "unknown mode"),
        ] {
            let err = bad.parse::<HealthMode>().unwrap_err();
            assert!(err.contains(says), "{bad:?}: {err}");
        }
    }

    #[test]
    fn the_bounds_of_each_value_are_inclusive() {
        assert_eq!(
            "slow=3600000".parse(),
            Ok(HealthMode::Slow(Duration::from_secs(3600)))
        );
        assert!("slow=3600001".parse::<HealthMode>().is_err());
        assert_eq!("slow=0".parse(), Ok(HealthMode::Slow(Duration::ZERO)));
        assert_eq!("fail-next=1".parse(), Ok(HealthMode::FailNext(1)));
        assert_eq!("flap=1".parse(), Ok(HealthMode::Flap(1)));
        assert_eq!(" flap = 2 ".parse(), Ok(HealthMode::Flap(2)));
        assert_eq!(
            HealthMode::Slow(Duration::from_micros(1500)).to_string(),
            "slow=1.5ms"
        );
    }
}
