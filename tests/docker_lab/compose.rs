//! The compose file: healthy after `up`, unhealthy within interval x retries
//! of the fourth call, and nothing left behind by `down`.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::docker::{
    docker_ok, engine_or_skip, free_port, image, run_with_deadline, try_get, ROOT,
    UNHEALTHY_BODY_START,
};

/// A compose project with its own name and ports; `down` runs on drop.
struct Project {
    name: String,
    publish: String,
    /// numbers-web's port: `up` starts it too, and a fixed one could be taken.
    web_publish: String,
}

/// Projects of one test run need distinct names: tests run in parallel.
fn next_id() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Project {
    fn new() -> Project {
        Project {
            name: format!("numbers-lab-{}-{}", std::process::id(), next_id()),
            publish: format!("127.0.0.1:{}", free_port()),
            web_publish: format!("127.0.0.1:{}", free_port()),
        }
    }

    fn compose(&self, args: &[&str]) -> String {
        let output = run_with_deadline(
            Command::new("docker")
                .arg("compose")
                .args(["-p", &self.name])
                .args(args)
                .env("NUMBERS_PUBLISH", &self.publish)
                .env("NUMBERS_WEB_PUBLISH", &self.web_publish)
                .current_dir(ROOT),
            Duration::from_secs(600),
        );
        assert!(
            output.status.success(),
            "docker compose {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    fn container(&self) -> String {
        self.compose(&["ps", "-q", "numbers-api"])
    }

    fn health(&self) -> String {
        docker_ok(&[
            "inspect",
            "--format",
            "{{.State.Health.Status}}",
            &self.container(),
        ])
    }

    fn wait_for_health(&self, wanted: &str, deadline: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let health = self.health();
            if health == wanted {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < deadline,
                "still {health} after {deadline:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn port(&self) -> u16 {
        self.publish.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn leftovers(&self) -> String {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let containers = docker_ok(&["ps", "-a", "-q", "--filter", &label]);
        let networks = docker_ok(&["network", "ls", "-q", "--filter", &label]);
        format!("{containers}{networks}")
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args([
                "compose",
                "-p",
                &self.name,
                "--profile",
                "restart",
                "down",
                "--remove-orphans",
            ])
            .current_dir(ROOT)
            .output();
    }
}

#[test]
fn compose_up_turns_healthy_then_unhealthy_within_interval_times_retries() {
    if !engine_or_skip("compose") {
        return;
    }
    // Built by the image tests' helper, so `up` finds it and need not build.
    image("v3");
    let project = Project::new();

    project.compose(&["up", "-d"]);
    project.wait_for_health("healthy", Duration::from_secs(30));
    for _ in 0..3 {
        assert_eq!(try_get(project.port(), "/rng").unwrap().0, 200);
    }
    let (status, body) = try_get(project.port(), "/rng").unwrap();
    let took = project.wait_for_health("unhealthy", Duration::from_secs(30));

    assert_eq!(status, 500);
    assert!(body.starts_with(UNHEALTHY_BODY_START), "{body}");
    println!("compose: unhealthy {took:?} after the fourth call");
    // interval 5 s x retries 2 = 10 s, plus the last probe's own run time
    // (timeout 1 s) and this test's polling.
    assert!(took <= Duration::from_secs(12), "took {took:?}");

    project.compose(&["down"]);
    assert_eq!(project.leftovers(), "", "down left things behind");
}

#[test]
fn the_restart_profile_exits_on_unhealthy_and_docker_restarts_it() {
    if !engine_or_skip("compose restart profile") {
        return;
    }
    image("v3");
    let project = Project::new();
    let publish = format!("127.0.0.1:{}", free_port());
    let port: u16 = publish.rsplit(':').next().unwrap().parse().unwrap();
    let compose = |args: &[&str]| {
        let output = run_with_deadline(
            Command::new("docker")
                .arg("compose")
                .args(["-p", &project.name, "--profile", "restart"])
                .args(args)
                .env("NUMBERS_RESTART_PUBLISH", &publish)
                .env("NUMBERS_PUBLISH", &project.publish)
                .env("NUMBERS_WEB_PUBLISH", &project.web_publish)
                .current_dir(ROOT),
            Duration::from_secs(600),
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    compose(&["up", "-d", "numbers-api-restart"]);
    let id = compose(&["ps", "-q", "numbers-api-restart"]);
    wait_for_answer(port, "/readyz");

    let calls: Vec<u16> = (0..4)
        .map(|_| try_get(port, "/rng").map_or(0, |r| r.0))
        .collect();
    let started = Instant::now();
    while docker_ok(&["inspect", "--format", "{{.RestartCount}}", &id]) == "0" {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never restarted"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let restarted_after = started.elapsed();
    wait_for_answer(port, "/readyz");
    let after = try_get(port, "/rng").unwrap();

    println!("restarted {restarted_after:?} after the failing call");
    assert_eq!(calls, [200, 200, 200, 500]);
    assert_eq!(
        docker_ok(&["inspect", "--format", "{{.State.Running}}", &id]),
        "true"
    );
    assert_eq!(after.0, 200, "a fresh count after the restart: {}", after.1);
    compose(&["down"]);
    assert_eq!(project.leftovers(), "");
}

/// Polls a path until it answers 200.
fn wait_for_answer(port: u16, path: &str) {
    let started = Instant::now();
    while !matches!(try_get(port, path), Ok((200, _))) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{path} never answered"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
