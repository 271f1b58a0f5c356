//! The students' handout (docs/handout.html) prints on one A4 page: the
//! browser the browser tests use renders it to PDF, which must have exactly
//! one page, and it holds the commands the teaching page gives.

use std::process::Command;
use std::time::Duration;

use crate::common::docs::ROOT;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

fn chromium_or_skip() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file());
    if found.is_none() {
        let reason = "chromium is not installed (apt-get install chromium)";
        assert!(!crate::common::is_ci(), "CI is set but {reason}");
        eprintln!("SKIPPED the handout's print: {reason}");
    }
    found
}

/// The pages of a PDF: its `/Type /Page` objects (not `/Pages`).
fn pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type")
        .filter(|(at, _)| {
            let rest = text[at + 5..].trim_start();
            rest.starts_with("/Page") && !rest.starts_with("/Pages")
        })
        .count()
}

#[test]
fn the_handout_prints_on_exactly_one_a4_page() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("numbers-handout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let pdf = dir.join("handout.pdf");
    let mut command = Command::new(chromium);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        &format!("--user-data-dir={}", dir.join("profile").display()),
        &format!("--print-to-pdf={}", pdf.display()),
        &format!("file://{ROOT}/docs/handout.html"),
    ]);
    let output = run_with_deadline(&mut command, Duration::from_secs(180));
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("no PDF ({e}):\n{}", text(&output)));
    assert_eq!(
        pages(&bytes),
        1,
        "the handout prints on {} pages",
        pages(&bytes)
    );
    // A4 is 210 x 297 mm, 595 x 842 points (chromium writes 594.96 x 841.92).
    let text = String::from_utf8_lossy(&bytes);
    let media = text
        .split("/MediaBox")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_default()
        .trim()
        .trim_start_matches('[')
        .to_string();
    let size: Vec<f64> = media
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        size.len() == 4 && (size[2] - 595.0).abs() < 1.0 && (size[3] - 842.0).abs() < 1.0,
        "not A4: /MediaBox {media}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_handout_gives_the_teaching_pages_commands() {
    let handout =
        std::fs::read_to_string(format!("{ROOT}/docs/handout.html")).expect("the handout");
    for command in [
        super::pulls::PULL_V2,
        super::pulls::RUN_V2,
        super::offline::DOCKER_LOAD,
        super::offline::PODMAN_LOAD,
        "curl http://localhost:8081/rng",
        "docker ps",
        "docker events --filter event=health_status",
        "docker rm -f numbers-v2",
    ] {
        assert!(handout.contains(command), "the handout lacks `{command}`");
    }
    assert!(handout.contains("size: A4"), "no A4 page size for print");
}
