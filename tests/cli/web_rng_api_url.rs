//! numbers-web's API URL under the book's name, `RngApi__Url` (or
//! `RngApi:Url`), as the book's compose files set it; our own `--api-url`
//! and `NUMBERS_WEB_API_URL` win over it.

use std::process::Command;
use std::time::Duration;

use numbers_api::server::Config;

use crate::common::process::{numbers_api_with, run_with_deadline, Server};
use crate::common::server::spawn;

/// `numbers-api web` with these variables and flags.
fn web_with(env: &[(&str, &str)], args: &[&str]) -> Command {
    let mut command = numbers_api_with(env);
    command.arg("web").args(args);
    command
}

/// The API URL numbers-web started with, read from its start-up line.
fn api_url_of(env: &[(&str, &str)], args: &[&str]) -> String {
    let web = Server::start(web_with(env, args));
    let line = web
        .wait_for_log("listening on", Duration::from_secs(10))
        .expect("a start-up line");
    let rest = &line[line.find("(API ").expect("the API URL") + 5..];
    rest[..rest.find(',').expect("a comma")].to_string()
}

#[test]
fn rng_api_url_under_either_spelling_sets_the_api() {
    for variable in ["RngApi__Url", "RngApi:Url"] {
        let api = spawn(Config::for_tests(3));
        let web = Server::start(web_with(&[(variable, &api.url("/rng"))], &[]));

        let line = web.press_the_button();

        assert!(line.starts_with("Here it is: "), "{variable}: {line}");
    }
}

#[test]
fn our_flag_then_our_variable_then_the_books_names_then_the_default() {
    let cases = [
        (vec![], vec![], "http://127.0.0.1:8080/rng"),
        (
            vec![("RngApi:Url", "http://colon/rng")],
            vec![],
            "http://colon/rng",
        ),
        (
            vec![
                ("RngApi:Url", "http://colon/rng"),
                ("RngApi__Url", "http://under/rng"),
            ],
            vec![],
            "http://under/rng",
        ),
        (
            vec![
                ("RngApi__Url", "http://book/rng"),
                ("NUMBERS_WEB_API_URL", "http://ours/rng"),
            ],
            vec![],
            "http://ours/rng",
        ),
        (
            vec![
                ("RngApi__Url", "http://book/rng"),
                ("NUMBERS_WEB_API_URL", "http://ours/rng"),
            ],
            vec!["--api-url", "http://flag/rng"],
            "http://flag/rng",
        ),
        (
            vec![("RngApi__Url", "http://book/rng")],
            vec!["--api-url", "http://127.0.0.1:8080/rng"],
            "http://127.0.0.1:8080/rng",
        ),
    ];

    for (env, args, expected) in cases {
        assert_eq!(api_url_of(&env, &args), expected, "{env:?} {args:?}");
    }
}

#[test]
fn check_api_follows_the_books_url() {
    let api = spawn(Config::for_tests(3));
    let book = api.url("/rng");
    let web = Server::start(web_with(
        &[("RngApi__Url", &book), ("NUMBERS_WEB_API_TIMEOUT", "5s")],
        &["--check-api"],
    ));

    let passed = web.wait_for_log("the API check passed", Duration::from_secs(10));

    let health = api.url("/health");
    assert!(
        passed.is_some_and(|line| line.contains(&health)),
        "{:?}",
        web.logs()
    );
}

#[test]
fn a_bad_rng_api_url_is_refused_naming_the_variable_and_value() {
    for variable in ["RngApi__Url", "RngApi:Url"] {
        let output = run_with_deadline(
            &mut web_with(
                &[(variable, "numbers-api/rng")],
                &["--listen", "127.0.0.1:0"],
            ),
            Duration::from_secs(10),
        );

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(
            stderr.trim_end(),
            format!("numbers-api: invalid value 'numbers-api/rng' for {variable}: expected an http:// URL, such as http://127.0.0.1:8080/health")
        );
    }
    // Ours set, the book's is not read, bad or not.
    let ours = [
        ("RngApi__Url", "numbers-api/rng"),
        ("NUMBERS_WEB_API_URL", "http://ours/rng"),
    ];
    assert_eq!(api_url_of(&ours, &[]), "http://ours/rng");
}
