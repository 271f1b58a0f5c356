//! Port 80 as uid 10001 on every engine. Docker lets any user bind ports
//! below 1024 in a container; Podman and CRI-O leave Linux's limit at 1024,
//! which `--sysctl net.ipv4.ip_unprivileged_port_start=1024` brings back on
//! Docker. There the binary's file capability (`setcap
//! cap_net_bind_service=+p` in the build stage) binds the port; the server
//! then drops it, and a locked-down container still starts.

use std::time::Duration;

use super::builds::build_with_buildkit;
use crate::common::capabilities::{threads, Thread, NET_BIND_SERVICE};
use crate::common::docker::{engine_or_skip, image, Container};
use crate::common::engine::Engine;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

/// What Podman and CRI-O leave in every container.
const AS_ON_PODMAN: [&str; 2] = ["--sysctl", "net.ipv4.ip_unprivileged_port_start=1024"];

/// Probes every second instead of every 30, so "healthy" takes seconds.
const FAST: [&str; 2] = ["--health-interval", "1s"];

/// Several sets of `docker run` options as one.
fn args(sets: &[&[&'static str]]) -> Vec<&'static str> {
    sets.concat()
}

/// Asserts every thread of the container's process runs as uid 10001.
fn runs_as_10001(container: &Container) -> Vec<Thread> {
    let threads = threads(container.pid());
    for thread in &threads {
        assert_eq!(thread.uid, 10001, "{threads:?}");
    }
    threads
}

#[test]
fn v3_starts_read_only_with_no_capabilities_and_no_new_privileges_and_turns_healthy() {
    if !engine_or_skip("locked-down v3") {
        return;
    }
    let locked_down = [
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
    ];
    let container = Container::run(image("v3"), &args(&[&locked_down, &FAST]));

    container.wait_for_status("(healthy)", Duration::from_secs(60));
    let (status, body) = container.get("/rng");

    assert_eq!(status, 200, "{body}");
    assert!(body.parse::<u8>().is_ok_and(|n| n < 100), "{body}");
    assert_eq!(container.inspect("{{.HostConfig.ReadonlyRootfs}}"), "true");
}

#[test]
fn every_image_serves_port_80_as_uid_10001_where_low_ports_are_privileged_as_on_podman() {
    if !engine_or_skip("port 80 as on Podman") {
        return;
    }
    for version in ["v1", "v2", "v3"] {
        let container = Container::run(image(version), &args(&[&AS_ON_PODMAN, &FAST]));

        let (status, body) = container.get("/rng");
        runs_as_10001(&container);

        assert_eq!(status, 200, "{version}: {body}");
        if version != "v1" {
            container.wait_for_status("(healthy)", Duration::from_secs(60));
        }
    }
}

/// BuildKit (Docker 26's builder) keeps the binary's file capability too:
/// each image serves port 80 where low ports are privileged.
#[test]
fn buildkit_keeps_the_binarys_capability_too() {
    let engine = Engine::Docker26;
    if !engine.available_or_skip("BuildKit's capability") {
        return;
    }
    let files = [
        ("Dockerfile", "numbers-api:buildkit-v1"),
        ("Dockerfile.v2", "numbers-api:buildkit-v2"),
        ("Dockerfile.v3", "numbers-api:buildkit-v3"),
    ];
    for (file, tag) in files {
        build_with_buildkit(tag, file, None);
        let name = format!("numbers-buildkit-capability-{}", std::process::id());
        let _gone = Removed(engine, name.clone());
        let run = [
            &["run", "-d", "--name", &name, "-p", "127.0.0.1:8180:80"],
            &AS_ON_PODMAN[..],
            &[tag],
        ]
        .concat();
        engine.run_ok(&run);

        // It binds in milliseconds; 30 s of tries is far beyond a loaded machine.
        let line = "for i in $(seq 1 60); do curl -s --fail http://127.0.0.1:8180/rng && exit 0; sleep 0.5; done; exit 1";
        let output = run_with_deadline(&mut engine.shell(line), Duration::from_secs(60));
        let body = text(&output);

        assert!(output.status.success(), "{file}: {body}");
        assert!(
            body.trim().parse::<u8>().is_ok_and(|n| n < 100),
            "{file}: {body}"
        );
    }
}

/// A container on another engine, removed when dropped.
struct Removed(Engine, String);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = self.0.run(&["rm", "-f", &self.1], Duration::from_secs(60));
    }
}

#[test]
fn the_server_holds_the_capability_until_it_has_bound_port_80_and_none_after() {
    if !engine_or_skip("capabilities after the bind") {
        return;
    }
    for version in ["v1", "v2", "v3"] {
        // Before the bind: held in the start-up delay, the port not yet open.
        let waiting = Container::start(image(version), &["-e", "NUMBERS_STARTUP_DELAY=1h"]);
        waiting.wait_for_log("the port opens in", Duration::from_secs(30));
        let before = runs_as_10001(&waiting);
        drop(waiting);

        let serving = Container::run(image(version), &[]);
        let after = runs_as_10001(&serving);

        for thread in &before {
            assert_eq!(thread.permitted, NET_BIND_SERVICE, "{version}: {before:?}");
            assert_eq!(thread.effective, 0, "{version}: {before:?}");
        }
        for thread in &after {
            assert_eq!(
                (thread.permitted, thread.effective),
                (0, 0),
                "{version}: {after:?}"
            );
        }
    }
}
