//! The workflow that publishes the images from a fork: linted with
//! actionlint (as GitHub would read it, and its shell steps), and the same
//! build command as the teacher's.

use std::process::Command;
use std::time::Duration;

use crate::common::docs::ROOT;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

const WORKFLOW: &str = ".github/workflows/publish.yml";

fn actionlint_or_skip() -> bool {
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join("actionlint").is_file()))
        .unwrap_or(false);
    if found {
        return true;
    }
    let reason = "actionlint is not installed (.ci/run installs it from PyPI)";
    assert!(!crate::common::is_ci(), "CI is set but {reason}");
    eprintln!("SKIPPED the workflow's lint: {reason}");
    false
}

#[test]
fn the_publish_workflow_passes_actionlint() {
    if !actionlint_or_skip() {
        return;
    }
    let mut command = Command::new("actionlint");
    command.args(["-no-color", WORKFLOW]).current_dir(ROOT);
    let output = run_with_deadline(&mut command, Duration::from_secs(120));
    assert!(
        output.status.success(),
        "actionlint {WORKFLOW}:\n{}",
        text(&output)
    );
}

#[test]
fn the_workflow_pushes_with_the_teachers_command_to_the_forks_registry() {
    let workflow = std::fs::read_to_string(format!("{ROOT}/{WORKFLOW}")).expect("the workflow");
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&workflow).expect("YAML");
    assert_eq!(
        yaml["on"]["push"]["tags"][0].as_str(),
        Some("v*"),
        "on a pushed tag"
    );
    assert_eq!(yaml["permissions"]["packages"].as_str(), Some("write"));
    let steps = yaml["jobs"]["images"]["steps"]
        .as_sequence()
        .expect("steps");
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    for action in [
        "docker/setup-qemu-action@",
        "docker/setup-buildx-action@",
        "docker/login-action@",
    ] {
        assert!(
            uses.iter().any(|u| u.starts_with(action)),
            "no {action} in {uses:?}"
        );
    }
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.contains(&"docker buildx bake --push"), "{runs:?}");
    assert!(
        runs.iter()
            .any(|r| r.contains("REGISTRY=ghcr.io/${OWNER,,}")),
        "{runs:?}"
    );
    // The teaching page gives the same command for the same registry.
    let teaching =
        std::fs::read_to_string(format!("{ROOT}/docs/teaching.md")).expect("teaching.md");
    assert!(teaching.contains("REGISTRY=192.168.1.20:5001 docker buildx bake --push"));
    assert!(teaching.contains(".github/workflows/publish.yml"));
}
