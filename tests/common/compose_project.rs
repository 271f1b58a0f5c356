//! A compose project of the tests' own: a unique name, free loopback ports
//! for every published service, and `down` when dropped, even when the test
//! fails. Shared by the Docker lab and the browser tests.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::docker::{docker_ok, health_status, wait_for_health, ROOT};
use super::ports::free_port;
use super::process::run_with_deadline;

pub struct ComposeProject {
    pub name: String,
    /// The image every service runs (the compose file's NUMBERS_IMAGE).
    pub image: &'static str,
    pub api_port: u16,
    pub web_port: u16,
    pub restart_port: u16,
    /// numbers-web-checked, of the `dependency-check` profile.
    pub checked_port: u16,
}

impl ComposeProject {
    /// `prefix` tells the projects of different test binaries apart; a
    /// counter those of one binary, whose tests run in parallel.
    pub fn new(prefix: &str, image: &'static str) -> ComposeProject {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        ComposeProject {
            name: format!(
                "{prefix}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ),
            image,
            api_port: free_port(),
            web_port: free_port(),
            restart_port: free_port(),
            checked_port: free_port(),
        }
    }

    fn command(&self) -> Command {
        let publish = |port: u16| format!("127.0.0.1:{port}");
        let mut command = Command::new("docker");
        // The compose file reads NUMBERS_* variables; the tests' own
        // environment must not reach it, only what is set here.
        super::clean_env(&mut command);
        command
            .args(["compose", "-p", &self.name])
            .env("NUMBERS_IMAGE", self.image)
            .env("NUMBERS_PUBLISH", publish(self.api_port))
            .env("NUMBERS_WEB_PUBLISH", publish(self.web_port))
            .env("NUMBERS_RESTART_PUBLISH", publish(self.restart_port))
            .env("NUMBERS_WEB_CHECKED_PUBLISH", publish(self.checked_port))
            .current_dir(ROOT);
        command
    }

    /// `docker compose -p <name> <args>`, which must succeed; its stdout.
    pub fn compose(&self, args: &[&str]) -> String {
        let output = run_with_deadline(self.command().args(args), Duration::from_secs(600));
        assert!(
            output.status.success(),
            "docker compose {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// A shell command line, as a student types it: `docker compose` in it
    /// works on this project (COMPOSE_PROJECT_NAME), its ports and image.
    pub fn shell(&self, line: &str, deadline: Duration) -> Output {
        let mut shell = Command::new("sh");
        super::clean_env(&mut shell);
        shell.args(["-c", line]).current_dir(ROOT);
        for (name, value) in self.command().get_envs() {
            match value {
                Some(value) => shell.env(name, value),
                None => shell.env_remove(name),
            };
        }
        shell.env("COMPOSE_PROJECT_NAME", &self.name);
        run_with_deadline(&mut shell, deadline)
    }

    /// The container id of a service (of any profile).
    pub fn container(&self, service: &str) -> String {
        self.compose(&["--profile", "restart", "ps", "-q", service])
    }

    /// `State.Health.Status` of a service's container.
    pub fn health(&self, service: &str) -> String {
        health_status(&self.container(service))
    }

    /// Polls a service's health until it reads `wanted`; how long it took.
    pub fn wait_for_health(&self, service: &str, wanted: &str, deadline: Duration) -> Duration {
        wait_for_health(&self.container(service), wanted, deadline)
    }

    /// Containers and networks of the project that still exist.
    pub fn leftovers(&self) -> String {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let containers = docker_ok(&["ps", "-a", "-q", "--filter", &label]);
        let networks = docker_ok(&["network", "ls", "-q", "--filter", &label]);
        format!("{containers}{networks}")
    }
}

impl Drop for ComposeProject {
    fn drop(&mut self) {
        let _ = self
            .command()
            .args(["--profile", "restart", "--profile", "dependency-check"])
            .args(["down", "--remove-orphans"])
            .output();
    }
}
