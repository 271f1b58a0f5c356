//! Docker Swarm acts on the health check that plain Docker only reports:
//! `docker-stack.yml` deployed as written, one replica broken with four calls
//! of `/rng` and replaced without anyone touching it, and an update to a
//! release that never turns healthy rolled back on its own. The deploy, build
//! and update commands are the operators' page's, with this run's names.
//!
//! Each test deploys its own stack under a unique name, on the engine made a
//! one-node swarm for the while ([`crate::common::swarm::Swarm`]).

use std::time::{Duration, Instant};

use super::swarm_stack::{page_command, sh, Stack, Task, PAGE_RELEASE, PAGE_SERVICE, REPLICAS};
use crate::common::answers::UNHEALTHY_BODY_START;
use crate::common::docker::{docker, docker_ok, engine_or_skip, image, try_get};
use crate::common::swarm::states_until_rollback;

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
    let (states, status) = states_until_rollback(
        started,
        Duration::from_secs(180),
        || stack.update_status(),
        || stack.service_ps(),
    );
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
