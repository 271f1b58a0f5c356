//! The pages in a real browser: the lab page at `/` with and without
//! JavaScript, and numbers-web, in process and through the compose file.
//!
//! They need Debian's `chromium` and `chromium-driver`; without them each
//! test prints `SKIPPED` and passes, except under `CI=true`. The compose test
//! also needs a Docker engine, and skips the same way without one. Each test
//! writes a screenshot of the page it ends on to `target/screenshots/`.

mod browser;
mod compose;
mod lab_page;
mod web_app;

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

#[allow(dead_code)]
#[path = "../docker_lab/docker.rs"]
mod docker;

#[path = "../docker_lab/compose_project.rs"]
mod compose_project;
