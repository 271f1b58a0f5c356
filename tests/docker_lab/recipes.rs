//! The teacher's and the reference's recipes, run as written on the engine:
//! every `$ ` command in order, each output compared with the page's, on
//! ports moved by one rule (so they never meet a reader's own lab or the
//! student's page, which may run on the page's ports at the same time).

use crate::common::docker::{engine_or_skip, image};
use crate::common::docs::{page, Step};
use crate::common::recipe::{run_steps, Ports, Shell};

/// The steps of every console block in the sections of `page_name` whose
/// headings start with one of `sections`, leaving out the commands that run
/// a binary on the host (the cli tests run those).
fn recipe(page_name: &str, sections: &[&str]) -> Vec<Step> {
    let doc = page(page_name);
    sections
        .iter()
        .flat_map(|heading| doc.section(heading).steps())
        .filter(|step| !step.command.starts_with("numbers-api "))
        .collect()
}

#[test]
fn every_teaching_recipe_runs_as_written_and_removes_what_it_starts() {
    if !engine_or_skip("teaching recipes") {
        return;
    }
    image("v3");
    let doc = page("docs/teaching.md");
    let headings: Vec<String> = doc
        .text
        .lines()
        .filter(|line| line.starts_with("## "))
        .map(String::from)
        .collect();
    let sections: Vec<&str> = headings.iter().map(String::as_str).collect();
    let steps = recipe("docs/teaching.md", &sections);
    assert!(
        steps.len() >= 30,
        "the teaching page shrank to {} steps",
        steps.len()
    );
    let mut shell = Shell::new(Ports::moved());
    run_steps(&mut shell, &steps);
}

#[test]
fn the_reference_runs_the_service_and_numbers_web_from_the_image() {
    if !engine_or_skip("reference recipes") {
        return;
    }
    image("v3");
    let steps = recipe(
        "docs/reference.md",
        &["## Try it", "## numbers-web: the book's second service"],
    );
    assert!(
        steps.iter().any(|s| s.command.contains(" web --api-url ")),
        "numbers-web's container form is gone"
    );
    let mut shell = Shell::new(Ports::moved());
    run_steps(&mut shell, &steps);
}
