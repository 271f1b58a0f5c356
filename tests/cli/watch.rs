//! `numbers-api watch`: Docker's rules applied to a URL, printed as they
//! change.

use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use crate::common::process::{numbers_api, run_with_deadline, Server};

fn watch(args: &[&str]) -> Command {
    let mut command = numbers_api();
    command.arg("watch").args(args);
    command
}

#[test]
fn watch_reports_starting_healthy_then_unhealthy() {
    let server = Server::start({
        let mut c = numbers_api();
        c.env("NUMBERS_FAIL_AFTER", "1");
        c
    });
    let url = server.url("/health");
    let mut command = watch(&[
        &url,
        "--interval",
        "100ms",
        "--retries",
        "2",
        "--until",
        "unhealthy",
    ]);
    let breaker = {
        let url = server.url("/rng");
        std::thread::spawn(move || {
            // Let the watcher see the service healthy first.
            std::thread::sleep(Duration::from_millis(500));
            for _ in 0..2 {
                let _ = ureq::get(&url).call();
            }
        })
    };

    let output = run_with_deadline(&mut command, Duration::from_secs(20));
    breaker.join().unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let changes: Vec<&str> = stdout.lines().filter(|l| l.contains(" -> ")).collect();
    assert_eq!(changes.len(), 2, "{stdout}");
    assert!(changes[0].contains("starting -> healthy"), "{stdout}");
    assert!(
        changes[1]
            .contains("healthy -> unhealthy  (failing streak 2; exit 1: HTTPCheck: status 500"),
        "{stdout}"
    );
}

#[test]
fn a_probe_past_the_timeout_is_exit_code_minus_1_as_in_docker() {
    let server = Server::start({
        let mut c = numbers_api();
        c.env("NUMBERS_HEALTH_MODE", "hang");
        c
    });
    let url = server.url("/health");

    let output = run_with_deadline(
        &mut watch(&[
            &url,
            "--interval",
            "100ms",
            "--timeout",
            "200ms",
            "--retries",
            "1",
            "--until",
            "unhealthy",
            "--inspect",
        ]),
        Duration::from_secs(20),
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("starting -> unhealthy  (failing streak 1; exit -1: Health check exceeded timeout (200ms))"), "{stdout}");
    assert!(stdout.contains("\"ExitCode\": -1,"), "{stdout}");
    assert!(
        stdout.contains("\"Output\": \"Health check exceeded timeout (200ms)\""),
        "{stdout}"
    );
}

#[test]
fn failures_inside_the_start_period_do_not_count() {
    // Nothing listens on this port: every probe fails at once.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/health");

    let output = run_with_deadline(
        &mut watch(&[
            &url,
            "--interval",
            "100ms",
            "--start-period",
            "600ms",
            "--start-interval",
            "100ms",
            "--retries",
            "1",
            "--until",
            "unhealthy",
            "--verbose",
        ]),
        Duration::from_secs(20),
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    let graced = stdout
        .lines()
        .filter(|l| l.contains("  starting  (failing streak 0; exit 1"))
        .count();
    assert!(
        graced >= 3,
        "failures inside the start period: {graced}\n{stdout}"
    );
    assert!(
        stdout.contains("starting -> unhealthy  (failing streak 1"),
        "{stdout}"
    );
}

#[test]
fn watch_can_stop_after_a_number_of_probes_and_print_the_state() {
    let server = Server::start(numbers_api());
    let url = server.url("/health");

    let output = run_with_deadline(
        &mut watch(&[&url, "--interval", "50ms", "--probes", "7", "--inspect"]),
        Duration::from_secs(20),
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    // The state printed last: a JSON object that starts at a line's start.
    let last_json = &stdout[stdout.rfind("\n{\n").expect("a JSON state") + 1..];
    let state: serde_json::Value = serde_json::from_str(last_json).expect("valid JSON");
    assert_eq!(state["Status"], "healthy");
    assert_eq!(state["FailingStreak"], 0);
    assert_eq!(
        state["Log"].as_array().unwrap().len(),
        5,
        "the last five are kept"
    );
}

/// The `Start` and `End` of each result in the last `--inspect` state.
fn inspected_times(stdout: &str) -> Vec<String> {
    let last_json = &stdout[stdout.rfind("\n{\n").expect("a JSON state") + 1..];
    let state: serde_json::Value = serde_json::from_str(last_json).expect("valid JSON");
    state["Log"]
        .as_array()
        .expect("a log")
        .iter()
        .flat_map(|r| [r["Start"].clone(), r["End"].clone()])
        .map(|t| t.as_str().expect("a time").to_string())
        .collect()
}

#[test]
fn inspect_stamps_times_in_the_local_zone_as_the_daemon_does() {
    let server = Server::start(numbers_api());
    let url = server.url("/health");

    for (tz, suffix) in [("Asia/Seoul", "+09:00"), ("UTC", "Z")] {
        let mut command = watch(&[&url, "--interval", "50ms", "--probes", "1", "--inspect"]);
        command.env("TZ", tz);
        let output = run_with_deadline(&mut command, Duration::from_secs(20));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{stdout}");
        let times = inspected_times(&stdout);
        assert_eq!(times.len(), 2, "{stdout}");
        for time in times {
            // 2024-10-27T14:16:14.357113569+09:00: date, T, time, offset.
            assert!(time.ends_with(suffix), "TZ={tz}: {time}");
            assert_eq!(&time[10..11], "T", "{time}");
            assert!(
                !time.trim_end_matches(suffix).ends_with('0'),
                "trailing zeros are dropped: {time}"
            );
        }
    }
}

#[test]
fn zero_means_dockers_default_as_for_the_engine() {
    let output = run_with_deadline(
        &mut watch(&[
            "http://127.0.0.1:9/health",
            "--interval",
            "0",
            "--timeout",
            "0s",
            "--retries",
            "0",
            "--start-interval",
            "0",
            "--probes",
            "0",
        ]),
        Duration::from_secs(20),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "with Docker's rules: interval 30s, timeout 30s, retries 3, start period 0s, start interval 5s"
        ),
        "{stdout}"
    );
}

#[test]
fn help_says_zero_means_the_default() {
    let output = run_with_deadline(&mut watch(&["--help"]), Duration::from_secs(20));
    let help = String::from_utf8_lossy(&output.stdout).replace(char::is_whitespace, " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for default in ["default, 30s", "default, 3", "default, 5s"] {
        assert!(
            help.contains(&format!("0 means Docker's {default}")),
            "{help}"
        );
    }
}
