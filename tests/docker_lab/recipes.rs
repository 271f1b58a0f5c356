//! The teacher's and the reference's recipes, run as written on the engine:
//! every `$ ` command in order, each output compared with the page's, on
//! ports moved by one rule (so they never meet a reader's own lab or the
//! student's page, which may run on the page's ports at the same time).

use crate::common::docker::{docker, engine_or_skip, image};
use crate::common::docs::{page, Page, Step};
use crate::common::engine::Engine;
use crate::common::recipe::{run_steps, text, Ports, Shell};

/// The teaching page's lesson for the engines that know
/// `--health-start-interval`: run on Docker 26, not on the host's 20.10.
const START_INTERVAL: &str = "### Docker Engine 25 and later";

/// The steps of every console block in the sections of `doc` whose
/// headings start with one of `sections`, leaving out the commands that run
/// a binary on the host (the cli tests run those).
fn recipe(doc: &Page, sections: &[&str]) -> Vec<Step> {
    sections
        .iter()
        .flat_map(|heading| doc.section(heading).steps())
        .filter(|step| !step.command.starts_with("numbers-api "))
        .collect()
}

#[test]
fn every_teaching_recipe_runs_as_written_and_removes_what_it_starts() {
    if !engine_or_skip("teaching recipes") {
        return;
    }
    image("v3");
    let doc = page("docs/teaching.md").without(START_INTERVAL);
    let headings: Vec<String> = doc
        .text
        .lines()
        .filter(|line| line.starts_with("## "))
        .map(String::from)
        .collect();
    let sections: Vec<&str> = headings.iter().map(String::as_str).collect();
    let steps = recipe(&doc, &sections);
    assert!(
        steps.len() >= 30,
        "the teaching page shrank to {} steps",
        steps.len()
    );
    let mut shell = Shell::new(Ports::moved());
    run_steps(&mut shell, &steps);
}

#[test]
fn the_reference_runs_the_service_and_numbers_web_from_the_image() {
    if !engine_or_skip("reference recipes") {
        return;
    }
    image("v3");
    let steps = recipe(
        &page("docs/reference.md"),
        &["## Try it", "## numbers-web: the book's second service"],
    );
    assert!(
        steps.iter().any(|s| s.command.contains(" web --api-url ")),
        "numbers-web's container form is gone"
    );
    let mut shell = Shell::new(Ports::moved());
    run_steps(&mut shell, &steps);
}

/// The start_period lesson as engines from 25 on give it, on Docker 26,
/// which builds the image the way the student's page does.
#[test]
fn the_start_interval_lesson_runs_as_written_on_docker_26() {
    let engine = Engine::Docker26;
    if !engine.available_or_skip("the start interval lesson") {
        return;
    }
    let steps = recipe(&page("docs/teaching.md"), &[START_INTERVAL]);
    assert!(
        steps[0].command.contains("--health-start-interval 1s"),
        "{steps:?}"
    );
    {
        let _serial = engine.build_lock();
        engine.run_ok_within(
            &[
                "build",
                "-t",
                "numbers-api:v3",
                "-f",
                "./Dockerfile.v3",
                ".",
            ],
            std::time::Duration::from_secs(30 * 60),
        );
    }
    let mut shell = Shell::on(engine, Ports::as_written());
    run_steps(&mut shell, &steps);
}

/// What the teaching page says Docker 20.10 answers to the flag it lacks:
/// its own client's words, and a newer client's.
#[test]
fn docker_20_10_refuses_the_start_interval_as_the_teaching_page_says() {
    if !engine_or_skip("the start interval on 20.10") {
        return;
    }
    let server = docker(&["version", "--format", "{{.Server.Version}}"]);
    let server = String::from_utf8_lossy(&server.stdout);
    assert!(server.starts_with("20.10"), "the host's engine is {server}");
    let doc = page("docs/teaching.md")
        .section("## Teach start_period")
        .text;
    let run = ["run", "--rm", "--health-start-interval", "1s", image("v3")];
    for (client, said) in [
        ("/usr/bin/docker", "unknown flag: --health-start-interval"),
        ("docker", "requires API version 1.44"),
    ] {
        let output = crate::common::process::run_with_deadline(
            std::process::Command::new(client).args(run),
            std::time::Duration::from_secs(60),
        );
        assert!(!output.status.success(), "{client} ran it");
        assert!(text(&output).contains(said), "{client}: {}", text(&output));
        assert!(doc.contains(said), "the page no longer says `{said}`");
    }
}

/// What teaching.md says of the engines students run today: without
/// `--health-start-interval`, Docker 27 and later probe every 5 seconds
/// during the start period, not every `--health-interval`. Measured on
/// Docker 28 with a check that fails, so the start period never ends early.
#[test]
fn docker_28_probes_every_5_seconds_during_the_start_period() {
    let engine = Engine::Docker28;
    if !engine.available_or_skip("the start interval on Docker 28") {
        return;
    }
    super::arm64::two_platform_images();
    let id = engine.run_ok(&[
        "run",
        "-d",
        "-e",
        "NUMBERS_HEALTH_MODE=fail",
        "--health-start-period",
        "60s",
        "--health-interval",
        "30s",
        &format!("{}:v3", super::arm64::REPOSITORY),
    ]);
    let started = std::time::Instant::now();
    let health = loop {
        let health: serde_json::Value = serde_json::from_str(&engine.run_ok(&[
            "inspect",
            "--format",
            "{{json .State.Health}}",
            &id,
        ]))
        .expect("State.Health as JSON");
        if health["Log"].as_array().is_some_and(|log| log.len() >= 3) {
            break health;
        }
        // Three probes 5 s apart come 15 s after the start; the interval's
        // 30 s would bring the first one only at 30 s.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(28),
            "fewer than three probes in 28 s: {health}"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    };
    let _ = engine.run(&["rm", "-f", &id], std::time::Duration::from_secs(60));

    assert_eq!(health["Status"], "starting", "{health}");
    let starts: Vec<jiff::Timestamp> = health["Log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|probe| probe["Start"].as_str().unwrap().parse().expect("a time"))
        .collect();
    for pair in starts.windows(2) {
        let gap = pair[1].duration_since(pair[0]).as_secs_f64();
        assert!(
            (4.0..=7.5).contains(&gap),
            "probes {gap:.2} s apart: {health}"
        );
    }
}
