//! The book's dependency check with our image, as docs/dependency-checks.md
//! shows it: numbers-web-checked starts while the API is down, exits, is
//! restarted until the API answers, then serves and stays up.
//!
//! The test runs the page itself: every `$ ` command of its console blocks,
//! in order, with this run's project name and ports, and compares what each
//! prints with the page (times, counts and random numbers normalised), so the
//! page and the engine cannot drift apart.

use std::time::{Duration, Instant};

use crate::common::compose_project::ComposeProject;
use crate::common::docker::{build, docker_ok, engine_or_skip, try_get};
use crate::common::docs::{page, Step};

/// The v3 image under a tag of this test's own, so a build of
/// `numbers-api:v3` elsewhere on the engine cannot swap it mid-test.
const IMAGE: &str = "numbers-api:v3-dependency-check";

/// How long a command of the page may take to print what the page shows:
/// restarts back off (0.1 s, 0.2 s, 0.4 s... doubling) and health checks run
/// every 5 s. The longest wait, for both containers to turn healthy, is
/// about 10 s here; the whole recipe, with its 12 s of watching, about 22 s.
const STEP_DEADLINE: Duration = Duration::from_secs(90);

/// The page's ports, replaced by this run's.
fn substitute(command: &str, project: &ComposeProject) -> String {
    command
        .replace("localhost:8080", &format!("127.0.0.1:{}", project.api_port))
        .replace("localhost:8090", &format!("127.0.0.1:{}", project.web_port))
        .replace(
            "localhost:8091",
            &format!("127.0.0.1:{}", project.checked_port),
        )
}

/// Replaces the number right after each `prefix` with `N`.
fn mask_after(line: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(prefix) {
        let end = at + prefix.len();
        out.push_str(&rest[..end]);
        rest = &rest[end..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push('N');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// What differs from run to run: log timestamps, durations, restart counts
/// and the random numbers.
fn normalise(line: &str) -> String {
    let mut line = line.trim_end().to_string();
    if line.starts_with("[20") {
        if let Some(space) = line.find(' ') {
            line = format!("[<time>{}", &line[space..]);
        }
    }
    for phrase in ["Less than a second", "About a minute"] {
        line = line.replace(phrase, "N seconds");
    }
    for prefix in ["Here it is: ", "took ", "RestartCount=", "Up ", ") "] {
        line = mask_after(&line, prefix);
    }
    line.replace("N seconds", "N second")
}

/// Runs one step until it succeeds and prints what the page shows (a step
/// that shows nothing must only succeed, once); what it printed.
fn run(project: &ComposeProject, step: &Step) -> String {
    let command = substitute(&step.command, project);
    let expected: Vec<String> = step.expected.iter().map(|l| normalise(l)).collect();
    let started = Instant::now();
    loop {
        let output = project.shell(&command, Duration::from_secs(600));
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let printed: Vec<String> = stdout.lines().map(normalise).collect();
        if expected.is_empty() {
            assert!(output.status.success(), "`{command}` failed: {stderr}");
            return stdout;
        }
        if output.status.success() && printed == expected {
            return stdout;
        }
        assert!(
            started.elapsed() < STEP_DEADLINE,
            "`{command}` still printed {printed:#?}\nnot {expected:#?}\nafter {STEP_DEADLINE:?}; stderr: {stderr}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// `RestartCount` of numbers-web-checked's container.
fn restart_count(project: &ComposeProject) -> u64 {
    let id = project.compose(&[
        "--profile",
        "dependency-check",
        "ps",
        "-a",
        "-q",
        "numbers-web-checked",
    ]);
    docker_ok(&["inspect", "--format", "{{.RestartCount}}", &id])
        .parse()
        .expect("a count")
}

#[test]
fn the_dependency_check_page_runs_as_written_on_the_engine() {
    if !engine_or_skip("dependency check") {
        return;
    }
    build(IMAGE, "Dockerfile.v3", false);
    let project = ComposeProject::new("numbers-check", IMAGE);
    let steps = page("docs/dependency-checks.md").steps();
    assert!(steps.len() >= 10, "the recipe shrank: {steps:#?}");
    assert!(
        steps.last().unwrap().command.contains(" down"),
        "the recipe must end by removing what it started"
    );
    let started = Instant::now();
    let mut api_started = None;

    for step in &steps {
        if step.command.contains("up -d numbers-api") {
            // Before the API exists, numbers-web-checked exits and Docker
            // starts it again, and again.
            let deadline = Instant::now() + Duration::from_secs(60);
            while restart_count(&project) < 2 {
                assert!(
                    Instant::now() < deadline,
                    "numbers-web-checked never restarted twice"
                );
                std::thread::sleep(Duration::from_millis(200));
            }
            println!(
                "RestartCount {} after {:?} without the API",
                restart_count(&project),
                started.elapsed()
            );
            api_started = Some(Instant::now());
        }
        if step.command.contains("curl -s -X POST") {
            let since = api_started.expect("the API starts before the button");
            run(&project, step);
            println!(
                "numbers-web-checked served {:?} after the API started",
                since.elapsed()
            );
            continue;
        }
        if step.command.starts_with("NUMBERS_WEB_CHECK_API=") {
            // Before the book's check replaces the container.
            stays_up(&project);
        }
        run(&project, step);
    }

    assert_eq!(project.leftovers(), "", "the recipe left things behind");
}

/// Once serving, numbers-web-checked is not restarted again: the same
/// RestartCount for longer than Docker's 10 s "started" window, running,
/// healthy, and still answering.
fn stays_up(project: &ComposeProject) {
    let before = restart_count(project);
    let watched = Instant::now();
    while watched.elapsed() < Duration::from_secs(12) {
        assert_eq!(
            restart_count(project),
            before,
            "restarted while the API was up"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let id = project.compose(&[
        "--profile",
        "dependency-check",
        "ps",
        "-q",
        "numbers-web-checked",
    ]);
    assert_eq!(
        docker_ok(&[
            "inspect",
            "--format",
            "{{.State.Status}} {{.State.Health.Status}}",
            &id
        ]),
        "running healthy"
    );
    assert_eq!(
        try_get(project.checked_port, "/health").map(|r| r.0).ok(),
        Some(200)
    );
}

#[test]
fn normalising_keeps_what_the_page_means() {
    assert_eq!(
        normalise("numbers-web-checked: Restarting (1) Less than a second ago"),
        normalise("numbers-web-checked: Restarting (1) 3 seconds ago"),
    );
    assert_eq!(normalise("Here it is: 7"), normalise("Here it is: 42"));
    assert_ne!(
        normalise(r#"{"calls":1}"#),
        normalise(r#"{"calls":0}"#),
        "counts of calls are what the page proves"
    );
    assert_ne!(
        normalise("Up 3 seconds (healthy)"),
        normalise("Up 3 seconds (unhealthy)")
    );
}
