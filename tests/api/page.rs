//! The lab page at `/` without a browser: what it renders, what its forms
//! do, and that looking at it changes nothing.

use numbers_api::server::lesson::Rule;
use numbers_api::server::Config;

use crate::common::server::{spawn, TestApp};

fn state(app: &TestApp) -> serde_json::Value {
    let reply = app.get("/page/state");
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()
}

#[test]
fn the_page_renders_the_state_as_html() {
    let app = spawn(Config::for_tests(3));
    app.get("/rng");

    let reply = app.get("/");

    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "text/html; charset=utf-8");
    assert!(reply.body.contains(">Healthy<"), "{}", reply.body);
    assert!(reply.body.contains("1 of 3 calls used."));
    assert!(reply
        .body
        .contains("<form id=\"rng-form\" method=\"post\" action=\"/page/rng\">"));
    assert!(!reply.body.contains("{{"), "an unfilled placeholder");
}

/// The text of the page's status line.
fn status_text(page: &str) -> &str {
    let start = page
        .find(r#"<span id="status-text">"#)
        .expect("a status line");
    let text = &page[start + r#"<span id="status-text">"#.len()..];
    &text[..text.find('<').expect("a closing tag")]
}

#[test]
fn the_status_line_says_healthy_then_unhealthy() {
    let app = spawn(Config::for_tests(1));

    let before = app.get("/").body;
    app.get("/rng");
    app.get("/rng");
    let after = app.get("/").body;

    assert_eq!(status_text(&before), "Healthy");
    assert_eq!(status_text(&after), "Unhealthy");
    assert!(
        after.contains(r#"class="status unhealthy""#),
        "the status line's colour follows it"
    );
}

#[test]
fn looking_at_the_page_is_neither_a_call_nor_a_probe() {
    let app = spawn(Config::for_tests(3));

    for _ in 0..10 {
        assert_eq!(app.get("/").status, 200);
        assert_eq!(app.get("/page/state").status, 200);
    }
    let seen = state(&app);
    let rng: Vec<u16> = (0..4).map(|_| app.get("/rng").status).collect();

    assert_eq!(seen["calls"], 0);
    assert_eq!(seen["probes"].as_array().map(Vec::len), Some(0));
    assert_eq!(rng, [200, 200, 200, 500]);
}

#[test]
fn the_form_spends_a_call_exactly_like_curl_and_redirects_back() {
    let app = spawn(Config::for_tests(3));

    let first = app.post("/page/rng");
    app.get("/rng");
    app.get("/rng");
    let fourth = app.post("/page/rng");
    let failed_page = app.get(fourth.location.as_deref().unwrap_or("/"));

    assert_eq!(first.status, 303);
    let location = first.location.expect("a Location");
    let number: u8 = location
        .strip_prefix("/?number=")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("redirects to /?number=N, not {location}"));
    assert!(number < 100);
    assert_eq!(fourth.status, 303);
    let location = fourth.location.expect("a Location");
    assert!(location.starts_with("/?failed=%7C"), "{location}");
    assert!(failed_page
        .body
        .contains("The call failed: HTTP 500, traceId |"));
    assert!(failed_page.body.contains(">Unhealthy<"));
    let metrics = app.get("/metrics").body;
    assert!(
        metrics.contains("numbers_rng_calls_total{outcome=\"ok\"} 3"),
        "{metrics}"
    );
    assert!(metrics.contains("numbers_rng_calls_total{outcome=\"unhealthy\"} 1"));
}

#[test]
fn the_reset_form_restores_health_and_redirects_back() {
    let app = spawn(Config::for_tests(1));
    app.get("/rng");
    app.get("/rng");

    let reply = app.post("/page/reset");
    let page = app.get("/?reset=1");

    assert_eq!(reply.status, 303);
    assert_eq!(reply.location.as_deref(), Some("/?reset=1"));
    assert_eq!(state(&app)["healthy"], true);
    assert_eq!(state(&app)["calls"], 0);
    assert!(page
        .body
        .contains("Reset: healthy again, the count starts over."));
}

#[test]
fn under_the_kubernetes_rule_the_page_says_a_reset_keeps_the_count() {
    let app = spawn(Config {
        rule: Rule::Kubernetes { failure_id: false },
        ..Config::for_tests(1)
    });
    app.get("/rng");
    app.get("/rng");

    let before = app.get("/").body;
    let reply = app.post("/page/reset");
    let page = app.get("/?reset=1");

    assert_eq!(reply.status, 303);
    assert_eq!(state(&app)["healthy"], true);
    assert_eq!(state(&app)["calls"], 2);
    let stays = "healthy again; the count stays, as the Kubernetes book&#39;s /reset keeps it.";
    assert!(
        before.contains(&format!("Reset is <code>/reset</code>: {stays}")),
        "{before}"
    );
    assert!(
        page.body.contains(&format!(">Reset: {stays}</p>")),
        "{}",
        page.body
    );
    assert!(!page.body.contains("starts over"), "{}", page.body);
}

#[test]
fn the_timeline_lists_probes_newest_first_with_who_sent_them() {
    let app = spawn(Config::for_tests(3));
    app.get_as("/health", "numbers-api-healthcheck/0.1.0");
    app.get_as("/health", "curl/7.88.1");
    app.get_as("/healthz", "kube-probe/1.30");

    let probes = state(&app)["probes"].clone();
    let page = app.get("/").body;

    let who: Vec<&str> = probes
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p["who"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(who, ["kube-probe", "curl", "numbers-api healthcheck"]);
    assert_eq!(probes[0]["path"], "/healthz");
    assert_eq!(probes[0]["result"], "200 OK");
    let row = |prober: &str| page.find(&format!("data-prober=\"{prober}\""));
    assert!(row("kube-probe").is_some(), "{page}");
    assert!(
        row("kube-probe") < row("numbers-api-healthcheck"),
        "newest first"
    );
}

#[test]
fn the_page_escapes_what_it_did_not_write() {
    let app = spawn(Config::for_tests(3));
    let reply = app.get_with_host(
        "/?failed=%3Cscript%3Ealert(1)%3C/script%3E&number=%3Cb%3E",
        "<i>evil</i>",
    );

    assert_eq!(reply.status, 200);
    assert!(!reply.body.contains("<script>alert"), "{}", reply.body);
    assert!(!reply.body.contains("<i>evil"));
    assert!(reply.body.contains("&#60;i&#62;evil&#60;/i&#62;"));
    assert!(reply.body.contains("The call failed: HTTP 500<"));
}
