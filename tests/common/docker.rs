//! Drives the docker CLI the way a student does, with a deadline on every
//! command and cleanup of every container a test starts.

use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::answers::UNHEALTHY_BODY_START;
use super::engine::Engine;
use super::http;
use super::ports::free_port;
use super::process::run_with_deadline;
use super::recipe::text;

/// Where the Dockerfiles and the compose file live.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Whether an engine answers. Without one the test says so and skips, except
/// under CI (see `is_ci`), where a missing engine fails the run instead of letting
/// it pass on nothing.
pub fn engine_or_skip(test: &str) -> bool {
    Engine::Host.available_or_skip(test)
}

/// `State.Health.Status` of a container ("" for none).
pub fn health_status(id: &str) -> String {
    let output = docker(&[
        "inspect",
        "--format",
        "{{if .State.Health}}{{.State.Health.Status}}{{end}}",
        id,
    ]);
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Polls a container's health until it reads `wanted`; how long it took.
pub fn wait_for_health(id: &str, wanted: &str, deadline: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let now = health_status(id);
        if now == wanted {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < deadline,
            "{id} is {now:?}, not {wanted}, after {deadline:?}:\n{}\n{}",
            docker_ok(&["inspect", "--format", "{{json .State.Health}}", id]),
            logs(id)
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Everything container `id` printed, restarts included: its stdout, then
/// its stderr.
pub fn logs(id: &str) -> String {
    text(&docker(&["logs", id]))
}

/// Polls container `id`'s logs until a line contains `needle`; that line.
pub fn wait_for_log(id: &str, needle: &str, deadline: Duration) -> String {
    let started = Instant::now();
    loop {
        let logs = logs(id);
        if let Some(line) = logs.lines().find(|line| line.contains(needle)) {
            return line.to_string();
        }
        assert!(
            started.elapsed() < deadline,
            "no {needle:?} in the logs of {id} after {deadline:?}:\n{logs}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `docker <args>`, within a minute.
pub fn docker(args: &[&str]) -> Output {
    run_with_deadline(
        Command::new("docker").args(args).current_dir(ROOT),
        Duration::from_secs(60),
    )
}

/// `docker <args>`, which must succeed; its stdout, trimmed.
pub fn docker_ok(args: &[&str]) -> String {
    let output = docker(args);
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// `docker build -t <tag> -f <dockerfile> .` with the given builder; what
/// it printed.
pub fn build(tag: &str, dockerfile: &str, buildkit: bool) -> String {
    build_target(tag, dockerfile, None, buildkit)
}

/// [`build`], of one stage of a multi-stage Dockerfile (`--target`).
pub fn build_target(tag: &str, dockerfile: &str, target: Option<&str>, buildkit: bool) -> String {
    // One build at a time on the engine, pages' builds included.
    let _serial = Engine::Host.build_lock();
    let mut command = Command::new(if buildkit {
        buildkit_client()
    } else {
        "docker"
    });
    command.args(["build", "-t", tag, "-f", dockerfile]);
    if let Some(target) = target {
        command.args(["--target", target]);
    }
    command
        .arg(".")
        .env("DOCKER_BUILDKIT", if buildkit { "1" } else { "0" })
        .current_dir(ROOT);
    let output = run_with_deadline(&mut command, Duration::from_secs(30 * 60));
    let builder = ["legacy builder", "BuildKit"][usize::from(buildkit)];
    let printed = text(&output);
    assert!(
        output.status.success(),
        "building {dockerfile} ({builder}) failed:\n{printed}"
    );
    printed
}

/// The client that drives BuildKit without the buildx plugin: Debian's
/// docker.io client, when it is installed beside a newer one.
fn buildkit_client() -> &'static str {
    if std::path::Path::new("/usr/bin/docker").exists() {
        "/usr/bin/docker"
    } else {
        "docker"
    }
}

/// The lab's images, built once per test run with the legacy builder under
/// the tags the README uses.
pub fn image(version: &str) -> &'static str {
    static V1: OnceLock<()> = OnceLock::new();
    static V2: OnceLock<()> = OnceLock::new();
    static V3: OnceLock<()> = OnceLock::new();
    let (cell, tag, file) = match version {
        "v1" => (&V1, "numbers-api:latest", "Dockerfile"),
        "v2" => (&V2, "numbers-api:v2", "Dockerfile.v2"),
        "v3" => (&V3, "numbers-api:v3", "Dockerfile.v3"),
        other => panic!("no image {other}"),
    };
    cell.get_or_init(|| {
        build(tag, file, false);
    });
    tag
}

/// A container started by a test; removed when dropped, even on failure.
pub struct Container {
    pub id: String,
    pub port: u16,
}

impl Container {
    /// `docker run -d -p 127.0.0.1:<free port>:80 <extra args> <image>`,
    /// then waits until the service answers.
    pub fn run(image: &str, extra: &[&str]) -> Container {
        let container = Container::start(image, extra);
        container.wait_until_serving();
        container
    }

    /// Like [`Container::run`], without waiting for the service.
    pub fn start(image: &str, extra: &[&str]) -> Container {
        let port = free_port();
        let publish = format!("127.0.0.1:{port}:80");
        let mut args = vec!["run", "-d", "-p", publish.as_str()];
        args.extend_from_slice(extra);
        args.push(image);
        let id = docker_ok(&args);
        Container { id, port }
    }

    /// Polls `/readyz` (which no health mode touches and which never counts
    /// as a call) until the server answers.
    pub fn wait_until_serving(&self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok((200, _)) = try_get(self.port, "/readyz") {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "container {} never answered; logs:\n{}",
            self.id,
            self.logs()
        );
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        try_get(self.port, path).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Polls `docker logs` until a line contains `needle`; that line.
    pub fn wait_for_log(&self, needle: &str, deadline: Duration) -> String {
        wait_for_log(&self.id, needle, deadline)
    }

    /// The container's main process as the host sees it (`State.Pid`).
    pub fn pid(&self) -> u32 {
        self.inspect("{{.State.Pid}}")
            .parse()
            .expect("State.Pid is a number")
    }

    /// The STATUS column of `docker ps`.
    pub fn status(&self) -> String {
        docker_ok(&[
            "ps",
            "--filter",
            &format!("id={}", self.id),
            "--format",
            "{{.Status}}",
        ])
    }

    /// Polls `docker ps` until STATUS contains `needle`; returns how long it took.
    pub fn wait_for_status(&self, needle: &str, deadline: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let status = self.status();
            if status.contains(needle) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < deadline,
                "STATUS still {status:?}, not {needle:?}, after {deadline:?}; health: {}",
                self.health()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// `State.Health` as `docker inspect` shows it.
    pub fn health(&self) -> serde_json::Value {
        let json = docker_ok(&["inspect", "--format", "{{json .State.Health}}", &self.id]);
        serde_json::from_str(&json).expect("State.Health is JSON")
    }

    pub fn inspect(&self, format: &str) -> String {
        docker_ok(&["inspect", "--format", format, &self.id])
    }

    pub fn logs(&self) -> String {
        logs(&self.id)
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = docker(&["rm", "-f", &self.id]);
    }
}

/// How long a request to a container may wait: its service answers in
/// milliseconds once it serves.
const TIMEOUT: Duration = Duration::from_secs(5);

/// A POST with a body on loopback (the control API): status and body.
pub fn post(port: u16, path: &str, body: &str) -> (u16, String) {
    let reply = http::try_post(&format!("http://127.0.0.1:{port}{path}"), body, TIMEOUT)
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    (reply.status, reply.body)
}

/// A plain GET on loopback: status and body.
pub fn try_get(port: u16, path: &str) -> Result<(u16, String), ureq::Error> {
    let reply = http::try_get(&format!("http://127.0.0.1:{port}{path}"), TIMEOUT)?;
    Ok((reply.status, reply.body))
}

/// Three numbers from 0 to 99, then the lab's 500.
pub fn three_numbers_then_a_500(container: &Container) {
    for call in 1..=3 {
        let (status, body) = container.get("/rng");
        assert_eq!(status, 200, "call {call}: {body}");
        let number: u8 = body.parse().expect("a number");
        assert!(number < 100);
    }
    let (status, body) = container.get("/rng");
    assert_eq!(status, 500);
    assert!(body.starts_with(UNHEALTHY_BODY_START), "{body}");
}
