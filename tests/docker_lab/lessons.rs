//! Each failure mode as `docker ps` and `docker inspect` show it: the
//! teaching page's lessons (docs/teaching.md) on a real engine.

use std::time::{Duration, Instant};

use crate::common::docker::{engine_or_skip, image, post, Container};

/// Fast probes, so each lesson takes seconds.
fn fast(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec!["--health-interval", "1s"];
    args.extend_from_slice(extra);
    args
}

fn last_result(container: &Container) -> serde_json::Value {
    let health = container.health();
    health["Log"].as_array().unwrap().last().unwrap().clone()
}

/// Polls `State.Health` until `done` says so, failing if it ever turns
/// unhealthy on the way (the lessons where it must not).
fn watch_health(
    container: &Container,
    deadline: Duration,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let health = container.health();
        assert_ne!(health["Status"], "unhealthy", "turned unhealthy: {health}");
        if done(&health) {
            return health;
        }
        assert!(
            started.elapsed() < deadline,
            "gave up after {deadline:?}: {health}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn hang_is_stopped_by_the_timeout_with_exit_code_minus_1() {
    if !engine_or_skip("hang") {
        return;
    }
    let args = fast(&[
        "-e",
        "NUMBERS_HEALTH_MODE=hang",
        "--health-timeout",
        "1s",
        "--health-retries",
        "2",
    ]);
    let container = Container::run(image("v3"), &args);

    container.wait_for_status("(unhealthy)", Duration::from_secs(30));
    let last = last_result(&container);

    assert_eq!(last["ExitCode"], -1, "{last}");
    assert_eq!(last["Output"], "Health check exceeded timeout (1s)");
}

#[test]
fn slow_past_the_timeout_fails_the_same_way() {
    if !engine_or_skip("slow") {
        return;
    }
    let args = fast(&[
        "-e",
        "NUMBERS_HEALTH_MODE=slow=1500",
        "--health-timeout",
        "1s",
        "--health-retries",
        "2",
    ]);
    let container = Container::run(image("v3"), &args);

    container.wait_for_status("(unhealthy)", Duration::from_secs(30));

    assert_eq!(last_result(&container)["ExitCode"], -1);
}

#[test]
fn fail_turns_unhealthy_with_the_probes_own_line() {
    if !engine_or_skip("fail") {
        return;
    }
    let args = fast(&["-e", "NUMBERS_HEALTH_MODE=fail", "--health-retries", "2"]);
    let container = Container::run(image("v3"), &args);

    container.wait_for_status("(unhealthy)", Duration::from_secs(30));
    let last = last_result(&container);

    assert_eq!(last["ExitCode"], 1);
    assert!(last["Output"]
        .as_str()
        .unwrap()
        .starts_with("HTTPCheck: status 500"));
    assert_eq!(container.get("/rng").0, 200, "only the probes fail");
}

#[test]
fn fail_next_below_retries_stays_healthy_because_a_success_resets_the_streak() {
    if !engine_or_skip("fail-next") {
        return;
    }
    let args = fast(&["-e", "NUMBERS_HEALTH_MODE=fail-next=2"]);
    let container = Container::run(image("v3"), &args);

    let health = watch_health(&container, Duration::from_secs(30), |h| {
        h["Log"].as_array().is_some_and(|log| log.len() >= 3)
    });

    let codes: Vec<i64> = health["Log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ExitCode"].as_i64().unwrap())
        .collect();
    assert_eq!(&codes[..3], [1, 1, 0], "{health}");
    assert_eq!(health["FailingStreak"], 0);
    assert_eq!(health["Status"], "healthy");
}

#[test]
fn flap_never_fails_twice_in_a_row_so_two_retries_never_trip() {
    if !engine_or_skip("flap") {
        return;
    }
    let args = fast(&["-e", "NUMBERS_HEALTH_MODE=flap", "--health-retries", "2"]);
    let container = Container::run(image("v3"), &args);

    let health = watch_health(&container, Duration::from_secs(40), |h| {
        h["Log"].as_array().is_some_and(|log| log.len() >= 5)
    });

    assert_eq!(health["Status"], "healthy");
    let failures = health["Log"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ExitCode"] != 0)
        .count();
    assert!(failures >= 2, "it did flap: {health}");
}

#[test]
fn failures_inside_the_start_period_do_not_count() {
    if !engine_or_skip("start period") {
        return;
    }
    let args = fast(&[
        "-e",
        "NUMBERS_STARTUP_DELAY=5s",
        "--health-retries",
        "1",
        "--health-start-period",
        "10s",
    ]);
    // Started without waiting for the port, so the test watches the start
    // period itself: probes failing while the status stays `starting`.
    let container = Container::start(image("v3"), &args);
    let starting_through_failures = std::cell::Cell::new(0u32);

    let health = watch_health(&container, Duration::from_secs(30), |h| {
        let failed = h["Log"]
            .as_array()
            .is_some_and(|log| log.iter().any(|r| r["ExitCode"] == 1));
        if h["Status"] == "starting" && failed {
            starting_through_failures.set(starting_through_failures.get() + 1);
        }
        h["Status"] == "healthy"
    });

    assert!(
        starting_through_failures.get() > 0,
        "never seen starting with a failed probe (retries 1): {health}"
    );
    assert!(
        health["Log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ExitCode"] == 1),
        "probes failed while the app started: {health}"
    );
}

#[test]
fn without_a_start_period_a_slow_start_is_unhealthy_at_once() {
    if !engine_or_skip("no start period") {
        return;
    }
    // Started without waiting for the port: it opens only after 8 s.
    let container = Container::start(
        image("v3"),
        &fast(&["-e", "NUMBERS_STARTUP_DELAY=8s", "--health-retries", "1"]),
    );

    container.wait_for_status("(unhealthy)", Duration::from_secs(8));
}

#[test]
fn the_control_api_breaks_a_running_container_on_cue() {
    if !engine_or_skip("control API") {
        return;
    }
    let container = Container::run(image("v3"), &fast(&["--health-retries", "2"]));
    container.wait_for_status("(healthy)", Duration::from_secs(30));

    let switched = post(container.port, "/control/health", "fail");
    container.wait_for_status("(unhealthy)", Duration::from_secs(30));
    let reset = container.get("/reset");
    container.wait_for_status("(healthy)", Duration::from_secs(30));

    assert_eq!(switched.0, 200, "{}", switched.1);
    assert!(switched.1.contains(r#""mode":"fail""#));
    assert_eq!(reset.0, 200);
}
