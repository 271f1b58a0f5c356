use std::net::TcpListener;
use std::time::Duration;

use crate::common::process::{numbers_api, run_with_deadline, Server};

const DEADLINE: Duration = Duration::from_secs(10);

#[test]
fn a_bad_value_stops_the_program_with_one_line_naming_the_setting_and_value() {
    let cases = [
        ("NUMBERS_FAIL_AFTER", "-1"),
        ("NUMBERS_FAIL_AFTER", "abc"),
        ("FailAfterCallCount", "many"),
        ("FailAfterCallCount", "-1"),
        ("UseFailureId", "yes"),
        ("Broken", "1"),
        ("NUMBERS_BROKEN", "maybe"),
        ("Logging__LogLevel__Default", "Verbose"),
        ("NUMBERS_LISTEN", "localhost"),
        ("NUMBERS_LISTEN", "0.0.0.0:99999"),
        ("NUMBERS_WORKERS", "0"),
        ("NUMBERS_WORKERS", "two"),
        ("NUMBERS_HEALTH_MODE", "explode"),
        ("NUMBERS_HEALTH_MODE", "slow"),
        ("NUMBERS_STARTUP_DELAY", "5"),
        ("NUMBERS_SHUTDOWN_DELAY", "2 days"),
        ("NUMBERS_EXIT_ON_UNHEALTHY", "0"),
        ("NUMBERS_EXIT_ON_UNHEALTHY", "300"),
        ("NUMBERS_CONTROL", "maybe"),
    ];

    for (variable, value) in cases {
        let output = run_with_deadline(numbers_api().env(variable, value), DEADLINE);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{variable}={value} was accepted");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(variable), "{variable} not named: {stderr}");
        assert!(
            stderr.contains(&format!("'{value}'")),
            "{value} not named: {stderr}"
        );
    }
}

#[test]
fn a_bad_flag_value_names_the_flag() {
    let output = run_with_deadline(numbers_api().args(["--fail-after", "x"]), DEADLINE);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("--fail-after") && stderr.contains("'x'"),
        "{stderr}"
    );
}

#[test]
fn a_bad_value_names_where_it_came_from_the_variable_alone_or_the_flag_and_its_variable() {
    let stderr = |command: &mut std::process::Command| {
        let output = run_with_deadline(command, DEADLINE);
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8_lossy(&output.stderr)
            .trim_end()
            .to_string()
    };
    // From the environment: the variable the user set, not the flag.
    let from_env = stderr(numbers_api().env("NUMBERS_FAIL_AFTER", "abc"));
    assert!(
        from_env.starts_with("numbers-api: invalid value 'abc' for NUMBERS_FAIL_AFTER: "),
        "{from_env}"
    );
    assert!(!from_env.contains("--fail-after"), "{from_env}");
    // From the command line: the flag, with the variable that also sets it,
    // even while the variable holds another value.
    let from_flag = stderr(
        numbers_api()
            .env("NUMBERS_FAIL_AFTER", "5")
            .args(["--fail-after", "abc"]),
    );
    assert!(
        from_flag.starts_with(
            "numbers-api: invalid value 'abc' for --fail-after (NUMBERS_FAIL_AFTER): "
        ),
        "{from_flag}"
    );
}

#[test]
fn an_unknown_flag_stops_the_program_with_claps_first_line() {
    let output = run_with_deadline(numbers_api().arg("--bogus"), DEADLINE);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr.trim_end(),
        "numbers-api: unexpected argument '--bogus' found"
    );
}

#[test]
fn a_port_in_use_stops_the_program_naming_the_address() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();

    let output = run_with_deadline(numbers_api().env("NUMBERS_LISTEN", &address), DEADLINE);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains(&address), "{stderr}");
    assert!(stderr.contains("NUMBERS_LISTEN"), "{stderr}");
    assert!(stderr.contains("in use"), "{stderr}");
}

#[test]
fn version_prints_the_name_and_version() {
    let output = run_with_deadline(numbers_api().arg("--version"), DEADLINE);

    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("numbers-api {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_documents_every_setting_with_its_variable() {
    let output = run_with_deadline(numbers_api().arg("--help"), DEADLINE);
    let help = String::from_utf8_lossy(&output.stdout);

    assert!(output.status.success());
    for needle in [
        "--listen",
        "NUMBERS_LISTEN",
        "--fail-after",
        "NUMBERS_FAIL_AFTER",
        "FailAfterCallCount",
        "UseFailureId",
        "NUMBERS_BROKEN",
        "Logging__LogLevel__Default",
        "--workers",
        "NUMBERS_WORKERS",
        "healthcheck",
    ] {
        assert!(help.contains(needle), "{needle} missing from --help");
    }
}

#[test]
fn the_start_log_names_version_address_and_fail_after() {
    let server = Server::start_with(&[("NUMBERS_FAIL_AFTER", "7"), ("NUMBERS_WORKERS", "1")]);

    let line = server
        .wait_for_log("listening on", DEADLINE)
        .expect("start line");

    assert!(line.contains(env!("CARGO_PKG_VERSION")), "{line}");
    assert!(line.contains(&server.address().to_string()), "{line}");
    assert!(line.contains("fail-after 7"), "{line}");
    assert!(line.contains("workers 1"), "{line}");
}

fn statuses(server: &Server, calls: usize) -> Vec<u16> {
    (0..calls).map(|_| server.get("/rng").status).collect()
}

#[test]
fn the_default_is_three_good_calls() {
    let server = Server::start(numbers_api());

    assert_eq!(statuses(&server, 5), [200, 200, 200, 500, 500]);
}

#[test]
fn numbers_fail_after_sets_the_budget() {
    let server = Server::start_with(&[("NUMBERS_FAIL_AFTER", "1")]);

    assert_eq!(statuses(&server, 2), [200, 500]);
}

#[test]
fn debug_logging_shows_each_number_and_each_failure() {
    let server = Server::start_with(&[("NUMBERS_FAIL_AFTER", "1"), ("RUST_LOG", "debug")]);

    let number = server.get("/rng").body;
    let failure = server.get("/rng").body;

    let expected = format!("Returning random number: {number}");
    assert!(
        server.wait_for_log(&expected, DEADLINE).is_some(),
        "{:?}",
        server.logs()
    );
    let trace_id = failure
        .split("\"traceId\":\"")
        .nth(1)
        .and_then(|s| s.strip_suffix("\"}"))
        .expect("a traceId");
    let warning = server
        .wait_for_log("Unhealthy!", DEADLINE)
        .expect("a warning");
    assert!(
        warning.contains("WARN") && warning.contains(trace_id),
        "{warning}"
    );
}

#[test]
fn info_is_the_default_log_level() {
    let server = Server::start(numbers_api());

    server.get("/rng");
    server.get("/reset");
    server
        .wait_for_log("Reset", DEADLINE)
        .expect("the info line");

    assert!(
        !server
            .logs()
            .iter()
            .any(|l| l.contains("Returning random number")),
        "debug lines at the default level: {:?}",
        server.logs()
    );
}
