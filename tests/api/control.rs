//! `--control`: on (the default) anyone who reaches the port may reset the
//! lesson or switch the health mode; off, every such request is refused and
//! changes nothing, while the lab itself carries on.

use numbers_api::server::Config;

use crate::common::answers::assert_trace_id_shape;
use crate::common::http::Reply;
use crate::common::server::{spawn, TestApp};

/// Every request that changes the state for everyone: (method, path, body).
const STATE_CHANGES: [(&str, &str, &str); 5] = [
    ("GET", "/reset", ""),
    ("POST", "/reset", ""),
    ("POST", "/page/reset", ""),
    ("GET", "/control/health", ""),
    ("POST", "/control/health", "ok"),
];

fn control_off(fail_after: u64) -> TestApp {
    spawn(Config {
        control: false,
        ..Config::for_tests(fail_after)
    })
}

fn send(app: &TestApp, method: &str, path: &str, body: &str) -> Reply {
    match method {
        "POST" => app.post_body(path, body),
        _ => app.request(method, path),
    }
}

/// ASP.NET Core's 403 problem, with a detail that names the setting.
fn assert_refused(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 403, "{what}: {reply:?}");
    assert_eq!(
        reply.content_type, "application/problem+json; charset=utf-8",
        "{what}"
    );
    let prefix = concat!(
        r#"{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.3","#,
        r#""title":"Forbidden","status":403,"#,
        r#""detail":"turned off by --control false (NUMBERS_CONTROL)","traceId":""#,
    );
    let trace_id = reply
        .body
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix("\"}"))
        .unwrap_or_else(|| panic!("{what}: body {}", reply.body));
    assert_trace_id_shape(trace_id);
}

#[test]
fn with_control_off_every_change_of_state_is_a_403_that_names_the_setting() {
    let app = control_off(3);

    for (method, path, body) in STATE_CHANGES {
        let reply = send(&app, method, path, body);

        assert_refused(&reply, &format!("{method} {path}"));
    }
}

#[test]
fn with_control_off_a_refused_reset_leaves_the_service_unhealthy() {
    let app = control_off(3);
    let rng: Vec<u16> = (0..4).map(|_| app.get("/rng").status).collect();
    assert_eq!(rng, [200, 200, 200, 500], "the lab runs as usual");

    for (method, path, body) in STATE_CHANGES {
        send(&app, method, path, body);
    }

    assert_eq!(app.get("/health").status, 500);
    assert_eq!(app.get("/rng").status, 500);
    let state = app.get("/page/state").json();
    assert_eq!(state["healthy"], false);
    assert_eq!(state["calls"], 5, "4 calls, then the one above; none reset");
}

#[test]
fn with_control_off_a_refused_mode_switch_leaves_the_mode_unchanged() {
    let app = control_off(3);

    let reply = app.post_body("/control/health", r#"{"mode":"fail"}"#);

    assert_refused(&reply, "POST /control/health");
    assert_eq!(app.get("/health").status, 200);
    let state = app.get("/page/state").json();
    assert_eq!(state["mode"], "ok");
}

#[test]
fn with_control_off_the_lab_probes_metrics_and_page_still_answer() {
    let app = control_off(3);

    let number = app.post("/page/rng");
    let answers: Vec<(&str, u16)> = [
        "/rng",
        "/health",
        "/healthz",
        "/readyz",
        "/metrics",
        "/",
        "/page/state",
    ]
    .into_iter()
    .map(|path| (path, app.get(path).status))
    .collect();

    assert_eq!(number.status, 303, "the page's number button works");
    assert!(
        answers.iter().all(|(_, status)| *status == 200),
        "{answers:?}"
    );
}

#[test]
fn with_control_off_the_page_offers_no_reset_and_says_why() {
    let app = control_off(3);

    let page = app.get("/").body;

    assert!(!page.contains(r#"id="reset-form""#), "{page}");
    assert!(!page.contains(r#"action="/page/reset""#));
    assert!(page.contains("Reset is turned off on this service (<code>--control false</code>)."));
    assert!(
        page.contains(r#"action="/page/rng""#),
        "the number button stays"
    );
}

#[test]
fn with_control_on_the_page_offers_its_reset() {
    let app = spawn(Config::for_tests(3));

    let page = app.get("/").body;

    assert!(page.contains(r#"<form id="reset-form" method="post" action="/page/reset">"#));
    assert!(!page.contains("turned off"));
}

#[test]
fn with_control_on_every_reset_heals_the_service() {
    let app = spawn(Config::for_tests(1));

    for (method, path) in [
        ("GET", "/reset"),
        ("POST", "/reset"),
        ("POST", "/page/reset"),
    ] {
        app.get("/rng");
        app.get("/rng");
        assert_eq!(
            app.get("/health").status,
            500,
            "{method} {path}: unhealthy first"
        );

        let reply = send(&app, method, path, "");

        assert!(
            matches!(reply.status, 200 | 303),
            "{method} {path}: {reply:?}"
        );
        assert_eq!(app.get("/health").status, 200, "{method} {path}");
        assert_eq!(app.get("/rng").status, 200, "{method} {path}");
    }
}

#[test]
fn with_control_on_the_control_api_reads_and_switches_the_mode() {
    let app = spawn(Config::for_tests(3));

    let read = app.get("/control/health");
    let switched = app.post_body("/control/health", "fail");

    assert_eq!(read.status, 200);
    assert!(read.body.contains(r#""mode":"ok""#), "{}", read.body);
    assert_eq!(switched.status, 200);
    assert_eq!(app.get("/health").status, 500);
}
