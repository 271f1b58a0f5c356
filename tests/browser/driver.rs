//! A real browser for the tests: Debian's chromium, driven through
//! chromedriver over WebDriver (fantoccini, plain HTTP to loopback).
//!
//! Every browser gets its own chromedriver on a free port and its own empty
//! profile; dropping the [`Browser`] ends the session, stops chromedriver and
//! removes the profile. Every command and every wait has a deadline, so a
//! stuck browser fails the test instead of hanging it.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use super::chromedriver::{installed, Driver};

/// Longest any single WebDriver command may take. Chromium on a busy
/// machine can take seconds to start; a minute means it is stuck.
const COMMAND_DEADLINE: Duration = Duration::from_secs(60);

/// How long a wait for the page to show something may take by default.
pub const WAIT: Duration = Duration::from_secs(20);

/// Whether the page runs its JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scripts {
    On,
    Off,
}

/// Whether the browser tests can run. Without chromium or chromedriver the
/// test says so and passes, except under CI (any `CI` but empty, `0` or `false`), where it fails: a CI run
/// must not pass on tests that never ran.
pub fn browser_or_skip(test: &str) -> bool {
    match installed() {
        Ok(_) => true,
        Err(reason) if crate::common::is_ci() => {
            panic!("CI is set but the browser tests cannot run: {reason}")
        }
        Err(reason) => {
            eprintln!("SKIPPED {test}: {reason}");
            false
        }
    }
}

/// A headless chromium with one window.
pub struct Browser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    profile: PathBuf,
    // Declared last: dropped after the session has ended.
    _driver: Driver,
}

impl Browser {
    /// Starts chromedriver and a headless chromium with a new, empty profile.
    pub fn open(scripts: Scripts) -> Browser {
        let installed = installed().expect("checked by browser_or_skip");
        let driver = Driver::start(&installed.chromedriver);
        let profile = new_profile_dir();
        let mut args = vec![
            "--headless".to_string(),
            // Running as root (CI containers) needs these two.
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            // No connections to Google's services: the machine may have no
            // way out, and the page under test is all the browser needs.
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1100,960".into(),
            "--force-device-scale-factor=1".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        if scripts == Scripts::Off {
            // Blink's own switch: pages run no script at all, while
            // chromedriver can still read them through DevTools.
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": installed.chromium,
                "args": args,
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let url = driver.url.clone();
        let client = within(&runtime, "starting chromium", async move {
            ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities)
                .connect(&url)
                .await
        })
        .expect("a WebDriver session");
        Browser {
            runtime,
            client: Some(client),
            profile,
            _driver: driver,
        }
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("an open session")
    }

    fn run<T>(&self, what: &str, future: impl Future<Output = T>) -> T {
        within(&self.runtime, what, future)
    }

    /// Navigates and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.run("goto", self.client().goto(url))
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub fn current_url(&self) -> String {
        self.run("current url", self.client().current_url())
            .expect("the current URL")
            .to_string()
    }

    /// Clicks the element; a form submitted without JavaScript has been
    /// followed to its next page when this returns.
    pub fn click(&self, css: &str) {
        self.run("click", async {
            self.client().find(Locator::Css(css)).await?.click().await
        })
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Clicks a form's submit button and waits until the page it leads to
    /// has replaced this one. Chromedriver may return from the click while
    /// the POST is still in flight, and reading then would read the old page.
    pub fn submit(&self, css: &str) {
        let before = self.document();
        self.click(css);
        let started = Instant::now();
        while self.document() == before {
            assert!(
                started.elapsed() < WAIT,
                "clicking {css} loaded no new page in {WAIT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// WebDriver's reference to the `<html>` element: a new page has a new one.
    fn document(&self) -> Option<String> {
        self.run("find html", self.client().find(Locator::Css("html")))
            .ok()
            .map(|html| html.element_id().to_string())
    }

    /// The element's visible text, `None` when there is no such element.
    pub fn text(&self, css: &str) -> Option<String> {
        self.run("text", async {
            match self.client().find(Locator::Css(css)).await {
                Ok(element) => element.text().await.ok(),
                Err(_) => None,
            }
        })
    }

    /// How many elements match.
    pub fn count(&self, css: &str) -> usize {
        self.run("count", self.client().find_all(Locator::Css(css)))
            .map_or(0, |found| found.len())
    }

    /// Runs a script in the page and returns its result.
    pub fn execute(&self, script: &str) -> serde_json::Value {
        self.run("execute", self.client().execute(script, Vec::new()))
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Polls the element's text until `wanted` accepts it; returns the text.
    pub fn wait_for_text(
        &self,
        css: &str,
        deadline: Duration,
        wanted: impl Fn(&str) -> bool,
    ) -> String {
        let started = Instant::now();
        loop {
            let text = self.text(css);
            if let Some(text) = text.as_deref().filter(|t| wanted(t)) {
                return text.to_string();
            }
            assert!(
                started.elapsed() < deadline,
                "{css} still reads {text:?} after {deadline:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Polls until at least one element matches; returns how long it took.
    pub fn wait_for(&self, css: &str, deadline: Duration) -> Duration {
        let started = Instant::now();
        while self.count(css) == 0 {
            assert!(
                started.elapsed() < deadline,
                "nothing matches {css} after {deadline:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        started.elapsed()
    }

    /// Saves what the window shows as `target/screenshots/<name>.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .run("screenshot", self.client().screenshot())
            .expect("a screenshot");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).expect("the screenshots directory");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        println!("screenshot: {}", path.display());
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session makes chromedriver close chromium; killing
        // chromedriver alone could leave chromium running.
        if let Some(client) = self.client.take() {
            let ended = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(20), client.close()).await
            });
            if !matches!(ended, Ok(Ok(()))) {
                eprintln!("the WebDriver session did not end cleanly");
            }
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Runs `future` to completion on `runtime`, failing the test past the
/// command deadline.
fn within<T>(runtime: &tokio::runtime::Runtime, what: &str, future: impl Future<Output = T>) -> T {
    runtime
        .block_on(async { tokio::time::timeout(COMMAND_DEADLINE, future).await })
        .unwrap_or_else(|_| panic!("{what}: no answer from the browser in {COMMAND_DEADLINE:?}"))
}

/// `target/screenshots`, beside the build's other outputs.
pub fn screenshots_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`, wherever the target dir is.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("screenshots")
}

/// A new, empty profile directory per browser: tests run in parallel, and
/// a profile left from an earlier run must not change what a test sees.
fn new_profile_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "chromium-profile-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a profile directory");
    dir
}
