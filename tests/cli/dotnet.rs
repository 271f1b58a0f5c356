//! The binary called as `dotnet`: the book's `dotnet Numbers.Api.dll` and
//! `dotnet Numbers.Web.dll` serve the API and numbers-web with our settings,
//! and anything else is refused on one line.

use std::time::Duration;

use numbers_api::server::Config;

use crate::common::process::{dotnet, run_with_deadline, Server};
use crate::common::server::spawn;

const DEADLINE: Duration = Duration::from_secs(10);

#[test]
fn dotnet_numbers_api_dll_serves_the_api_with_our_settings() {
    // The book's v1 and v2 images name the assembly with its directory.
    for assembly in ["Numbers.Api.dll", "/app/Numbers.Api.dll"] {
        let mut command = dotnet();
        command.arg(assembly).env("NUMBERS_FAIL_AFTER", "1");
        let api = Server::start(command);

        let first = api.get("/rng").status;
        let second = api.get("/rng").status;
        let health = api.get("/health").status;

        assert_eq!((first, second, health), (200, 500, 500), "{assembly}");
        let started = api.wait_for_log("listening on", DEADLINE);
        assert!(
            started
                .is_some_and(|line| line.contains("numbers-api") && line.contains("fail-after 1")),
            "{:?}",
            api.logs()
        );
    }
}

#[test]
fn dotnet_numbers_api_dll_refuses_a_bad_setting_as_numbers_api_does() {
    let output = run_with_deadline(
        dotnet()
            .arg("Numbers.Api.dll")
            .env("NUMBERS_FAIL_AFTER", "three"),
        DEADLINE,
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "numbers-api: invalid value 'three' for NUMBERS_FAIL_AFTER: expected a whole number of calls, 0 or more (0 = never fail)"
    );
}

#[test]
fn dotnet_numbers_web_dll_serves_numbers_web_from_the_books_setting() {
    let api = spawn(Config::for_tests(3));
    let mut command = dotnet();
    command
        .arg("Numbers.Web.dll")
        .env("RngApi__Url", api.url("/rng"));
    let web = Server::start(command);

    let line = web.press_the_button();

    assert!(line.starts_with("Here it is: "), "{line}");
    let reply = web.get("/health");
    assert_eq!((reply.status, reply.body.as_str()), (200, "Ok"));
    let started = web
        .wait_for_log("listening on", DEADLINE)
        .unwrap_or_default();
    assert!(started.contains("numbers-web"), "{started}");
}

#[test]
fn dotnet_refuses_anything_else_with_one_line_and_exit_1() {
    for words in [
        &[][..],
        &["Foo.dll"],
        &["numbers.api.dll"],
        &["--info"],
        &["exec", "Numbers.Api.dll"],
    ] {
        let output = run_with_deadline(dotnet().args(words), DEADLINE);

        let stderr = String::from_utf8_lossy(&output.stderr);
        // 1, never clap's 2: Docker reserves 2 for health checks.
        assert_eq!(output.status.code(), Some(1), "{words:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{words:?}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("dotnet: "), "{stderr}");
        assert!(
            stderr.trim_end().ends_with(
                "this dotnet is numbers-api, not .NET, and runs only Numbers.Api.dll, Numbers.Web.dll, Utilities.HttpCheck.dll"
            ),
            "{stderr}"
        );
    }
    let output = run_with_deadline(dotnet().arg("Foo.dll"), DEADLINE);
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("dotnet: cannot run 'Foo.dll': "));
}
