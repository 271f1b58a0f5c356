//! Health modes, set at start and switched through the control API.

use std::time::{Duration, Instant};

use numbers_api::server::mode::HealthMode;
use numbers_api::server::Config;

use crate::common::answers::{assert_problem, UNHEALTHY_TITLE, UNHEALTHY_TYPE};
use crate::common::server::spawn;

fn with_mode(mode: HealthMode) -> Config {
    Config {
        health_mode: mode,
        ..Config::for_tests(3)
    }
}

fn health_statuses(app: &crate::common::server::TestApp, n: usize) -> Vec<u16> {
    (0..n).map(|_| app.get("/health").status).collect()
}

#[test]
fn fail_mode_fails_every_probe_but_not_rng() {
    let app = spawn(with_mode(HealthMode::Fail));

    let health = app.get("/health");
    let rng = app.get("/rng");

    assert_problem(&health, 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
    assert_eq!(rng.status, 200);
}

#[test]
fn hang_mode_accepts_probes_and_never_answers() {
    let app = spawn(with_mode(HealthMode::Hang));

    let reply = app.get_within("/health", Duration::from_millis(500));

    assert!(reply.is_none(), "answered: {reply:?}");
    assert_eq!(app.get("/rng").status, 200, "other routes still answer");
}

#[test]
fn slow_mode_answers_after_the_delay() {
    let app = spawn(with_mode(HealthMode::Slow(Duration::from_millis(400))));

    let started = Instant::now();
    let reply = app.get("/health");
    let took = started.elapsed();

    assert_eq!(reply.status, 200);
    assert!(took >= Duration::from_millis(400), "took {took:?}");
}

#[test]
fn fail_next_fails_k_probes_then_recovers() {
    let app = spawn(with_mode(HealthMode::FailNext(2)));

    assert_eq!(health_statuses(&app, 4), [500, 500, 200, 200]);
}

#[test]
fn flap_alternates() {
    let app = spawn(with_mode(HealthMode::Flap(2)));

    assert_eq!(health_statuses(&app, 6), [200, 200, 500, 500, 200, 200]);
}

#[test]
fn the_control_api_reports_and_switches_the_mode() {
    let app = spawn(Config::for_tests(3));
    app.get("/rng");

    let before = app.get("/control/health");
    let switched = app.post_body("/control/health", r#"{"mode":"fail-next=1"}"#);
    let probes = health_statuses(&app, 2);

    assert_eq!(before.status, 200);
    assert_eq!(before.content_type, "application/json");
    assert_eq!(
        before.body,
        r#"{"mode":"ok","healthy":true,"ready":true,"calls":1,"failAfter":3}"#
    );
    assert_eq!(
        switched.body,
        r#"{"mode":"fail-next=1","healthy":false,"ready":true,"calls":1,"failAfter":3}"#
    );
    assert_eq!(probes, [500, 200]);
}

#[test]
fn the_control_api_takes_plain_text_too() {
    let app = spawn(Config::for_tests(3));

    let reply = app.post_body("/control/health", "fail");

    assert_eq!(reply.status, 200);
    assert_eq!(app.get("/health").status, 500);
}

#[test]
fn a_bad_mode_is_a_400_that_says_what_is_expected() {
    let app = spawn(Config::for_tests(3));

    for body in ["explode", r#"{"mode":"slow"}"#, r#"{"oops":1}"#, ""] {
        let reply = app.post_body("/control/health", body);

        assert_eq!(reply.status, 400, "{body:?}: {reply:?}");
        assert_eq!(
            reply.content_type,
            "application/problem+json; charset=utf-8"
        );
        assert!(
            reply.body.contains(r#""title":"Bad Request""#),
            "{}",
            reply.body
        );
        assert!(reply.body.contains(r#""detail":""#), "{}", reply.body);
    }
    assert_eq!(app.get("/health").status, 200, "the mode did not change");
}

#[test]
fn reset_also_clears_the_mode() {
    let app = spawn(Config::for_tests(3));
    app.post_body("/control/health", "fail");

    app.get("/reset");

    assert_eq!(app.get("/health").status, 200);
    assert!(app.get("/control/health").body.contains(r#""mode":"ok""#));
}
