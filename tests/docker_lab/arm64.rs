//! The lab's images for arm64, the platform of Apple Silicon Macs, on
//! Docker 28: built for amd64 and arm64 at once by the teacher's one command
//! (docker-bake.hcl), which cross-compiles the arm64 binary, and run under
//! emulation (qemu). What runs is the arm64 binary a Mac runs; what this
//! cannot show is Docker Desktop's own virtual machine. (The student's page
//! on arm64 is in tests/lab_walkthrough/docker.rs.)

use std::time::{Duration, Instant};

use crate::common::engine::Engine;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

const ENGINE: Engine = Engine::Docker28;
pub(crate) use crate::common::engine::{two_platform_images, REPOSITORY};

/// `docker <args>` on Docker 28, which must succeed; its output, trimmed.
fn docker(args: &[&str]) -> String {
    ENGINE.run_ok_within(args, Duration::from_secs(120))
}

/// A container on Docker 28, removed when dropped.
struct Container(String);

impl Container {
    fn run(args: &[&str]) -> Container {
        let id = docker(&[&["run", "-d"], args].concat());
        Container(id)
    }

    fn health(&self) -> serde_json::Value {
        serde_json::from_str(&docker(&[
            "inspect",
            "--format",
            "{{json .State.Health}}",
            &self.0,
        ]))
        .expect("State.Health as JSON")
    }

    fn wait_for_health(&self, wanted: &str, deadline: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let health = self.health();
            if health["Status"] == wanted {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < deadline,
                "not {wanted} after {deadline:?}: {health}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// `curl` from inside Docker 28's network, to the container's port 80.
    fn curl(&self, path: &str) -> String {
        let port = docker(&["port", &self.0, "80/tcp"]);
        let port = port
            .lines()
            .next()
            .and_then(|l| l.rsplit(':').next())
            .expect("a port");
        let line = format!("curl -s http://127.0.0.1:{port}{path}");
        text(&run_with_deadline(
            &mut ENGINE.shell(&line),
            Duration::from_secs(60),
        ))
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = ENGINE.run(&["rm", "-f", &self.0], Duration::from_secs(60));
    }
}

#[test]
fn each_image_holds_an_arm64_and_an_amd64_variant_under_one_tag() {
    if !ENGINE.available_or_skip("the two-platform images") {
        return;
    }
    two_platform_images();
    for version in ["v1", "v2", "v3"] {
        let image = format!("{REPOSITORY}:{version}");
        for (platform, architecture) in [("linux/arm64", "arm64"), ("linux/amd64", "amd64")] {
            let said = docker(&[
                "image",
                "inspect",
                "--platform",
                platform,
                "--format",
                "{{.Os}}/{{.Architecture}}",
                &image,
            ]);
            assert_eq!(
                said,
                format!("linux/{architecture}"),
                "{image} for {platform}"
            );
        }
    }
}

/// v3 as docs/reference.md locks it down, on arm64: no writable file
/// system, no capability, no new privileges. Its own probe (the binary's
/// `healthcheck`, no curl) passes, then fails once the calls are spent.
#[test]
fn v3_on_arm64_locked_down_passes_then_fails_its_own_probe() {
    if !ENGINE.available_or_skip("v3 on arm64") {
        return;
    }
    two_platform_images();
    let image = format!("{REPOSITORY}:v3");
    let container = Container::run(&[
        "--platform",
        "linux/arm64",
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--health-interval",
        "1s",
        "-p",
        "127.0.0.1::80",
        &image,
    ]);
    assert_eq!(ENGINE.binary_machine(&container.0), "aarch64");

    // Probes a second apart, each an arm64 process under qemu: healthy
    // after 1.6 s and unhealthy 3.9 s after the fourth call at worst, with
    // the machine loaded; 30 s is far beyond twice either.
    let took = container.wait_for_health("healthy", Duration::from_secs(30));
    println!("v3 on arm64: healthy after {took:?}");
    for call in 1..=3 {
        let body = container.curl("/rng");
        assert!(body.trim().parse::<u8>().is_ok(), "call {call}: {body}");
    }
    let fourth = container.curl("/rng");
    assert!(fourth.contains("\"status\":500"), "{fourth}");
    let took = container.wait_for_health("unhealthy", Duration::from_secs(30));
    println!("v3 on arm64: unhealthy {took:?} after the fourth call");

    let health = container.health();
    let log = health["Log"].as_array().expect("a log");
    assert!(log.iter().any(|probe| probe["ExitCode"] == 0), "{health}");
    let failed: Vec<_> = log.iter().filter(|probe| probe["ExitCode"] != 0).collect();
    assert!(failed.len() >= 3, "{health}");
    for probe in failed {
        assert_eq!(probe["ExitCode"], 1, "{probe}");
        assert!(probe["Output"].as_str().unwrap().contains("500"), "{probe}");
    }
    assert_eq!(
        docker(&[
            "inspect",
            "--format",
            "{{.HostConfig.ReadonlyRootfs}}",
            &container.0
        ]),
        "true"
    );
}
