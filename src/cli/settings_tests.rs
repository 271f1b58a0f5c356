//! The command line turned into each part's configuration.

use super::*;
use crate::util::telemetry::LogLevel;

fn serve(args: &[&str]) -> server::Config {
    match parse(std::iter::once("numbers-api").chain(args.iter().copied())) {
        Ok(Invocation::Serve(config)) => config,
        other => panic!("expected the server's configuration, got {other:?}"),
    }
}

fn web(args: &[&str]) -> web::Config {
    let argv = ["numbers-api", "web"]
        .into_iter()
        .chain(args.iter().copied());
    match parse(argv) {
        Ok(Invocation::Web(config)) => config,
        other => panic!("expected numbers-web's configuration, got {other:?}"),
    }
}

#[test]
fn the_cli_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn flags_set_every_server_setting() {
    let config = serve(&[
        "--listen",
        "127.0.0.1:9000",
        "--fail-after",
        "0",
        "--workers",
        "3",
    ]);
    assert_eq!(config.listen, "127.0.0.1:9000".parse().unwrap());
    assert_eq!(config.fail_after, 0);
    assert_eq!(config.workers, 3);
}

#[test]
fn the_probe_looks_on_the_listen_port_unless_given_a_url() {
    let probe = |args: &[&str]| match parse(["numbers-api"].iter().chain(args).copied()) {
        Ok(Invocation::Healthcheck { url, timeout }) => (url, timeout),
        other => panic!("expected a probe, got {other:?}"),
    };
    assert_eq!(
        probe(&["--listen", "[::]:8081", "healthcheck"]),
        (
            "http://[::1]:8081/health".to_string(),
            Duration::from_secs(2)
        )
    );
    assert_eq!(
        probe(&["healthcheck", "--url", "http://x/y", "--timeout-ms", "150"]),
        ("http://x/y".to_string(), Duration::from_millis(150))
    );
}

#[test]
fn the_default_is_one_worker_per_core() {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    assert_eq!(serve(&[]).workers, cores);
    assert_eq!(serve(&["--workers", "3"]).workers, 3);
}

#[test]
fn the_watch_probes_flag_sets_when_it_stops() {
    let argv = ["numbers-api", "watch", "http://x/health", "--probes", "4"];
    match parse(argv) {
        Ok(Invocation::Watch(config)) => assert_eq!(config.stop_after, Some(4)),
        other => panic!("expected watch's configuration, got {other:?}"),
    }
}

#[test]
fn check_api_is_off_unless_asked_for() {
    assert_eq!(web(&[]).check_url, None);
    assert_eq!(web(&["--check-api", "false"]).check_url, None);
}

#[test]
fn a_bare_check_api_probes_the_health_beside_the_api_url() {
    let derived = Some("http://numbers-api/health".to_string());
    for args in [
        &["--check-api"][..],
        &["--check-api", "health"],
        &["--check-api=true"],
    ] {
        let mut args = args.to_vec();
        args.extend(["--api-url", "http://numbers-api/rng"]);
        assert_eq!(web(&args).check_url, derived, "{args:?}");
    }
    // The flag takes an optional value: a bare flag before another flag
    // does not swallow it.
    let config = web(&["--check-api", "--api-url", "http://numbers-api/rng"]);
    assert_eq!(config.api_url, "http://numbers-api/rng");
    assert_eq!(config.check_url, derived);
    // The default API URL, on loopback.
    assert_eq!(
        web(&["--check-api"]).check_url.as_deref(),
        Some("http://127.0.0.1:8080/health")
    );
}

#[test]
fn check_api_takes_a_url_such_as_the_books_rng() {
    let config = web(&["--check-api", "http://numbers-api/rng"]);
    assert_eq!(config.check_url.as_deref(), Some("http://numbers-api/rng"));
}

#[test]
fn a_bad_check_api_value_is_named_on_one_line() {
    for bad in ["numbers-api/health", "yes", "http://"] {
        let err = parse(["numbers-api", "web", "--check-api", bad]).unwrap_err();
        match err {
            ConfigError::Invalid(message) => {
                assert!(message.contains(&format!("'{bad}'")), "{message}");
                assert!(message.contains("--check-api"), "{message}");
                assert!(message.contains("NUMBERS_WEB_CHECK_API"), "{message}");
                assert!(!message.contains('\n'), "{message}");
                // It says what the setting takes, not only what a URL is.
                if !bad.starts_with("http://") {
                    assert!(message.contains("expected health"), "{message}");
                }
            }
            ConfigError::Display(e) => panic!("unexpected display: {e}"),
        }
    }
}

#[test]
fn a_bad_value_with_a_newline_is_reported_on_one_line() {
    let err = parse(["numbers-api", "--listen", "0.0.0.0:80\n"]).unwrap_err();
    match err {
        ConfigError::Invalid(message) => {
            assert!(!message.contains('\n'), "{message}");
            assert!(message.contains(r"'0.0.0.0:80\n'"), "{message}");
        }
        ConfigError::Display(e) => panic!("unexpected display: {e}"),
    }
}

#[test]
fn a_bad_flag_value_is_named_with_its_variable() {
    let err = parse(["numbers-api", "--fail-after", "abc"]).unwrap_err();
    match err {
        ConfigError::Invalid(message) => {
            assert!(message.contains("'abc'"), "{message}");
            assert!(message.contains("--fail-after"), "{message}");
            assert!(message.contains("NUMBERS_FAIL_AFTER"), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
        ConfigError::Display(e) => panic!("unexpected display: {e}"),
    }
}

#[test]
fn a_bad_value_of_a_type_that_parses_itself_is_named_with_its_variable() {
    // Parsed by the part's own `FromStr`: clap names the flag the same way.
    for (args, flag, variable) in [
        (
            &["numbers-api", "--health-mode", "sometimes"][..],
            "--health-mode",
            "NUMBERS_HEALTH_MODE",
        ),
        (
            &["numbers-api", "--log-level", "verbose"],
            "--log-level",
            "Logging__LogLevel__Default",
        ),
        (
            &["numbers-api", "watch", "http://x", "--until", "Healthy"],
            "--until",
            "NUMBERS_WATCH_UNTIL",
        ),
    ] {
        match parse(args.iter().copied()) {
            Err(ConfigError::Invalid(message)) => {
                assert!(message.contains(flag), "{message}");
                assert!(message.contains(variable), "{message}");
                assert!(
                    message.contains(": expected") || message.contains(": unknown"),
                    "{message}"
                );
                assert!(!message.contains('\n'), "{message}");
            }
            other => panic!("{args:?}: expected an invalid value, got {other:?}"),
        }
    }
}

#[test]
fn numbers_web_takes_the_log_level_as_the_api_does() {
    assert_eq!(web(&[]).log_level, None);
    let debug = parse(["numbers-api", "--log-level", "debug", "web"]);
    match debug {
        Ok(Invocation::Web(config)) => assert_eq!(config.log_level, Some(LogLevel::Debug)),
        other => panic!("expected numbers-web's configuration, got {other:?}"),
    }
}

fn rule(args: &[&str]) -> (Rule, u64) {
    let config = serve(args);
    (config.rule, config.fail_after)
}

const KUBERNETES: Rule = Rule::Kubernetes { failure_id: false };

#[test]
fn chapter_8s_rule_is_the_default_and_fail_after_sets_it() {
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
fn ours_win_when_given_else_the_books_else_our_default() {
    assert!(ours_or_books(false, false, Some(true)));
    assert!(!ours_or_books(false, false, Some(false)));
    assert!(!ours_or_books(true, false, Some(true)));
    assert!(ours_or_books(true, true, Some(false)));
    assert!(!ours_or_books(false, false, None));
    assert!(serve(&["--broken"]).broken);
    assert!(!serve(&["--broken", "false"]).broken);
}

#[test]
fn the_log_level_is_asp_net_cores() {
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
        serve(&["--fail-after-call-count", "1", "--use-failure-id", "true"]).failure_summary(),
        "FailAfterCallCount 1: the Kubernetes book's rule, with Failure IDs"
    );
    assert_eq!(
        serve(&["--broken"]).failure_summary(),
        "fail-after 3; broken: unhealthy until /reset"
    );
}
