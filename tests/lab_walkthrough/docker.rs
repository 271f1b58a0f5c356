//! README.md, the student's page, as written: from the clone step, the
//! quick start and the lab, on Docker 20.10 and Docker 26. The Korean page
//! must hold the same commands in the same order (see `twins`).

use std::time::{Duration, Instant};

use super::clone::{clone_this_checkout, parent_for};
use crate::common::docker::engine_or_skip;
use crate::common::docs::{page, Page, Step};
use crate::common::engine::{two_platform_images, Engine, REPOSITORY};
use crate::common::recipe::{run_and_compare, run_ok, text, Ports, Shell};
use crate::common::table::wait_for_row;

/// The sections a student follows, in order: getting the lab (the clone),
/// the quick start and the lab.
fn student_path() -> Page {
    let readme = page("README.md");
    let before = readme.section("## Before you start");
    let quick = readme.section("## Quick start");
    let lab = readme.section("## The lab, step by step");
    Page {
        name: "README.md".into(),
        text: format!("{}{}{}", before.text, quick.text, lab.text),
    }
}

/// The student's path as the test runs it: the clone and the `cd` first,
/// then only `docker` and `curl` commands.
fn checked_steps() -> Vec<Step> {
    let steps = student_path().steps();
    assert!(
        steps.len() >= 27,
        "the page shrank to {} steps",
        steps.len()
    );
    assert!(
        steps[0].command.starts_with("git clone "),
        "the page starts with `{}`, not the clone",
        steps[0].command
    );
    let folder = steps[0].command.split_whitespace().last().unwrap_or("");
    assert_eq!(
        steps[1].command,
        format!("cd {folder}"),
        "the page goes into the folder the clone made"
    );
    for step in &steps[2..] {
        assert!(
            step.command.starts_with("docker ") || step.command.starts_with("curl "),
            "`{}`: the lab is `docker` and `curl` commands, run as written",
            step.command
        );
    }
    steps
}

#[test]
fn the_student_page_starts_at_the_clone_and_then_runs_docker_and_curl_alone() {
    let steps = checked_steps();
    assert_eq!(steps[0].command, "git clone <repository-url> numbers-api");
    assert!(steps
        .iter()
        .any(|step| step.command == super::excerpt::INSPECT));
    // What the test runs, as it reads it.
    for step in &steps {
        println!("$ {} ({} lines shown)", step.command, step.expected.len());
    }
}

#[test]
fn the_student_page_runs_as_written_in_order() {
    if !engine_or_skip("the student's page") {
        return;
    }
    walk(Shell::new(Ports::for_this_run()));
}

/// The same page on Docker Engine 26 (every engine from 25 on probes
/// differently during a start period; this page sets none), with its own
/// client, Compose and buildx, always on the page's own ports.
#[test]
fn the_student_page_runs_as_written_on_docker_26() {
    if !Engine::Docker26.available_or_skip("the student's page on Docker 26") {
        return;
    }
    walk(Shell::on(Engine::Docker26, Ports::as_written()));
}

/// The same page on Docker Engine 28 (Docker Desktop's engine), with its
/// client, Compose 2.40, buildx 0.29 and the containerd image store.
#[test]
fn the_student_page_runs_as_written_on_docker_28() {
    if !Engine::Docker28.available_or_skip("the student's page on Docker 28") {
        return;
    }
    let _page = docker_28_page_lock();
    walk(Shell::on(Engine::Docker28, Ports::as_written()));
}

/// The same page as an Apple Silicon Mac runs it in a class whose teacher
/// hands out the images: every container an arm64 one, here under
/// emulation (qemu), on Docker 28, at the image's own timing. Each
/// `docker build` takes the teacher's image instead (docker-bake.hcl,
/// which cross-compiles arm64 beside amd64): a Mac's own build compiles
/// natively, which here would put the compiler under emulation.
#[test]
fn the_student_page_runs_as_written_on_arm64_with_the_teachers_images() {
    if !Engine::Docker28.available_or_skip("the student's page on arm64") {
        return;
    }
    two_platform_images();
    let _page = docker_28_page_lock();
    walk(Shell::on(Engine::Docker28, Ports::as_written()).for_platform("linux/arm64"));
}

/// The two Docker 28 walks use the page's ports, names and tags: one at a time.
fn docker_28_page_lock() -> std::sync::MutexGuard<'static, ()> {
    static PAGE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    PAGE.lock().unwrap_or_else(|e| e.into_inner())
}

fn walk(mut shell: Shell) {
    let steps = checked_steps();
    // Docker Desktop ships a client and Compose of one generation.
    let new_style = shell.engine.docker_client_version() >= (27, 0);
    let mut last_failure: Option<Instant> = None;
    // The clone: this checkout for `<repository-url>`, in a folder of this
    // run's own; then the `cd` into the folder it made, where every later
    // command runs, as the student's do.
    let parent = parent_for(&format!("{:?}", shell.engine).to_lowercase());
    let folder = clone_this_checkout(&steps[0].command, &parent);
    shell.cd(&folder);

    for step in &steps[2..] {
        let command = step.command.as_str();
        if command.starts_with("docker build") && shell.platform().is_some() {
            take_the_teachers_image(&mut shell, command);
        } else if command.starts_with("docker build") {
            run_ok(&mut shell, step, Duration::from_secs(30 * 60));
        } else if command.starts_with("docker compose up") || command == "docker compose down" {
            run_ok(&mut shell, step, Duration::from_secs(5 * 60));
        } else if command == "docker ps" {
            let unhealthy = step.expected[1].contains("(unhealthy)");
            // The first probe comes 30 s after the start, the third failure
            // 90 s after the break: 180 s is twice the worst of both.
            wait_for_row(
                &mut shell,
                step,
                "NAMES",
                new_style,
                Duration::from_secs(180),
            );
            if unhealthy {
                let after = last_failure.expect("a failure before").elapsed();
                println!("(unhealthy) {after:?} after the failing call, with 30 s probes");
                // Three probes 30 s apart: never before the second interval.
                assert!(after >= Duration::from_secs(55), "too soon: {after:?}");
            }
        } else if command.starts_with("docker compose ps") {
            // interval x retries = 10 s after the break; twice the worst seen.
            let took = wait_for_row(
                &mut shell,
                step,
                "SERVICE",
                new_style,
                Duration::from_secs(40),
            );
            println!("`{command}` showed the page's state after {took:?}");
        } else if command == super::excerpt::INSPECT {
            let output = run_ok(&mut shell, step, Duration::from_secs(60));
            // One line of JSON: `State.Health` alone.
            let printed = String::from_utf8_lossy(&output.stdout);
            assert_eq!(
                printed.lines().count(),
                1,
                "`{command}` printed:\n{printed}"
            );
            let health: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
            super::excerpt::assert_shows(&health);
        } else {
            let actual = run_and_compare(&mut shell, step);
            if actual.first().is_some_and(|l| l.contains("\"status\":500")) {
                last_failure = Some(Instant::now());
            }
            if command.starts_with("docker run") {
                assert_runs_on_the_shells_platform(&mut shell, command);
            }
        }
    }

    // The page promises that nothing of the lab is left running.
    shell.assert_nothing_left();
    // Whatever is left goes with the shell, from the clone's folder; then
    // the clone itself.
    drop(shell);
    let _ = std::fs::remove_dir_all(&parent);
}

/// `docker build -t TAG [-f FILE] .` done the classroom's way: the bake's
/// image of that Dockerfile (both platforms under one tag) tagged TAG.
fn take_the_teachers_image(shell: &mut Shell, command: &str) {
    let words: Vec<&str> = command.split_whitespace().collect();
    let after = |flag: &str| {
        let at = words.iter().position(|w| *w == flag)?;
        words.get(at + 1).copied()
    };
    let tag = after("-t").unwrap_or_else(|| panic!("`{command}` names no tag"));
    let version = match after("-f").map(|file| file.trim_start_matches("./")) {
        None | Some("Dockerfile") => "v1",
        Some("Dockerfile.v2") => "v2",
        Some("Dockerfile.v3") => "v3",
        Some(other) => panic!("`{command}`: the bake builds no image of {other}"),
    };
    let tagging = format!("docker tag {REPOSITORY}:{version} {tag}");
    let output = shell.run(&tagging, Duration::from_secs(60));
    assert!(output.status.success(), "`{tagging}`:\n{}", text(&output));
}

/// The container a `docker run` started holds the shell's platform's
/// binary, the one that answered the page's calls.
fn assert_runs_on_the_shells_platform(shell: &mut Shell, command: &str) {
    let machine = match shell.platform() {
        Some("linux/arm64") => "aarch64",
        _ => "x86_64",
    };
    let words: Vec<&str> = command.split_whitespace().collect();
    let name = words[words.iter().position(|w| *w == "--name").expect("a name") + 1];
    assert_eq!(shell.engine.binary_machine(name), machine, "`{command}`");
}

#[test]
fn every_container_the_student_page_starts_is_named_and_removed() {
    let commands = student_path().commands();
    assert!(
        commands.len() >= 27,
        "the page shrank to {}",
        commands.len()
    );
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
    assert_eq!(
        ports.apply("0.0.0.0:8081->80/tcp, [::]:8081->80/tcp"),
        format!("0.0.0.0:{0}->80/tcp, [::]:{0}->80/tcp", p + 1)
    );
}
