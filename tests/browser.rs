//! The pages in a real browser: the lab page at `/` with and without
//! JavaScript, and numbers-web, in process and through the compose file.
//!
//! They need Debian's `chromium` and `chromium-driver`; without them each
//! test prints `SKIPPED` and passes, except under CI (any `CI` but empty, `0` or `false`). The compose test
//! also needs a Docker engine, and skips the same way without one. Each test
//! writes a screenshot of the page it ends on to `target/screenshots/`.

pub mod common;

mod browser {
    mod chromedriver;
    mod compose;
    mod driver;
    mod lab_page;
    mod web_app;
}
