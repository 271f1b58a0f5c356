use numbers_api::server::Config;

use crate::common::answers::{assert_problem, UNHEALTHY_TITLE, UNHEALTHY_TYPE};
use crate::common::server::spawn;

#[test]
fn health_says_ok_in_plain_text_while_healthy() {
    let app = spawn(Config::for_tests(3));

    let reply = app.get("/health");

    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "text/plain; charset=utf-8");
    assert_eq!(reply.body, "Ok");
}

#[test]
fn health_probes_never_count_toward_fail_after() {
    let app = spawn(Config::for_tests(3));

    for _ in 0..20 {
        assert_eq!(app.get("/health").status, 200);
        assert_eq!(app.get("/healthz").status, 200);
    }
    let rng: Vec<u16> = (0..4).map(|_| app.get("/rng").status).collect();

    assert_eq!(rng, [200, 200, 200, 500]);
}

#[test]
fn health_answers_the_same_500_once_unhealthy() {
    let app = spawn(Config::for_tests(3));
    for _ in 0..4 {
        app.get("/rng");
    }

    let health = app.get("/health");
    let healthz = app.get("/healthz");

    assert_problem(&health, 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
    assert_problem(&healthz, 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
}

#[test]
fn health_stays_ok_until_a_call_actually_fails() {
    let app = spawn(Config::for_tests(3));

    for _ in 0..3 {
        app.get("/rng");
    }
    let after_three = app.get("/health");
    app.get("/rng");
    let after_four = app.get("/health");

    assert_eq!(after_three.status, 200);
    assert_eq!(after_four.status, 500);
}
