//! `--broken` (the v5 app's `Broken`): the service starts unhealthy, with
//! chapter 8's bodies, as the v5 app does, until `/reset` heals it.

use numbers_api::server::lesson::Rule;
use numbers_api::server::Config;

use crate::common::answers::{assert_problem, UNHEALTHY_TITLE, UNHEALTHY_TYPE};
use crate::common::server::{spawn, TestApp};

fn broken(fail_after: u64) -> TestApp {
    spawn(Config {
        broken: true,
        ..Config::for_tests(fail_after)
    })
}

#[test]
fn a_broken_service_answers_500_from_the_first_request() {
    let app = broken(3);

    let health = app.get("/health");
    let healthz = app.get("/healthz");
    let rng = app.get("/rng");

    assert_problem(&health, 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
    assert_problem(&healthz, 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
    assert_problem(&rng, 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
}

#[test]
fn broken_fails_even_where_the_count_never_would() {
    let app = broken(0);

    assert_eq!(app.get("/rng").status, 500);
    assert_eq!(app.get("/health").status, 500);
}

#[test]
fn reset_heals_a_broken_service_and_the_lab_starts_over() {
    let app = broken(3);
    app.get("/rng");

    let reset = app.get("/reset");

    assert_eq!((reset.status, reset.body.as_str()), (200, "Ok"));
    assert_eq!(app.get("/health").body, "Ok");
    let rng: Vec<u16> = (0..4).map(|_| app.get("/rng").status).collect();
    assert_eq!(rng, [200, 200, 200, 500]);
}

#[test]
fn broken_under_the_kubernetes_rule_answers_its_message_until_reset() {
    let app = spawn(Config {
        broken: true,
        rule: Rule::Kubernetes { failure_id: false },
        ..Config::for_tests(2)
    });

    assert_eq!(app.get("/rng").body, r#"{"message":"Unhealthy!"}"#);
    app.get("/reset");
    assert_eq!(app.get("/rng").status, 200);
}

#[test]
fn the_service_is_not_broken_unless_asked() {
    let app = spawn(Config::for_tests(3));

    assert_eq!(app.get("/health").status, 200);
    assert_eq!(app.get("/rng").status, 200);
}
