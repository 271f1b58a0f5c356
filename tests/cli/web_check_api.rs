//! `numbers-api web --check-api`: the web app checks the API before its
//! port opens, exits 1 with one line when the check fails, and spends no
//! call of `/rng` unless the check names `/rng` itself.

use std::time::{Duration, Instant};

use crate::common::http;
use crate::common::ports::{free_address, nothing_listening};
use crate::common::process::{numbers_api, numbers_api_with, run_with_deadline, Server};

/// The count of `/rng` calls the API behind `rng_url` reports
/// (`GET /control/health`).
fn calls(rng_url: &str) -> u64 {
    let reply = http::get(&rng_url.replace("/rng", "/control/health"));
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()["calls"].as_u64().expect("a count of calls")
}

/// The one line of stderr of a failed check, and the exit code.
fn failed_check(args: &[&str]) -> (Option<i32>, Vec<String>) {
    let output = run_with_deadline(
        numbers_api()
            .args(["web", "--listen", "127.0.0.1:0"])
            .args(args),
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    (
        output.status.code(),
        stderr.lines().map(str::to_string).collect(),
    )
}

#[test]
fn check_api_exits_1_with_one_line_naming_the_url_when_nothing_listens() {
    let api_url = nothing_listening("/rng");
    let health_url = api_url.replace("/rng", "/health");

    let (code, lines) = failed_check(&["--api-url", &api_url, "--check-api"]);

    assert_eq!(code, Some(1), "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let prefix = format!(
        "numbers-api: the API check failed (--check-api): HTTPCheck: error, url {health_url}, took "
    );
    assert!(lines[0].starts_with(&prefix), "{lines:?}");
}

#[test]
fn check_api_exits_1_when_the_api_answers_500() {
    let api = Server::start_with(&[("NUMBERS_HEALTH_MODE", "fail")]);

    let (code, lines) = failed_check(&["--api-url", &api.url("/rng"), "--check-api"]);

    assert_eq!(code, Some(1), "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let expected = format!("HTTPCheck: status 500, url {}, took ", api.url("/health"));
    assert!(lines[0].contains(&expected), "{lines:?}");
}

#[test]
fn check_api_against_a_healthy_api_serves_and_spends_no_call() {
    let api = Server::start(numbers_api());
    let mut web_command = numbers_api();
    web_command.args(["web", "--api-url", &api.url("/rng"), "--check-api"]);

    let web = Server::start(web_command);

    assert_eq!(calls(&api.url("/rng")), 0, "the check spent a good call");
    let passed = format!(
        "the API check passed (--check-api): HTTPCheck: status 200, url {}, took ",
        api.url("/health")
    );
    assert!(
        web.logs().iter().any(|l| l.contains(&passed)),
        "{:?}",
        web.logs()
    );
    assert!(web.press_the_button().starts_with("Here it is: "));
    assert_eq!(calls(&api.url("/rng")), 1);
}

#[test]
fn check_api_with_the_books_rng_url_spends_one_call_at_each_start() {
    let api = Server::start(numbers_api());
    let mut web_command = numbers_api();
    web_command
        .args(["web", "--api-url", &api.url("/rng")])
        .env("NUMBERS_WEB_CHECK_API", api.url("/rng"));

    let web = Server::start(web_command);

    assert_eq!(calls(&api.url("/rng")), 1);
    assert!(
        web.logs()
            .iter()
            .any(|l| l.contains(&api.url("/rng")) && l.contains("the API check passed")),
        "{:?}",
        web.logs()
    );
}

#[test]
fn a_bad_check_api_value_stops_web_naming_the_setting() {
    for value in ["numbers-api/health", "yes"] {
        let output = run_with_deadline(
            numbers_api().arg("web").env("NUMBERS_WEB_CHECK_API", value),
            Duration::from_secs(10),
        );

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{value}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("NUMBERS_WEB_CHECK_API") && stderr.contains(value),
            "{stderr}"
        );
    }
}

/// Starts `web --check-api` as a restart policy would, again after each
/// exit, until one start serves: how many starts exited 1 before it.
fn start_until_serving(api_url: &str, deadline: Duration) -> (u32, Server) {
    let listen = free_address().to_string();
    let health = format!("http://{listen}/health");
    let started = Instant::now();
    let mut failed = 0;
    loop {
        let mut command = numbers_api();
        command
            .args(["web", "--check-api", "--listen", &listen])
            .args(["--api-url", api_url]);
        let mut web = Server::spawn(command);
        loop {
            assert!(
                started.elapsed() < deadline,
                "never served within {deadline:?} ({failed} starts failed)"
            );
            if let Some(status) = web.exited() {
                assert_eq!(status.code(), Some(1), "a failed check exits 1");
                failed += 1;
                break;
            }
            if http::try_get(&health, Duration::from_secs(2)).is_ok_and(|r| r.status == 200) {
                return (failed, web);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn check_api_fails_while_the_api_is_slow_to_start_then_serves() {
    let api_address = free_address().to_string();
    let _api = Server::spawn(numbers_api_with(&[
        ("NUMBERS_LISTEN", &api_address),
        ("NUMBERS_STARTUP_DELAY", "2s"),
    ]));
    let api_url = format!("http://{api_address}/rng");

    // The API opens its port 2 s after its start; a start takes a few ms.
    let (failed, web) = start_until_serving(&api_url, Duration::from_secs(20));

    assert!(
        failed >= 2,
        "only {failed} starts failed before the API opened"
    );
    assert_eq!(calls(&api_url), 0, "the checks spent good calls");
    drop(web);
}
