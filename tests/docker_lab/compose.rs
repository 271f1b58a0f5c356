//! The compose file: healthy after `up`, unhealthy within interval x retries
//! of the fourth call, and nothing left behind by `down`.

use std::time::{Duration, Instant};

use crate::common::answers::UNHEALTHY_BODY_START;
use crate::common::compose_project::ComposeProject;
use crate::common::docker::{docker_ok, engine_or_skip, image, try_get};

#[test]
fn compose_up_turns_healthy_then_unhealthy_within_interval_times_retries() {
    if !engine_or_skip("compose") {
        return;
    }
    // Built by the image tests' helper, so `up` finds it and need not build.
    let project = ComposeProject::new("numbers-lab", image("v3"));

    project.compose(&["up", "-d"]);
    project.wait_for_health("numbers-api", "healthy", Duration::from_secs(30));
    for _ in 0..3 {
        assert_eq!(try_get(project.api_port, "/rng").unwrap().0, 200);
    }
    let (status, body) = try_get(project.api_port, "/rng").unwrap();
    project.wait_for_health("numbers-api", "unhealthy", Duration::from_secs(60));
    let id = project.container("numbers-api");
    let health: serde_json::Value = serde_json::from_str(&docker_ok(&[
        "inspect",
        "--format",
        "{{json .State.Health}}",
        &id,
    ]))
    .expect("State.Health as JSON");

    assert_eq!(status, 500);
    assert!(body.starts_with(UNHEALTHY_BODY_START), "{body}");
    // Timed by the engine's own clock, not this test's polling: from the
    // end of the last passing probe (before the fourth call) to the end of
    // the second failing one, which made it unhealthy.
    let log = health["Log"].as_array().expect("a log");
    let last_pass = log
        .iter()
        .rposition(|r| r["ExitCode"] == 0)
        .unwrap_or_else(|| panic!("no passing probe kept: {health}"));
    let failures = &log[last_pass + 1..];
    assert!(failures.len() >= 2, "{health}");
    assert!(failures.iter().all(|r| r["ExitCode"] == 1), "{health}");
    let end = |r: &serde_json::Value| -> jiff::Timestamp {
        r["End"]
            .as_str()
            .expect("an End")
            .parse()
            .expect("an RFC 3339 time")
    };
    let took = end(&failures[1]).duration_since(end(&log[last_pass]));
    let took = Duration::try_from(took).expect("a forward span");
    println!("compose: unhealthy {took:?} after the last passing probe (engine time)");
    // interval 5 s x retries 2 = 10 s between the probes' starts, plus each
    // probe's own run time (timeout 1 s, so at most 2 s): the window is the
    // engine's rules, not a guess. Measured with two CPU-bound processes
    // beside the tests: 10.17 s to 10.24 s, well inside it.
    assert!(took >= Duration::from_secs(10), "took {took:?}");
    assert!(took <= Duration::from_secs(12), "took {took:?}");

    project.compose(&["down"]);
    assert_eq!(project.leftovers(), "", "down left things behind");
}

#[test]
fn the_restart_profile_exits_on_unhealthy_and_docker_restarts_it() {
    if !engine_or_skip("compose restart profile") {
        return;
    }
    let project = ComposeProject::new("numbers-lab", image("v3"));
    let port = project.restart_port;
    project.compose(&["--profile", "restart", "up", "-d", "numbers-api-restart"]);
    let id = project.container("numbers-api-restart");
    wait_for_answer(port, "/readyz");

    let calls: Vec<u16> = (0..4)
        .map(|_| try_get(port, "/rng").map_or(0, |r| r.0))
        .collect();
    let started = Instant::now();
    while docker_ok(&["inspect", "--format", "{{.RestartCount}}", &id]) == "0" {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never restarted"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let restarted_after = started.elapsed();
    wait_for_answer(port, "/readyz");
    let after = try_get(port, "/rng").unwrap();

    println!("restarted {restarted_after:?} after the failing call");
    assert_eq!(calls, [200, 200, 200, 500]);
    assert_eq!(
        docker_ok(&["inspect", "--format", "{{.State.Running}}", &id]),
        "true"
    );
    assert_eq!(after.0, 200, "a fresh count after the restart: {}", after.1);
    project.compose(&["--profile", "restart", "down"]);
    assert_eq!(project.leftovers(), "");
}

/// Polls a path until it answers 200.
fn wait_for_answer(port: u16, path: &str) {
    let started = Instant::now();
    while !matches!(try_get(port, path), Ok((200, _))) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{path} never answered"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
