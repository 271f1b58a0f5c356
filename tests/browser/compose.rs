//! The compose file in chromium: numbers-web calling numbers-api over the
//! containers' network, and the API's lab page showing Docker's own probes.

use std::time::Duration;

use crate::browser::driver::{browser_or_skip, Browser, Scripts, WAIT};
use crate::common::compose_project::ComposeProject;
use crate::common::docker::{build, engine_or_skip, try_get};

/// The v3 image under a tag of the browser tests' own: other builds of
/// `numbers-api:v3` on the same engine cannot swap it during the test.
const IMAGE: &str = "numbers-api:v3-browser-tests";

#[test]
fn compose_runs_numbers_web_against_the_api_and_the_lab_page_shows_dockers_probes() {
    if !browser_or_skip("compose in a browser") || !engine_or_skip("compose in a browser") {
        return;
    }
    build(IMAGE, "Dockerfile.v3", false);
    let project = ComposeProject::new("numbers-browser", IMAGE);
    let web_url = format!("http://127.0.0.1:{}/", project.web_port);
    let lab_url = format!("http://127.0.0.1:{}/", project.api_port);

    // `up` starts numbers-web only once numbers-api is healthy.
    project.compose(&["up", "-d"]);
    project.wait_for_health("numbers-web", "healthy", Duration::from_secs(60));
    let browser = Browser::open(Scripts::On);

    browser.goto(&web_url);
    let lines: Vec<String> = (0..4)
        .map(|_| {
            browser.submit("#rng-button");
            browser.wait_for_text("#result", WAIT, |t| !t.is_empty())
        })
        .collect();
    browser.screenshot("compose-web-page");

    browser.goto(&lab_url);
    browser.wait_for_text("#live", WAIT, |t| t.starts_with("Live"));
    browser.execute("window.stillTheSamePage = true;");
    let calls = browser.wait_for_text("#calls", WAIT, |t| !t.is_empty());
    // Docker's check (v3: `numbers-api healthcheck`) probes every 5 s; its
    // first failing probe arrives while the page is open.
    let failing_probe = "#probes tr[data-prober='numbers-api-healthcheck'] .badge.fail";
    let took = browser.wait_for(failing_probe, Duration::from_secs(30));
    let newest = browser.text("#probes tr:first-child").unwrap_or_default();
    let same_page = browser.execute("return window.stillTheSamePage === true;");
    project.wait_for_health("numbers-api", "unhealthy", Duration::from_secs(30));
    browser.screenshot("compose-lab-page");

    browser.click("#reset-button");
    browser.wait_for_text("#status-text", WAIT, |t| t == "Healthy");
    browser.goto(&web_url);
    browser.submit("#rng-button");
    let after_reset = browser.wait_for_text("#result", WAIT, |t| !t.is_empty());

    assert!(
        lines[..3].iter().all(|l| l.starts_with("Here it is: ")),
        "{lines:?}"
    );
    assert_eq!(lines[3], "RNG service unavailable!");
    // depends_on waited on /health: the web app's four presses are the only
    // calls the API counted.
    assert_eq!(calls, "4 calls of /rng: all 3 good ones are used.");
    println!("Docker's failing probe showed on the page after {took:?}");
    assert!(newest.contains("numbers-api healthcheck"), "{newest}");
    assert_eq!(same_page, true, "the lab page reloaded");
    assert!(after_reset.starts_with("Here it is: "), "{after_reset}");
    assert_eq!(
        try_get(project.web_port, "/health").map(|r| r.0).ok(),
        Some(200),
        "numbers-web's health does not follow the API's"
    );

    drop(browser);
    project.compose(&["down"]);
    assert_eq!(project.leftovers(), "", "down left things behind");
}
