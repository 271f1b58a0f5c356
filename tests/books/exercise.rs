//! One exercise of the books, as a teacher runs it: the commands of its
//! section of docs/books.md, in order, in a copy of the book's folders
//! (restated under tests/books/1e and tests/books/2e).
//!
//! Two things change, in the files and the commands alike, so that the
//! exercises of one run, and the runs of several people on one engine, never
//! meet: every published host port becomes a free one (`"8088:80"` becomes
//! `"127.0.0.1:40123:80"`), and every name the book gives a network, a
//! compose project or a stack (`nat`, `numbers-dev`, `numbers`) gets the
//! exercise's own prefix (`books-4242-3-nat`). What the exercise started is
//! removed when it is dropped, even when the test fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::docker::{docker, engine_or_skip, ROOT};
use crate::common::docs::page;
use crate::common::ports::free_port;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

/// The names the books give networks and compose projects.
const BOOK_NAMES: [&str; 6] = [
    "nat",
    "ch20",
    "numbers-dev",
    "numbers-test",
    "numbers-uat",
    "numbers-prod",
];

/// The book's stack, and compose's default project for its `numbers` folder.
const NUMBERS: &str = "numbers";

pub struct Exercise {
    section: String,
    commands: Vec<String>,
    next: usize,
    prefix: String,
    /// The copy of the book's repository, and where `cd` has moved to.
    root: PathBuf,
    cwd: PathBuf,
    ports: BTreeMap<u16, u16>,
    /// A stack file of the test's own, added to every `docker stack deploy`.
    extra_stack_file: Option<String>,
    started: Instant,
}

impl Exercise {
    /// The exercise of `section` (`## First edition` / `### Chapter 8`) on
    /// the restated files of `edition`; `None` when no engine answers and
    /// the run may skip (never under CI).
    pub fn start(part: &str, section: &str, edition: &str) -> Option<Exercise> {
        if !engine_or_skip(section) {
            return None;
        }
        super::app::book_images();
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let prefix = format!(
            "books-{}-{}-",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let root = std::env::temp_dir().join(prefix.trim_end_matches('-'));
        let mut exercise = Exercise {
            section: format!("{part} {section}"),
            commands: page("docs/books.md")
                .section(part)
                .section(section)
                .commands(),
            next: 0,
            prefix,
            cwd: root.clone(),
            root,
            ports: BTreeMap::new(),
            extra_stack_file: None,
            started: Instant::now(),
        };
        let source = Path::new(ROOT).join("tests/books").join(edition);
        exercise.copy(&source, &exercise.root.clone());
        Some(exercise)
    }

    /// Runs the section's next command, which must start with `start`
    /// (`cd` moves this exercise's shell); it must succeed. What it printed.
    pub fn run(&mut self, start: &str) -> String {
        let command = self.take(start);
        if let Some(dir) = command.strip_prefix("cd ") {
            self.cwd = self.cwd.join(dir);
            assert!(self.cwd.is_dir(), "{}: no folder {dir}", self.section);
            return String::new();
        }
        let output = self.sh(&command);
        assert!(
            output.status.success(),
            "{}: `{command}` failed:\n{}",
            self.section,
            text(&output)
        );
        text(&output)
    }

    /// The section's next command, with this run's names, to run later
    /// (again and again, as a teacher looks again).
    pub fn take(&mut self, start: &str) -> String {
        let command = self
            .commands
            .get(self.next)
            .unwrap_or_else(|| panic!("{}: no command left for `{start}...`", self.section));
        assert!(
            command.starts_with(start),
            "{}: the page's next command is `{command}`, not `{start}...`",
            self.section
        );
        self.next += 1;
        self.localise(&command.clone())
    }

    /// A command line, by the shell, in the exercise's folder.
    pub fn sh(&self, command: &str) -> Output {
        let mut sh = Command::new("sh");
        crate::common::clean_env(&mut sh)
            .args(["-c", command])
            .current_dir(&self.cwd)
            .env("COMPOSE_PROJECT_NAME", self.name(NUMBERS));
        run_with_deadline(&mut sh, Duration::from_secs(300))
    }

    /// Writes `text` as `name` where `docker stack deploy` will run, and
    /// adds it last to each deploy (`-c name`): for what this machine needs
    /// and the book's files cannot know.
    pub fn add_to_every_deploy(&mut self, folder: &str, name: &str, text: &str) {
        std::fs::write(self.root.join(folder).join(name), text).expect("a stack file");
        self.extra_stack_file = Some(name.to_string());
    }

    /// This run's name for one of the book's.
    pub fn name(&self, book: &str) -> String {
        format!("{}{book}", self.prefix)
    }

    /// The free port in place of the book's host port `book`.
    pub fn port(&self, book: u16) -> u16 {
        *self
            .ports
            .get(&book)
            .unwrap_or_else(|| panic!("{}: no host port {book} in the files", self.section))
    }

    /// Checks that every command of the section ran; how long it all took.
    pub fn finish(self) -> Duration {
        assert_eq!(
            self.commands[self.next..],
            [] as [String; 0],
            "{}: commands of the page the test did not run",
            self.section
        );
        let took = self.started.elapsed();
        println!("{}: {took:?}", self.section);
        took
    }

    /// A command with this run's names.
    fn localise(&self, command: &str) -> String {
        let stack = command.starts_with("docker stack") || command.starts_with("docker service");
        let mut words: Vec<&str> = command.split(' ').collect();
        if let Some(extra) = &self.extra_stack_file {
            if command.starts_with("docker stack deploy ") {
                words.insert(words.len() - 1, extra);
                words.insert(words.len() - 2, "-c");
            }
        }
        let words: Vec<String> = words
            .into_iter()
            .map(|word| {
                let stack_name = stack && (word == NUMBERS || word.starts_with("numbers_"));
                if BOOK_NAMES.contains(&word) || stack_name {
                    self.name(word)
                } else {
                    word.to_string()
                }
            })
            .collect();
        words.join(" ")
    }

    /// Copies a folder of restated files, with this run's names and ports.
    fn copy(&mut self, from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("a folder for the exercise");
        for entry in std::fs::read_dir(from).expect("the restated files") {
            let path = entry.expect("a directory entry").path();
            let target = to.join(path.file_name().expect("a name"));
            if path.is_dir() {
                self.copy(&path, &target);
            } else {
                let text = std::fs::read_to_string(&path).expect("a YAML file");
                let text: Vec<String> = text.lines().map(|line| self.localise_line(line)).collect();
                std::fs::write(&target, text.join("\n") + "\n").expect("a copy");
            }
        }
    }

    /// One line of YAML: a network's `name:`, a port's `"host:container"`
    /// or `published:`.
    fn localise_line(&mut self, line: &str) -> String {
        let indent = &line[..line.len() - line.trim_start().len()];
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("name: ") {
            if BOOK_NAMES.contains(&name) {
                return format!("{indent}name: {}", self.name(name));
            }
        }
        if let Some(published) = trimmed.strip_prefix("published: ") {
            let book: u16 = published.parse().expect("a port number");
            return format!("{indent}published: {}", self.free(book));
        }
        if let Some(port) = trimmed.strip_prefix("- ") {
            let port = port.trim_matches('"');
            if let Some((host, container)) = port.split_once(':') {
                if let (Ok(host), Ok(_)) = (host.parse::<u16>(), container.parse::<u16>()) {
                    let free = self.free(host);
                    return format!("{indent}- \"127.0.0.1:{free}:{container}\"");
                }
            }
        }
        line.to_string()
    }

    fn free(&mut self, book: u16) -> u16 {
        *self.ports.entry(book).or_insert_with(free_port)
    }
}

impl Drop for Exercise {
    /// Removes whatever carries this exercise's prefix: compose projects,
    /// stacks, then networks.
    fn drop(&mut self) {
        let quiet = |args: &[&str]| {
            let _ = docker(args);
        };
        let label = |key: &str| format!("label={key}");
        let projects = docker(&[
            "ps",
            "-a",
            "--filter",
            &label("com.docker.compose.project"),
            "--format",
            r#"{{.Label "com.docker.compose.project"}}"#,
        ]);
        let mut projects: Vec<String> = String::from_utf8_lossy(&projects.stdout)
            .lines()
            .filter(|p| p.starts_with(&self.prefix))
            .map(String::from)
            .collect();
        projects.sort();
        projects.dedup();
        for project in projects {
            quiet(&[
                "compose",
                "-p",
                &project,
                "down",
                "--remove-orphans",
                "-t",
                "1",
            ]);
        }
        super::stack::remove_stacks_starting(&self.prefix);
        let networks = docker(&["network", "ls", "--format", "{{.Name}}"]);
        for network in String::from_utf8_lossy(&networks.stdout).lines() {
            if network.starts_with(&self.prefix) {
                quiet(&["network", "rm", network]);
            }
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
