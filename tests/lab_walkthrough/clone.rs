//! The student's first step, `git clone`, run with this checkout in place
//! of the address the page leaves to the reader; and the line ends a clone
//! brings, which must stay LF wherever a container or a Linux shell reads
//! the file, even in a checkout on Windows.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::docs::ROOT;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

/// What the page writes where the reader puts the repository's address.
pub const PLACEHOLDER: &str = "<repository-url>";

/// `git` on the host, from `dir`, without the developer's settings
/// changing what a checkout looks like.
fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut command = Command::new("git");
    crate::common::clean_env(&mut command)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    let output = run_with_deadline(&mut command, Duration::from_secs(5 * 60));
    assert!(
        output.status.success(),
        "git {args:?} in {}:\n{}",
        dir.display(),
        text(&output)
    );
    output
}

/// Runs the page's `git clone <repository-url> FOLDER` in `parent` (made
/// empty first), with this checkout's address for the placeholder, and
/// lays the working tree's changes over the clone (what is edited, added
/// or deleted but not committed yet), so the page is tried with the files
/// as they are. Returns the folder the clone made.
pub fn clone_this_checkout(command: &str, parent: &Path) -> PathBuf {
    let words: Vec<&str> = command.split_whitespace().collect();
    assert!(
        words.len() == 4 && words[..3] == ["git", "clone", PLACEHOLDER],
        "`{command}` is not `git clone {PLACEHOLDER} FOLDER`"
    );
    let folder = parent.join(words[3]);
    if parent.exists() {
        std::fs::remove_dir_all(parent).expect("remove an old clone");
    }
    std::fs::create_dir_all(parent).expect("a folder for the clone");
    let url = format!("file://{ROOT}");
    git(parent, &["clone", "--quiet", &url, words[3]]);

    // Every file of the working tree that git would commit, as it is now.
    let listed = git(
        Path::new(ROOT),
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    for path in String::from_utf8_lossy(&listed.stdout).split('\0') {
        if path.is_empty() {
            continue;
        }
        let from = Path::new(ROOT).join(path);
        let to = folder.join(path);
        if from.is_file() {
            std::fs::create_dir_all(to.parent().expect("a parent")).expect("a folder");
            std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {path}: {e}"));
        } else if !from.exists() && to.exists() {
            std::fs::remove_file(&to).unwrap_or_else(|e| panic!("remove {path}: {e}"));
        }
    }
    folder
}

/// A folder of its own for one walk through the page, under cargo's
/// temporary folder for tests (inside `target/`, where every engine sees
/// it).
pub fn parent_for(run: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("student-{run}-{}", std::process::id()))
}

#[test]
fn the_clone_step_brings_the_files_as_they_are_into_the_pages_folder() {
    let parent = parent_for("clone-check");
    let folder = clone_this_checkout("git clone <repository-url> numbers-api", &parent);
    assert!(folder.ends_with("numbers-api"));
    for path in [
        "README.md",
        "Dockerfile.v2",
        "docker-compose.yml",
        ".gitattributes",
    ] {
        assert_eq!(
            std::fs::read(folder.join(path)).unwrap_or_default(),
            std::fs::read(Path::new(ROOT).join(path)).unwrap(),
            "{path} in the clone"
        );
    }
    assert!(
        !folder.join("target").exists(),
        "the clone has only what git holds"
    );
    std::fs::remove_dir_all(&parent).unwrap();
}

/// Whether a container or a Linux shell reads this tracked file: the
/// Dockerfiles and what they copy or run, compose, stack and Kubernetes
/// files, the scripts and CI, and the books' files the tests mount.
fn read_on_linux(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with("Dockerfile")
        || [".sh", ".yml", ".yaml", ".toml", ".lock"]
            .iter()
            .any(|end| name.ends_with(end))
        || [".dockerignore", ".ci/run"].contains(&path)
        || ["src/", "k8s/", "scripts/", ".ci/", "tests/books/"]
            .iter()
            .any(|start| path.starts_with(start))
}

#[test]
fn gitattributes_keeps_lf_in_every_file_a_container_or_a_linux_shell_reads() {
    let listed = git(Path::new(ROOT), &["ls-files", "-z"]);
    let files: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .split('\0')
        .filter(|path| !path.is_empty() && read_on_linux(path))
        .map(String::from)
        .collect();
    for needed in [
        "Dockerfile",
        "Dockerfile.v2",
        "Dockerfile.v3",
        "Dockerfile.books",
        "docker-compose.yml",
        "docker-stack.yml",
        "scripts/engines.sh",
        ".ci/run",
        "src/assets/lab.html",
    ] {
        assert!(
            files.iter().any(|f| f == needed),
            "{needed} is not among the files checked"
        );
    }
    assert!(files.iter().any(|f| f.starts_with("k8s/")), "no k8s/ file");

    let mut args = vec!["check-attr", "eol", "text", "--"];
    args.extend(files.iter().map(String::as_str));
    let output = git(Path::new(ROOT), &args);
    let answer = String::from_utf8_lossy(&output.stdout);
    for file in &files {
        let value = |attribute: &str| {
            answer
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{file}: {attribute}: ")))
                .unwrap_or_else(|| panic!("git check-attr said nothing of {file}"))
                .to_string()
        };
        assert_eq!(value("eol"), "lf", "{file} would get CRLF on Windows");
        assert_ne!(value("text"), "unset", "{file} is not treated as text");
        let bytes = std::fs::read(Path::new(ROOT).join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(2).any(|pair| pair == b"\r\n"),
            "{file} has CRLF line ends"
        );
    }
}
