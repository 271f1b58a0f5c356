//! The first edition's later compose exercises, each as its section of
//! docs/books.md runs it: chapter 19 (the API's Debug logs) and chapter 20
//! (the API reached by name on a shared network).

use std::time::Duration;

use super::app::{calls, container, passed_checks, press, serves_or_exits, Press};
use super::compose::{check_passed, FIRST};
use super::exercise::Exercise;
use crate::common::docker::{logs, wait_for_log};
use crate::common::recipe::text;

#[test]
fn chapter_19_logs_each_number_at_debug_level() {
    let Some(mut ex) = Exercise::start("## First edition", "### Chapter 19", "1e") else {
        return;
    };
    ex.run("cd ");
    // The file has no restart policy: when the web app's check runs before
    // the API listens, it exits, and a teacher runs `up -d` again.
    let up = ex.take("docker compose -f numbers/docker-compose.yml up -d");
    let project = ex.name("numbers");
    let mut ups = 0;
    let web = loop {
        let output = ex.sh(&up);
        assert!(output.status.success(), "`{up}`: {}", text(&output));
        ups += 1;
        let web = container(&project, "numbers-web");
        if serves_or_exits(&web, ex.port(8090)) {
            break web;
        }
        // No answer (`error. Url ...`), or one slower than `-t 900` (the
        // API's network was still being set up: `status ..., url ...`):
        // either way the check's line names the URL.
        let failed = logs(&web);
        assert!(
            failed.contains("Url http://numbers-api/rng")
                || failed.contains("url http://numbers-api/rng"),
            "{failed}"
        );
        // A teacher looks at `docker ps` until the API is up, then runs
        // `up -d` again; the test waits for the API's listening line. Under
        // load an engine may take seconds to start a container; 60 s is far
        // beyond it.
        let api = container(&project, "numbers-api");
        wait_for_log(&api, " listening on ", Duration::from_secs(60));
        assert!(
            ups < 3,
            "the web app exited {ups} times with the API up:\n{failed}\nthe API:\n{}",
            logs(&api)
        );
    };
    let api = container(&project, "numbers-api");

    let Press::Number(number) = press(ex.port(8090)) else {
        panic!("no number: {}", logs(&web));
    };
    let logs_command = ex.take("docker compose -f numbers/docker-compose.yml logs");
    let api_logs = text(&ex.sh(&logs_command));
    let spent = calls(&api, 80);
    let checks = passed_checks(&web, &check_passed(&FIRST));

    println!("ch19: `up -d` {ups} time(s); the page showed {number}; {spent} calls");
    assert_eq!(
        spent,
        checks as u64 + 1,
        "the web app's checks, then the button"
    );
    let said = format!("Returning random number: {number}");
    let debug = api_logs
        .lines()
        .find(|line| line.contains("DEBUG") && line.ends_with(&said))
        .unwrap_or_else(|| panic!("no Debug line `{said}`:\n{api_logs}"));
    println!("{debug}");

    ex.run("docker compose -f numbers/docker-compose.yml down");
    ex.finish();
}

#[test]
fn chapter_20_the_api_answers_by_name_on_the_shared_network() {
    let Some(mut ex) = Exercise::start("## First edition", "### Chapter 20", "1e") else {
        return;
    };
    ex.run("docker network create ch20");
    ex.run("cd ");
    ex.run("docker compose -f numbers/docker-compose.yml up -d");

    // What the chapter's proxy does: reach numbers-api by name on ch20.
    let probe = format!(
        "docker run --rm --name {} --network {} --entrypoint dotnet diamol/ch14-numbers-api:v5 \
         Utilities.HttpCheck.dll -u http://numbers-api/health",
        ex.name("probe"),
        ex.name("ch20")
    );
    let started = std::time::Instant::now();
    let answer = loop {
        let output = ex.sh(&probe);
        if output.status.success() || started.elapsed() > Duration::from_secs(60) {
            break text(&output);
        }
        std::thread::sleep(Duration::from_millis(500));
    };

    println!("ch20: {answer}");
    assert!(
        answer.starts_with("HTTPCheck: status OK, url http://numbers-api/health"),
        "Broken=false: {answer}"
    );

    ex.run("docker compose -f numbers/docker-compose.yml down");
    ex.run("docker network rm ch20");
    ex.finish();
}
