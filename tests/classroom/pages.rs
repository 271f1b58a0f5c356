//! What the teaching pages say of the classroom path: the commands the
//! tests run, in both languages, kept out of the recipes that one engine
//! runs, with the figures measured; and no page names a published image
//! that does not exist.

use crate::common::docs::{page, ROOT};

const SECTION: &str = "## A class of thirty";
const KO_SECTION: &str = "## 서른 명의 수업";

/// The commands a teacher and a student type, as the tests run them.
fn classroom_commands() -> Vec<&'static str> {
    vec![
        "docker login -u teacher 192.168.1.20:5001",
        "REGISTRY=192.168.1.20:5001 docker buildx bake --push",
        super::pulls::PULL_V2,
        super::pulls::RUN_V2,
        super::pulls::COMPOSE_V3,
        super::offline::WRITE,
        super::offline::DOCKER_LOAD,
        super::offline::PODMAN_LOAD,
        "docker events --filter event=health_status",
    ]
}

/// The `$ ` lines of the page's `shell` blocks, in order.
fn shell_commands(text: &str) -> Vec<String> {
    text.split("```shell\n")
        .skip(1)
        .flat_map(|block| {
            block[..block.find("```").expect("a closed block")]
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("$ "))
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn both_teaching_pages_give_the_tested_commands_in_the_same_order() {
    let en = page("docs/teaching.md").section(SECTION);
    let ko = page("docs/teaching.ko.md").section(KO_SECTION);
    let en_commands = shell_commands(&en.text);
    for command in classroom_commands() {
        assert!(
            en_commands.iter().any(|c| c == command),
            "teaching.md lacks `{command}`"
        );
    }
    assert_eq!(
        en_commands,
        shell_commands(&ko.text),
        "the Korean page's commands differ"
    );
}

/// The recipes test runs every `console` block of teaching.md on the
/// host's engine: the classroom's commands belong to other engines.
#[test]
fn the_classroom_section_has_no_console_block() {
    for (name, section) in [
        ("docs/teaching.md", SECTION),
        ("docs/teaching.ko.md", KO_SECTION),
    ] {
        let text = page(name).section(section).text;
        assert!(
            !text.contains("```console"),
            "{name}: a console block in {section}"
        );
        assert!(
            !text.contains("MEASURED_"),
            "{name}: a figure not measured yet"
        );
    }
}

#[test]
fn no_page_names_a_published_image() {
    let mut pages = vec!["README.md".to_string(), "README.ko.md".to_string()];
    for entry in std::fs::read_dir(format!("{ROOT}/docs")).expect("docs/") {
        let name = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".md") || name.ends_with(".html") {
            pages.push(format!("docs/{name}"));
        }
    }
    for name in pages {
        let text = std::fs::read_to_string(format!("{ROOT}/{name}")).expect("a page");
        for (at, _) in text.match_indices("ghcr.io/") {
            let rest = &text[at + "ghcr.io/".len()..];
            assert!(
                rest.starts_with("OWNER") || rest.starts_with('`') || rest.starts_with("${"),
                "{name} names a published image: {}",
                &text[at..(at + 40).min(text.len())]
            );
        }
    }
}
