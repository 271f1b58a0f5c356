//! `numbers_api::cli::parse`, fed arbitrary command lines over every
//! subcommand's settings (serve, healthcheck, watch, web), each becoming
//! its part's own configuration: it never panics (here), valid values of
//! every setting come back as given ([`super::config_valid`]), and an
//! invalid value is refused with one line that names the setting
//! ([`super::config_refusals`]). This file also holds the generators the
//! three share.
//!
//! Only the command line is generated: the process environment is shared
//! with the tests running beside these, so it is read, never changed.

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

use numbers_api::cli::{self, ConfigError, Invocation};
use numbers_api::server;
use numbers_api::server::mode::HealthMode;
use numbers_api::tools::health_rules::Status;
use numbers_api::tools::watch;
use proptest::prelude::*;

/// The server's configuration with nothing on the command line: the
/// defaults, or what the environment running the tests sets.
pub(super) fn baseline() -> server::Config {
    match cli::parse(["numbers-api"]) {
        Ok(Invocation::Serve(config)) => config,
        other => panic!("the test environment sets a bad setting: {other:?}"),
    }
}

pub(super) fn parse(args: Vec<OsString>) -> Result<Invocation, ConfigError> {
    cli::parse(std::iter::once(OsString::from("numbers-api")).chain(args))
}

/// One argument: a flag the program knows, a plausible value, or anything at
/// all, including bytes that are not UTF-8.
pub(super) fn argument() -> impl Strategy<Value = OsString> {
    prop_oneof![
        prop::sample::select(vec![
            // The server's.
            "--listen",
            "--fail-after",
            "--fail-after-call-count",
            "--use-failure-id",
            "--broken",
            "--v5-broken",
            "--log-level",
            "--workers",
            "--health-mode",
            "--startup-delay",
            "--shutdown-delay",
            "--exit-on-unhealthy",
            "--control",
            // The subcommands and theirs.
            "healthcheck",
            "--url",
            "--timeout-ms",
            "watch",
            "--interval",
            "--timeout",
            "--retries",
            "--start-period",
            "--start-interval",
            "--inspect",
            "--verbose",
            "--until",
            "--probes",
            "web",
            "--api-url",
            "--api-timeout",
            "--check-api",
            "--help",
            "-h",
            "--version",
            "-V",
            "--",
            "-",
            "",
        ])
        .prop_map(OsString::from),
        prop::sample::select(vec![
            "0",
            "3",
            "-1",
            "1025",
            "18446744073709551616",
            "127.0.0.1:0",
            "[::]:8080",
            "http://127.0.0.1:1/health",
            "ftp://x",
            "500ms",
            "9ms",
            "1h",
            "61m",
            "1m30s",
            "true",
            "false",
            "True",
            "Debug",
            "None",
            "health",
            "starting",
            "healthy",
            "unhealthy",
            "hang",
            "slow",
            "slow=250",
            "fail-next=2",
            "flap=0",
        ])
        .prop_map(OsString::from),
        text().prop_map(OsString::from),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(OsString::from_vec),
    ]
}

/// Any text at all: control characters (newlines, NUL, escapes) included,
/// which `text()` leaves out.
pub(super) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<char>(), 0..16).prop_map(String::from_iter),
        prop::collection::vec(prop::char::range('\0', '\x7f'), 0..16).prop_map(String::from_iter),
    ]
}

/// `--flag value` or `--flag=value`, as a user may write either.
pub(super) fn flag(name: &str, value: String, joined: bool) -> Vec<OsString> {
    if joined {
        vec![format!("{name}={value}").into()]
    } else {
        vec![name.into(), value.into()]
    }
}

/// A delay from 0 to an hour, as text in one of the ways it may be written,
/// and its value.
pub(super) fn delay() -> impl Strategy<Value = (String, Duration)> {
    prop_oneof![
        (0u64..=3_600_000).prop_map(|ms| (format!("{ms}ms"), Duration::from_millis(ms))),
        (0u64..=3600).prop_map(|s| (format!("{s}s"), Duration::from_secs(s))),
        (0u64..=59, 0u64..=59)
            .prop_map(|(m, s)| { (format!("{m}m{s}s"), Duration::from_secs(m * 60 + s)) }),
    ]
}

/// A probe's interval or timeout: 10ms to an hour.
pub(super) fn probe_duration() -> impl Strategy<Value = (String, Duration)> {
    delay().prop_filter("at least 10ms", |(_, d)| *d >= Duration::from_millis(10))
}

pub(super) fn health_mode() -> impl Strategy<Value = HealthMode> {
    prop_oneof![
        Just(HealthMode::Ok),
        Just(HealthMode::Fail),
        Just(HealthMode::Hang),
        (0u64..=3_600_000).prop_map(|ms| HealthMode::Slow(Duration::from_millis(ms))),
        (1u32..).prop_map(HealthMode::FailNext),
        (1u32..).prop_map(HealthMode::Flap),
    ]
}

pub(super) fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(vec![Status::Starting, Status::Healthy, Status::Unhealthy])
}

/// `watch <url>` with nothing else: the defaults, or what the environment
/// running the tests sets.
pub(super) fn watch_baseline(url: &str) -> watch::Config {
    match parse(vec!["watch".into(), url.into()]) {
        Ok(Invocation::Watch(config)) => config,
        other => panic!("the test environment sets a bad watch setting: {other:?}"),
    }
}

pub(super) fn listen() -> impl Strategy<Value = SocketAddr> {
    (any::<IpAddr>(), any::<u16>()).prop_map(|(ip, port)| SocketAddr::new(ip, port))
}

/// Asserts the one-line message of an invalid setting that names `setting`.
pub(super) fn assert_refused(result: Result<Invocation, ConfigError>, setting: &str) {
    match result {
        Err(ConfigError::Invalid(message)) => {
            assert!(!message.contains('\n'), "more than one line: {message:?}");
            assert!(
                message.contains(setting),
                "{setting} not named: {message:?}"
            );
        }
        other => panic!("{setting}: expected an invalid setting, got {other:?}"),
    }
}

proptest! {
    #![proptest_config(super::replaying("tests/reliability/fuzz/config.proptest-regressions"))]

    #[test]
    fn any_command_line_is_parsed_or_refused_in_one_line_never_a_panic(
        args in prop::collection::vec(argument(), 0..8)
    ) {
        match parse(args) {
            Ok(_) | Err(ConfigError::Display(_)) => {}
            Err(ConfigError::Invalid(message)) => {
                prop_assert!(!message.is_empty());
                prop_assert!(!message.contains('\n'), "more than one line: {:?}", message);
            }
        }
    }
}
