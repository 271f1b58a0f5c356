//! `numbers-api web`: the compiled binary serving numbers-web against the
//! compiled binary serving the API, as the two containers run.

use std::time::Duration;

use crate::common::process::{numbers_api, run_with_deadline, Server};

/// POST / on numbers-web: the line the page shows after the button.
fn press_the_button(web: &Server) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .proxy(None)
        .build()
        .into();
    let mut response = agent.post(&web.url("/")).send_empty().expect("an answer");
    let page = response.body_mut().read_to_string().expect("a page");
    ["Here it is: ", "RNG service unavailable!"]
        .iter()
        .find_map(|start| {
            let at = page.find(start)?;
            Some(page[at..page[at..].find('<')? + at].to_string())
        })
        .unwrap_or_else(|| panic!("no result line in {page}"))
}

#[test]
fn web_shows_the_apis_numbers_then_says_it_is_unavailable() {
    let mut api_command = numbers_api();
    api_command.env("NUMBERS_FAIL_AFTER", "2");
    let api = Server::start(api_command);
    let mut web_command = numbers_api();
    web_command.args(["web", "--api-url", &api.url("/rng")]);
    let web = Server::start(web_command);

    let lines: Vec<String> = (0..3).map(|_| press_the_button(&web)).collect();

    assert!(lines[0].starts_with("Here it is: "), "{lines:?}");
    assert!(lines[1].starts_with("Here it is: "), "{lines:?}");
    assert_eq!(lines[2], "RNG service unavailable!");
    assert_eq!(web.get("/health"), (200, "Ok".to_string()));
    assert!(
        web.logs().iter().any(|l| l.contains("numbers-web")),
        "{:?}",
        web.logs()
    );
}

#[test]
fn web_settings_come_from_flags_or_variables_and_bad_ones_are_named() {
    let cases = [
        ("NUMBERS_WEB_API_URL", "numbers-api/rng"),
        ("NUMBERS_WEB_API_TIMEOUT", "2"),
    ];

    for (variable, value) in cases {
        let output = run_with_deadline(
            numbers_api().arg("web").env(variable, value),
            Duration::from_secs(10),
        );

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{variable}={value}");
        assert!(
            stderr.contains(variable) && stderr.contains(value),
            "{stderr}"
        );
    }
}

#[test]
fn web_stops_cleanly_on_sigterm() {
    let mut web_command = numbers_api();
    web_command.arg("web");
    let mut web = Server::start(web_command);

    web.signal(libc::SIGTERM);
    let status = web.wait_exit(Duration::from_secs(2));

    assert_eq!(status.and_then(|s| s.code()), Some(0), "{:?}", web.logs());
}
