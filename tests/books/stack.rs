//! Chapter 14 of the first edition on a one-node swarm, as its section of
//! docs/books.md runs it: six replicas of the API, checked by the book's
//! `dotnet Utilities.HttpCheck.dll` test every 2 s, and the web app on every
//! node's port 80 (a free one here); then the update to v5 without
//! `Broken=false`, whose new replicas never turn healthy, so that Swarm rolls
//! it back by itself.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::app::{press, Press};
use super::exercise::Exercise;
use crate::common::docker::{docker, docker_ok, engine_or_skip};
use crate::common::swarm::{remove_stack, states_until_rollback, stopped_and_gone, Swarm};

const V3: &str = "diamol/ch08-numbers-api:v3";
const V5: &str = "diamol/ch14-numbers-api:v5";
/// `deploy.replicas` in prod.yml.
const REPLICAS: usize = 6;
/// Six replicas healthy after a deploy: 6.2 s measured at worst.
const DEPLOY_WAIT: Duration = Duration::from_secs(90);
/// From the bad deploy to `rollback_completed`: 21.9 s measured at worst.
const ROLLBACK_WAIT: Duration = Duration::from_secs(120);

/// A service's virtual IP needs the kernel's IPVS, which some machines lack
/// (dockerd then logs "Could not get ipvs family information"): there the
/// web app could never reach numbers-api. DNS round robin needs no IPVS.
const NO_IPVS: &str = "# Not the book's: this machine's kernel has no IPVS.
version: \"3.7\"
services:
  numbers-api:
    deploy:
      endpoint_mode: dnsrr
";

/// Containers of a swarm service: id, image and `docker ps`'s STATUS;
/// stopped ones too with `all`.
fn containers(service: &str, all: bool) -> Vec<(String, String, String)> {
    let filter = format!("label=com.docker.swarm.service.name={service}");
    let mut args = vec![
        "ps",
        "--filter",
        &filter,
        "--format",
        "{{.ID}}|{{.Image}}|{{.Status}}",
    ];
    if all {
        args.push("-a");
    }
    docker_ok(&args)
        .lines()
        .filter_map(|line| {
            let mut cells = line.splitn(3, '|').map(String::from);
            Some((cells.next()?, cells.next()?, cells.next()?))
        })
        .collect()
}

/// Polls until `REPLICAS` containers of `image` run healthy; how long it took.
fn wait_until_healthy(service: &str, image: &str, deadline: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let running = containers(service, false);
        let healthy = running
            .iter()
            .filter(|(_, img, status)| img == image && status.contains("(healthy)"))
            .count();
        if healthy == REPLICAS {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < deadline,
            "{healthy} of {REPLICAS} replicas of {image} healthy after {deadline:?}: {running:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Removes the stacks whose names start with `prefix`, and waits until
/// nothing of them is left (a test's leftovers when it failed).
pub fn remove_stacks_starting(prefix: &str) {
    let stacks = docker(&["stack", "ls", "--format", "{{.Name}}"]);
    for stack in String::from_utf8_lossy(&stacks.stdout).lines() {
        if stack.starts_with(prefix) {
            let _ = remove_stack(stack, Duration::from_secs(120));
        }
    }
}

#[test]
fn chapter_14_swarm_rolls_back_the_update_whose_replicas_never_turn_healthy() {
    if !engine_or_skip("chapter 14") {
        return;
    }
    // Declared first, so dropped last: after the exercise removed its stack.
    let _swarm = Swarm::join();
    let Some(mut ex) = Exercise::start("## First edition", "### Chapter 14", "1e") else {
        return;
    };
    if !Path::new("/proc/net/ip_vs").exists() {
        ex.add_to_every_deploy("ch14/exercises/numbers", "no-ipvs.yml", NO_IPVS);
    }
    let stack = ex.name("numbers");
    let api = format!("{stack}_numbers-api");
    ex.run("cd ");
    ex.run(
        "docker stack deploy -c docker-compose.yml -c prod.yml -c prod-healthcheck.yml -c v3.yml",
    );
    let healthy_after = wait_until_healthy(&api, V3, DEPLOY_WAIT);
    let spec = docker_ok(&[
        "service",
        "inspect",
        "--format",
        "{{json .Spec.TaskTemplate.ContainerSpec.Healthcheck.Test}} {{.Spec.TaskTemplate.Resources.Limits.MemoryBytes}}",
        &api,
    ]);
    let web_mode = docker_ok(&[
        "service",
        "inspect",
        "--format",
        "{{if .Spec.Mode.Global}}global{{end}}",
        &format!("{stack}_numbers-web"),
    ]);
    let before = press(ex.port(80));

    ex.run("docker stack deploy -c docker-compose.yml -c prod.yml -c prod-healthcheck.yml -c prod-update-config.yml");
    let update_status = ex.take("docker service inspect --format");
    let started = Instant::now();
    let (states, _) = states_until_rollback(
        started,
        ROLLBACK_WAIT,
        || serde_json::from_slice(&ex.sh(&update_status).stdout).unwrap_or(Value::Null),
        String::new,
    );
    let healthy_again = wait_until_healthy(&api, V3, DEPLOY_WAIT);
    let image = docker_ok(&[
        "service",
        "inspect",
        "--format",
        "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
        &api,
    ]);
    let tried: Vec<(String, String, String)> = containers(&api, true)
        .into_iter()
        .filter(|(_, img, _)| img == V5)
        .collect();
    let probes: Vec<String> = tried
        .iter()
        .map(|(id, _, _)| docker_ok(&["inspect", "--format", "{{json .State.Health}}", id]))
        .collect();
    let service_ps = ex.run("docker service ps");
    let after = press(ex.port(80));

    println!(
        "ch14: {REPLICAS} replicas healthy {healthy_after:?} after the deploy; \
         update {states:?}; healthy again {healthy_again:?} after the rollback"
    );
    assert_eq!(
        spec,
        r#"["CMD","dotnet","Utilities.HttpCheck.dll","-u","http://localhost/health","-t","500"] 78643200"#
    );
    assert_eq!(web_mode, "global", "one web app on every node");
    assert!(matches!(before, Press::Number(_)), "{before:?}");
    let names: Vec<&str> = states.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        names,
        ["updating", "rollback_started", "rollback_completed"]
    );
    assert!(
        image.starts_with(V3),
        "the spec was not rolled back: {image}"
    );
    assert!(!tried.is_empty(), "no replica of {V5} was ever started");
    for probe in &probes {
        assert!(
            probe.contains("HTTPCheck: status InternalServerError, url http://localhost/health"),
            "Broken=true: {probe}"
        );
    }
    let v5_rows: Vec<&str> = service_ps.lines().filter(|row| row.contains(V5)).collect();
    assert!(!v5_rows.is_empty(), "{service_ps}");
    assert!(
        v5_rows.iter().all(|row| row.contains("Shutdown")),
        "a v5 task is still wanted:\n{service_ps}"
    );
    assert!(matches!(after, Press::Number(_)), "{after:?}");

    // The page's command, run again if it left the network (see
    // `stopped_and_gone`), as a teacher would.
    let rm = ex.take("docker stack rm");
    let started = Instant::now();
    ex.sh(&rm);
    let mut runs = 1;
    if !stopped_and_gone(&stack, Duration::from_secs(120)) {
        runs += remove_stack(&stack, Duration::from_secs(120))
            .unwrap_or_else(|| panic!("`{rm}` left {stack} behind"));
    }
    println!(
        "ch14: `docker stack rm`, {runs} time(s), left nothing after {:?}",
        started.elapsed()
    );
    ex.finish();
}
