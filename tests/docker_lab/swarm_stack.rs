//! A stack deployed from `docker-stack.yml` for [`super::swarm`]'s tests,
//! under a name of its own, and its tasks as `docker inspect` shows them;
//! with the operators' page's names and commands.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::docker::{docker, docker_ok, try_get, ROOT};
use crate::common::process::run_with_deadline;
use crate::common::swarm::{remove_stack, stopped_and_gone, Swarm};

/// The operators' page's names: the stack, its service, and the release that fails.
const PAGE_STACK: &str = "numbers";
pub(super) const PAGE_SERVICE: &str = "numbers_numbers-api";
pub(super) const PAGE_RELEASE: &str = "numbers-api:wrong-port";
/// `deploy.replicas` in `docker-stack.yml`.
pub(super) const REPLICAS: usize = 2;
/// The service `docker stack deploy` makes of `services.numbers-api`.
const SERVICE: &str = "numbers-api";

/// The command of the operators' page's `$ <start>...` line.
pub(super) fn page_command(start: &str) -> String {
    crate::common::docs::page("docs/beyond-one-container.md").command(start)
}

/// A command line of the operators' page, run by the shell as a student would, within
/// `deadline`; it must succeed.
pub(super) fn sh(command: &str, deadline: Duration) -> Output {
    let output = run_with_deadline(
        // The stack file reads NUMBERS_* variables: none of the developer's.
        crate::common::clean_env(&mut Command::new("sh"))
            .args(["-c", command])
            // The legacy builder: it reads a Dockerfile from stdin on every
            // Docker release the pages support.
            .env("DOCKER_BUILDKIT", "0")
            .current_dir(ROOT),
        deadline,
    );
    assert!(
        output.status.success(),
        "`{command}` failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// One task of the service, as `docker inspect` shows it.
#[derive(Debug, Clone)]
pub(super) struct Task {
    pub(super) id: String,
    pub(super) slot: u64,
    pub(super) image: String,
    pub(super) desired: String,
    state: String,
    pub(super) container: String,
    pub(super) port: Option<u16>,
}

impl Task {
    fn from_json(task: &Value) -> Task {
        let text = |pointer: &str| task.pointer(pointer).and_then(Value::as_str).unwrap_or("");
        Task {
            id: text("/ID").to_string(),
            slot: task["Slot"].as_u64().unwrap_or(0),
            image: text("/Spec/ContainerSpec/Image").to_string(),
            desired: text("/DesiredState").to_string(),
            state: text("/Status/State").to_string(),
            container: text("/Status/ContainerStatus/ContainerID").to_string(),
            port: None,
        }
    }

    /// The host port of its container's IPv4 binding, as `docker port`
    /// shows it. The task's own list does not say which of its ports is
    /// IPv4, and the IPv6 binding may get another port.
    fn with_host_port(mut self) -> Task {
        let output = docker(&["port", &self.container, "80/tcp"]);
        self.port = String::from_utf8_lossy(&output.stdout)
            .lines()
            .find_map(|line| line.strip_prefix("0.0.0.0:")?.trim().parse().ok());
        self
    }

    fn is_running(&self) -> bool {
        self.desired == "running" && self.state == "running"
    }

    /// `State.Health.Status` of its container: "healthy", "unhealthy", ...
    fn health(&self) -> String {
        let output = docker(&[
            "inspect",
            "--format",
            "{{.State.Health.Status}}",
            &self.container,
        ]);
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// Whether `/health` on its host port answers 200 `Ok`; false while
    /// the port is not known.
    pub(super) fn answers_ok(&self) -> bool {
        self.port
            .is_some_and(|port| matches!(try_get(port, "/health"), Ok((200, body)) if body == "Ok"))
    }
}

/// A stack deployed from the operators' page's file under a name of its own; removed
/// on drop, even when the test fails.
pub(super) struct Stack {
    name: String,
    pub(super) service: String,
    removed: bool,
    // Dropped after the stack is gone, so the swarm can be left.
    _swarm: Swarm,
}

impl Stack {
    /// The operators' page's `docker stack deploy -c docker-stack.yml numbers`,
    /// under this stack's name.
    pub(super) fn deploy(purpose: &str) -> Stack {
        let swarm = Swarm::join();
        let name = format!("numbers-{purpose}-{}", std::process::id());
        let stack = Stack {
            service: format!("{name}_{SERVICE}"),
            name,
            removed: false,
            _swarm: swarm,
        };
        let deploy = page_command("docker stack deploy");
        let deploy = deploy
            .strip_suffix(&format!(" {PAGE_STACK}"))
            .unwrap_or_else(|| panic!("`{deploy}` does not deploy {PAGE_STACK}"));
        assert!(deploy.contains("-c docker-stack.yml"), "{deploy}");
        sh(&format!("{deploy} {}", stack.name), Duration::from_secs(60));
        stack
    }

    /// Every task of the service, replaced ones included.
    pub(super) fn tasks(&self) -> Vec<Task> {
        let ids = docker_ok(&["service", "ps", "-q", "--no-trunc", &self.service]);
        let mut args = vec!["inspect", "--type", "task"];
        args.extend(ids.lines());
        // A task that the swarm forgets between the two commands is missing
        // from the answer, not an error for the others.
        let output = docker(&args);
        let tasks: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        tasks
            .as_array()
            .map(|tasks| tasks.iter().map(Task::from_json).collect())
            .unwrap_or_default()
    }

    fn running(&self) -> Vec<Task> {
        self.tasks()
            .into_iter()
            .filter(Task::is_running)
            .map(Task::with_host_port)
            .collect()
    }

    /// Polls until every replica runs, its container is healthy and its
    /// host port answers `/health`; returns them and how long it took.
    pub(super) fn wait_until_all_healthy(&self, deadline: Duration) -> (Vec<Task>, Duration) {
        let started = Instant::now();
        loop {
            let running = self.running();
            if running.len() == REPLICAS
                && running
                    .iter()
                    .all(|task| task.health() == "healthy" && task.answers_ok())
            {
                return (running, started.elapsed());
            }
            assert!(
                started.elapsed() < deadline,
                "not {REPLICAS} healthy replicas after {deadline:?}:\n{}",
                self.service_ps()
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// `docker service ps` as a student reads it.
    pub(super) fn service_ps(&self) -> String {
        let output = docker(&["service", "ps", "--no-trunc", &self.service]);
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    }

    /// `UpdateStatus` of `docker service inspect` (null before any update).
    pub(super) fn update_status(&self) -> Value {
        let json = docker_ok(&[
            "service",
            "inspect",
            "--format",
            "{{json .UpdateStatus}}",
            &self.service,
        ]);
        serde_json::from_str(&json).expect("UpdateStatus is JSON")
    }

    /// The image the service's spec asks for now.
    pub(super) fn spec_image(&self) -> String {
        docker_ok(&[
            "service",
            "inspect",
            "--format",
            "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
            &self.service,
        ])
    }

    /// Containers, networks and services still labelled with the stack.
    fn leftovers(&self) -> String {
        let label = format!("label=com.docker.stack.namespace={}", self.name);
        let containers = docker_ok(&["ps", "-a", "-q", "--filter", &label]);
        let networks = docker_ok(&["network", "ls", "-q", "--filter", &label]);
        let services = docker_ok(&["service", "ls", "-q", "--filter", &label]);
        format!("{containers}{networks}{services}")
    }

    /// `docker stack rm`, then polls until nothing of the stack is left,
    /// running it again if it left the network (see [`stopped_and_gone`]);
    /// returns how long that took.
    pub(super) fn remove(&mut self, deadline: Duration) -> Duration {
        self.removed = true;
        let started = Instant::now();
        docker_ok(&["stack", "rm", &self.name]);
        let gone =
            stopped_and_gone(&self.name, deadline) || remove_stack(&self.name, deadline).is_some();
        assert!(
            gone,
            "`docker stack rm {}` left these after {deadline:?}:\n{}",
            self.name,
            self.leftovers()
        );
        started.elapsed()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if !self.removed {
            let _ = remove_stack(&self.name, Duration::from_secs(60));
        }
    }
}
