//! `dotnet Utilities.HttpCheck.dll`: the book's check, run through a link
//! named `dotnet`, against the real API in process, a port where nothing
//! listens, and a server that never answers. Lines are compared byte for
//! byte, but for the milliseconds.

use std::time::{Duration, Instant};

use numbers_api::server::mode::HealthMode;
use numbers_api::server::Config;

use crate::common::ports::{free_address, nothing_listening};
use crate::common::process::{dotnet, run_with_deadline};
use crate::common::recipe::normalise;
use crate::common::server::{spawn, TestApp};
use crate::common::silent_server::SilentServer;

const DEADLINE: Duration = Duration::from_secs(10);

/// What one check printed and how it exited.
struct Checked {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Checked {
    /// The one line printed, its milliseconds as `<n>`.
    fn line(&self) -> String {
        assert_eq!(self.stdout.lines().count(), 1, "{:?}", self.stdout);
        assert!(self.stdout.ends_with('\n'), "{:?}", self.stdout);
        normalise(self.stdout.trim_end_matches('\n'))
    }

    /// The milliseconds the line says the answer took.
    fn took_ms(&self) -> u64 {
        let rest = &self.stdout[self.stdout.find(", took ").expect("took") + 7..];
        rest[..rest.find("ms").expect("ms")]
            .parse()
            .expect("a number")
    }
}

fn check_with(args: &[&str], env: &[(&str, &str)], deadline: Duration) -> Checked {
    let mut command = dotnet();
    command.arg("Utilities.HttpCheck.dll").args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = run_with_deadline(&mut command, deadline);
    Checked {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn check(args: &[&str]) -> Checked {
    check_with(args, &[], DEADLINE)
}

fn unhealthy_app() -> TestApp {
    let app = spawn(Config::for_tests(1));
    app.get("/rng");
    app.get("/rng");
    app
}

#[test]
fn a_fast_200_passes_with_the_books_line() {
    let app = spawn(Config::for_tests(3));
    let url = app.url("/health");

    let checked = check(&["-u", &url]);

    assert_eq!(checked.code, Some(0), "{}", checked.stdout);
    assert_eq!(
        checked.line(),
        format!("HTTPCheck: status OK, url {url}, took <n>ms")
    );
    // The service counts the book's check as its own health check.
    let metrics = app.get("/metrics").body;
    let series = r#"numbers_health_probes_total{prober="numbers-api-healthcheck",result="ok"} 1"#;
    assert!(metrics.lines().any(|l| l == series), "{metrics}");
}

#[test]
fn a_500_fails_under_dotnets_name_for_it() {
    let app = unhealthy_app();
    let url = app.url("/health");

    let checked = check(&["-u", &url, "-t", "150"]);

    assert_eq!(checked.code, Some(1));
    assert_eq!(
        checked.line(),
        format!("HTTPCheck: status InternalServerError, url {url}, took <n>ms")
    );
}

#[test]
fn t_is_no_deadline_a_slow_200_is_printed_then_fails() {
    let mut config = Config::for_tests(3);
    config.health_mode = HealthMode::Slow(Duration::from_millis(400));
    let app = spawn(config);
    let url = app.url("/health");

    let slow = check(&["-u", &url, "-t", "100"]);
    let in_time = check(&["-u", &url, "-t", "5000"]);

    // Waited past -t for the answer, printed it, then failed on the time.
    assert_eq!(slow.code, Some(1), "{}", slow.stdout);
    assert_eq!(
        slow.line(),
        format!("HTTPCheck: status OK, url {url}, took <n>ms")
    );
    assert!(slow.took_ms() >= 400, "{}", slow.stdout);
    assert_eq!(in_time.code, Some(0), "{}", in_time.stdout);
    assert!(in_time.took_ms() >= 400, "{}", in_time.stdout);
}

#[test]
fn nothing_listening_prints_dotnets_exception() {
    let address = free_address();
    let url = format!("http://{address}/health");

    let checked = check(&["-u", &url]);

    assert_eq!(checked.code, Some(1));
    assert_eq!(
        checked.stdout,
        format!("HTTPCheck: error. Url {url}, exception Connection refused ({address})\n")
    );
}

/// The check's own limit when `-t` is shorter: 30 s, Docker's default
/// health-check timeout. The slowest run measured here, on 2 loaded cores,
/// took 31.4 s; the bound is over twice that.
const SILENT_BOUND: Duration = Duration::from_secs(65);

#[test]
fn a_server_that_never_answers_fails_after_the_checks_own_30_seconds() {
    let silent = SilentServer::start();
    let url = silent.url("/health");

    let started = Instant::now();
    let checked = check_with(&["-u", &url, "-t", "150"], &[], SILENT_BOUND + DEADLINE);
    let took = started.elapsed();

    assert_eq!(checked.code, Some(1));
    assert_eq!(
        checked.stdout,
        format!("HTTPCheck: error. Url {url}, exception The request was canceled due to this check's timeout of 30 seconds elapsing.\n")
    );
    eprintln!("a silent server's check took {took:?}");
    assert!(took >= Duration::from_secs(30), "gave up early: {took:?}");
    assert!(took < SILENT_BOUND, "took {took:?}");
    drop(silent);
}

#[test]
fn the_log_flags_silence_the_lines_and_not_the_exit_code() {
    let healthy = spawn(Config::for_tests(3));
    let ok = healthy.url("/health");
    let unhealthy = unhealthy_app();
    let failing = unhealthy.url("/health");
    let refused = nothing_listening("/health");

    for (args, code) in [
        (vec!["-u", &ok, "-ls", "false"], 0),
        (vec!["-u", &ok, "/ls:0"], 0),
        (vec!["-u", &failing, "-LogSuccess", "FALSE"], 1),
        (vec!["-u", &refused, "-lf", "false"], 1),
        (vec!["-u", &refused, "/LogFailure:false"], 1),
    ] {
        let checked = check(&args);
        assert_eq!(
            (checked.code, checked.stdout.as_str()),
            (Some(code), ""),
            "{args:?}"
        );
    }
    // Each silences its own line only; a bare flag means true.
    let answered = check(&["-u", &ok, "-lf", "false"]);
    assert!(
        answered.line().starts_with("HTTPCheck: status OK"),
        "{}",
        answered.stdout
    );
    let failed = check(&["-lf", "-u", &refused, "-ls", "false"]);
    assert!(
        failed.line().starts_with("HTTPCheck: error. Url "),
        "{}",
        failed.stdout
    );
}

#[test]
fn c_reads_the_url_from_either_spelling_and_wins_over_u() {
    let app = spawn(Config::for_tests(3));
    let url = app.url("/health");
    let refused = nothing_listening("/health");

    for variable in ["RngApi__Url", "RngApi:Url"] {
        let checked = check_with(
            &["-c", "RngApi:Url", "-u", &refused],
            &[(variable, &url)],
            DEADLINE,
        );
        assert_eq!(checked.code, Some(0), "{variable}: {}", checked.stdout);
        assert_eq!(
            checked.line(),
            format!("HTTPCheck: status OK, url {url}, took <n>ms")
        );
    }
    let both = [
        ("RngApi:Url", refused.as_str()),
        ("RngApi__Url", url.as_str()),
    ];
    assert_eq!(
        check_with(&["-c", "RngApi:Url"], &both, DEADLINE).code,
        Some(0)
    );

    let unset = check(&["-c", "RngApi:Url", "-t", "900"]);
    assert_eq!(unset.code, Some(1));
    assert_eq!(
        unset.stdout,
        "HTTPCheck: error. Url , exception No configuration value for RngApi:Url: set RngApi__Url or RngApi:Url in the environment.\n"
    );
}

#[test]
fn without_u_it_checks_localhost_on_the_listen_port() {
    let app = spawn(Config::for_tests(3));
    let listen = app.address.to_string();
    let port = app.address.port();

    // The book's numbers-web check: `-t 150` and the default URL.
    let checked = check_with(&["-t", "150"], &[("NUMBERS_LISTEN", &listen)], DEADLINE);

    assert_eq!(checked.code, Some(0), "{}", checked.stdout);
    assert_eq!(
        checked.line(),
        format!("HTTPCheck: status OK, url http://localhost:{port}, took <n>ms")
    );
}

#[test]
fn a_bad_command_line_exits_1_never_dockers_reserved_2() {
    for (args, named) in [
        (&["-t", "150ms"][..], "'150ms'"),
        (&["-x", "1"], "'-x'"),
        (&["http://localhost/health"], "'http://localhost/health'"),
        (&["-u", "http://a", "-U", "http://b"], "-U given twice"),
        (&["-ls", "no"], "'no'"),
    ] {
        let checked = check(args);

        assert_eq!(checked.code, Some(1), "{args:?}: {}", checked.stderr);
        assert!(checked.stdout.is_empty(), "{args:?}");
        assert_eq!(checked.stderr.lines().count(), 1, "{}", checked.stderr);
        assert!(
            checked
                .stderr
                .starts_with("dotnet Utilities.HttpCheck.dll: ")
                && checked.stderr.contains(named),
            "{args:?}: {}",
            checked.stderr
        );
    }
}

#[test]
fn a_bad_numbers_listen_is_refused_as_the_server_refuses_it() {
    let checked = check_with(&["-t", "150"], &[("NUMBERS_LISTEN", "80")], DEADLINE);

    assert_eq!(checked.code, Some(1), "{}", checked.stderr);
    assert!(checked.stdout.is_empty());
    assert!(
        checked
            .stderr
            .starts_with("numbers-api: invalid value '80' for NUMBERS_LISTEN: "),
        "{}",
        checked.stderr
    );
}
