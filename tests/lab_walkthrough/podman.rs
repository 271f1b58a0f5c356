//! Every `$ podman` command of the pages, run as written, in order, on
//! Podman 5.4 and 5.8 as root: the Podman page, whose first section is the
//! student's quick start the Podman way; and that section again on Podman
//! 5.4 as a normal user. Podman 5.8 runs each `podman build`; Podman 5.4,
//! as root and as the user, loads the image it built.
//! Podman has no systemd timer here, so the probes are the pages' own
//! `podman healthcheck run`s, each compared with what the page shows.

use std::time::{Duration, Instant};

use crate::common::docs::{page, Step, ROOT};
use crate::common::engine::Engine;
use crate::common::process::run_with_deadline;
use crate::common::recipe::{run_and_compare, run_ok, text, Ports, Shell};
use crate::common::table::wait_for_row;

/// The pages, and the sections of each, that hold Podman commands: the
/// Podman page, whole.
const PAGES: [(&str, Option<&str>); 1] = [("docs/podman.md", None)];

/// The section a normal user runs too: the student's quick start.
const ROOTLESS: (&str, Option<&str>) = ("docs/podman.md", Some("## The quick start"));

fn steps_of(name: &str, section: Option<&str>) -> Vec<Step> {
    let doc = page(name);
    match section {
        Some(heading) => doc.section(heading).steps(),
        None => doc.steps(),
    }
}

/// The container a `podman healthcheck run NAME` probes, wherever it is in
/// the line (a loop runs it too).
fn probed(command: &str) -> Option<&str> {
    let rest = &command[command.find("podman healthcheck run ")? + 23..];
    rest.split(|c: char| c.is_whitespace() || c == ';').next()
}

/// Waits until the container's service says it listens: a probe sent
/// before that would fail where the page's passes. A reader is never that
/// quick; a test can be.
fn wait_until_listening(shell: &mut Shell, name: &str) {
    let started = Instant::now();
    loop {
        let output = shell.run(&format!("podman logs {name}"), Duration::from_secs(60));
        if text(&output).contains(" listening on ") {
            return;
        }
        // It starts in milliseconds; 30 s is far beyond a loaded machine.
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{name} never said it listens:\n{}",
            text(&output)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn run(shell: &mut Shell, steps: &[Step]) {
    for step in steps {
        let command = step.command.as_str();
        if command.starts_with("podman build") && shell.engine != Engine::Podman58 {
            // The same image, built once: Podman 5.8 builds it as the page
            // says (each further compile would only cost CI minutes), and
            // Podman 5.4, as root and as the user, loads it.
            build_on_5_8_and_load(shell.engine, step);
        } else if command.starts_with("podman build") {
            build_keeping_the_health_check(shell, step);
        } else if command == "podman ps" {
            // Podman prints no IPv6 side: the page's row is what it prints.
            wait_for_row(shell, step, "NAMES", true, Duration::from_secs(60));
        } else if let Some(name) = probed(command) {
            wait_until_listening(shell, name);
            // A probe changes the state: run once, never again.
            let output = shell.run(command, Duration::from_secs(120));
            let actual: Vec<String> = text(&output).lines().map(String::from).collect();
            assert_eq!(actual, step.expected, "output of `{command}`");
            if command.starts_with("podman healthcheck run ") {
                // One probe: exit 1 when it failed, 0 when it passed.
                let failed = step.expected.iter().any(|line| line == "unhealthy");
                assert_eq!(
                    output.status.code(),
                    Some(i32::from(failed)),
                    "exit code of `{command}`"
                );
            }
        } else if step.expected.is_empty() {
            run_ok(shell, step, Duration::from_secs(5 * 60));
        } else {
            run_and_compare(shell, step);
        }
    }
    shell.assert_nothing_left();
}

#[test]
fn the_pages_podman_commands_run_as_written_on_podman() {
    run_the_pages_on(Engine::Podman);
}

/// The same on Podman 5.8, Podman Desktop's engine today.
#[test]
fn the_pages_podman_commands_run_as_written_on_podman_5_8() {
    run_the_pages_on(Engine::Podman58);
}

fn run_the_pages_on(engine: Engine) {
    for page in PAGES {
        run_page_on(engine, page);
    }
}

/// Every Podman command of one page (or section) on `engine`, in order, on
/// the page's ports and names.
fn run_page_on(engine: Engine, (name, section): (&str, Option<&str>)) {
    if !engine.available_or_skip(&format!("{name}'s Podman commands on {engine:?}")) {
        return;
    }
    let steps = steps_of(name, section);
    assert!(
        steps
            .iter()
            .filter(|s| s.command.starts_with("podman "))
            .count()
            >= 6,
        "{name} lost its Podman commands"
    );
    let mut shell = Shell::on(engine, Ports::as_written());
    run(&mut shell, &steps);
}

/// Runs a page's `podman build` on the shell's engine, one build at a time.
fn build_keeping_the_health_check(shell: &mut Shell, step: &Step) {
    let _serial = shell.engine.build_lock();
    let output = run_ok(shell, step, Duration::from_secs(30 * 60));
    // Without --format docker the health check would be gone.
    assert!(
        !text(&output).contains("HEALTHCHECK is not supported"),
        "`{}` dropped the health check:\n{}",
        step.command,
        text(&output)
    );
}

/// Runs a page's `podman build` on Podman 5.8 (the build lock shares it
/// with the test that runs the pages there), then moves the image it tags
/// into `engine`'s storage with `podman save` and `podman load`.
fn build_on_5_8_and_load(engine: Engine, step: &Step) {
    build_keeping_the_health_check(&mut Shell::on(Engine::Podman58, Ports::as_written()), step);
    let tag = step
        .command
        .split_whitespace()
        .skip_while(|word| *word != "-t")
        .nth(1)
        .expect("the build's -t");
    let into = match engine {
        Engine::Podman => "podman",
        Engine::PodmanRootless => "podman-rootless",
        other => panic!("{other:?} is not a Podman that loads 5.8's image"),
    };
    let script = format!("{ROOT}/scripts/engines.sh");
    let line = format!(
        "bash {script} exec podman58 podman save localhost/{tag} \
         | bash {script} exec {into} podman load"
    );
    let output = run_with_deadline(
        crate::common::clean_env(&mut std::process::Command::new("sh"))
            .args(["-c", &line])
            .current_dir(ROOT),
        Duration::from_secs(5 * 60),
    );
    assert!(output.status.success(), "{line}:\n{}", text(&output));
}

/// The Podman page's quick start again, as a normal user: rootless Podman,
/// the default on most Linux laptops and in `podman machine`, runs the
/// image Podman 5.8 built and serves port 80 through the binary's
/// capability in its own user namespace.
#[test]
fn the_student_pages_podman_section_runs_as_written_on_rootless_podman() {
    run_page_on(Engine::PodmanRootless, ROOTLESS);
}

/// A `$ podman` line anywhere else would be a command no test runs.
#[test]
fn every_podman_command_of_the_pages_is_in_a_section_the_test_runs() {
    let run: Vec<String> = PAGES
        .iter()
        .flat_map(|(name, section)| match section {
            Some(heading) => page(name).section(heading).commands(),
            None => page(name).commands(),
        })
        .collect();
    let mut pages = vec!["README.md".to_string(), "README.ko.md".to_string()];
    for entry in std::fs::read_dir(format!("{}/docs", crate::common::docs::ROOT)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(format!(
                "docs/{}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    for name in pages {
        for command in page(&name).commands() {
            // A command of Podman's own, or a loop around one; not a
            // maintainer's `sudo bash scripts/engines.sh exec podman`.
            if command.starts_with("podman ") || command.contains("do podman ") {
                assert!(
                    run.contains(&command),
                    "{name}: `{command}` is not run by the Podman test"
                );
            }
        }
    }
}

#[test]
fn a_probe_is_found_in_a_loop_as_on_its_own() {
    assert_eq!(
        probed("podman healthcheck run numbers-v2"),
        Some("numbers-v2")
    );
    assert_eq!(
        probed("for probe in 1 2 3; do podman healthcheck run numbers-v2; done"),
        Some("numbers-v2")
    );
    assert_eq!(probed("podman ps"), None);
}
