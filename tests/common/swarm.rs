//! The engine as a one-node swarm manager, for the tests that deploy stacks
//! (the operators' page's and the book's chapter 14). The engine is made a
//! swarm if it is not one yet, and left again afterwards only if these tests
//! made it one and no other service runs on it. A stack is removed the way
//! a teacher removes one: `docker stack rm`, again if it left its network.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::docker::{docker, docker_ok};

/// How many tests are using the swarm, and what this run created: the
/// swarm, and the bridge network `swarm init` adds if there was none.
static SWARM: Mutex<(usize, Created)> = Mutex::new((0, Created::Nothing));

#[derive(Clone, Copy, PartialEq)]
enum Created {
    Nothing,
    Swarm,
    SwarmAndBridge,
}

/// The bridge that connects swarm containers to the host; `swarm leave`
/// keeps it.
const GWBRIDGE: &str = "docker_gwbridge";

fn network_exists(name: &str) -> bool {
    docker(&["network", "inspect", name]).status.success()
}

/// The engine as a swarm manager, for as long as a test holds this.
pub struct Swarm;

impl Swarm {
    pub fn join() -> Swarm {
        let mut swarm = SWARM.lock().unwrap_or_else(|e| e.into_inner());
        let state = docker_ok(&[
            "info",
            "--format",
            "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}",
        ]);
        match state.as_str() {
            "active true" => {}
            "inactive false" => {
                let bridge_existed = network_exists(GWBRIDGE);
                // Loopback: the swarm needs an address and this machine's
                // others may change; one node never talks to another.
                docker_ok(&["swarm", "init", "--advertise-addr", "127.0.0.1"]);
                swarm.1 = if bridge_existed {
                    Created::Swarm
                } else {
                    Created::SwarmAndBridge
                };
            }
            other => panic!(
                "the engine's swarm state is {other:?}: it must be a manager, or in no swarm \
                 so the test can make it one"
            ),
        }
        swarm.0 += 1;
        Swarm
    }
}

impl Drop for Swarm {
    fn drop(&mut self) {
        let mut swarm = SWARM.lock().unwrap_or_else(|e| e.into_inner());
        swarm.0 -= 1;
        if swarm.0 > 0 || swarm.1 == Created::Nothing {
            return;
        }
        // Leave only a swarm nobody else has started using meanwhile.
        let services = docker(&["service", "ls", "-q"]);
        if services.status.success() && services.stdout.iter().all(u8::is_ascii_whitespace) {
            let left = docker(&["swarm", "leave", "--force"]).status.success();
            if left && swarm.1 == Created::SwarmAndBridge {
                let _ = docker(&["network", "rm", GWBRIDGE]);
            }
            swarm.1 = Created::Nothing;
        }
    }
}

/// Polls until no container or service of `stack` is left, then tells
/// whether its network is gone too: `docker stack rm` tries to remove it
/// while the last tasks are still stopping, and gives up on it.
pub fn stopped_and_gone(stack: &str, deadline: Duration) -> bool {
    let label = format!("label=com.docker.stack.namespace={stack}");
    let left = |what: &[&str]| {
        let mut args = what.to_vec();
        args.extend(["-q", "--filter", &label]);
        !String::from_utf8_lossy(&docker(&args).stdout)
            .trim()
            .is_empty()
    };
    let started = Instant::now();
    while left(&["ps", "-a"]) || left(&["service", "ls"]) {
        if started.elapsed() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    !left(&["network", "ls"])
}

/// `docker stack rm` until nothing of the stack is left (twice at most);
/// how many times it ran, or `None` if something is still left.
pub fn remove_stack(stack: &str, deadline: Duration) -> Option<usize> {
    (1..=2).find(|_| {
        let _ = docker(&["stack", "rm", stack]);
        stopped_and_gone(stack, deadline)
    })
}

/// Reads a service's `UpdateStatus` (with `read`) until the swarm has
/// rolled the update back: the states it went through, each with when it
/// was first seen since `started`, and the last status. An update that ends
/// any other way (completed, paused) fails at once, with `context()`; none
/// by `deadline` fails too.
pub fn states_until_rollback(
    started: Instant,
    deadline: Duration,
    mut read: impl FnMut() -> Value,
    context: impl Fn() -> String,
) -> (Vec<(String, Duration)>, Value) {
    let mut states: Vec<(String, Duration)> = Vec::new();
    loop {
        let status = read();
        let state = status["State"].as_str().unwrap_or("").to_string();
        // Null until the swarm has taken the update up.
        if !state.is_empty() && states.last().map(|(last, _)| last) != Some(&state) {
            states.push((state.clone(), started.elapsed()));
        }
        if state == "rollback_completed" {
            return (states, status);
        }
        assert!(
            !["completed", "paused", "rollback_paused"].contains(&state.as_str()),
            "the update ended {state:?}, not rolled back: {status}\n{}",
            context()
        );
        assert!(
            started.elapsed() < deadline,
            "no rollback after {deadline:?}: {status}\n{}",
            context()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}
