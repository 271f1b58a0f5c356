//! The student's page (README.md), run as written and in order on a real
//! engine: the quick start with the image's own health-check timing (probes
//! 30 s apart, unhealthy after the third failure, the lab's 90 seconds),
//! then the lab through Compose. Every command is the page's; under CI the
//! ports are the page's too, elsewhere all of them move by one rule (see
//! `common::recipe::Ports`), so a port two steps share on the page is shared
//! here and a step that forgets to remove its container makes the next one
//! fail with "port is already allocated", as it would for a student.
//!
//! The Korean page must hold the same commands in the same order.

pub mod common;

use std::time::{Duration, Instant};

use common::docker::engine_or_skip;
use common::docs::{page, Page, Step};
use common::recipe::{run_and_compare, run_ok, text, Ports, Shell};

/// The sections a student follows, in order: the quick start and the lab.
fn student_path() -> Page {
    let readme = page("README.md");
    let quick = readme.section("## Quick start");
    let lab = readme.section("## The lab, step by step");
    Page {
        name: "README.md".into(),
        text: format!("{}{}", quick.text, lab.text),
    }
}

/// The STATUS cell of the row whose `key` column is `value`, located by the
/// header's column positions (`docker ps` and `docker compose ps` alike).
fn status_cell(table: &[String], key: &str, value: &str) -> Option<String> {
    let header = table.first()?;
    let status_at = header.find("STATUS")?;
    let ports_at = header.find("PORTS")?;
    let key_at = header.find(key)?;
    table.iter().skip(1).find_map(|row| {
        let rest = row.get(key_at..)?;
        let cell = rest.split_whitespace().next()?;
        (cell == value).then(|| {
            row.get(status_at..ports_at.min(row.len()))
                .map(|s| s.trim().to_string())
        })?
    })
}

/// "Up 24 seconds (healthy)" and "Up 2 minutes (healthy)" are one state.
fn state(status: &str) -> (bool, String) {
    let health = status
        .find('(')
        .map(|at| status[at..].to_string())
        .unwrap_or_default();
    (status.starts_with("Up "), health)
}

/// Looks again, as a student does, until the row shows the page's state;
/// returns how long that took.
fn wait_for_row(shell: &mut Shell, step: &Step, key: &str, bound: Duration) -> Duration {
    let command = shell.ports.apply(&step.command);
    let value = match key {
        // `docker ps`: the NAMES column, the last on the row.
        "NAMES" => step.expected[1].split_whitespace().last(),
        // `docker compose ps <service>`: the service named in the command.
        _ => command.split_whitespace().last(),
    }
    .expect("a row on the page")
    .to_string();
    let wanted = state(&status_cell(&step.expected, key, &value).expect("the page's row"));
    let started = Instant::now();
    loop {
        let output = shell.run(&command, Duration::from_secs(60));
        let table: Vec<String> = text(&output).lines().map(String::from).collect();
        let seen = status_cell(&table, key, &value).map(|s| state(&s));
        if seen.as_ref() == Some(&wanted) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < bound,
            "`{command}` still shows {seen:?} for {value} after {bound:?}, the page shows {wanted:?}:\n{}",
            table.join("\n")
        );
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn the_student_page_runs_as_written_in_order() {
    if !engine_or_skip("the student's page") {
        return;
    }
    let path = student_path();
    let steps = path.steps();
    assert!(
        steps.len() >= 25,
        "the page shrank to {} steps",
        steps.len()
    );
    let mut shell = Shell::new(Ports::for_this_run());
    let mut last_failure: Option<Instant> = None;

    for step in &steps {
        let command = step.command.as_str();
        if command.starts_with("docker build") {
            run_ok(&mut shell, step, Duration::from_secs(30 * 60));
        } else if command.starts_with("docker compose up") || command == "docker compose down" {
            run_ok(&mut shell, step, Duration::from_secs(5 * 60));
        } else if command == "docker ps" {
            let unhealthy = step.expected[1].contains("(unhealthy)");
            // The first probe comes 30 s after the start, the third failure
            // 90 s after the break: 180 s is twice the worst of both.
            wait_for_row(&mut shell, step, "NAMES", Duration::from_secs(180));
            if unhealthy {
                let after = last_failure.expect("a failure before").elapsed();
                println!("(unhealthy) {after:?} after the failing call, with 30 s probes");
                // Three probes 30 s apart: never before the second interval.
                assert!(after >= Duration::from_secs(55), "too soon: {after:?}");
            }
        } else if command.starts_with("docker compose ps") {
            // interval x retries = 10 s after the break; twice the worst seen.
            let took = wait_for_row(&mut shell, step, "SERVICE", Duration::from_secs(40));
            println!("`{command}` showed the page's state after {took:?}");
        } else if command.starts_with("docker inspect") {
            let output = run_ok(&mut shell, step, Duration::from_secs(60));
            let all: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
            let health = &all[0]["State"]["Health"];
            assert_eq!(health["Status"], "unhealthy", "{health}");
            assert!(health["FailingStreak"].as_u64().unwrap() >= 3, "{health}");
            let failed: Vec<_> = health["Log"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|entry| entry["ExitCode"] != 0)
                .collect();
            assert!(failed.len() >= 3, "{health}");
            for entry in failed {
                assert_eq!(entry["ExitCode"], 22, "{entry}");
                let output = entry["Output"].as_str().unwrap();
                assert!(output.contains("curl: (22) The requested URL returned error: 500"));
            }
        } else {
            let actual = run_and_compare(&mut shell, step);
            if actual.first().is_some_and(|l| l.contains("\"status\":500")) {
                last_failure = Some(Instant::now());
            }
        }
    }

    // The page promises that nothing of the lab is left running.
    shell.assert_nothing_left();
}

#[test]
fn every_container_the_student_page_starts_is_named_and_removed() {
    let commands = student_path().commands();
    let mut running: Vec<String> = Vec::new();
    let mut compose_up = false;
    for command in &commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        if command.starts_with("docker run") {
            let at = words.iter().position(|w| *w == "--name");
            let name = at
                .map(|at| words[at + 1].to_string())
                .unwrap_or_else(|| panic!("`{command}` starts a container without a name"));
            running.push(name);
        }
        if command.starts_with("docker rm -f ") {
            for name in &words[3..] {
                let before = running.len();
                running.retain(|n| n != name);
                assert!(
                    running.len() < before,
                    "`{command}` removes {name}, which is not running"
                );
            }
        }
        compose_up |= command.starts_with("docker compose up");
        if command == "docker compose down" {
            compose_up = false;
        }
    }
    assert!(running.is_empty(), "the page leaves {running:?} running");
    assert!(!compose_up, "the page leaves the compose project up");
}

#[test]
fn the_korean_page_holds_the_same_commands_in_the_same_order() {
    let english = page("README.md").commands();
    let korean = page("README.ko.md").commands();
    assert!(english.len() >= 25, "the page shrank to {}", english.len());
    assert_eq!(
        korean, english,
        "README.ko.md and README.md differ in their commands"
    );
}

#[test]
fn the_page_ports_move_by_one_rule() {
    let ports = Ports::moved();
    let p = ports.map(8080);
    assert_eq!(ports.map(8081), p + 1);
    assert_eq!(ports.map(8090), p + 10);
    assert_eq!(
        ports.apply("docker run -d --name numbers-v2 -p 8081:80 numbers-api:v2"),
        format!(
            "docker run -d --name numbers-v2 -p {}:80 numbers-api:v2",
            p + 1
        )
    );
    assert_eq!(
        ports.apply("curl http://localhost:8080/rng"),
        format!("curl http://localhost:{p}/rng")
    );
    assert_eq!(
        Ports::as_written().apply("curl http://localhost:8080/rng"),
        "curl http://localhost:8080/rng"
    );
}
