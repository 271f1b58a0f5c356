//! The reference page is what people copy from: its settings tables must
//! match `--help`, and its curl transcript must be what the server prints.

use std::process::Command;
use std::time::Duration;

use crate::common::docs::page;
use crate::common::ports::nothing_listening;
use crate::common::process::{dotnet, numbers_api, run_with_deadline, Server};
use crate::common::recipe::normalise;

/// (flag, variable, default) for every option `--help` lists.
fn help_settings(args: &[&str]) -> Vec<(String, String, String)> {
    let output = run_with_deadline(numbers_api().args(args), Duration::from_secs(10));
    let help = String::from_utf8_lossy(&output.stdout).to_string();
    help.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("--") && line.contains("[env: "))
        .map(|line| {
            let flag = line.split_whitespace().next().unwrap().to_string();
            let env = between(line, "[env: ", "=").unwrap_or_default();
            let default = between(line, "[default: ", "]").unwrap_or_default();
            (flag, env, default)
        })
        .collect()
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(rest[..rest.find(end)?].to_string())
}

/// (flag, variable, default) for every row of the reference's settings tables.
fn readme_settings() -> Vec<(String, String, String)> {
    page("docs/reference.md")
        .section("## Settings")
        .table_rows("--")
        .into_iter()
        .map(|cells| (cells[0].clone(), cells[1].clone(), cells[2].clone()))
        .collect()
}

#[test]
fn the_reference_settings_tables_match_help() {
    let mut from_help = help_settings(&["--help"]);
    for subcommand in ["healthcheck", "watch", "web"] {
        from_help.extend(
            help_settings(&[subcommand, "--help"])
                .into_iter()
                .filter(|(flag, _, _)| flag != "--listen"),
        );
    }
    let from_readme = readme_settings();

    for (flag, env, default) in &from_help {
        let row = from_readme
            .iter()
            .find(|(f, _, _)| f == flag)
            .unwrap_or_else(|| panic!("{flag} is not in the reference's settings tables"));
        assert_eq!(&row.1, env, "variable of {flag}");
        if !default.is_empty() {
            assert_eq!(&row.2, default, "default of {flag}");
        }
    }
    for (flag, _, _) in &from_readme {
        assert!(
            from_help.iter().any(|(f, _, _)| f == flag),
            "the reference documents {flag}, which --help does not know"
        );
    }
}

#[test]
fn the_reference_curl_transcript_is_what_the_server_prints() {
    let section = page("docs/reference.md").section("## Try it");
    let server = Server::start(numbers_api());
    let mut steps = 0;

    // The curls; the section ends with the same service run from the image.
    for step in section
        .steps()
        .iter()
        .filter(|s| s.command.starts_with("curl "))
    {
        let command = &step.command;
        let expected: Vec<String> = step.expected.iter().map(|l| normalise(l)).collect();
        let args: Vec<String> = command
            .split_whitespace()
            .skip(1)
            .map(|a| a.replace("http://localhost:8080", &server.url("")))
            .collect();
        assert!(command.starts_with("curl "), "only curl here: {command}");

        let output = Command::new("curl")
            .arg("-sS")
            .args(&args)
            .output()
            .expect("curl is installed");

        let mut printed = String::from_utf8_lossy(&output.stdout).to_string();
        printed.push_str(&String::from_utf8_lossy(&output.stderr));
        let actual: Vec<String> = printed.lines().map(normalise).collect();
        assert_eq!(actual, expected, "output of `{command}`");
        steps += 1;
    }
    assert!(steps >= 7, "the transcript shrank to {steps} steps");
}

#[test]
fn the_reference_dotnet_transcript_is_what_the_check_prints() {
    let section = page("docs/reference.md").section("## `dotnet`");
    let api = Server::start(numbers_api());
    let refused = nothing_listening("");
    // The page's ports, and the ones this test was given.
    let ports = [
        (
            "localhost:8080",
            format!("localhost:{}", api.address().port()),
        ),
        (
            "localhost:8081",
            refused.replace("http://127.0.0.1", "localhost"),
        ),
    ];
    let steps = section.steps();
    assert!(steps[0].command.starts_with("ln -s "), "{:?}", steps[0]);

    for step in &steps[1..] {
        let command = &step.command;
        let args = command
            .strip_prefix("./dotnet ")
            .unwrap_or_else(|| panic!("only ./dotnet here: {command}"));
        let args: Vec<String> = args
            .split_whitespace()
            .map(|a| {
                ports
                    .iter()
                    .fold(a.to_string(), |a, (page, ours)| a.replace(page, ours))
            })
            .collect();

        let output = run_with_deadline(dotnet().args(&args), Duration::from_secs(10));

        let printed = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| {
                ports
                    .iter()
                    .fold(line.to_string(), |l, (page, ours)| l.replace(ours, page))
            })
            .map(|line| normalise(&line))
            .collect::<Vec<_>>();
        let expected: Vec<String> = step.expected.iter().map(|l| normalise(l)).collect();
        assert_eq!(printed, expected, "output of `{command}`");
    }
    assert!(
        steps.len() >= 7,
        "the transcript shrank to {} steps",
        steps.len()
    );
}

/// The paths `--control false` turns off; every one is refused in
/// tests/api/control.rs.
const CONTROLLED: [&str; 3] = ["/reset", "/page/reset", "/control/health"];

#[test]
fn help_and_the_reference_say_what_control_false_turns_off() {
    let output = run_with_deadline(numbers_api().arg("--help"), Duration::from_secs(10));
    let help = String::from_utf8_lossy(&output.stdout).to_string();
    let from_help = help
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("--control "))
        .expect("--help lists --control");
    let row = page("docs/reference.md")
        .section("## Settings")
        .table_rows("--")
        .into_iter()
        .find(|cells| cells[0] == "--control")
        .expect("the reference lists --control");
    let from_reference = &row[3];

    for text in [from_help, from_reference.as_str()] {
        for path in CONTROLLED {
            assert!(text.contains(path), "{path} not named in: {text}");
        }
        assert!(text.contains("403"), "the answer not named in: {text}");
        for kept in ["/rng", "/metrics"] {
            assert!(text.contains(kept), "{kept} not said to stay in: {text}");
        }
    }
}

#[test]
fn help_and_the_reference_give_the_api_urls_order_of_precedence() {
    let output = run_with_deadline(
        numbers_api().args(["web", "--help"]),
        Duration::from_secs(10),
    );
    let help = String::from_utf8_lossy(&output.stdout).to_string();
    let from_help = help
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("--api-url "))
        .expect("--help lists --api-url");
    let row = page("docs/reference.md")
        .section("## Settings")
        .table_rows("--")
        .into_iter()
        .find(|cells| cells[0] == "--api-url")
        .expect("the reference lists --api-url");

    for text in [from_help, row[3].as_str()] {
        let at = |name: &str| {
            text.find(name)
                .unwrap_or_else(|| panic!("{name} not named in: {text}"))
        };
        // Our flag and variable first, then the book's two spellings.
        assert!(at("NUMBERS_WEB_API_URL") < at("RngApi__Url"), "{text}");
        assert!(at("RngApi__Url") < at("RngApi:Url"), "{text}");
    }
}
