//! README.md and README.ko.md in step: each code block of one has its twin
//! in the other, in the same order. A console block's twin has the same
//! commands with the same output shown; only the page's comments (`# ...`
//! lines, a command's trailing `  # ...`) are in the page's own language.
//! Any other block (a Dockerfile line, PowerShell) is the same text.

use crate::common::docs::{page, without_comment, Block, Page};

/// What must be the same in a block and its twin.
#[derive(Debug, PartialEq)]
enum Twin {
    /// A console block: each command as typed, with the lines shown under it.
    Console(Vec<(String, Vec<String>)>),
    Other {
        lang: String,
        lines: Vec<String>,
    },
}

fn twin_of(block: &Block) -> Twin {
    if block.lang == "console" {
        Twin::Console(
            block
                .steps()
                .into_iter()
                .map(|step| (without_comment(&step.command), step.expected))
                .collect(),
        )
    } else {
        Twin::Other {
            lang: block.lang.clone(),
            lines: block.lines.clone(),
        }
    }
}

/// Fails, naming the first block that drifted, unless both pages hold the
/// same blocks in the same order.
fn assert_twins(english: &Page, korean: &Page) {
    let ours: Vec<Twin> = english.blocks().iter().map(twin_of).collect();
    let theirs: Vec<Twin> = korean.blocks().iter().map(twin_of).collect();
    for (at, (en, ko)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(
            ko,
            en,
            "code block {} of {} is not the twin of {}'s",
            at + 1,
            korean.name,
            english.name
        );
    }
    assert_eq!(
        theirs.len(),
        ours.len(),
        "{} has {} code blocks, {} has {}",
        korean.name,
        theirs.len(),
        english.name,
        ours.len()
    );
}

#[test]
fn every_code_block_of_the_student_page_has_its_twin_in_the_korean_page() {
    let english = page("README.md");
    let korean = page("README.ko.md");
    assert!(
        english.commands().len() >= 25,
        "the page shrank to {} commands",
        english.commands().len()
    );
    assert_twins(&english, &korean);
    assert_eq!(korean.commands(), english.commands());
}

fn sample(text: &str) -> Page {
    Page {
        name: "sample".into(),
        text: text.into(),
    }
}

#[test]
fn a_twin_may_comment_in_its_own_language_but_not_drift() {
    let english = sample(
        "```console\n$ docker ps  # look\n# wait a bit\n$ curl http://localhost:8081/rng\n42\n```\n\n```text\nPS> curl.exe x\n```\n",
    );
    let korean = sample(
        "```console\n$ docker ps  # 본다\n# 잠깐 기다린다\n$ curl http://localhost:8081/rng\n42\n```\n\n```text\nPS> curl.exe x\n```\n",
    );
    assert_twins(&english, &korean);
    assert_twins(&korean, &english);

    let drifted = [
        // another command
        korean.text.replace("8081/rng", "8080/rng"),
        // another output
        korean.text.replace("42\n", "43\n"),
        // a command left out
        korean.text.replace("$ docker ps  # 본다\n", ""),
        // a block left out
        korean.text.replace("```text\nPS> curl.exe x\n```\n", ""),
        // another line in a block that is not a console's
        korean.text.replace("curl.exe x", "curl.exe y"),
    ];
    for text in drifted {
        let korean = sample(&text);
        let caught = std::panic::catch_unwind(|| assert_twins(&english, &korean)).is_err();
        assert!(caught, "this drift went unnoticed:\n{text}");
        let caught = std::panic::catch_unwind(|| assert_twins(&korean, &english)).is_err();
        assert!(caught, "this drift went unnoticed the other way:\n{text}");
    }
}
