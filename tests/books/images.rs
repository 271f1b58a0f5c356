//! Each image of scripts/book-images.sh against the book's own Dockerfile:
//! the same start command, health check, port, working directory and
//! settings; a `dotnet` in every one; and the v2 dependency check with curl
//! as chapter 8 runs it.

use std::time::{Duration, Instant};

use super::app::{book_images, calls};
use crate::common::docker::{
    docker, docker_ok, engine_or_skip, logs, wait_for_health, wait_for_log,
};
use crate::common::docs::page;
use crate::common::recipe::{run_steps, Ports, Shell};

/// What the book's Dockerfile gives each image, a row each: ENTRYPOINT,
/// CMD (shell form as `/bin/sh -c`, spaces squeezed), HEALTHCHECK test,
/// the port, and one variable of its environment.
const IMAGES: &str = r#"
diamol/ch08-numbers-api:latest | ["dotnet","/app/Numbers.Api.dll"] | null | null | 80 |
diamol/ch08-numbers-api:v2 | ["dotnet","/app/Numbers.Api.dll"] | null | ["CMD-SHELL","curl --fail http://localhost/health"] | 80 |
diamol/ch08-numbers-api:v3 | ["dotnet","Numbers.Api.dll"] | null | ["CMD","dotnet","Utilities.HttpCheck.dll","-u","http://localhost/health"] | 80 |
diamol/ch14-numbers-api:v5 | ["dotnet","Numbers.Api.dll"] | null | ["CMD","dotnet","Utilities.HttpCheck.dll","-u","http://localhost/health"] | 80 | Broken=true
diamol/ch08-numbers-web:latest | ["dotnet","/app/Numbers.Web.dll"] | null | null | 80 | RngApi:Url=http://numbers-api/rng
diamol/ch08-numbers-web:v2 | null | ["/bin/sh","-c","curl --fail http://numbers-api/rng && exec dotnet Numbers.Web.dll"] | null | 80 | RngApi:Url=http://numbers-api/rng
diamol/ch08-numbers-web:v3 | null | ["/bin/sh","-c","dotnet Utilities.HttpCheck.dll -c RngApi:Url -t 900 && exec dotnet Numbers.Web.dll"] | null | 80 | RngApi__Url=http://numbers-api/rng
diamol/ch14-numbers-web:v5 | null | ["/bin/sh","-c","dotnet Utilities.HttpCheck.dll -c RngApi:Url -t 900 && exec dotnet Numbers.Web.dll"] | null | 80 | RngApi__Url=http://numbers-api/rng
diamol/ch08-numbers-api:2e | ["dotnet","/app/Numbers.Api.dll"] | null | null | 8080 |
diamol/ch08-numbers-api:2e-v2 | ["dotnet","/app/Numbers.Api.dll"] | null | ["CMD-SHELL","curl --fail http://localhost:8080/health"] | 8080 |
diamol/ch08-numbers-api:2e-v3 | ["dotnet","Numbers.Api.dll"] | null | ["CMD","dotnet","Utilities.HttpCheck.dll","-u","http://localhost:8080/health"] | 8080 |
diamol/ch08-numbers-web:2e | ["dotnet","/app/Numbers.Web.dll"] | null | null | 8080 | RngApi:Url=http://numbers-api/rng
diamol/ch08-numbers-web:2e-v2 | null | ["/bin/sh","-c","curl --fail http://numbers-api:8080/rng && exec dotnet Numbers.Web.dll"] | null | 8080 | RngApi__Url=http://numbers-api:8080/rng
diamol/ch08-numbers-web:2e-v3 | null | ["/bin/sh","-c","dotnet Utilities.HttpCheck.dll -c RngApi:Url -t 900 && exec dotnet Numbers.Web.dll"] | null | 8080 | RngApi__Url=http://numbers-api:8080/rng
kiamol/ch03-numbers-api:latest | ["dotnet","/app/Numbers.Api.dll"] | null | null | 80 | FailAfterCallCount=0
"#;

/// The rows of [`IMAGES`], cell by cell.
fn images() -> Vec<Vec<&'static str>> {
    IMAGES
        .trim()
        .lines()
        .map(|row| row.split('|').map(str::trim).collect())
        .collect()
}

fn squeezed(text: &str) -> String {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_image_starts_checks_and_listens_as_the_books_did() {
    if !engine_or_skip("the books' images") {
        return;
    }
    let tagged: Vec<&str> = book_images()
        .iter()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    let images = images();
    let names: Vec<&str> = images.iter().map(|row| row[0]).collect();
    assert_eq!(tagged, names, "scripts/book-images.sh tagged other images");
    for row in images {
        let [tag, entrypoint, cmd, test, port, variable] = row[..] else {
            panic!("a row of six cells: {row:?}");
        };
        let config = docker_ok(&[
            "image",
            "inspect",
            "--format",
            "{{json .Config.Entrypoint}}|{{json .Config.Cmd}}|{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{else}}null{{end}}|{{range $p, $_ := .Config.ExposedPorts}}{{$p}}{{end}}|{{.Config.WorkingDir}}|{{.Config.User}}",
            tag,
        ]);
        let env = docker_ok(&["image", "inspect", "--format", "{{json .Config.Env}}", tag]);
        let dotnet = docker(&["run", "--rm", "--entrypoint", "dotnet", tag, "--info"]);

        let expected = format!("{entrypoint}|{cmd}|{test}|{port}/tcp|/app|numbers");
        assert_eq!(squeezed(&config), expected, "{tag}");
        assert!(
            env.contains(&format!("NUMBERS_LISTEN=0.0.0.0:{port}")),
            "{tag}: {env}"
        );
        assert!(env.contains(variable), "{tag}: no {variable} in {env}");
        assert_eq!(dotnet.status.code(), Some(1), "{tag}");
        assert!(
            String::from_utf8_lossy(&dotnet.stderr).contains("this dotnet is numbers-api"),
            "{tag}: {dotnet:?}"
        );
    }
}

#[test]
fn the_v2_web_app_exits_without_the_api_and_spends_a_call_with_it() {
    if !engine_or_skip("web v2's dependency check") {
        return;
    }
    book_images();
    let net = format!("books-{}-v2", std::process::id());
    let api = format!("{net}-api");
    let web = format!("{net}-web");
    let _cleanup = Cleanup(vec![web.clone(), api.clone()], net.clone());
    docker_ok(&["network", "create", &net]);

    // Alone, the web app's curl cannot find numbers-api: the container exits.
    docker_ok(&[
        "run",
        "-d",
        "--name",
        &web,
        "--network",
        &net,
        "diamol/ch08-numbers-web:v2",
    ]);
    let started = Instant::now();
    while docker_ok(&["inspect", "--format", "{{.State.Running}}", &web]) == "true" {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "web v2 still runs"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let exit_code = docker_ok(&["inspect", "--format", "{{.State.ExitCode}}", &web]);
    let alone = logs(&web);

    // With the API (v2, curl's health check) as numbers-api, it starts.
    docker_ok(&[
        "run",
        "-d",
        "--name",
        &api,
        "--network",
        &net,
        "--network-alias",
        "numbers-api",
        "--health-interval",
        "1s",
        "diamol/ch08-numbers-api:v2",
    ]);
    let healthy_after = wait_for_health(&api, "healthy", Duration::from_secs(30));
    docker_ok(&["start", &web]);
    wait_for_log(&web, "listening on", Duration::from_secs(30));
    let probe = docker_ok(&[
        "inspect",
        "--format",
        "{{(index .State.Health.Log 0).Output}}",
        &api,
    ]);

    println!("web v2 exited {exit_code} alone; the API healthy after {healthy_after:?}");
    assert_ne!(exit_code, "0");
    assert!(
        alone.contains("curl: (6) Could not resolve host: numbers-api"),
        "{alone}"
    );
    // curl's meter, with /health's answer wherever its chunk landed.
    assert!(probe.contains("Ok"), "{probe}");
    assert_eq!(calls(&api, 80), 1, "curl's number is one of the three");
}

/// Removes the containers and the network of a test, even when it fails.
struct Cleanup(Vec<String>, String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = docker(&["rm", "-f", name]);
        }
        let _ = docker(&["network", "rm", &self.1]);
    }
}

#[test]
fn the_kubernetes_books_image_fails_after_its_call_count_as_the_page_shows() {
    if !engine_or_skip("kiamol/ch03-numbers-api") {
        return;
    }
    book_images();
    let steps = page("docs/books.md")
        .section("## Kubernetes in a Month of Lunches")
        .steps();
    let mut shell = Shell::new(Ports::moved());
    run_steps(&mut shell, &steps);
}

#[test]
fn the_pages_listing_shows_exactly_the_images_the_script_tagged() {
    if !engine_or_skip("listing the books' images") {
        return;
    }
    let mut tagged: Vec<&str> = book_images()
        .iter()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    let listing = page("docs/books.md")
        .section("## Remove them")
        .command("docker image ls");
    let mut shell = Shell::new(Ports::as_written());
    let output = shell.run(&listing, Duration::from_secs(60));
    let printed = String::from_utf8_lossy(&output.stdout);
    let mut listed: Vec<&str> = printed.lines().collect();

    tagged.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, tagged, "`{listing}`");
}
