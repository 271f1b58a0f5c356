//! The engine as a one-node swarm manager, for the tests that deploy stacks
//! (the operators' page's and the book's chapter 14). The engine is made a
//! swarm if it is not one yet, and left again afterwards only if these tests
//! made it one and no other service runs on it.

use std::sync::Mutex;

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
