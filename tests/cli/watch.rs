//! `numbers-api watch`: Docker's rules applied to a URL, printed as they
//! change; what `--inspect` prints is in [`super::watch_inspect`].

use std::process::Command;
use std::time::Duration;

use crate::common::http;
use crate::common::ports::nothing_listening;
use crate::common::process::{numbers_api, run_with_deadline, Server};

/// `numbers-api watch` with these arguments.
pub(super) fn watch(args: &[&str]) -> Command {
    let mut command = numbers_api();
    command.arg("watch").args(args);
    command
}

#[test]
fn watch_reports_starting_healthy_then_unhealthy() {
    let server = Server::start_with(&[("NUMBERS_FAIL_AFTER", "1")]);
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
            // Let the watcher see the service healthy first: its first
            // passing probe has reached the server.
            let passed =
                r#"numbers_health_probes_total{prober="numbers-api-healthcheck",result="ok"} "#;
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(15) {
                let seen = http::try_get(&metrics, Duration::from_secs(5)).is_ok_and(|m| {
                    m.body
                        .lines()
                        .filter_map(|l| l.strip_prefix(passed)?.parse::<f64>().ok())
                        .any(|n| n >= 1.0)
                });
                if seen {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            for _ in 0..2 {
                let _ = http::try_get(&url, Duration::from_secs(5));
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

#[test]
fn zero_means_dockers_default_as_for_the_engine() {
    let output = run_with_deadline(
        &mut watch(&[
            &nothing_listening("/health"),
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
