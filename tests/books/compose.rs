//! The books' compose exercises, each as its section of docs/books.md runs
//! it, checked against what the book says happens: chapter 8's health and
//! dependency checks and chapter 10's environments in both editions
//! (chapters 19 and 20 are in later_chapters.rs).

use std::time::Duration;

use super::app::{
    calls, container, passed_checks, the_page_shows_the_numbers_left_then_the_failure,
};
use super::exercise::Exercise;
use crate::common::docker::{docker_ok, health_status, logs, wait_for_health};

/// What differs between the editions' exercises.
pub struct Edition {
    pub part: &'static str,
    /// The restated files' folder under tests/books.
    pub dir: &'static str,
    /// The port the images listen on inside the container.
    pub port: u16,
    /// The API's URL as the compose files give it to the web app.
    pub rng: &'static str,
}

pub const FIRST: Edition = Edition {
    part: "## First edition",
    dir: "1e",
    port: 80,
    rng: "http://numbers-api/rng",
};

pub const SECOND: Edition = Edition {
    part: "## Second edition",
    dir: "2e",
    port: 8080,
    rng: "http://numbers-api:8080/rng",
};

/// Health checks every 5 s, as chapter 8's compose file sets them: both
/// containers healthy within 6.3 s and the API unhealthy 10.1 s after the
/// last press, at worst of the runs measured here.
const CHAPTER_8_WAIT: Duration = Duration::from_secs(60);

/// Chapter 10's test environment probes every 20 s: both healthy after one
/// probe, 21.4 s measured at worst.
const CHAPTER_10_WAIT: Duration = Duration::from_secs(90);

/// The line of the web app's dependency check that passed: one call spent.
pub fn check_passed(edition: &Edition) -> String {
    format!("HTTPCheck: status OK, url {}", edition.rng)
}

/// The last line of a container's health log.
fn last_probe(id: &str) -> String {
    docker_ok(&[
        "inspect",
        "--format",
        "{{with $log := .State.Health.Log}}{{(index $log (len (slice $log 1))).Output}}{{end}}",
        id,
    ])
}

fn chapter_8(edition: &Edition) {
    let Some(mut ex) = Exercise::start(edition.part, "### Chapter 8", edition.dir) else {
        return;
    };
    ex.run("cd ");
    ex.run("docker network create nat");
    ex.run("docker compose up -d");
    let project = ex.name("numbers");
    let api = container(&project, "numbers-api");
    let web = container(&project, "numbers-web");

    let api_took = wait_for_health(&api, "healthy", CHAPTER_8_WAIT);
    let web_took = wait_for_health(&web, "healthy", CHAPTER_8_WAIT);
    let spent = calls(&api, edition.port);
    let checks = passed_checks(&web, &check_passed(edition));
    let api_probe = last_probe(&api);
    let web_probe = last_probe(&web);
    let presses = the_page_shows_the_numbers_left_then_the_failure(ex.port(8088), spent);
    let unhealthy_took = wait_for_health(&api, "unhealthy", CHAPTER_8_WAIT);
    let ps = ex.run("docker compose ps");

    println!(
        "{}: API healthy after {api_took:?}, web after {:?}, API unhealthy {unhealthy_took:?} \
         after the last press; presses {presses:?}",
        edition.dir,
        api_took + web_took
    );
    // The web app's check spent a call at each start that passed it.
    assert!(spent >= 1, "the web app's check spent no call");
    assert_eq!(
        spent,
        checks as u64,
        "calls spent, checks passed:\n{}",
        logs(&web)
    );
    // The API keeps the image's own test; the web's is the compose file's,
    // which probes the web app's own root.
    let local = match edition.port {
        80 => "http://localhost".to_string(),
        port => format!("http://localhost:{port}"),
    };
    assert!(
        api_probe.starts_with(&format!("HTTPCheck: status OK, url {local}/health")),
        "{api_probe}"
    );
    assert!(
        web_probe.starts_with(&format!("HTTPCheck: status OK, url {local}, took")),
        "{web_probe}"
    );
    assert!(
        last_probe(&api).starts_with("HTTPCheck: status InternalServerError"),
        "{}",
        last_probe(&api)
    );
    assert_eq!(
        health_status(&web),
        "healthy",
        "the web app checks only itself"
    );
    assert!(ps.contains("(unhealthy)"), "{ps}");

    ex.run("docker compose down");
    ex.run("docker network rm nat");
    ex.finish();
}

fn chapter_10(edition: &Edition) {
    let Some(mut ex) = Exercise::start(edition.part, "### Chapter 10", edition.dir) else {
        return;
    };
    ex.run("cd ");
    ex.run("docker compose -f docker-compose.yml -f docker-compose-dev.yml -p numbers-dev up -d");
    ex.run("docker compose -f docker-compose.yml -f docker-compose-test.yml -p numbers-test up -d");
    let (dev, test) = (ex.name("numbers-dev"), ex.name("numbers-test"));
    let dev_api = container(&dev, "numbers-api");
    let dev_web = container(&dev, "numbers-web");
    let test_api = container(&test, "numbers-api");
    let test_web = container(&test, "numbers-web");

    // Development, while the test environment's first probes are due: no
    // health check, and the web app started without its dependency check,
    // so all three numbers are the page's.
    let dev_presses = the_page_shows_the_numbers_left_then_the_failure(ex.port(8088), 0);
    let dev_command = docker_ok(&[
        "inspect",
        "--format",
        "{{json .Config.Entrypoint}} {{json .Config.Cmd}}",
        &dev_web,
    ]);
    // Test: each checks itself every 20 s, and the web app's start spent a call.
    let api_took = wait_for_health(&test_api, "healthy", CHAPTER_10_WAIT);
    let web_took = wait_for_health(&test_web, "healthy", CHAPTER_10_WAIT);
    let spent = calls(&test_api, edition.port);
    let checks = passed_checks(&test_web, &check_passed(edition));
    let test_presses = the_page_shows_the_numbers_left_then_the_failure(ex.port(8080), spent);

    println!(
        "{}: dev {dev_presses:?}; test healthy after {api_took:?} and {:?}, {test_presses:?}",
        edition.dir,
        api_took + web_took
    );
    assert_eq!(
        health_status(&dev_api),
        "",
        "development has no health check"
    );
    assert_eq!(dev_command, r#"["dotnet","Numbers.Web.dll"] null"#);
    assert!(
        spent >= 1 && spent == checks as u64,
        "{spent} calls, {checks} checks"
    );
    for (project, network) in [(&dev, "numbers-dev"), (&test, "numbers-test")] {
        let networks = docker_ok(&[
            "inspect",
            "--format",
            "{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}",
            &container(project, "numbers-api"),
        ]);
        assert_eq!(networks, ex.name(network));
    }

    ex.run("docker compose -f docker-compose.yml -f docker-compose-dev.yml -p numbers-dev down");
    ex.run("docker compose -f docker-compose.yml -f docker-compose-test.yml -p numbers-test down");
    ex.finish();
}

#[test]
fn first_edition_chapter_8_the_web_check_spends_a_call_and_the_api_turns_unhealthy() {
    chapter_8(&FIRST);
}

#[test]
fn second_edition_chapter_8_runs_the_same_on_port_8080() {
    chapter_8(&SECOND);
}

#[test]
fn first_edition_chapter_10_runs_development_and_test_side_by_side() {
    chapter_10(&FIRST);
}

#[test]
fn second_edition_chapter_10_runs_development_and_test_side_by_side() {
    chapter_10(&SECOND);
}
