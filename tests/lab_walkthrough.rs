//! The README's lab, run command by command as written, with the image's own
//! health-check timing (probes 30 s apart, unhealthy after the third failure).
//!
//! Ports 8080-8082 are swapped for free ones, so a student's own lab
//! containers are neither in the way nor touched. The README's
//! `$(docker container ls --last 1 --format '{{.ID}}')` means "the container
//! just started"; on an engine that other work shares, the last container
//! may be someone else's, so the test substitutes the id it got from its own
//! `docker run`.

pub mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::docker::{docker, engine_or_skip, free_port, ROOT};
use common::process::run_with_deadline;

/// One `$ command` of the README and the lines printed under it.
#[derive(Debug)]
struct Step {
    command: String,
    expected: Vec<String>,
}

/// The console blocks of the lab's v1, v2 and v3 sections, in order.
fn lab_steps() -> Vec<Step> {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).expect("README.md");
    let lab = &readme[readme.find("## The lab").expect("a lab section")..];
    let mut steps = Vec::new();
    for section in ["### v1", "### v2", "### v3"] {
        let start = lab.find(section).unwrap_or_else(|| panic!("no {section}"));
        let body = &lab[start..];
        let body = &body[..body[4..].find("\n### ").map_or(body.len(), |end| end + 4)];
        for block in body.split("```console\n").skip(1) {
            let block = &block[..block.find("```").expect("closed block")];
            for line in block.lines() {
                if let Some(command) = line.strip_prefix("$ ") {
                    steps.push(Step {
                        command: command.to_string(),
                        expected: Vec::new(),
                    });
                } else if !line.starts_with("# ") {
                    steps
                        .last_mut()
                        .expect("output after a command")
                        .expected
                        .push(line.into());
                }
            }
        }
    }
    steps
}

/// Removes every container the walk-through started, even when it fails.
struct Cleanup(Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for id in &self.0 {
            let _ = docker(&["rm", "-f", id]);
        }
    }
}

fn sh(command: &str, deadline: Duration) -> Output {
    run_with_deadline(
        Command::new("sh").args(["-c", command]).current_dir(ROOT),
        deadline,
    )
}

/// What a terminal shows: curl draws its progress meter only when its
/// output is not a terminal, so of stderr keep just curl's error lines.
fn terminal_text(command: &str, output: &Output) -> String {
    if !command.starts_with("curl ") {
        return text(output);
    }
    let errors: String = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with("curl: "))
        .map(|line| format!("{line}\n"))
        .collect();
    format!("{}{errors}", String::from_utf8_lossy(&output.stdout))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The STATUS cell of the row for `image` in `docker ps` output, located by
/// the header's column positions.
fn ps_status(table: &[String], image: &str) -> Option<String> {
    let header = table.first()?;
    let column = |name: &str| header.find(name);
    let (image_at, command_at) = (column("IMAGE")?, column("COMMAND")?);
    let (status_at, ports_at) = (column("STATUS")?, column("PORTS")?);
    table.iter().skip(1).find_map(|row| {
        let cell = |from: usize, to: usize| row.get(from..to.min(row.len())).map(str::trim);
        (cell(image_at, command_at)? == image)
            .then(|| cell(status_at, ports_at).map(String::from))?
    })
}

/// "Up 24 seconds (healthy)" and "Up 2 minutes (healthy)" are the same state.
fn state(status: &str) -> (bool, String) {
    let health = status
        .find('(')
        .map(|at| status[at..].to_string())
        .unwrap_or_default();
    (status.starts_with("Up "), health)
}

/// Numbers, ids and durations differ on every run; their shape does not.
fn normalise(line: &str) -> String {
    if !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()) {
        assert!(
            line.parse::<u32>().unwrap() < 100,
            "{line} is not from 0 to 99"
        );
        return "<number>".into();
    }
    if line.len() == 64 && line.chars().all(|c| c.is_ascii_hexdigit()) {
        return "<container id>".into();
    }
    if let Some(at) = line.find("\"traceId\":\"|") {
        return format!("{}<traceId>", &line[..at]);
    }
    if let Some(at) = line.find(", took ") {
        return format!("{}, took <n>ms", &line[..at]);
    }
    line.to_string()
}

#[test]
fn the_readme_lab_works_as_written_with_the_images_own_timing() {
    if !engine_or_skip("lab walk-through") {
        return;
    }
    let ports = [
        ("8080", free_port().to_string()),
        ("8081", free_port().to_string()),
        ("8082", free_port().to_string()),
    ];
    let mut cleanup = Cleanup(Vec::new());
    let steps = lab_steps();
    assert!(steps.len() >= 20, "the lab shrank to {} steps", steps.len());
    let mut last_failure: Option<Instant> = None;
    let last_container = "$(docker container ls --last 1 --format '{{.ID}}')";

    for step in steps {
        let mut command = step.command.clone();
        for (from, to) in &ports {
            command = command
                .replace(&format!(" {from}:"), &format!(" {to}:"))
                .replace(&format!(":{from}/"), &format!(":{to}/"));
        }
        if let Some(id) = cleanup.0.last() {
            command = command.replace(last_container, id);
        }
        let started = Instant::now();

        if command.starts_with("docker build") {
            let output = sh(&command, Duration::from_secs(30 * 60));
            assert!(output.status.success(), "{command}:\n{}", text(&output));
        } else if command.starts_with("docker run -d") {
            let output = sh(&command, Duration::from_secs(60));
            let id = String::from_utf8_lossy(&output.stdout).trim().to_string();
            assert!(output.status.success(), "{command}:\n{}", text(&output));
            cleanup.0.push(id.clone());
            assert_eq!(normalise(&id), "<container id>");
        } else if command == "docker ps" {
            let image = step.expected[1]
                .split_whitespace()
                .nth(1)
                .unwrap()
                .to_string();
            let wanted = state(&ps_status(&step.expected, &image).expect("README row"));
            // What a student does: look again until it changes (or give up).
            let seen = loop {
                let output = sh(&command, Duration::from_secs(60));
                let table: Vec<String> = text(&output).lines().map(String::from).collect();
                let seen = ps_status(&table, &image).map(|s| state(&s));
                if seen.as_ref() == Some(&wanted) || started.elapsed() > Duration::from_secs(180) {
                    break seen;
                }
                std::thread::sleep(Duration::from_secs(1));
            };
            assert_eq!(seen, Some(wanted), "`docker ps` for {image}");
            if step.expected[1].contains("(unhealthy)") {
                let after = last_failure.expect("a failure before").elapsed();
                println!("(unhealthy) {after:?} after the failing call, with 30 s probes");
                // Three probes 30 s apart: never before the second interval.
                assert!(after >= Duration::from_secs(55), "too soon: {after:?}");
            }
        } else if command.starts_with("docker inspect") {
            let output = sh(&command, Duration::from_secs(60));
            assert!(output.status.success(), "{command}:\n{}", text(&output));
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
            // curl and docker exec: compare the output's shape. A connection
            // that fails before the app answers (it is still starting) is
            // retried, as a student would; an answer is never retried.
            let expected: Vec<String> = step.expected.iter().map(|l| normalise(l)).collect();
            let actual = loop {
                let output = sh(&command, Duration::from_secs(60));
                let actual: Vec<String> = terminal_text(&command, &output)
                    .lines()
                    .map(normalise)
                    .collect();
                let not_up_yet = matches!(output.status.code(), Some(7 | 52 | 56))
                    || (command.starts_with("docker exec") && actual != expected);
                if !not_up_yet || started.elapsed() > Duration::from_secs(20) {
                    break actual;
                }
                std::thread::sleep(Duration::from_millis(200));
            };
            assert_eq!(actual, expected, "output of `{command}`");
            if actual.first().is_some_and(|l| l.contains("\"status\":500")) {
                last_failure = Some(Instant::now());
            }
        }
    }
}
