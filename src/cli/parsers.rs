//! Value parsers of numbers, addresses and durations; a part's own type
//! parses itself (`FromStr`).

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::Duration;

use crate::util::duration;

pub(super) fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    value
        .parse()
        .map_err(|_| "expected an IP address and port, such as 0.0.0.0:8080 or [::]:8080".into())
}

pub(super) fn parse_workers(value: &str) -> Result<NonZeroUsize, String> {
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN)),
        _ => Err("expected a number of threads from 1 to 1024".into()),
    }
}

/// Delays up to an hour: longer is a typo, not a lesson.
pub(super) fn parse_delay(value: &str) -> Result<Duration, String> {
    let delay = duration::parse(value)?;
    if delay > Duration::from_secs(3600) {
        return Err("expected at most 1h".into());
    }
    Ok(delay)
}

/// Probe intervals and timeouts: at least 10ms, so a typo cannot flood the service.
pub(super) fn parse_at_least_10ms(value: &str) -> Result<Duration, String> {
    let delay = parse_delay(value)?;
    if delay < Duration::from_millis(10) {
        return Err("expected at least 10ms".into());
    }
    Ok(delay)
}

/// A HEALTHCHECK's interval, timeout or start interval: 0 means Docker's default.
pub(super) fn parse_health_duration(value: &str) -> Result<Duration, String> {
    match parse_delay(value)? {
        Duration::ZERO => Ok(Duration::ZERO),
        _ => parse_at_least_10ms(value).map_err(|e| format!("{e} (or 0 for Docker's default)")),
    }
}

pub(super) fn parse_exit_code(value: &str) -> Result<u8, String> {
    match value.trim().parse::<u8>() {
        // 0 would look like success: `restart: on-failure` would not act.
        Ok(code) if code > 0 => Ok(code),
        _ => Err("expected an exit code from 1 to 255".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_go_up_to_an_hour_inclusive() {
        assert_eq!(parse_delay("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_delay("0"), Ok(Duration::ZERO));
        assert!(parse_delay("3600.001s").is_err());
        assert!(parse_delay("61m").is_err());
    }

    #[test]
    fn probe_durations_start_at_10ms_inclusive() {
        assert_eq!(parse_at_least_10ms("10ms"), Ok(Duration::from_millis(10)));
        assert!(parse_at_least_10ms("9ms").is_err());
        assert!(parse_at_least_10ms("9.999ms").is_err());
        assert_eq!(parse_at_least_10ms("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_at_least_10ms("2h").is_err());
    }

    #[test]
    fn health_durations_take_zero_or_the_probe_range() {
        assert_eq!(parse_health_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_health_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_health_duration("10ms"), Ok(Duration::from_millis(10)));
        let err = parse_health_duration("5ms").unwrap_err();
        assert!(
            err.contains("at least 10ms") && err.contains("0 for Docker's default"),
            "{err}"
        );
    }

    #[test]
    fn workers_and_exit_codes_have_inclusive_ranges() {
        assert_eq!(parse_workers("1").map(NonZeroUsize::get), Ok(1));
        assert_eq!(parse_workers("1024").map(NonZeroUsize::get), Ok(1024));
        assert!(parse_workers("0").is_err());
        assert!(parse_workers("1025").is_err());
        assert_eq!(parse_exit_code("1"), Ok(1));
        assert_eq!(parse_exit_code("255"), Ok(255));
        assert!(parse_exit_code("0").is_err());
        assert!(parse_exit_code("256").is_err());
    }
}
