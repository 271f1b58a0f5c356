//! Start-up delay, readiness while draining, requests in flight at SIGTERM,
//! and exiting on unhealthy.

use std::time::{Duration, Instant};

use crate::common::process::{numbers_api, Server};

const DEADLINE: Duration = Duration::from_secs(10);

fn server(vars: &[(&str, &str)]) -> Server {
    let mut command = numbers_api();
    for (name, value) in vars {
        command.env(name, value);
    }
    Server::start(command)
}

#[test]
fn the_port_opens_only_after_the_startup_delay() {
    let started = Instant::now();

    let server = server(&[("NUMBERS_STARTUP_DELAY", "800ms")]);
    let listening_after = started.elapsed();

    assert!(
        listening_after >= Duration::from_millis(800),
        "{listening_after:?}"
    );
    let waiting = server.logs().join("\n");
    assert!(
        waiting.contains("the port opens in 800ms (--startup-delay)"),
        "{waiting}"
    );
    assert_eq!(server.get("/health").0, 200);
}

#[test]
fn a_request_in_flight_at_sigterm_gets_its_whole_answer() {
    let mut server = server(&[("NUMBERS_HEALTH_MODE", "slow=700"), ("RUST_LOG", "debug")]);
    let url = server.url("/health");
    let in_flight = std::thread::spawn(move || {
        let agent = crate::common::http::agent(None);
        let mut response = agent.get(&url).call().expect("an answer");
        let body = response.body_mut().read_to_string().expect("a whole body");
        (response.status().as_u16(), body)
    });
    server
        .wait_for_log("answering in 700ms", DEADLINE)
        .expect("the request reached the server");

    server.signal(libc::SIGTERM);
    let answer = in_flight.join().expect("client thread");
    let status = server.wait_exit(Duration::from_secs(2));

    assert_eq!(answer, (200, "Ok".to_string()));
    assert_eq!(status.and_then(|s| s.code()), Some(0));
}

#[test]
fn readyz_turns_503_at_sigterm_while_the_shutdown_delay_runs() {
    let mut server = server(&[("NUMBERS_SHUTDOWN_DELAY", "1500ms")]);
    assert_eq!(server.get("/readyz").0, 200);

    server.signal(libc::SIGTERM);
    server
        .wait_for_log("/readyz answers 503 for 1.5s", DEADLINE)
        .expect("the drain line");
    let (ready, body) = server.get("/readyz");
    let (health, _) = server.get("/health");
    let status = server.wait_exit(Duration::from_millis(1500) + Duration::from_secs(2));

    assert_eq!(ready, 503, "{body}");
    assert!(body.contains(r#""title":"Service Unavailable""#), "{body}");
    assert!(body.contains("shutting down"), "{body}");
    assert_eq!(health, 200, "liveness is unchanged while draining");
    assert_eq!(status.and_then(|s| s.code()), Some(0));
}

#[test]
fn sigterm_during_the_startup_delay_exits_at_once() {
    let mut command = numbers_api();
    command
        .env("NUMBERS_STARTUP_DELAY", "30s")
        .env("NUMBERS_LISTEN", "127.0.0.1:0")
        .stderr(std::process::Stdio::null());
    let mut child = command.spawn().expect("spawn");
    // No port to poll yet: give the process a moment to install its handler.
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(300) {
        std::thread::sleep(Duration::from_millis(20));
    }

    // SAFETY: kill(2) on our own child's pid has no memory effects.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let exited = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if exited.elapsed() > Duration::from_secs(2) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };

    assert_eq!(status.and_then(|s| s.code()), Some(0));
}

#[test]
fn exit_on_unhealthy_exits_with_its_code_after_answering() {
    let mut server = server(&[
        ("NUMBERS_FAIL_AFTER", "1"),
        ("NUMBERS_EXIT_ON_UNHEALTHY", "3"),
    ]);

    let first = server.get("/rng");
    let second = server.get("/rng");
    let status = server.wait_exit(Duration::from_secs(2));

    assert_eq!(first.0, 200);
    assert_eq!(second.0, 500);
    assert!(
        second.1.contains("An error occured"),
        "the whole 500 came back"
    );
    assert_eq!(status.and_then(|s| s.code()), Some(3));
    let logs = server.logs().join("\n");
    assert!(
        logs.contains("exiting with code 3 (--exit-on-unhealthy)"),
        "{logs}"
    );
}

#[test]
fn the_exit_on_unhealthy_flag_alone_means_code_1() {
    let mut command = numbers_api();
    command
        .env("NUMBERS_FAIL_AFTER", "1")
        .arg("--exit-on-unhealthy");
    let mut server = Server::start(command);
    server.get("/rng");

    server.get("/rng");
    let status = server.wait_exit(Duration::from_secs(2));

    assert_eq!(status.and_then(|s| s.code()), Some(1));
}

#[test]
fn a_failing_probe_also_triggers_exit_on_unhealthy() {
    let mut server = server(&[
        ("NUMBERS_HEALTH_MODE", "fail"),
        ("NUMBERS_EXIT_ON_UNHEALTHY", "1"),
    ]);

    let (health, _) = server.get("/health");
    let status = server.wait_exit(Duration::from_secs(2));

    assert_eq!(health, 500);
    assert_eq!(status.and_then(|s| s.code()), Some(1));
}
