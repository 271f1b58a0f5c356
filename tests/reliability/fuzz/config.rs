//! `numbers_api::cli::parse`, fed arbitrary command lines over every
//! subcommand's settings (serve, healthcheck, watch, web), each becoming
//! its part's own configuration: it never panics,
//! valid values of every setting come back as given, and an invalid value
//! is refused with one line that names the setting.
//!
//! Only the command line is generated: the process environment is shared
//! with the tests running beside these, so it is read, never changed.

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

use numbers_api::cli::{self, ConfigError, Invocation};
use numbers_api::server::budget::Rule;
use numbers_api::server::mode::HealthMode;
use numbers_api::tools::engine::{Rules, Status};
use numbers_api::tools::{healthcheck, watch};
use numbers_api::{server, web};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const CASES: u32 = 1024;

/// The server's configuration with nothing on the command line: the
/// defaults, or what the environment running the tests sets.
fn baseline() -> server::Config {
    match cli::parse(["numbers-api"]) {
        Ok(Invocation::Serve(config)) => config,
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

/// A delay from 0 to an hour, as text in one of the ways it may be written,
/// and its value.
fn delay() -> impl Strategy<Value = (String, Duration)> {
    prop_oneof![
        (0u64..=3_600_000).prop_map(|ms| (format!("{ms}ms"), Duration::from_millis(ms))),
        (0u64..=3600).prop_map(|s| (format!("{s}s"), Duration::from_secs(s))),
        (0u64..=59, 0u64..=59)
            .prop_map(|(m, s)| { (format!("{m}m{s}s"), Duration::from_secs(m * 60 + s)) }),
    ]
}

/// A probe's interval or timeout: 10ms to an hour.
fn probe_duration() -> impl Strategy<Value = (String, Duration)> {
    delay().prop_filter("at least 10ms", |(_, d)| *d >= Duration::from_millis(10))
}

fn health_mode() -> impl Strategy<Value = HealthMode> {
    prop_oneof![
        Just(HealthMode::Ok),
        Just(HealthMode::Fail),
        Just(HealthMode::Hang),
        (0u64..=3_600_000).prop_map(|ms| HealthMode::Slow(Duration::from_millis(ms))),
        (1u32..).prop_map(HealthMode::FailNext),
        (1u32..).prop_map(HealthMode::Flap),
    ]
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(vec![Status::Starting, Status::Healthy, Status::Unhealthy])
}

/// `watch <url>` with nothing else: the defaults, or what the environment
/// running the tests sets.
fn watch_baseline(url: &str) -> watch::Config {
    match parse(vec!["watch".into(), url.into()]) {
        Ok(Invocation::Watch(config)) => config,
        other => panic!("the test environment sets a bad watch setting: {other:?}"),
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
        health_mode in proptest::option::of(health_mode()),
        startup_delay in proptest::option::of(delay()),
        shutdown_delay in proptest::option::of(delay()),
        exit_on_unhealthy in proptest::option::of(1u8..=255),
        control in proptest::option::of(any::<bool>()),
        joined in any::<bool>(),
        order in Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let defaults = baseline();
        let mut flags = vec![Vec::new(); 8];
        if let Some(listen) = listen {
            flags[0] = flag("--listen", listen.to_string(), joined);
        }
        if let Some(fail_after) = fail_after {
            flags[1] = flag("--fail-after", fail_after.to_string(), joined);
        }
        if let Some(workers) = workers {
            flags[2] = flag("--workers", workers.to_string(), joined);
        }
        if let Some(mode) = health_mode {
            flags[3] = flag("--health-mode", mode.to_string(), joined);
        }
        if let Some((text, _)) = &startup_delay {
            flags[4] = flag("--startup-delay", text.clone(), joined);
        }
        if let Some((text, _)) = &shutdown_delay {
            flags[5] = flag("--shutdown-delay", text.clone(), joined);
        }
        if let Some(code) = exit_on_unhealthy {
            flags[6] = flag("--exit-on-unhealthy", code.to_string(), joined);
        }
        if let Some(control) = control {
            flags[7] = flag("--control", control.to_string(), true);
        }
        let args = order.iter().flat_map(|&i| flags[i].clone()).collect();

        let parsed = parse(args);

        let expected = server::Config {
            listen: listen.unwrap_or(defaults.listen),
            fail_after: fail_after.unwrap_or(defaults.fail_after),
            // --fail-after given picks chapter 8's rule whatever else is set.
            rule: if fail_after.is_some() { Rule::Lab } else { defaults.rule },
            broken: defaults.broken,
            log_level: defaults.log_level,
            workers: workers.unwrap_or(defaults.workers),
            health_mode: health_mode.unwrap_or(defaults.health_mode),
            startup_delay: startup_delay.map_or(defaults.startup_delay, |(_, d)| d),
            shutdown_delay: shutdown_delay.map_or(defaults.shutdown_delay, |(_, d)| d),
            exit_on_unhealthy: exit_on_unhealthy.or(defaults.exit_on_unhealthy),
            control: control.unwrap_or(defaults.control),
        };
        prop_assert_eq!(parsed.ok(), Some(Invocation::Serve(expected)));
    }

    #[test]
    fn valid_watch_settings_come_back_as_given_in_any_order(
        url in "http://[^\n]{1,60}",
        interval in proptest::option::of(probe_duration()),
        timeout in proptest::option::of(probe_duration()),
        retries in proptest::option::of(1u32..=1000),
        start_period in proptest::option::of(delay()),
        start_interval in proptest::option::of(probe_duration()),
        inspect in proptest::option::of(any::<bool>()),
        verbose in proptest::option::of(any::<bool>()),
        until in proptest::option::of(status()),
        probes in proptest::option::of(any::<u32>()),
        joined in any::<bool>(),
        order in Just((0..9).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let defaults = watch_baseline(&url);
        let durations = [
            ("--interval", &interval),
            ("--timeout", &timeout),
            ("--start-period", &start_period),
            ("--start-interval", &start_interval),
        ];
        let mut flags = vec![Vec::new(); 9];
        for (i, (name, value)) in durations.iter().enumerate() {
            if let Some((text, _)) = value {
                flags[i] = flag(name, text.clone(), joined);
            }
        }
        if let Some(retries) = retries {
            flags[4] = flag("--retries", retries.to_string(), joined);
        }
        if let Some(inspect) = inspect {
            flags[5] = flag("--inspect", inspect.to_string(), true);
        }
        if let Some(verbose) = verbose {
            flags[6] = flag("--verbose", verbose.to_string(), true);
        }
        if let Some(until) = until {
            flags[7] = flag("--until", until.to_string(), joined);
        }
        if let Some(probes) = probes {
            flags[8] = flag("--probes", probes.to_string(), joined);
        }
        let mut args: Vec<OsString> = vec!["watch".into(), url.clone().into()];
        args.extend(order.iter().flat_map(|&i| flags[i].clone()));

        let parsed = parse(args);

        let rules = defaults.rules;
        let expected = watch::Config {
            url,
            rules: Rules {
                interval: interval.map_or(rules.interval, |(_, d)| d),
                timeout: timeout.map_or(rules.timeout, |(_, d)| d),
                retries: retries.unwrap_or(rules.retries),
                start_period: start_period.map_or(rules.start_period, |(_, d)| d),
                start_interval: start_interval.map_or(rules.start_interval, |(_, d)| d),
            },
            inspect: inspect.unwrap_or(defaults.inspect),
            verbose: verbose.unwrap_or(defaults.verbose),
            until: until.or(defaults.until),
            stop_after: probes.or(defaults.stop_after),
        };
        prop_assert_eq!(parsed.ok(), Some(Invocation::Watch(expected)));
    }

    #[test]
    fn valid_web_settings_come_back_as_given_in_any_order(
        listen in proptest::option::of(listen()),
        api_url in proptest::option::of("http://[^\n]{1,60}"),
        api_timeout in proptest::option::of(probe_duration()),
        joined in any::<bool>(),
        order in Just(vec![0, 1, 2]).prop_shuffle(),
    ) {
        let defaults = match parse(vec!["web".into()]) {
            Ok(Invocation::Web(config)) => config,
            other => panic!("the test environment sets a bad web setting: {other:?}"),
        };
        let mut flags = [Vec::new(), Vec::new(), Vec::new()];
        if let Some(listen) = listen {
            flags[0] = flag("--listen", listen.to_string(), joined);
        }
        if let Some(api_url) = &api_url {
            flags[1] = flag("--api-url", api_url.clone(), joined);
        }
        if let Some((text, _)) = &api_timeout {
            flags[2] = flag("--api-timeout", text.clone(), joined);
        }
        let mut args: Vec<OsString> = vec!["web".into()];
        args.extend(order.iter().flat_map(|&i| flags[i].clone()));

        let parsed = parse(args);

        let expected = web::Config {
            listen: listen.unwrap_or(defaults.listen),
            api_url: api_url.unwrap_or(defaults.api_url.clone()),
            api_timeout: api_timeout.map_or(defaults.api_timeout, |(_, d)| d),
            ..defaults
        };
        prop_assert_eq!(parsed.ok(), Some(Invocation::Web(expected)));
    }

    #[test]
    fn an_invalid_duration_of_any_subcommand_is_refused_naming_the_setting(
        value in prop_oneof![
            text().prop_filter("no number", |v| !v.chars().any(|c| c.is_ascii_digit())),
            Just("5".to_string()),
            Just("-1s".to_string()),
            Just("61m".to_string()),
            Just("2h".to_string()),
        ],
        (prefix, name) in prop::sample::select(vec![
            (None, "--startup-delay"),
            (None, "--shutdown-delay"),
            (Some("watch"), "--interval"),
            (Some("watch"), "--timeout"),
            (Some("watch"), "--start-period"),
            (Some("watch"), "--start-interval"),
            (Some("web"), "--api-timeout"),
        ]),
    ) {
        let mut args: Vec<OsString> = Vec::new();
        if let Some(subcommand) = prefix {
            args.push(subcommand.into());
            if subcommand == "watch" {
                args.push("http://127.0.0.1:1/health".into());
            }
        }
        args.extend(flag(name, value, true));
        assert_refused(parse(args), name);
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

        let expected = Invocation::Healthcheck {
            url: url.unwrap_or_else(|| healthcheck::default_url(listen)),
            timeout: Duration::from_millis(timeout_ms.unwrap_or(2000)),
        };
        prop_assert_eq!(parsed.ok(), Some(expected));
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
