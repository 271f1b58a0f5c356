//! `numbers-api watch` beside a real engine: the same image, the same
//! health settings, the same changes of status.

use std::time::{Duration, Instant};

use crate::common::docker::{engine_or_skip, image, Container};
use crate::common::process::{last_json, numbers_api, Server};

/// "took 3ms" and the URL differ between the two probers; the rest must not.
fn comparable(output: &str) -> String {
    let line = output.trim_end();
    let line = line.split(", took ").next().unwrap_or(line);
    match line.split_once(", url ") {
        Some((head, _)) => head.to_string(),
        None => line.to_string(),
    }
}

#[test]
fn watch_sees_the_same_changes_as_the_engine() {
    if !engine_or_skip("watch vs engine") {
        return;
    }
    let settings = [
        "--health-interval",
        "1s",
        "--health-timeout",
        "1s",
        "--health-retries",
        "2",
    ];
    let container = Container::run(image("v3"), &settings);
    let url = format!("http://127.0.0.1:{}/health", container.port);
    let mut command = numbers_api();
    command
        .args(["watch", &url, "--interval", "1s", "--timeout", "1s"])
        .args(["--retries", "2", "--until", "unhealthy", "--inspect"]);
    let mut watcher = Server::spawn(command);

    // Follow the engine's status, as `docker inspect` reports it.
    let mut engine = vec!["starting".to_string()];
    let mut broken_at = None;
    let mut engine_unhealthy_after = None;
    let started = Instant::now();
    while engine.last().map(String::as_str) != Some("unhealthy") {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "engine saw {engine:?}"
        );
        let status = container.inspect("{{.State.Health.Status}}");
        if engine.last() != Some(&status) {
            engine.push(status.clone());
            if status == "unhealthy" {
                engine_unhealthy_after = broken_at.map(|t: Instant| t.elapsed());
            }
        }
        if status == "healthy" && broken_at.is_none() {
            // Let the watcher see it healthy too before breaking it.
            let left = Duration::from_secs(60).saturating_sub(started.elapsed());
            assert!(
                watcher
                    .wait_for_output("starting -> healthy", left)
                    .is_some(),
                "watch never saw it healthy: {}",
                watcher.output()
            );
            for _ in 0..4 {
                container.get("/rng");
            }
            broken_at = Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = watcher
        .wait_exit(Duration::from_secs(60))
        .expect("watch exits");
    let watch_unhealthy_after = broken_at.unwrap().elapsed();
    let stdout = watcher.output();
    let engine_health = container.health();

    let watch_changes: Vec<String> = stdout
        .lines()
        // "   +4.0s  healthy -> unhealthy  (failing streak 2; ...)"
        .filter_map(|line| line.trim_start().split_once("  "))
        .filter_map(|(_, rest)| rest.split("  (").next())
        .filter(|change| change.contains(" -> "))
        .map(String::from)
        .collect();
    let engine_changes: Vec<String> = engine
        .windows(2)
        .map(|pair| format!("{} -> {}", pair[0], pair[1]))
        .collect();
    println!("engine: {engine_changes:?}, unhealthy {engine_unhealthy_after:?} after the break");
    println!("watch:  {watch_changes:?}, exited {watch_unhealthy_after:?} after the break");
    assert_eq!(watch_changes, engine_changes, "{stdout}");
    assert_eq!(status.code(), Some(0));

    let watch_health = last_json(&stdout);
    let last = |h: &serde_json::Value| h["Log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(watch_health["Status"], engine_health["Status"]);
    assert_eq!(watch_health["FailingStreak"], 2);
    assert!(engine_health["FailingStreak"].as_u64().unwrap() >= 2);
    assert_eq!(
        last(&watch_health)["ExitCode"],
        last(&engine_health)["ExitCode"]
    );
    assert_eq!(
        comparable(last(&watch_health)["Output"].as_str().unwrap()),
        comparable(last(&engine_health)["Output"].as_str().unwrap())
    );
    // Both probe every second and need two failures: they agree to within
    // about one interval. Measured with two CPU-bound processes beside the
    // tests: 0.10 s apart at most, in three runs; 1.5 s is over twice that
    // and still under two intervals.
    let engine_after = engine_unhealthy_after.expect("the engine's time");
    let gap = engine_after.abs_diff(watch_unhealthy_after);
    assert!(
        gap <= Duration::from_millis(1500),
        "{engine_after:?} vs {watch_unhealthy_after:?}"
    );
}

/// `State.Health` as the engine has it the first time it reads `unhealthy`,
/// polled until `deadline`.
fn engine_until_unhealthy(container: &Container, deadline: Duration) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let health = container.health();
        if health["Status"] == "unhealthy" {
            return health;
        }
        assert!(
            started.elapsed() < deadline,
            "not unhealthy after {deadline:?}: {health}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The exit codes and outputs of a `State.Health` log, oldest first.
fn log_of(health: &serde_json::Value) -> Vec<(i64, String)> {
    health["Log"]
        .as_array()
        .expect("a log")
        .iter()
        .map(|r| {
            (
                r["ExitCode"].as_i64().expect("an exit code"),
                r["Output"].as_str().expect("an output").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_hanging_service_times_out_the_same_for_watch_and_the_engine() {
    if !engine_or_skip("hang: watch vs engine") {
        return;
    }
    let container = Container::run(
        image("v3"),
        &[
            "-e",
            "NUMBERS_HEALTH_MODE=hang",
            "--health-interval",
            "1s",
            "--health-timeout",
            "1s",
            "--health-retries",
            "2",
        ],
    );
    let url = format!("http://127.0.0.1:{}/health", container.port);
    let started = Instant::now();
    let mut command = numbers_api();
    command
        .args(["watch", &url, "--interval", "1s", "--timeout", "1s"])
        .args(["--retries", "2", "--until", "unhealthy", "--inspect"])
        .env("TZ", "UTC");
    let mut watcher = Server::spawn(command);

    // Each probe: 1s apart, then 1s until the timeout stops it; two of them.
    let engine = engine_until_unhealthy(&container, Duration::from_secs(60));
    let engine_after = started.elapsed();
    let status = watcher
        .wait_exit(Duration::from_secs(60))
        .expect("watch exits");
    let watch_after = started.elapsed();
    let stdout = watcher.output();
    println!("engine unhealthy after {engine_after:?}, watch after {watch_after:?}");
    println!("engine: {engine}");
    assert_eq!(status.code(), Some(0), "{stdout}");

    // Never healthy: both go straight from starting to unhealthy.
    assert!(
        stdout.contains(
            "starting -> unhealthy  (failing streak 2; exit -1: Health check exceeded timeout (1s))"
        ),
        "{stdout}"
    );
    let watch = last_json(&stdout);

    let timed_out = (-1, "Health check exceeded timeout (1s)".to_string());
    assert_eq!(log_of(&engine), [timed_out.clone(), timed_out.clone()]);
    assert_eq!(log_of(&watch), log_of(&engine));
    // Unhealthy at the same probe: the second, with the same streak.
    assert_eq!(engine["FailingStreak"], 2, "{engine}");
    assert_eq!(watch["FailingStreak"], engine["FailingStreak"]);
}

#[test]
fn with_dockers_default_timeout_the_image_probe_gives_up_first() {
    if !engine_or_skip("hang: the image's probe vs Docker's default timeout") {
        return;
    }
    // No --health-timeout: Docker waits 30s, `numbers-api healthcheck` 2s.
    let container = Container::run(
        image("v3"),
        &[
            "-e",
            "NUMBERS_HEALTH_MODE=hang",
            "--health-interval",
            "1s",
            "--health-retries",
            "1",
        ],
    );
    let started = Instant::now();
    let engine = engine_until_unhealthy(&container, Duration::from_secs(60));
    println!("engine unhealthy after {:?}: {engine}", started.elapsed());

    let log = log_of(&engine);
    assert_eq!(log.len(), 1, "{engine}");
    let (code, output) = &log[0];
    assert_eq!(*code, 1, "the probe's own exit code, not -1: {engine}");
    // The line `numbers-api healthcheck` prints when its 2000ms run out.
    let line = output.trim_end();
    assert!(
        line.starts_with("HTTPCheck: error, url http://127.0.0.1:80/health, took 2")
            && line.ends_with("ms: no response within the timeout"),
        "{output:?}"
    );
}
