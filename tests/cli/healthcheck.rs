use std::time::{Duration, Instant};

use crate::common::ports::nothing_listening;
use crate::common::process::{numbers_api, run_with_deadline, Server};
use crate::common::silent_server::SilentServer;

const DEADLINE: Duration = Duration::from_secs(10);

fn healthcheck(args: &[&str]) -> (Option<i32>, String) {
    let output = run_with_deadline(numbers_api().arg("healthcheck").args(args), DEADLINE);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_string(),
    )
}

#[test]
fn a_healthy_service_passes_with_one_line() {
    let server = Server::start(numbers_api());
    let url = server.url("/health");

    let (code, line) = healthcheck(&["--url", &url]);

    assert_eq!(code, Some(0), "{line}");
    let prefix = format!("HTTPCheck: status 200, url {url}, took ");
    assert!(line.starts_with(&prefix) && line.ends_with("ms"), "{line}");
    assert_eq!(line.lines().count(), 1);
}

#[test]
fn the_server_records_the_probe_as_numbers_api_healthcheck() {
    let server = Server::start(numbers_api());

    let (code, line) = healthcheck(&["--url", &server.url("/health")]);

    assert_eq!(code, Some(0), "{line}");
    let metrics = server.get("/metrics").body;
    let series = r#"numbers_health_probes_total{prober="numbers-api-healthcheck",result="ok"} 1"#;
    assert!(metrics.lines().any(|l| l == series), "{metrics}");
}

#[test]
fn the_default_url_follows_numbers_listen() {
    let server = Server::start(numbers_api());

    let output = run_with_deadline(
        numbers_api()
            .arg("healthcheck")
            .env("NUMBERS_LISTEN", server.address().to_string()),
        DEADLINE,
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(&server.url("/health")), "{stdout}");
}

#[test]
fn an_unhealthy_service_fails_with_exit_code_1() {
    let server = Server::start_with(&[("NUMBERS_FAIL_AFTER", "1")]);
    server.get("/rng");
    server.get("/rng");

    let (code, line) = healthcheck(&["--url", &server.url("/health")]);

    assert_eq!(code, Some(1), "{line}");
    assert!(line.starts_with("HTTPCheck: status 500, url "), "{line}");
}

#[test]
fn nothing_listening_fails_with_exit_code_1() {
    let url = nothing_listening("/health");

    let (code, line) = healthcheck(&["--url", &url]);

    assert_eq!(code, Some(1), "{line}");
    assert!(
        line.starts_with(&format!("HTTPCheck: error, url {url}, took ")),
        "{line}"
    );
}

#[test]
fn a_server_that_never_answers_fails_within_the_timeout() {
    let silent = SilentServer::start();
    let url = silent.url("/health");

    let started = Instant::now();
    let (code, line) = healthcheck(&["--url", &url, "--timeout-ms", "300"]);
    let took = started.elapsed();

    println!("gave up after {took:?} (timeout 300 ms)");
    assert_eq!(code, Some(1), "{line}");
    assert!(line.contains("no response within the timeout"), "{line}");
    // Generous slack for process start on a busy machine; the point is that
    // it does not wait for the server. The slowest of ten with two
    // CPU-bound processes beside the tests took 348 ms.
    assert!(took < Duration::from_millis(300 + 1500), "took {took:?}");
}

#[test]
fn a_bad_setting_fails_with_1_never_dockers_reserved_2() {
    for args in [
        &["--timeout-ms", "abc"][..],
        &["--timeout-ms", "0"],
        &["--url", "ftp://x"],
    ] {
        let output = run_with_deadline(numbers_api().arg("healthcheck").args(args), DEADLINE);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(args[0]) && stderr.contains(args[1]),
            "{stderr}"
        );
    }
}
