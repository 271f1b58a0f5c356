//! `numbers-api watch`: Docker's rules applied to a URL, printed as they
//! change.

use std::process::Command;
use std::time::Duration;

use crate::common::process::{nothing_listening, numbers_api, run_with_deadline, Server};

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
        let metrics = server.url("/metrics");
        let url = server.url("/rng");
        std::thread::spawn(move || {
            let agent = crate::common::http::agent(Some(Duration::from_secs(5)));
            // Let the watcher see the service healthy first: its first
            // passing probe has reached the server.
            let passed =
                r#"numbers_health_probes_total{prober="numbers-api-healthcheck",result="ok"} "#;
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(15) {
                let seen = agent
                    .get(&metrics)
                    .call()
                    .ok()
                    .and_then(|mut r| r.body_mut().read_to_string().ok())
                    .is_some_and(|m| {
                        m.lines()
                            .filter_map(|l| l.strip_prefix(passed)?.parse::<f64>().ok())
                            .any(|n| n >= 1.0)
                    });
                if seen {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            for _ in 0..2 {
                let _ = agent.get(&url).call();
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
    let url = nothing_listening("/health");

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

#[test]
fn watch_stops_after_exactly_the_number_of_probes_asked_for() {
    let server = Server::start(numbers_api());
    let url = server.url("/health");

    let output = run_with_deadline(
        &mut watch(&[&url, "--interval", "50ms", "--probes", "7", "--verbose"]),
        Duration::from_secs(20),
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    // --verbose prints one line per probe, a change of status or not.
    let probes = stdout.lines().filter(|l| l.contains("; exit 0: ")).count();
    assert_eq!(probes, 7, "{stdout}");
    // Each line is stamped with the time since the watch began.
    for line in stdout.lines().skip(1) {
        let stamp = line.split_whitespace().next().unwrap_or("");
        assert!(
            stamp.starts_with('+')
                && stamp.ends_with('s')
                && stamp[1..stamp.len() - 1].parse::<f64>().is_ok(),
            "{line:?}"
        );
    }
}

#[test]
fn without_verbose_only_changes_of_status_are_printed() {
    let server = Server::start(numbers_api());
    let url = server.url("/health");

    let output = run_with_deadline(
        &mut watch(&[&url, "--interval", "50ms", "--probes", "4"]),
        Duration::from_secs(20),
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    // The header, the start, and the one change: four probes, one line.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[2].contains("starting -> healthy"), "{stdout}");
}

#[test]
fn watch_exits_1_when_it_stops_on_unhealthy_without_until() {
    let url = nothing_listening("/health");

    let output = run_with_deadline(
        &mut watch(&[
            &url,
            "--interval",
            "50ms",
            "--retries",
            "1",
            "--probes",
            "2",
        ]),
        Duration::from_secs(20),
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("starting -> unhealthy"), "{stdout}");
    assert_eq!(output.status.code(), Some(1), "{stdout}");
}

#[test]
fn until_healthy_exits_0_once_healthy_and_until_starting_at_once() {
    let server = Server::start(numbers_api());
    let url = server.url("/health");

    for (until, changes) in [("healthy", 1), ("starting", 0)] {
        let output = run_with_deadline(
            &mut watch(&[&url, "--interval", "50ms", "--until", until]),
            Duration::from_secs(20),
        );

        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "--until {until}: {stdout}");
        let seen = stdout.lines().filter(|l| l.contains(" -> ")).count();
        assert_eq!(seen, changes, "--until {until}: {stdout}");
    }
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
