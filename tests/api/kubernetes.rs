//! The Kubernetes book's rule (`FailAfterCallCount`, `UseFailureId`): the
//! N-th call still answers and marks the service unhealthy, later calls
//! answer its own 500, and `/reset` heals without restarting the count.

use numbers_api::server::lesson::Rule;
use numbers_api::server::Config;

use crate::common::http::Reply;
use crate::common::server::{spawn, TestApp};

const JSON: &str = "application/json; charset=utf-8";

fn kubernetes(fail_after: u64, failure_id: bool) -> TestApp {
    spawn(Config {
        rule: Rule::Kubernetes { failure_id },
        ..Config::for_tests(fail_after)
    })
}

fn assert_message(reply: &Reply, body: &str) {
    assert_eq!(
        (
            reply.status,
            reply.content_type.as_str(),
            reply.body.as_str()
        ),
        (500, JSON, body),
        "{reply:?}"
    );
}

/// The GUID of `Unhealthy! Failure ID: <guid>`, as .NET prints a version 4
/// one: lowercase 8-4-4-4-12 hex digits, `4` and one of `89ab` where the
/// version and variant go.
fn failure_id(reply: &Reply) -> String {
    let id = reply
        .body
        .strip_prefix(r#"{"message":"Unhealthy! Failure ID: "#)
        .and_then(|rest| rest.strip_suffix(r#""}"#))
        .unwrap_or_else(|| panic!("no Failure ID in {reply:?}"));
    let groups: Vec<&str> = id.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    assert_eq!(lengths, [8, 4, 4, 4, 12], "{id}");
    assert!(
        id.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "{id}"
    );
    assert!(groups[2].starts_with('4'), "version 4: {id}");
    assert!(groups[3].starts_with(['8', '9', 'a', 'b']), "variant: {id}");
    id.to_string()
}

fn statuses(app: &TestApp, path: &str, n: usize) -> Vec<u16> {
    (0..n).map(|_| app.get(path).status).collect()
}

#[test]
fn the_nth_call_answers_a_number_and_marks_the_service_unhealthy() {
    let app = kubernetes(2, false);

    let first = app.get("/rng");
    let healthy = app.get("/healthz");
    let second = app.get("/rng");
    let health = app.get("/health");
    let healthz = app.get("/healthz");
    let third = app.get("/rng");

    assert_eq!((first.status, second.status), (200, 200));
    assert!(
        second.body.parse::<u8>().is_ok_and(|n| n < 100),
        "{second:?}"
    );
    assert_eq!((healthy.status, healthy.body.as_str()), (200, "Ok"));
    assert_message(&health, r#"{"message":"Unhealthy"}"#);
    assert_message(&healthz, r#"{"message":"Unhealthy"}"#);
    assert_message(&third, r#"{"message":"Unhealthy!"}"#);
    assert_message(&app.get("/rng"), r#"{"message":"Unhealthy!"}"#);
}

#[test]
fn with_use_failure_id_each_failing_call_names_a_fresh_guid() {
    let app = kubernetes(1, true);
    assert_eq!(app.get("/rng").status, 200);

    let one = app.get("/rng");
    let two = app.get("/rng");
    let health = app.get("/healthz");

    assert_eq!((one.status, one.content_type.as_str()), (500, JSON));
    assert_ne!(failure_id(&one), failure_id(&two));
    // The health check's 500 is the same with or without Failure IDs.
    assert_message(&health, r#"{"message":"Unhealthy"}"#);
}

#[test]
fn zero_never_fails() {
    let app = kubernetes(0, true);

    assert!(statuses(&app, "/rng", 300).iter().all(|&s| s == 200));
    assert_eq!(app.get("/healthz").status, 200);
}

#[test]
fn reset_heals_but_the_count_stays() {
    let app = kubernetes(2, false);
    assert_eq!(statuses(&app, "/rng", 3), [200, 200, 500]);
    assert_eq!(app.get("/healthz").status, 500);

    let reset = app.get("/reset");

    assert_eq!((reset.status, reset.body.as_str()), (200, "Ok"));
    assert_eq!(app.get("/healthz").status, 200);
    let control = app.get("/control/health").body;
    assert!(control.contains(r#""calls":3"#), "{control}");
    // Past the budget already: one call answers and marks it again.
    assert_eq!(statuses(&app, "/rng", 2), [200, 500]);
    assert_eq!(app.get("/healthz").status, 500);
}
