//! What a student reads when a command line is wrong (one line still), and
//! what `--help` says: the missing argument named, clap's suggestion for a typo, switches
//! that take no value, and each subcommand's own settings.

use std::process::Output;
use std::time::Duration;

use crate::common::ports::nothing_listening;
use crate::common::process::{numbers_api, run_with_deadline};

const DEADLINE: Duration = Duration::from_secs(10);

fn run(args: &[&str]) -> Output {
    run_with_deadline(numbers_api().args(args), DEADLINE)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .trim_end()
        .to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[test]
fn watch_without_a_url_names_the_missing_argument_and_the_usage() {
    let output = run(&["watch"]);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "numbers-api: the following required arguments were not provided: <URL>; \
         usage: numbers-api watch <URL>"
    );
}

#[test]
fn a_mistyped_flag_gets_claps_suggestion_and_the_usage_line() {
    let output = run(&["--fail-afer", "3"]);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "numbers-api: unexpected argument '--fail-afer' found; \
         tip: a similar argument exists: '--fail-after'; usage: numbers-api --fail-after <N>"
    );
}

#[test]
fn value_errors_still_name_the_setting_and_its_variable_on_one_line() {
    let output = run(&["watch", "--interval", "5", "http://127.0.0.1:1/health"]);

    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        message.starts_with(
            "numbers-api: invalid value '5' for --interval (NUMBERS_WATCH_INTERVAL): "
        ),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
}

#[test]
fn watch_switches_take_no_value_before_the_url() {
    let url = nothing_listening("/health");
    for switch in ["--verbose", "--inspect"] {
        let output = run(&["watch", switch, &url, "--interval", "10ms", "--probes", "1"]);

        assert!(output.status.success(), "{switch}: {}", stderr(&output));
        assert!(
            stdout(&output).starts_with(&format!("watching {url} ")),
            "{switch}"
        );
    }
}

#[test]
fn watch_switches_keep_taking_true_or_false_from_their_variables_and_after_an_equals_sign() {
    let url = nothing_listening("/health");
    let quiet = run_with_deadline(
        numbers_api().env("NUMBERS_WATCH_VERBOSE", "false").args([
            "watch",
            &url,
            "--interval",
            "10ms",
            "--probes",
            "2",
        ]),
        DEADLINE,
    );
    let loud = run(&[
        "watch",
        "--verbose=true",
        &url,
        "--interval",
        "10ms",
        "--probes",
        "2",
    ]);
    let refused = run_with_deadline(
        numbers_api()
            .env("NUMBERS_WATCH_INSPECT", "maybe")
            .args(["watch", &url]),
        DEADLINE,
    );

    // One failed probe: a line for every probe only when verbose.
    assert_eq!(stdout(&quiet).matches("failing streak").count(), 0);
    assert_eq!(stdout(&loud).matches("failing streak").count(), 2);
    assert!(
        stderr(&refused).contains("'maybe' for NUMBERS_WATCH_INSPECT"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn each_subcommand_lists_only_the_settings_it_uses_in_its_own_terms() {
    let watch = stdout(&run(&["watch", "--help"]));
    let healthcheck = stdout(&run(&["healthcheck", "--help"]));
    let web = stdout(&run(&["web", "--help"]));

    assert!(!watch.contains("--listen"), "{watch}");
    assert!(
        healthcheck.contains("The address the API listens on: the probe's default URL is its port"),
        "{healthcheck}"
    );
    assert!(
        web.contains("Address and port numbers-web listens on"),
        "{web}"
    );
}

#[test]
fn listen_after_the_subcommand_sets_the_probes_port() {
    let before = run(&[
        "--listen",
        "127.0.0.1:9",
        "healthcheck",
        "--timeout-ms",
        "500",
    ]);
    let after = run(&[
        "healthcheck",
        "--listen",
        "127.0.0.1:9",
        "--timeout-ms",
        "500",
    ]);

    for output in [&before, &after] {
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stdout(output).starts_with("HTTPCheck: error, url http://127.0.0.1:9/health, "),
            "{}",
            stdout(output)
        );
    }
}

#[test]
fn help_says_what_the_bare_command_and_the_name_dotnet_do() {
    let help = stdout(&run(&["--help"]));

    assert!(
        help.contains("With no command, numbers-api serves the API"),
        "{help}"
    );
    assert!(help.contains("Called as dotnet"), "{help}");
    assert!(help.contains("dotnet Utilities.HttpCheck.dll"), "{help}");
    assert!(help.contains("The books' settings"), "{help}");
}

#[test]
fn the_references_examples_of_a_bad_command_line_are_what_the_binary_prints() {
    let steps = crate::common::docs::page("docs/reference.md")
        .section("## Settings")
        .steps();
    assert_eq!(steps.len(), 2, "{steps:?}");

    for step in steps {
        let args: Vec<&str> = step.command.split_whitespace().skip(1).collect();
        assert!(step.command.starts_with("numbers-api "), "{}", step.command);

        let printed = stderr(&run(&args));

        assert_eq!(printed, step.expected.join("\n"), "`{}`", step.command);
    }
}
