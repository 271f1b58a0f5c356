//! The students' side: each engine pulls by the same tag from the students'
//! door and gets its own platform (amd64 here; arm64 when asked, under
//! emulation), with the image's HEALTHCHECK, and the README's lab runs from
//! the pulled image with no build.

use std::time::{Duration, Instant};

use super::registry::{filled, here, host, local_tags, registry_or_skip, STUDENTS};
use crate::common::engine::Engine;
use crate::common::ports::free_port;
use crate::common::recipe::text;

/// The student's commands in docs/teaching.md, the teacher's address as
/// the page writes it.
pub(crate) const PULL_V2: &str = "docker pull 192.168.1.20:5000/numbers-api:v2";
pub(crate) const RUN_V2: &str =
    "docker run -d --name numbers-v2 -p 8081:80 192.168.1.20:5000/numbers-api:v2";
pub(crate) const PODMAN_PULL_V2: &str = "podman pull 192.168.1.20:5000/numbers-api:v2";
pub(crate) const COMPOSE_V3: &str =
    "NUMBERS_IMAGE=192.168.1.20:5000/numbers-api:v3 docker compose up -d";

/// `line` on `engine`, which must succeed; its stdout, trimmed.
fn ok(engine: Engine, line: &str, deadline: Duration) -> String {
    let output = crate::common::process::run_with_deadline(&mut engine.shell(line), deadline);
    assert!(
        output.status.success(),
        "{line} on {engine:?}:\n{}",
        text(&output)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Pulls `tag` afresh on `engine` (whatever it had of it removed first) and
/// says what it got: "<architecture> <healthcheck as JSON>".
fn pull_and_inspect(engine: Engine, tag: &str, platform: Option<&str>) -> String {
    let client = engine.client();
    let image = format!("{STUDENTS}/numbers-api:{tag}");
    let _ = crate::common::process::run_with_deadline(
        &mut engine.shell(&format!("{client} rmi -f {image}")),
        Duration::from_secs(120),
    );
    let flag = platform
        .map(|p| format!("--platform {p} "))
        .unwrap_or_default();
    ok(
        engine,
        &format!("{client} pull -q {flag}{image}"),
        Duration::from_secs(900),
    );
    let format = match engine.client() {
        "podman" => "{{.Architecture}} {{json .HealthCheck}}",
        _ => "{{.Architecture}} {{json .Config.Healthcheck}}",
    };
    ok(
        engine,
        &format!("{client} image inspect {flag}--format '{format}' {image}"),
        Duration::from_secs(60),
    )
}

#[test]
fn docker_20_10_docker_28_and_podman_5_8_pull_their_own_platform_with_its_healthcheck() {
    if !registry_or_skip("the students' pulls") {
        return;
    }
    let engines = [Engine::Host, Engine::Docker28, Engine::Podman58];
    if !engines
        .iter()
        .all(|e| e.available_or_skip("the students' pulls"))
    {
        return;
    }
    filled();
    let _tags = local_tags();
    for engine in engines {
        for (tag, probe) in [("v2", "curl"), ("v3", "healthcheck")] {
            let said = pull_and_inspect(engine, tag, None);
            assert!(said.starts_with("amd64 "), "{tag} on {engine:?}: {said}");
            assert!(
                said.contains(probe),
                "{tag} on {engine:?} lost its HEALTHCHECK: {said}"
            );
            println!("{engine:?} pulled {tag}: {said}");
        }
    }
    // An Apple Silicon laptop's pull, under emulation: the same tag.
    let said = pull_and_inspect(Engine::Docker28, "v2", Some("linux/arm64"));
    assert!(said.starts_with("arm64 "), "v2 for arm64: {said}");
    assert!(
        said.contains("curl"),
        "v2 for arm64 lost its HEALTHCHECK: {said}"
    );
}

/// The measure of the classroom path: from a registry that is filled and
/// answers to the student's first `(healthy)`, on the host's Docker 20.10
/// with nothing of the image yet: the pull, the start and the image's own
/// first probe, 30 seconds after the start. Then the rest of the README's
/// lab on the same container, at the image's own pace: three numbers, the
/// 500, and `unhealthy` after three failed probes.
#[test]
fn the_readme_lab_runs_from_the_pulled_image_with_no_build() {
    if !registry_or_skip("the lab from a pulled image")
        || !Engine::Host.available_or_skip("the lab from a pulled image")
    {
        return;
    }
    filled();
    let port = free_port();
    let name = format!("numbers-classroom-v2-{}", std::process::id());
    let run = here(RUN_V2)
        .replace("--name numbers-v2", &format!("--name {name}"))
        .replace("8081:80", &format!("{port}:80"));
    let started;
    let pulled;
    {
        let _tags = local_tags();
        let _ = host(
            &format!("docker rmi -f {STUDENTS}/numbers-api:v2"),
            Duration::from_secs(120),
        );
        started = Instant::now();
        ok(Engine::Host, &here(PULL_V2), Duration::from_secs(900));
        pulled = started.elapsed();
        ok(Engine::Host, &run, Duration::from_secs(120));
    }
    let _gone = Removed(name.clone());
    let healthy = wait_for(&name, "healthy", Duration::from_secs(120));
    let first_healthy = started.elapsed();
    println!(
        "registry ready -> first (healthy) with a pulled image: {first_healthy:?} \
         (pull {pulled:?}, then the start and the first probe {healthy:?} later)"
    );
    assert!(first_healthy < Duration::from_secs(90), "{first_healthy:?}");
    for call in 1..=4 {
        let said = text(&host(
            &format!("curl -s -o /dev/null -w '%{{http_code}}' http://localhost:{port}/rng"),
            Duration::from_secs(30),
        ));
        let wanted = if call < 4 { "200" } else { "500" };
        assert_eq!(said.trim(), wanted, "call {call}");
    }
    let took = wait_for(&name, "unhealthy", Duration::from_secs(150));
    println!("unhealthy {took:?} after the 500");
}

/// Polls `docker inspect` on the host until the container's health reads
/// `wanted`.
fn wait_for(name: &str, wanted: &str, deadline: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let said = text(&host(
            &format!("docker inspect --format '{{{{.State.Health.Status}}}}' {name}"),
            Duration::from_secs(30),
        ));
        if said.trim() == wanted {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < deadline,
            "{name} not {wanted} after {deadline:?}: {said}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

struct Removed(String);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = host(&format!("docker rm -f {}", self.0), Duration::from_secs(60));
    }
}

/// The same lab on arm64, a Mac's platform, under emulation on Docker 28,
/// from the same tag: the arm64 binary answers three numbers, then a 500,
/// and its probe notices (fast probes: here the timing is not the point).
#[test]
fn the_pulled_v2_for_arm64_runs_the_lab_under_emulation() {
    let engine = Engine::Docker28;
    if !registry_or_skip("v2 for arm64 from the registry")
        || !engine.available_or_skip("v2 for arm64")
    {
        return;
    }
    filled();
    let image = format!("{STUDENTS}/numbers-api:v2");
    let name = format!("numbers-classroom-arm64-{}", std::process::id());
    {
        let _tags = local_tags();
        ok(
            engine,
            &format!("docker pull -q --platform linux/arm64 {image}"),
            Duration::from_secs(900),
        );
        ok(
            engine,
            &format!(
                "docker run -d --platform linux/arm64 --name {name} -p 80 \
                 --health-interval 1s --health-retries 3 {image}"
            ),
            Duration::from_secs(120),
        );
    }
    let _gone = scopeguard(engine, name.clone());
    assert_eq!(engine.binary_machine(&name), "aarch64");
    let port = published(engine, &name);
    for call in 1..=4 {
        let said = ok(
            engine,
            &format!("curl -s -o /dev/null -w '%{{http_code}}' --retry 60 --retry-all-errors --retry-delay 1 http://127.0.0.1:{port}/rng"),
            Duration::from_secs(90),
        );
        assert_eq!(said, if call < 4 { "200" } else { "500" }, "call {call}");
    }
    let started = Instant::now();
    loop {
        let said = ok(
            engine,
            &format!("docker inspect --format '{{{{.State.Health.Status}}}}' {name}"),
            Duration::from_secs(60),
        );
        if said == "unhealthy" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "still {said}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Podman 5.8 runs the pulled v2 as the README's Podman section does: its
/// probe run by hand, `podman healthcheck run`, passing, then failing after
/// the fourth call.
#[test]
fn podman_5_8_runs_the_pulled_v2_and_its_probe() {
    let engine = Engine::Podman58;
    if !registry_or_skip("v2 on Podman 5.8 from the registry")
        || !engine.available_or_skip("v2 on Podman 5.8")
    {
        return;
    }
    filled();
    let image = format!("{STUDENTS}/numbers-api:v2");
    let name = format!("numbers-classroom-podman-{}", std::process::id());
    {
        let _tags = local_tags();
        ok(engine, &here(PODMAN_PULL_V2), Duration::from_secs(900));
        ok(
            engine,
            &format!("podman run -d --name {name} -p 80 {image}"),
            Duration::from_secs(120),
        );
    }
    let _gone = scopeguard(engine, name.clone());
    let port = published(engine, &name);
    ok(
        engine,
        &format!("curl -s -o /dev/null --retry 60 --retry-all-errors --retry-delay 1 http://127.0.0.1:{port}/health"),
        Duration::from_secs(120),
    );
    ok(
        engine,
        &format!("podman healthcheck run {name}"),
        Duration::from_secs(60),
    );
    for call in 1..=4 {
        let said = ok(
            engine,
            &format!("curl -s -o /dev/null -w '%{{http_code}}' http://127.0.0.1:{port}/rng"),
            Duration::from_secs(30),
        );
        assert_eq!(said, if call < 4 { "200" } else { "500" }, "call {call}");
    }
    let output = crate::common::process::run_with_deadline(
        &mut engine.shell(&format!("podman healthcheck run {name}")),
        Duration::from_secs(60),
    );
    assert!(
        !output.status.success(),
        "the probe passed after the 500: {}",
        text(&output)
    );
}

/// The host port `engine` published for the container's port 80.
fn published(engine: Engine, name: &str) -> String {
    let said = ok(
        engine,
        &format!("{} port {name} 80/tcp", engine.client()),
        Duration::from_secs(60),
    );
    said.lines()
        .next()
        .and_then(|line| line.rsplit(':').next())
        .unwrap_or_else(|| panic!("no published port for {name}: {said}"))
        .to_string()
}

struct EngineContainer(Engine, String);

fn scopeguard(engine: Engine, name: String) -> EngineContainer {
    EngineContainer(engine, name)
}

impl Drop for EngineContainer {
    fn drop(&mut self) {
        let _ = self.0.run(&["rm", "-f", &self.1], Duration::from_secs(60));
    }
}

/// The README's Compose file with the pulled v3 instead of a build, on
/// Docker 28: the API service comes up healthy, nothing is built.
#[test]
fn compose_runs_the_pulled_v3_with_no_build() {
    let engine = Engine::Docker28;
    if !registry_or_skip("Compose from the registry")
        || !engine.available_or_skip("Compose from the registry")
    {
        return;
    }
    filled();
    let project = format!("numbers-classroom-{}", std::process::id());
    let env = format!("COMPOSE_PROJECT_NAME={project} NUMBERS_PUBLISH=18080");
    let up = format!(
        "docker pull -q {STUDENTS}/numbers-api:v3 && {env} {} numbers-api",
        here(COMPOSE_V3)
    );
    let output = {
        let _tags = local_tags();
        crate::common::process::run_with_deadline(&mut engine.shell(&up), Duration::from_secs(600))
    };
    let down = format!("{env} docker compose down");
    let said = text(&output);
    let result = std::panic::catch_unwind(|| {
        assert!(output.status.success(), "{up}:\n{said}");
        assert!(
            !said.contains("Building") && !said.contains("Built"),
            "Compose built:\n{said}"
        );
        let started = Instant::now();
        loop {
            let health = ok(
                engine,
                &format!("docker inspect --format '{{{{.State.Health.Status}}}}' $({env} docker compose ps -q numbers-api)"),
                Duration::from_secs(60),
            );
            if health == "healthy" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "numbers-api is {health}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    let _ = crate::common::process::run_with_deadline(
        &mut engine.shell(&down),
        Duration::from_secs(120),
    );
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
