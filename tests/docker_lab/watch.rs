//! `numbers-api watch` beside a real engine: the same image, the same
//! health settings, the same changes of status.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::docker::{engine_or_skip, image, Container};

const BIN: &str = env!("CARGO_BIN_EXE_numbers-api");

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
    let watcher = Command::new(BIN)
        .args([
            "watch",
            &url,
            "--interval",
            "1s",
            "--timeout",
            "1s",
            "--retries",
            "2",
        ])
        .args(["--until", "unhealthy", "--inspect"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start watch");

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
            std::thread::sleep(Duration::from_millis(1500));
            for _ in 0..4 {
                container.get("/rng");
            }
            broken_at = Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = watcher.wait_with_output().expect("watch output");
    let watch_unhealthy_after = broken_at.unwrap().elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
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
    assert_eq!(output.status.code(), Some(0));

    let watch_json = &stdout[stdout.rfind("\n{\n").expect("State.Health") + 1..];
    let watch_health: serde_json::Value = serde_json::from_str(watch_json).unwrap();
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
    // about one interval.
    let engine_after = engine_unhealthy_after.expect("the engine's time");
    let gap = engine_after.abs_diff(watch_unhealthy_after);
    assert!(
        gap <= Duration::from_millis(1500),
        "{engine_after:?} vs {watch_unhealthy_after:?}"
    );
}
