//! The lab page at `/`, on the real server in process, in chromium.

use numbers_api::server::Config;

use crate::browser::driver::{browser_or_skip, Browser, Scripts, WAIT};
use crate::common::server::{spawn, TestApp};

fn is_number_line(text: &str) -> bool {
    text.strip_prefix("Here it is: ")
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| n < 100)
}

fn is_failure_line(text: &str) -> bool {
    text.starts_with("The call failed: HTTP 500, traceId |")
}

/// Opens the page and waits until its script has taken over.
fn open_live(app: &TestApp) -> Browser {
    let browser = Browser::open(Scripts::On);
    browser.goto(&app.url("/"));
    browser.wait_for_text("#live", WAIT, |t| t.starts_with("Live"));
    browser
}

/// Presses the button and waits for the line it leads to.
fn press_for_a_number(browser: &Browser) -> String {
    browser.click("#rng-button");
    browser.wait_for_text("#result", WAIT, |t| {
        is_number_line(t) || t.starts_with("The call failed")
    })
}

/// The server's own count, which the page must neither add to nor skip.
fn calls(app: &TestApp) -> u64 {
    app.get("/page/state").json()["calls"]
        .as_u64()
        .expect("a count")
}

#[test]
fn the_button_shows_a_number_and_the_fourth_click_shows_the_failure() {
    if !browser_or_skip("lab page button") {
        return;
    }
    let app = spawn(Config::for_tests(3));
    let browser = open_live(&app);

    let lines: Vec<String> = (0..4).map(|_| press_for_a_number(&browser)).collect();

    assert!(lines[..3].iter().all(|l| is_number_line(l)), "{lines:?}");
    assert!(is_failure_line(&lines[3]), "{lines:?}");
    browser.wait_for_text("#status-text", WAIT, |t| t == "Unhealthy");
    browser.wait_for_text("#calls", WAIT, |t| t.starts_with("4 calls"));
    assert_eq!(calls(&app), 4, "the page spent calls of its own");
    browser.screenshot("lab-page-failed");
}

#[test]
fn the_timeline_gains_a_row_when_a_probe_arrives_without_reloading() {
    if !browser_or_skip("lab page timeline") {
        return;
    }
    let app = spawn(Config::for_tests(3));
    app.get_as("/health", "numbers-api-healthcheck/0.1.0");
    let browser = open_live(&app);
    // Gone if the page reloads: the row must come from the script.
    browser.execute("window.stillTheSamePage = true;");
    let before = browser.count("#probes tr[data-prober='kube-probe']");

    app.get_as("/healthz", "kube-probe/1.30");
    let took = browser.wait_for("#probes tr[data-prober='kube-probe']", WAIT);

    assert_eq!(before, 0);
    println!("the probe's row appeared after {took:?}");
    let row = browser
        .text("#probes tr:first-child")
        .expect("the newest row");
    assert!(row.contains("/healthz"), "{row}");
    assert!(row.contains("200 OK"), "{row}");
    assert!(row.contains("kube-probe"), "{row}");
    assert_eq!(
        browser.execute("return window.stillTheSamePage === true;"),
        true,
        "the page reloaded"
    );
    assert_eq!(browser.count("#probes tr[data-key]"), 2);
    assert_eq!(calls(&app), 0, "watching counted as a call");
    browser.screenshot("lab-page-timeline");
}

#[test]
fn reset_restores_the_state() {
    if !browser_or_skip("lab page reset") {
        return;
    }
    let app = spawn(Config::for_tests(1));
    app.get("/rng");
    app.get("/rng");
    let browser = open_live(&app);
    let before = browser.wait_for_text("#status-text", WAIT, |t| !t.is_empty());

    browser.click("#reset-button");

    assert_eq!(before, "Unhealthy");
    browser.wait_for_text("#status-text", WAIT, |t| t == "Healthy");
    browser.wait_for_text("#calls", WAIT, |t| t == "0 of 1 calls used.");
    let result = browser.wait_for_text("#result", WAIT, |t| t.starts_with("Reset"));
    assert_eq!(result, "Reset: healthy again, the count starts over.");
    assert_eq!(calls(&app), 0);
}

#[test]
fn with_control_off_the_page_goes_live_without_a_reset_button_and_still_gives_numbers() {
    if !browser_or_skip("lab page with --control false") {
        return;
    }
    let app = spawn(Config {
        control: false,
        ..Config::for_tests(3)
    });
    // Live means the script ran to the end: it must not trip over the
    // missing reset form.
    let browser = open_live(&app);

    let line = press_for_a_number(&browser);

    assert_eq!(browser.count("#reset-button"), 0);
    assert_eq!(
        browser.text("#reset-note").as_deref(),
        Some("Reset is turned off on this service (--control false).")
    );
    assert!(is_number_line(&line), "{line}");
    assert_eq!(calls(&app), 1);
    browser.screenshot("lab-page-control-off");
}

#[test]
fn without_javascript_the_page_shows_the_state_and_the_forms_work() {
    if !browser_or_skip("lab page without JavaScript") {
        return;
    }
    let app = spawn(Config::for_tests(3));
    app.get_as("/health", "kube-probe/1.30");
    let browser = Browser::open(Scripts::Off);
    browser.goto(&app.url("/"));
    let live = browser.wait_for_text("#live", WAIT, |t| !t.is_empty());
    let status = browser.wait_for_text("#status-text", WAIT, |t| !t.is_empty());
    let count = browser.wait_for_text("#calls", WAIT, |t| !t.is_empty());
    let kube_rows = browser.count("#probes tr[data-prober='kube-probe']");

    // Each press submits the form: POST, 303, and a new page.
    let lines: Vec<String> = (0..4)
        .map(|_| {
            browser.submit("#rng-button");
            browser.wait_for_text("#result", WAIT, |t| !t.is_empty())
        })
        .collect();
    let failed_url = browser.current_url();
    let failed_status = browser.wait_for_text("#status-text", WAIT, |t| !t.is_empty());
    browser.screenshot("lab-page-no-javascript");
    browser.submit("#reset-button");

    assert!(live.starts_with("Not live"), "the script ran: {live}");
    assert_eq!(status, "Healthy");
    assert_eq!(count, "0 of 3 calls used.");
    assert_eq!(kube_rows, 1);
    assert!(lines[..3].iter().all(|l| is_number_line(l)), "{lines:?}");
    assert!(is_failure_line(&lines[3]), "{lines:?}");
    assert!(failed_url.contains("/?failed=%7C"), "{failed_url}");
    assert_eq!(failed_status, "Unhealthy");
    assert_eq!(browser.text("#status-text").as_deref(), Some("Healthy"));
    assert_eq!(
        browser.text("#calls").as_deref(),
        Some("0 of 3 calls used.")
    );
    assert_eq!(
        browser.text("#result").as_deref(),
        Some("Reset: healthy again, the count starts over.")
    );
}
