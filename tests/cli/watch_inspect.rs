//! `numbers-api watch --inspect`: the state printed as `docker inspect`
//! shows `State.Health`.

use std::time::Duration;

use super::watch::watch;
use crate::common::process::{last_json, numbers_api, run_with_deadline, Server};

#[test]
fn a_probe_past_the_timeout_is_exit_code_minus_1_as_in_docker() {
    let server = Server::start_with(&[("NUMBERS_HEALTH_MODE", "hang")]);
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
fn watch_can_stop_after_a_number_of_probes_and_print_the_state() {
    let server = Server::start(numbers_api());
    let url = server.url("/health");

    let output = run_with_deadline(
        &mut watch(&[&url, "--interval", "50ms", "--probes", "7", "--inspect"]),
        Duration::from_secs(20),
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    let state = last_json(&stdout);
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
    last_json(stdout)["Log"]
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
