//! `/metrics`: calls by outcome, probes by result and prober, the gauges.

use std::time::{Duration, Instant};

use numbers_api::server::Config;

use crate::common::server::spawn;

fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn metrics_count_calls_probes_and_probers() {
    let app = spawn(Config::for_tests(2));
    for _ in 0..3 {
        app.get("/rng");
    }
    app.get_as("/health", "curl/7.88.1");
    app.get_as("/healthz", "kube-probe/1.30");
    app.get_as("/health", "numbers-api-healthcheck/0.1.0");
    app.get_as("/health", "Wget/1.21");

    let reply = app.get("/metrics");
    let m = reply.body.as_str();

    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.content_type,
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert_eq!(
        sample(m, r#"numbers_rng_calls_total{outcome="ok"}"#),
        Some(2.0)
    );
    assert_eq!(
        sample(m, r#"numbers_rng_calls_total{outcome="unhealthy"}"#),
        Some(1.0)
    );
    for prober in ["curl", "kube-probe", "numbers-api-healthcheck", "other"] {
        let series = format!(r#"numbers_health_probes_total{{prober="{prober}",result="fail"}}"#);
        assert_eq!(sample(m, &series), Some(1.0), "{prober}\n{m}");
    }
    assert_eq!(sample(m, "numbers_healthy"), Some(0.0));
    assert_eq!(sample(m, "numbers_ready"), Some(1.0));
    assert_eq!(sample(m, "numbers_fail_after"), Some(2.0));
}

#[test]
fn uptime_counts_from_the_servers_start_and_grows() {
    let before_the_start = Instant::now();
    let app = spawn(Config::for_tests(0));
    let uptime = || sample(&app.get("/metrics").body, "numbers_uptime_seconds");
    let first = uptime().expect("an uptime");
    let since_the_start = before_the_start.elapsed().as_secs_f64();

    // Read again until it has moved on, within a deadline.
    let started = Instant::now();
    let later = loop {
        let now = uptime().expect("an uptime");
        if now > first || started.elapsed() > Duration::from_secs(10) {
            break now;
        }
        std::thread::sleep(Duration::from_millis(20));
    };

    assert!(
        first <= since_the_start,
        "uptime {first} s, though the server started {since_the_start} s ago"
    );
    assert!(later > first, "uptime stayed at {first}");
    assert!(
        later - first <= started.elapsed().as_secs_f64() + 0.5,
        "uptime ran ahead: {first} then {later}"
    );
}

#[test]
fn a_hanging_probe_is_counted_as_hang() {
    let app = spawn(Config::for_tests(3));
    app.post_body("/control/health", "hang");

    let answer = app.get_within("/health", Duration::from_millis(200));
    // The probe is counted when it arrives; wait for that, not for a time.
    let started = Instant::now();
    let hanging = r#"numbers_health_probes_total{prober="other",result="hang"}"#;
    let m = loop {
        let m = app.get("/metrics").body;
        if sample(&m, hanging).is_some_and(|n| n >= 1.0)
            || started.elapsed() > Duration::from_secs(10)
        {
            break m;
        }
        std::thread::sleep(Duration::from_millis(20));
    };

    assert!(answer.is_none());
    assert_eq!(
        sample(
            &m,
            r#"numbers_health_probes_total{prober="other",result="hang"}"#
        ),
        Some(1.0),
        "{m}"
    );
}

/// Prometheus' own linter, where it is installed (CI installs it).
#[test]
fn promtool_accepts_the_exposition() {
    let app = spawn(Config::for_tests(1));
    app.get("/rng");
    app.get("/rng");
    app.get("/health");
    let body = app.get("/metrics").body;

    let child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if !crate::common::is_ci() => {
            eprintln!("SKIPPED promtool check: promtool is not installed ({e})");
            return;
        }
        Err(e) => panic!("CI is set but promtool cannot run: {e}"),
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();

    assert!(
        output.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
