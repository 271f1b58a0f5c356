//! The builds themselves: every Dockerfile, the lab's three and the books'
//! images' (Dockerfile.books), shares one build stage line for line, so the
//! service compiles once, with the legacy builder (the host's Docker 20.10)
//! and with BuildKit (Docker 26's builder, as on every engine since 23).

use std::time::Duration;

use crate::common::docker::{build_target, docker_ok, engine_or_skip, ROOT};
use crate::common::engine::Engine;
use crate::common::recipe::text;

/// Cargo's line for compiling the service itself (not a dependency).
const COMPILING_THE_SERVICE: &str = "Compiling numbers-api v";

/// Every Dockerfile, the lab's three and the books' images'.
const DOCKERFILES: [&str; 4] = [
    "Dockerfile",
    "Dockerfile.v2",
    "Dockerfile.v3",
    "Dockerfile.books",
];

/// The last stage of Dockerfile.books: the legacy builder builds every
/// stage before it, BuildKit only those it needs.
const BOOKS_TARGET: &str = "kiamol-ch03-numbers-api";

/// The build stage of a Dockerfile: from its heading to the next one.
fn build_stage(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(format!("{ROOT}/{file}")).expect("a Dockerfile");
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with("# --- Stage 1: build"));
    let heading = lines
        .next()
        .unwrap_or_else(|| panic!("{file} has no build stage"));
    std::iter::once(heading)
        .chain(lines.take_while(|l| !l.starts_with("# --- ")))
        .map(String::from)
        .collect()
}

#[test]
fn every_dockerfile_has_the_same_build_stage_line_for_line() {
    let lab = build_stage(DOCKERFILES[0]);
    assert!(lab.len() > 40, "{lab:?}");
    for file in &DOCKERFILES[1..] {
        assert_eq!(
            build_stage(file),
            lab,
            "{file}'s build stage is not Dockerfile's"
        );
    }
}

/// `docker build -t TAG -f FILE [--target TARGET] .` on Docker 26, whose
/// builder is BuildKit; what it printed.
pub(super) fn build_with_buildkit(tag: &str, file: &str, target: Option<&str>) -> String {
    let _serial = Engine::Docker26.build_lock();
    let mut args = vec!["build", "--progress", "plain", "-t", tag, "-f", file];
    if let Some(target) = target {
        args.extend(["--target", target]);
    }
    args.push(".");
    let output = Engine::Docker26.run(&args, Duration::from_secs(30 * 60));
    let printed = text(&output);
    assert!(
        output.status.success(),
        "building {file} (BuildKit):\n{printed}"
    );
    printed
}

/// The Dockerfiles share their build stage line for line, so once one is
/// built the others take it from the cache: the lab, and the books' images
/// after it, compile once.
fn one_compile_for_every_image(buildkit: bool, tags: [&str; 4]) {
    // The student's order: v2 (the quick start), then v1, then v3; then a
    // teacher's books' images.
    let files = [
        "Dockerfile.v2",
        "Dockerfile",
        "Dockerfile.v3",
        "Dockerfile.books",
    ];
    for (at, (file, tag)) in files.into_iter().zip(tags).enumerate() {
        let target = (file == "Dockerfile.books").then_some(BOOKS_TARGET);
        let printed = if buildkit {
            build_with_buildkit(tag, file, target)
        } else {
            build_target(tag, file, target, false)
        };
        if at > 0 {
            assert!(
                !printed.contains(COMPILING_THE_SERVICE),
                "{file} compiled the service again (BuildKit: {buildkit}):\n{printed}"
            );
        }
        let version = if buildkit {
            Engine::Docker26
                .run_ok_within(&["run", "--rm", tag, "--version"], Duration::from_secs(60))
        } else {
            docker_ok(&["run", "--rm", tag, "--version"])
        };
        assert_eq!(
            version,
            format!("numbers-api {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn every_image_compiles_the_service_once_with_the_legacy_builder() {
    if !engine_or_skip("one compile") {
        return;
    }
    one_compile_for_every_image(
        false,
        [
            "numbers-api:v2",
            "numbers-api:latest",
            "numbers-api:v3",
            "numbers-api:books-kiamol",
        ],
    );
}

#[test]
fn every_dockerfile_builds_with_buildkit_too_and_compiles_once() {
    if !Engine::Docker26.available_or_skip("BuildKit") {
        return;
    }
    one_compile_for_every_image(
        true,
        [
            "numbers-api:buildkit-v2",
            "numbers-api:buildkit-v1",
            "numbers-api:buildkit-v3",
            "numbers-api:buildkit-books-kiamol",
        ],
    );
}
