//! A room without a network: the teacher writes the three images, amd64
//! and arm64, to one file for a USB stick; each student loads it with one
//! command. Docker 28's `docker save` writes an OCI layout holding both
//! platforms and a `manifest.json` naming the teacher's own (amd64): Docker
//! 28 (the containerd store, as Docker Desktop's) keeps both, Docker 20.10's
//! classic store and Podman 5.8 read `manifest.json` and get amd64.

use std::time::Duration;

use super::registry::{here, local_tags, registry_or_skip, TEACHER_ENGINE};
use crate::common::engine::Engine;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

/// The teacher's one line (docs/teaching.md), the address as the page writes it.
pub(crate) const WRITE: &str = "REGISTRY=192.168.1.20:5000 docker buildx bake --load && \
docker save -o numbers-api.tar 192.168.1.20:5000/numbers-api:v1 \
192.168.1.20:5000/numbers-api:v2 192.168.1.20:5000/numbers-api:v3";
/// The student's, on Docker and on Podman.
pub(crate) const DOCKER_LOAD: &str = "docker load -i numbers-api.tar";
pub(crate) const PODMAN_LOAD: &str = "podman load -i numbers-api.tar";

fn ok(engine: Engine, line: &str, deadline: Duration) -> String {
    let output = run_with_deadline(&mut engine.shell(line), deadline);
    assert!(
        output.status.success(),
        "{line} on {engine:?}:\n{}",
        text(&output)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn one_file_carries_both_platforms_and_loads_on_docker_20_10_docker_28_and_podman_5_8() {
    // The registry only gives the images their classroom names here.
    if !registry_or_skip("the USB file") {
        return;
    }
    let engines = [Engine::Host, Engine::Docker28, Engine::Podman58];
    if !engines.iter().all(|e| e.available_or_skip("the USB file")) {
        return;
    }
    let dir = std::env::temp_dir().join(format!("numbers-classroom-usb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder for the file");
    // The engines' namespaces see the host's files under /host.
    let inside = format!("/host{}", dir.display());
    let _tags = local_tags();
    {
        let _serial = TEACHER_ENGINE.build_lock();
        let write = here(WRITE).replace(
            "-o numbers-api.tar",
            &format!("-o {inside}/numbers-api.tar"),
        );
        ok(TEACHER_ENGINE, &write, Duration::from_secs(40 * 60));
    }
    let file = dir.join("numbers-api.tar");
    let size = std::fs::metadata(&file).expect("the file").len();
    println!("numbers-api.tar, v1 v2 v3 for amd64 and arm64: {size} bytes");
    let index = text(&run_with_deadline(
        &mut Engine::Host.shell(&format!("tar -xOf {} index.json", file.display())),
        Duration::from_secs(60),
    ));
    assert_eq!(
        index.matches("io.containerd.image.name").count(),
        3,
        "{index}"
    );
    for (engine, load, path) in [
        (Engine::Host, DOCKER_LOAD, dir.display().to_string()),
        (Engine::Docker28, DOCKER_LOAD, inside.clone()),
        (Engine::Podman58, PODMAN_LOAD, inside.clone()),
    ] {
        let client = engine.client();
        let names: Vec<String> = ["v1", "v2", "v3"]
            .iter()
            .map(|t| here(&format!("192.168.1.20:5000/numbers-api:{t}")))
            .collect();
        let _ = run_with_deadline(
            &mut engine.shell(&format!("{client} rmi -f {}", names.join(" "))),
            Duration::from_secs(120),
        );
        let said = ok(
            engine,
            &format!("cd {path} && {load}"),
            Duration::from_secs(600),
        );
        println!("{load} on {engine:?}:\n{said}");
        for name in &names {
            let format = match client {
                "podman" => "{{.Architecture}} {{json .HealthCheck}}",
                _ => "{{.Architecture}} {{json .Config.Healthcheck}}",
            };
            let got = ok(
                engine,
                &format!("{client} image inspect --format '{format}' {name}"),
                Duration::from_secs(60),
            );
            assert!(got.starts_with("amd64"), "{name} on {engine:?}: {got}");
            if !name.ends_with(":v1") {
                assert!(
                    got.contains("Test"),
                    "{name} on {engine:?} lost its HEALTHCHECK: {got}"
                );
            }
        }
        if engine == Engine::Docker28 {
            for name in &names {
                let got = ok(
                    engine,
                    &format!("docker image inspect --platform linux/arm64 --format '{{{{.Architecture}}}}' {name}"),
                    Duration::from_secs(60),
                );
                assert_eq!(got, "arm64", "{name} for arm64 from the file");
            }
        }
        let _ = run_with_deadline(
            &mut engine.shell(&format!("{client} rmi -f {}", names.join(" "))),
            Duration::from_secs(120),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
