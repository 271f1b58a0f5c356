//! The numbers app of the books as a teacher watches it: the images built
//! once per run by scripts/book-images.sh, a container's health as `docker
//! ps` shows it, the web page's button, the API's count of calls, and logs.

use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::answers::result_line;
use crate::common::docker::{docker_ok, logs, ROOT};
use crate::common::http;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

/// `bash scripts/book-images.sh`, once per run, with the legacy builder;
/// the images it tagged, as it printed them (`name:tag id`).
pub fn book_images() -> &'static [String] {
    static TAGGED: OnceLock<Vec<String>> = OnceLock::new();
    TAGGED.get_or_init(|| {
        let started = Instant::now();
        let output = run_with_deadline(
            Command::new("bash")
                .arg("scripts/book-images.sh")
                .env("DOCKER_BUILDKIT", "0")
                .current_dir(ROOT),
            Duration::from_secs(30 * 60),
        );
        assert!(
            output.status.success(),
            "scripts/book-images.sh failed:\n{}",
            text(&output)
        );
        println!("scripts/book-images.sh: {:?}", started.elapsed());
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(String::from)
            .collect()
    })
}

/// The id of a compose service's container in `project`.
pub fn container(project: &str, service: &str) -> String {
    let id = docker_ok(&[
        "ps",
        "-a",
        "-q",
        "--filter",
        &format!("label=com.docker.compose.project={project}"),
        "--filter",
        &format!("label=com.docker.compose.service={service}"),
    ]);
    assert!(!id.is_empty(), "no container of {service} in {project}");
    id
}

/// Polls until the web app serves its page on `port` (true) or its
/// container has exited (false), as a dependency check that failed leaves it.
pub fn serves_or_exits(web: &str, port: u16) -> bool {
    let started = Instant::now();
    loop {
        if crate::common::docker::try_get(port, "/").is_ok_and(|(status, _)| status == 200) {
            return true;
        }
        if docker_ok(&["inspect", "--format", "{{.State.Status}}", web]) == "exited" {
            return false;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the web app neither serves nor exits:\n{}",
            logs(web)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What the book's web page shows after its button is pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    Number(u8),
    Unavailable,
}

/// Presses the web page's button (`POST /`); waits for the page while the
/// web app is still starting.
pub fn press(port: u16) -> Press {
    let url = format!("http://127.0.0.1:{port}/");
    let started = Instant::now();
    let page = loop {
        match http::try_post(&url, "", http::TIMEOUT) {
            Ok(reply) => break reply.body,
            Err(error) => assert!(
                started.elapsed() < Duration::from_secs(60),
                "the web page on {port} never answered: {error}"
            ),
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let line = result_line(&page);
    if line == "RNG service unavailable!" {
        return Press::Unavailable;
    }
    let number = line
        .strip_prefix("Here it is: ")
        .unwrap_or_else(|| panic!("no result on the page: {page}"));
    Press::Number(number.parse().expect("a number from 0 to 99"))
}

/// The calls of `/rng` the API has counted, as its control API tells
/// (`docker exec <api> curl`: the book's images carry curl).
pub fn calls(api: &str, port: u16) -> u64 {
    let url = format!("http://localhost:{port}/control/health");
    let state = docker_ok(&["exec", api, "curl", "-s", &url]);
    let state: serde_json::Value = serde_json::from_str(&state).expect("the control API's JSON");
    state["calls"].as_u64().expect("a count of calls")
}

/// The web app's start-up checks that passed: each spent one call.
pub fn passed_checks(web: &str, line: &str) -> usize {
    logs(web).lines().filter(|l| l.contains(line)).count()
}

/// After the web app's dependency check spent `spent` of the API's three
/// good calls: the page shows the remaining numbers, then the failure.
pub fn the_page_shows_the_numbers_left_then_the_failure(web_port: u16, spent: u64) -> Vec<Press> {
    let presses: Vec<Press> = (spent..=3).map(|_| press(web_port)).collect();
    let (last, numbers) = presses.split_last().expect("at least one press");
    for number in numbers {
        assert!(
            matches!(number, Press::Number(n) if *n < 100),
            "{presses:?}"
        );
    }
    assert_eq!(*last, Press::Unavailable, "{presses:?}");
    presses
}
