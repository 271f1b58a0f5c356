//! `numbers-api web`: the compiled binary serving numbers-web against the
//! compiled binary serving the API, as the two containers run.

use std::time::Duration;

use crate::common::process::{nothing_listening, numbers_api, run_with_deadline, Server};

#[test]
fn web_shows_the_apis_numbers_then_says_it_is_unavailable() {
    let mut api_command = numbers_api();
    api_command.env("NUMBERS_FAIL_AFTER", "2");
    let api = Server::start(api_command);
    let mut web_command = numbers_api();
    web_command.args(["web", "--api-url", &api.url("/rng")]);
    let web = Server::start(web_command);

    let lines: Vec<String> = (0..3).map(|_| web.press_the_button()).collect();

    assert!(lines[0].starts_with("Here it is: "), "{lines:?}");
    assert!(lines[1].starts_with("Here it is: "), "{lines:?}");
    assert_eq!(lines[2], "RNG service unavailable!");
    assert_eq!(web.get("/health"), (200, "Ok".to_string()));
    assert!(
        web.logs().iter().any(|l| l.contains("numbers-web")),
        "{:?}",
        web.logs()
    );
}

/// With `--api-timeout 300ms`, the worst answer measured against an API
/// that never answers was 354 ms on 2 cores with two CPU-bound processes
/// beside the tests; the bound is over twice that, and well under the 2 s
/// default a web app that ignored the flag would wait.
const API_TIMEOUT_BOUND: Duration = Duration::from_millis(1200);

#[test]
fn web_gives_up_on_a_silent_api_after_its_api_timeout() {
    // Accepts connections (the kernel queues them) and never answers /rng.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let api_url = format!("http://{}/rng", silent.local_addr().expect("address"));
    let mut web_command = numbers_api();
    web_command.args(["web", "--api-url", &api_url, "--api-timeout", "300ms"]);
    let web = Server::start(web_command);

    let mut slowest = Duration::ZERO;
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let line = web.press_the_button();
        let took = started.elapsed();

        assert_eq!(line, "RNG service unavailable!");
        assert!(
            took >= Duration::from_millis(300),
            "gave up early: {took:?}"
        );
        slowest = slowest.max(took);
    }
    eprintln!("slowest answer with --api-timeout 300ms: {slowest:?}");
    assert!(slowest < API_TIMEOUT_BOUND, "took {slowest:?}");
    drop(silent);
}

#[test]
fn web_settings_come_from_flags_or_variables_and_bad_ones_are_named() {
    let cases = [
        ("NUMBERS_WEB_API_URL", "numbers-api/rng"),
        ("NUMBERS_WEB_API_TIMEOUT", "2"),
    ];

    for (variable, value) in cases {
        let output = run_with_deadline(
            numbers_api().arg("web").env(variable, value),
            Duration::from_secs(10),
        );

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{variable}={value}");
        assert!(
            stderr.contains(variable) && stderr.contains(value),
            "{stderr}"
        );
    }
}

#[test]
fn web_stops_cleanly_on_sigterm() {
    let mut web_command = numbers_api();
    web_command.arg("web");
    let mut web = Server::start(web_command);

    web.signal(libc::SIGTERM);
    let status = web.wait_exit(Duration::from_secs(2));

    assert_eq!(status.and_then(|s| s.code()), Some(0), "{:?}", web.logs());
}

/// `GET /control/health`'s count of /rng calls.
fn calls(api: &Server) -> u64 {
    let (status, body) = api.get("/control/health");
    assert_eq!(status, 200, "{body}");
    let state: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    state["calls"].as_u64().expect("calls")
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
    let mut api_command = numbers_api();
    api_command.env("NUMBERS_HEALTH_MODE", "fail");
    let api = Server::start(api_command);

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

    assert_eq!(calls(&api), 0, "the check spent a good call");
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
    assert_eq!(calls(&api), 1);
}

#[test]
fn check_api_with_the_books_rng_url_spends_one_call_at_each_start() {
    let api = Server::start(numbers_api());
    let mut web_command = numbers_api();
    web_command
        .args(["web", "--api-url", &api.url("/rng")])
        .env("NUMBERS_WEB_CHECK_API", api.url("/rng"));

    let web = Server::start(web_command);

    assert_eq!(calls(&api), 1);
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

/// A child process killed when dropped, even when the test fails.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `web --check-api` as a restart policy would, again after each
/// exit, until one start serves: how many starts exited 1 before it.
fn start_until_serving(api_url: &str, deadline: Duration) -> (u32, Killed) {
    let port = nothing_listening("")
        .rsplit(':')
        .next()
        .expect("a port")
        .to_string();
    let listen = format!("127.0.0.1:{port}");
    let health = format!("http://{listen}/health");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .proxy(None)
        .build()
        .into();
    let started = std::time::Instant::now();
    let mut failed = 0;
    loop {
        let mut web = Killed(
            numbers_api()
                .args(["web", "--check-api", "--listen", &listen])
                .args(["--api-url", api_url])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn numbers-api web"),
        );
        loop {
            assert!(
                started.elapsed() < deadline,
                "never served within {deadline:?} ({failed} starts failed)"
            );
            if let Some(status) = web.0.try_wait().expect("wait") {
                assert_eq!(status.code(), Some(1), "a failed check exits 1");
                failed += 1;
                break;
            }
            if agent.get(&health).call().is_ok() {
                return (failed, web);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn check_api_fails_while_the_api_is_slow_to_start_then_serves() {
    let api_address = nothing_listening("").replace("http://", "");
    let _api = Killed(
        numbers_api()
            .env("NUMBERS_LISTEN", &api_address)
            .env("NUMBERS_STARTUP_DELAY", "2s")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn numbers-api"),
    );
    let api_url = format!("http://{api_address}/rng");

    // The API opens its port 2 s after its start; a start takes a few ms.
    let (failed, web) = start_until_serving(&api_url, Duration::from_secs(20));

    assert!(
        failed >= 2,
        "only {failed} starts failed before the API opened"
    );
    let body = ureq::Agent::config_builder()
        .proxy(None)
        .build()
        .new_agent()
        .get(&format!("http://{api_address}/control/health"))
        .call()
        .expect("the API answers")
        .body_mut()
        .read_to_string()
        .expect("a body");
    let state: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(state["calls"], 0, "the checks spent good calls: {state}");
    drop(web);
}
