//! Timestamps: Go's RFC3339Nano as `docker inspect` writes them (local zone),
//! and the lab page's time of day (UTC). No zone data means UTC.

use std::time::SystemTime;

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The zone Docker would stamp times in: `TZ`, `/etc/localtime`, else UTC.
pub fn local_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// UTC in Go's RFC3339Nano: `2026-11-25T12:16:14.357113569Z`.
pub fn rfc3339_nano_utc(time: SystemTime) -> String {
    rfc3339_nano_in(time, &TimeZone::UTC)
}

/// Go's RFC3339Nano in `zone`: no trailing zeros, `Z` or `+hh:mm`.
pub fn rfc3339_nano_in(time: SystemTime, zone: &TimeZone) -> String {
    let at = timestamp(time);
    let offset = zone.to_offset(at).seconds();
    // Go writes hours and minutes only, dropping any seconds.
    let minutes = offset.unsigned_abs() / 60;
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = match offset {
        0 => "Z".to_string(),
        _ => format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60),
    };
    let local = zone.to_datetime(at);
    format!("{}{offset}", local.strftime("%Y-%m-%dT%H:%M:%S%.f"))
}

/// `HH:MM:SS.mmm`, UTC.
pub fn time_of_day(at: SystemTime) -> String {
    let time = TimeZone::UTC.to_datetime(timestamp(at));
    time.strftime("%H:%M:%S%.3f").to_string()
}

/// A clock outside jiff's range (years -9999 to 9999) reads as the epoch.
fn timestamp(time: SystemTime) -> Timestamp {
    Timestamp::try_from(time).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap_or_else(|e| panic!("{name} from the system tzdb: {e}"))
    }

    #[test]
    fn utc_reads_as_the_engine_writes_it() {
        assert_eq!(rfc3339_nano_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        // A leap day, half a second before midnight.
        assert_eq!(
            rfc3339_nano_utc(at(1_709_251_199, 500_000_000)),
            "2024-02-29T23:59:59.5Z"
        );
        // 2000 is a leap year (divisible by 400).
        assert_eq!(rfc3339_nano_utc(at(951_782_400, 0)), "2000-02-29T00:00:00Z");
        // The last nanosecond of a year.
        assert_eq!(
            rfc3339_nano_utc(at(1_735_689_599, 999_999_999)),
            "2024-12-31T23:59:59.999999999Z"
        );
        // Trailing zeros of the fraction are dropped.
        assert_eq!(
            rfc3339_nano_utc(at(1_790_000_000, 402_236_800)),
            "2026-09-21T14:13:20.4022368Z"
        );
    }

    #[test]
    fn a_zone_adds_its_offset_as_the_engine_does() {
        // The docker inspect line the issue quotes, from a daemon in Seoul.
        assert_eq!(
            rfc3339_nano_in(at(1_730_006_174, 357_113_569), &zone("Asia/Seoul")),
            "2024-10-27T14:16:14.357113569+09:00"
        );
        // A year end in Seoul is still the old year in UTC.
        assert_eq!(
            rfc3339_nano_in(at(1_704_034_800, 0), &zone("Asia/Seoul")),
            "2024-01-01T00:00:00+09:00"
        );
        assert_eq!(
            rfc3339_nano_utc(at(1_704_034_800, 0)),
            "2023-12-31T15:00:00Z"
        );
    }

    #[test]
    fn offsets_follow_daylight_saving() {
        let new_york = zone("America/New_York");
        // 2024-03-10 07:00 UTC: clocks jump from 02:00 EST to 03:00 EDT.
        assert_eq!(
            rfc3339_nano_in(at(1_710_053_999, 0), &new_york),
            "2024-03-10T01:59:59-05:00"
        );
        assert_eq!(
            rfc3339_nano_in(at(1_710_054_000, 0), &new_york),
            "2024-03-10T03:00:00-04:00"
        );
        let berlin = zone("Europe/Berlin");
        // 2024-10-27 01:00 UTC: clocks fall back from 03:00 CEST to 02:00 CET.
        assert_eq!(
            rfc3339_nano_in(at(1_729_990_799, 250_000_000), &berlin),
            "2024-10-27T02:59:59.25+02:00"
        );
        assert_eq!(
            rfc3339_nano_in(at(1_729_990_800, 0), &berlin),
            "2024-10-27T02:00:00+01:00"
        );
    }

    #[test]
    fn a_zero_offset_is_z_even_outside_utc() {
        // London in winter is +00:00, which Go writes as Z.
        assert_eq!(
            rfc3339_nano_in(at(1_704_067_200, 0), &zone("Europe/London")),
            "2024-01-01T00:00:00Z"
        );
    }

    #[test]
    fn times_are_utc_to_the_millisecond() {
        let at = UNIX_EPOCH + Duration::from_millis(86_400_000 + 3_723_004);
        assert_eq!(time_of_day(at), "01:02:03.004");
    }
}
