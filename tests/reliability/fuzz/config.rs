//! `numbers_api::cli::parse`, fed arbitrary command lines: it never
//! panics, valid values come back as given, and an invalid value is refused
//! with one line that names the setting.
//!
//! Only the command line is generated: the process environment is shared
//! with the tests running beside these, so it is read, never changed.

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

use numbers_api::cli::{self, ConfigError, HealthcheckSettings, Invocation, Settings};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const CASES: u32 = 1024;

/// The settings with nothing on the command line: the defaults, or what the
/// environment running the tests sets.
fn baseline() -> Settings {
    match cli::parse(["numbers-api"]) {
        Ok(Invocation::Serve(settings)) => settings,
        other => panic!("the test environment sets a bad setting: {other:?}"),
    }
}

fn parse(args: Vec<OsString>) -> Result<Invocation, ConfigError> {
    cli::parse(std::iter::once(OsString::from("numbers-api")).chain(args))
}

/// One argument: a flag the program knows, a plausible value, or anything at
/// all, including bytes that are not UTF-8.
fn argument() -> impl Strategy<Value = OsString> {
    prop_oneof![
        prop::sample::select(vec![
            "--listen",
            "--fail-after",
            "--fail-after-call-count",
            "--workers",
            "healthcheck",
            "--url",
            "--timeout-ms",
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
        ])
        .prop_map(OsString::from),
        text().prop_map(OsString::from),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(OsString::from_vec),
    ]
}

/// Any text at all: control characters (newlines, NUL, escapes) included,
/// which `text()` leaves out.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<char>(), 0..16).prop_map(String::from_iter),
        prop::collection::vec(prop::char::range('\0', '\x7f'), 0..16).prop_map(String::from_iter),
    ]
}

/// `--flag value` or `--flag=value`, as a user may write either.
fn flag(name: &str, value: String, joined: bool) -> Vec<OsString> {
    if joined {
        vec![format!("{name}={value}").into()]
    } else {
        vec![name.into(), value.into()]
    }
}

fn listen() -> impl Strategy<Value = SocketAddr> {
    (any::<IpAddr>(), any::<u16>()).prop_map(|(ip, port)| SocketAddr::new(ip, port))
}

/// Asserts the one-line message of an invalid setting that names `setting`.
fn assert_refused(result: Result<Invocation, ConfigError>, setting: &str) {
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
    #![proptest_config(ProptestConfig {
        cases: CASES,
        // Failures found once are replayed first on every later run.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/reliability/fuzz/config.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

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

    #[test]
    fn valid_server_settings_come_back_as_given_in_any_order(
        listen in proptest::option::of(listen()),
        fail_after in proptest::option::of(any::<u64>()),
        workers in proptest::option::of(1usize..=1024),
        joined in any::<bool>(),
        order in Just(vec![0, 1, 2]).prop_shuffle(),
    ) {
        let defaults = baseline();
        let mut flags = [Vec::new(), Vec::new(), Vec::new()];
        if let Some(listen) = listen {
            flags[0] = flag("--listen", listen.to_string(), joined);
        }
        if let Some(fail_after) = fail_after {
            flags[1] = flag("--fail-after", fail_after.to_string(), joined);
        }
        if let Some(workers) = workers {
            flags[2] = flag("--workers", workers.to_string(), joined);
        }
        let args = order.iter().flat_map(|&i| flags[i].clone()).collect();

        let parsed = parse(args);

        let expected = Settings {
            listen: listen.unwrap_or(defaults.listen),
            fail_after: fail_after.unwrap_or(defaults.fail_after),
            workers: workers.unwrap_or(defaults.workers),
            ..defaults
        };
        prop_assert_eq!(parsed.ok(), Some(Invocation::Serve(expected)));
    }

    #[test]
    fn valid_healthcheck_settings_come_back_as_given(
        listen in listen(),
        url in proptest::option::of("http://[^\n]{1,60}"),
        timeout_ms in proptest::option::of(1u64..=3_600_000),
        joined in any::<bool>(),
    ) {
        let mut args = flag("--listen", listen.to_string(), joined);
        args.push("healthcheck".into());
        if let Some(url) = &url {
            args.extend(flag("--url", url.clone(), joined));
        }
        if let Some(timeout_ms) = timeout_ms {
            args.extend(flag("--timeout-ms", timeout_ms.to_string(), joined));
        }

        let parsed = parse(args);

        let expected = HealthcheckSettings {
            url: url.unwrap_or_else(|| cli::default_health_url(listen)),
            timeout: Duration::from_millis(timeout_ms.unwrap_or(2000)),
        };
        prop_assert_eq!(parsed.ok(), Some(Invocation::Healthcheck(expected)));
    }

    #[test]
    fn an_invalid_listen_address_is_refused_naming_the_setting(
        value in text().prop_filter("not an address", |v| v.parse::<SocketAddr>().is_err())
    ) {
        assert_refused(parse(flag("--listen", value, true)), "--listen");
    }

    #[test]
    fn an_invalid_fail_after_is_refused_naming_the_setting(
        value in prop_oneof![
            text(),
            any::<i64>().prop_filter("negative", |n| *n < 0).prop_map(|n| n.to_string()),
            Just("18446744073709551616".to_string()),
        ]
        .prop_filter("not a count", |v| v.trim().parse::<u64>().is_err()),
        name in prop::sample::select(vec!["--fail-after", "--fail-after-call-count"]),
    ) {
        assert_refused(parse(flag(name, value, true)), name);
    }

    #[test]
    fn an_invalid_worker_count_is_refused_naming_the_setting(
        value in prop_oneof![
            Just("0".to_string()),
            (1025usize..).prop_map(|n| n.to_string()),
            text(),
        ]
        .prop_filter("not 1 to 1024", |v| {
            !v.trim().parse::<usize>().is_ok_and(|n| (1..=1024).contains(&n))
        })
    ) {
        assert_refused(parse(flag("--workers", value, true)), "--workers");
    }

    #[test]
    fn an_invalid_healthcheck_setting_is_refused_naming_it(
        timeout in prop_oneof![
            Just("0".to_string()),
            (3_600_001u64..).prop_map(|n| n.to_string()),
            text().prop_filter("not a number", |v| v.parse::<u64>().is_err()),
        ],
        url in text().prop_filter("not http://", |v| {
            !v.starts_with("http://") || v.len() == "http://".len()
        }),
    ) {
        let timeout_args = [vec!["healthcheck".into()], flag("--timeout-ms", timeout, true)].concat();
        assert_refused(parse(timeout_args), "--timeout-ms");
        let url_args = [vec!["healthcheck".into()], flag("--url", url, true)].concat();
        assert_refused(parse(url_args), "--url");
    }
}
