//! The books' names for settings, as their compose files and manifests set
//! them: `FailAfterCallCount` and `UseFailureId` (the Kubernetes book),
//! `Broken` (chapter 14's v5 app), `Logging__LogLevel__Default` (every
//! ASP.NET Core app; chapter 19 sets `Debug`); and where ours win.

use std::time::Duration;

use crate::common::answers::UNHEALTHY_BODY_START;
use crate::common::process::Server;

const DEADLINE: Duration = Duration::from_secs(10);

fn statuses(server: &Server, path: &str, calls: usize) -> Vec<u16> {
    (0..calls).map(|_| server.get(path).status).collect()
}

#[test]
fn fail_after_call_count_answers_the_nth_call_then_the_kubernetes_books_500() {
    let server = Server::start_with(&[("FailAfterCallCount", "1")]);

    let first = server.get("/rng");
    let healthz = server.get("/healthz");
    let second = server.get("/rng");

    assert_eq!(first.status, 200);
    assert_eq!(
        (healthz.status, healthz.body.as_str()),
        (500, r#"{"message":"Unhealthy"}"#)
    );
    assert_eq!(
        (second.status, second.body.as_str()),
        (500, r#"{"message":"Unhealthy!"}"#)
    );
    let line = server.wait_for_log("listening on", DEADLINE).unwrap();
    assert!(
        line.contains("FailAfterCallCount 1: the Kubernetes book's rule"),
        "{line}"
    );
}

#[test]
fn fail_after_call_count_zero_never_fails() {
    let server = Server::start_with(&[("FailAfterCallCount", "0")]);

    assert!(statuses(&server, "/rng", 50).iter().all(|&s| s == 200));
}

#[test]
fn use_failure_id_logs_the_message_the_client_got() {
    let server = Server::start_with(&[("FailAfterCallCount", "1"), ("UseFailureId", "true")]);
    server.get("/rng");

    let failure = server.get("/rng");

    assert_eq!(failure.status, 500);
    let message = failure
        .body
        .strip_prefix(r#"{"message":""#)
        .and_then(|rest| rest.strip_suffix(r#""}"#))
        .expect("a message");
    assert!(
        message.starts_with("Unhealthy! Failure ID: "),
        "{}",
        failure.body
    );
    let line = server.wait_for_log(message, DEADLINE);
    assert!(
        line.as_ref().is_some_and(|l| l.contains("WARN")),
        "{line:?} in {:?}",
        server.logs()
    );
}

#[test]
fn numbers_fail_after_keeps_chapter_8s_rule_over_the_kubernetes_books_settings() {
    let server = Server::start_with(&[
        ("NUMBERS_FAIL_AFTER", "2"),
        ("FailAfterCallCount", "1"),
        ("UseFailureId", "true"),
    ]);

    assert_eq!(statuses(&server, "/rng", 2), [200, 200]);
    let failure = server.get("/rng");
    assert_eq!(failure.status, 500);
    assert!(
        failure.body.starts_with(UNHEALTHY_BODY_START),
        "{}",
        failure.body
    );
}

#[test]
fn broken_and_numbers_broken_start_the_service_unhealthy() {
    for (name, value) in [
        ("Broken", "true"),
        ("Broken", "True"),
        ("NUMBERS_BROKEN", "1"),
    ] {
        let server = Server::start_with(&[(name, value)]);

        let health = server.get("/health");
        assert_eq!(health.status, 500, "{name}={value}");
        assert!(
            health.body.starts_with(UNHEALTHY_BODY_START),
            "{name}={value}: {}",
            health.body
        );
        assert_eq!(server.get("/rng").status, 500, "{name}={value}");
        let line = server.wait_for_log("listening on", DEADLINE).unwrap();
        assert!(line.contains("broken: unhealthy until /reset"), "{line}");
    }
}

#[test]
fn numbers_broken_wins_over_broken_and_neither_means_healthy() {
    for vars in [
        &[("Broken", "true"), ("NUMBERS_BROKEN", "false")][..],
        &[("Broken", "false")],
        &[],
    ] {
        let server = Server::start_with(vars);

        assert_eq!(server.get("/health").status, 200, "{vars:?}");
        assert_eq!(server.get("/rng").status, 200, "{vars:?}");
    }
}

/// The book's `_logger.LogDebug($"Returning random number: {n}")`.
fn number_line(number: &str) -> String {
    format!("Returning random number: {number}")
}

#[test]
fn logging_loglevel_default_debug_logs_each_number_in_the_books_words() {
    let server = Server::start_with(&[("Logging__LogLevel__Default", "Debug")]);

    let number = server.get("/rng").body;

    let line = server.wait_for_log(&number_line(&number), DEADLINE);
    assert!(
        line.as_ref().is_some_and(|l| l.contains("DEBUG")),
        "{line:?} in {:?}",
        server.logs()
    );
}

#[test]
fn at_trace_the_framework_stays_at_info_as_the_books_appsettings_keep_it() {
    let server = Server::start_with(&[("Logging__LogLevel__Default", "Trace")]);

    let number = server.get("/rng").body;
    server
        .wait_for_log(&number_line(&number), DEADLINE)
        .expect("the number's line");

    let logs = server.logs();
    assert!(
        !logs
            .iter()
            .any(|l| l.contains("TRACE actix") || l.contains("DEBUG actix")),
        "{logs:?}"
    );
}

#[test]
fn logging_loglevel_default_information_and_warning_hide_the_numbers() {
    for level in ["Information", "warning"] {
        let server = Server::start_with(&[
            ("Logging__LogLevel__Default", level),
            ("NUMBERS_FAIL_AFTER", "1"),
        ]);

        let number = server.get("/rng").body;
        server.get("/reset");
        server.get("/rng");
        server.get("/rng");
        // The failure's warning shows at both levels and comes last: every
        // line before it has been read by then.
        let warning = server.wait_for_log("Unhealthy!", DEADLINE);
        let logs = server.logs();

        assert!(warning.is_some(), "{level}: {logs:?}");
        let reset = logs.iter().any(|l| l.contains("Reset: healthy again"));
        assert_eq!(reset, level == "Information", "{level}: {logs:?}");
        assert!(
            !logs.iter().any(|l| l.contains(&number_line(&number))),
            "{level}: {logs:?}"
        );
        // The start line shows at every level, as ASP.NET Core's
        // Microsoft.Hosting.Lifetime does.
        assert!(logs.iter().any(|l| l.contains("listening on")));
    }
}

#[test]
fn rust_log_wins_over_logging_loglevel_default() {
    let server = Server::start_with(&[
        ("Logging__LogLevel__Default", "Debug"),
        ("RUST_LOG", "info"),
    ]);

    let number = server.get("/rng").body;
    server.get("/reset");
    server
        .wait_for_log("Reset: healthy again", DEADLINE)
        .unwrap();

    assert!(
        !server
            .logs()
            .iter()
            .any(|l| l.contains(&number_line(&number))),
        "{:?}",
        server.logs()
    );
}

#[test]
fn the_books_settings_are_read_as_dotnet_reads_them_in_any_case_and_with_colons() {
    let server = Server::start_with(&[
        ("FAILAFTERCALLCOUNT", "1"),
        ("broken", "false"),
        ("Logging:LogLevel:Default", "Debug"),
    ]);

    let number = server.get("/rng").body;

    let line = server.wait_for_log("listening on", DEADLINE).unwrap();
    assert!(
        line.contains("FailAfterCallCount 1: the Kubernetes book's rule"),
        "{line}"
    );
    assert!(server
        .wait_for_log(&number_line(&number), DEADLINE)
        .is_some());
    assert_eq!(server.get("/rng").status, 500);
}
