//! Docker Swarm acts on the health check that plain Docker only reports:
//! `docker-stack.yml` deployed as written, one replica broken with four calls
//! of `/rng` and replaced without anyone touching it, and an update to a
//! release that never turns healthy rolled back on its own. The deploy, build
//! and update commands are the operators' page's, with this run's names.
//!
//! Each test deploys its own stack under a unique name, on the engine made a
//! one-node swarm for the while ([`Swarm`]).

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::docker::{
    docker, docker_ok, engine_or_skip, image, try_get, ROOT, UNHEALTHY_BODY_START,
};
use crate::common::process::run_with_deadline;
use crate::common::swarm::Swarm;

/// The operators' page's names: the stack, its service, and the release that fails.
const PAGE_STACK: &str = "numbers";
const PAGE_SERVICE: &str = "numbers_numbers-api";
const PAGE_RELEASE: &str = "numbers-api:wrong-port";
/// `deploy.replicas` in `docker-stack.yml`.
const REPLICAS: usize = 2;
/// The service `docker stack deploy` makes of `services.numbers-api`.
const SERVICE: &str = "numbers-api";

/// The command of the operators' page's `$ <start>...` line.
fn page_command(start: &str) -> String {
    crate::common::docs::page("docs/beyond-one-container.md").command(start)
}

/// A command line of the operators' page, run by the shell as a student would, within
/// `deadline`; it must succeed.
fn sh(command: &str, deadline: Duration) -> Output {
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
struct Task {
    id: String,
    slot: u64,
    image: String,
    desired: String,
    state: String,
    container: String,
    port: Option<u16>,
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
    fn answers_ok(&self) -> bool {
        self.port
            .is_some_and(|port| matches!(try_get(port, "/health"), Ok((200, body)) if body == "Ok"))
    }
}

/// A stack deployed from the operators' page's file under a name of its own; removed
/// on drop, even when the test fails.
struct Stack {
    name: String,
    service: String,
    removed: bool,
    // Dropped after the stack is gone, so the swarm can be left.
    _swarm: Swarm,
}

impl Stack {
    /// The operators' page's `docker stack deploy -c docker-stack.yml numbers`,
    /// under this stack's name.
    fn deploy(purpose: &str) -> Stack {
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
    fn tasks(&self) -> Vec<Task> {
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
    fn wait_until_all_healthy(&self, deadline: Duration) -> (Vec<Task>, Duration) {
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
    fn service_ps(&self) -> String {
        let output = docker(&["service", "ps", "--no-trunc", &self.service]);
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    }

    /// `UpdateStatus` of `docker service inspect` (null before any update).
    fn update_status(&self) -> Value {
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
    fn spec_image(&self) -> String {
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

    /// `docker stack rm`, then polls until nothing of the stack is left;
    /// returns how long that took.
    fn remove(&mut self, deadline: Duration) -> Duration {
        self.removed = true;
        let started = Instant::now();
        docker_ok(&["stack", "rm", &self.name]);
        loop {
            let left = self.leftovers();
            if left.is_empty() {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < deadline,
                "`docker stack rm {}` left these after {deadline:?}:\n{left}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        let _ = docker(&["stack", "rm", &self.name]);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if self.leftovers().is_empty() {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

/// An image built by a test; removed on drop.
struct BuiltImage(String);

impl Drop for BuiltImage {
    fn drop(&mut self) {
        let _ = docker(&["rmi", &self.0]);
    }
}

/// A release that never turns healthy: the operators' page's two-line Dockerfile, in
/// which the v3 image is told to listen on 8081 while its health check
/// (which reads NUMBERS_LISTEN) still probes port 80.
fn wrong_port_release() -> BuiltImage {
    image("v3");
    let tag = format!("{PAGE_RELEASE}-{}", std::process::id());
    let build = page_command("printf 'FROM numbers-api:v3");
    assert!(
        build.contains(&format!("docker build -t {PAGE_RELEASE} -")),
        "{build}"
    );
    let release = BuiltImage(tag);
    sh(
        &build.replace(PAGE_RELEASE, &release.0),
        Duration::from_secs(300),
    );
    release
}

#[test]
fn swarm_replaces_the_replica_that_turns_unhealthy() {
    if !engine_or_skip("swarm replaces an unhealthy replica") {
        return;
    }
    image("v3");
    let mut stack = Stack::deploy("heal");
    let (before, took) = stack.wait_until_all_healthy(Duration::from_secs(120));
    println!("swarm: {REPLICAS} replicas healthy {took:?} after `docker stack deploy`");
    let broken = before.iter().min_by_key(|task| task.slot).unwrap().clone();
    let other = before
        .iter()
        .find(|task| task.id != broken.id)
        .unwrap()
        .clone();
    let port = broken.port.expect("a host port");

    // Act: break one replica, as in the lab, then only watch.
    for call in 1..=3 {
        let (status, body) = try_get(port, "/rng").unwrap();
        assert_eq!(status, 200, "call {call}: {body}");
    }
    let (status, body) = try_get(port, "/rng").unwrap();
    let broke = Instant::now();
    let shut_down = loop {
        let tasks = stack.tasks();
        let now = tasks.iter().find(|task| task.id == broken.id);
        if now.is_some_and(|task| task.desired == "shutdown") {
            break broke.elapsed();
        }
        assert!(
            broke.elapsed() < Duration::from_secs(60),
            "the broken replica still runs after 60 s:\n{}",
            stack.service_ps()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let (after, healthy_again) = stack.wait_until_all_healthy(Duration::from_secs(120));
    let replaced = broke.elapsed();
    let service_ps = stack.service_ps();
    let old_health = docker_ok(&[
        "inspect",
        "--format",
        "{{.State.Health.Status}} {{json .State.Health.Log}}",
        &broken.container,
    ]);

    println!(
        "swarm: unhealthy replica shut down {shut_down:?} after the fourth call, \
         all {REPLICAS} healthy again {replaced:?} after it \
         ({healthy_again:?} after the shutdown)"
    );
    println!("{service_ps}");
    assert_eq!(status, 500);
    assert!(body.starts_with(UNHEALTHY_BODY_START), "{body}");
    // interval 5 s x retries 2, the last probe's own time, and Swarm's
    // reaction, with room for a busy machine.
    assert!(shut_down <= Duration::from_secs(25), "took {shut_down:?}");
    assert!(
        old_health.starts_with("unhealthy ") && old_health.contains("HTTPCheck: status 500"),
        "the replaced container was not unhealthy: {old_health}"
    );
    let row = service_ps
        .lines()
        .find(|line| line.contains(&broken.id))
        .unwrap_or_else(|| panic!("no row for task {}:\n{service_ps}", broken.id));
    assert!(row.contains("Shutdown"), "{row}");
    let new = after
        .iter()
        .find(|task| task.slot == broken.slot)
        .unwrap_or_else(|| panic!("nothing runs in slot {}:\n{service_ps}", broken.slot));
    assert_ne!(new.id, broken.id, "the same task still runs");
    assert!(
        after.iter().any(|task| task.id == other.id),
        "the healthy replica was replaced too:\n{service_ps}"
    );
    assert!(after.iter().all(Task::answers_ok));

    let took = stack.remove(Duration::from_secs(60));
    println!("swarm: `docker stack rm` left nothing behind after {took:?}");
}

#[test]
fn swarm_rolls_back_an_update_whose_replicas_never_turn_healthy() {
    if !engine_or_skip("swarm rolls back an update") {
        return;
    }
    let release = wrong_port_release();
    let original = image("v3");
    let mut stack = Stack::deploy("rollback");
    let (_, took) = stack.wait_until_all_healthy(Duration::from_secs(120));
    println!("swarm: {REPLICAS} replicas healthy {took:?} after `docker stack deploy`");

    // The operators' page's command follows the update until it ends; detached, the
    // test watches the states itself.
    let update = page_command("docker service update")
        .replacen(" update ", " update --detach ", 1)
        .replace(PAGE_RELEASE, &release.0)
        .replace(PAGE_SERVICE, &stack.service);
    let started = Instant::now();
    sh(&update, Duration::from_secs(60));
    let mut states: Vec<(String, Duration)> = Vec::new();
    let status = loop {
        let status = stack.update_status();
        let state = status["State"].as_str().unwrap_or("").to_string();
        // Null until the swarm has taken the update up.
        if !state.is_empty() && states.last().map(|(last, _)| last) != Some(&state) {
            states.push((state.clone(), started.elapsed()));
        }
        if state == "rollback_completed" {
            break status;
        }
        assert!(
            !["completed", "paused", "rollback_paused"].contains(&state.as_str()),
            "the update ended {state:?}, not rolled back: {status}\n{}",
            stack.service_ps()
        );
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "no rollback after 180 s: {status}\n{}",
            stack.service_ps()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let (after, _) = stack.wait_until_all_healthy(Duration::from_secs(120));
    let tasks = stack.tasks();
    let service_ps = stack.service_ps();

    let at = |wanted: &str| {
        states
            .iter()
            .find(|(state, _)| state == wanted)
            .map(|(_, at)| *at)
    };
    println!(
        "swarm: rollback started {:?} and completed {:?} after `docker service update`",
        at("rollback_started"),
        at("rollback_completed")
    );
    println!("{service_ps}");
    let names: Vec<&str> = states.iter().map(|(state, _)| state.as_str()).collect();
    assert_eq!(
        names,
        ["updating", "rollback_started", "rollback_completed"],
        "{states:?}"
    );
    assert_eq!(status["Message"], "rollback completed", "{status}");
    assert!(
        stack.spec_image().starts_with(original),
        "the spec was not rolled back: {}",
        stack.spec_image()
    );
    let tried: Vec<&Task> = tasks
        .iter()
        .filter(|task| task.image.starts_with(&release.0))
        .collect();
    assert!(
        !tried.is_empty(),
        "no replica ever ran {}:\n{service_ps}",
        release.0
    );
    assert!(
        tried.iter().all(|task| task.desired == "shutdown"),
        "{tried:?}"
    );
    assert!(
        after.iter().all(|task| task.image.starts_with(original)),
        "{after:?}"
    );
    assert!(after.iter().all(Task::answers_ok));

    let took = stack.remove(Duration::from_secs(60));
    println!("swarm: `docker stack rm` left nothing behind after {took:?}");
}
