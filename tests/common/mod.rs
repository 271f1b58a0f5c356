//! What the test suites share, one helper for each thing: a server in
//! process, the API or numbers-web ([`server`]); the compiled binary as a
//! child process, and the JSON it prints ([`process`]); one HTTP client
//! ([`http`]) and what the servers answer ([`answers`]); a free port, or
//! one where nothing listens ([`ports`]); a server that never answers
//! ([`silent_server`]); a Docker engine ([`docker`], [`compose_project`],
//! [`swarm`]) or another of the engines students run ([`engine`]); a
//! process's capabilities ([`capabilities`]); and the pages people copy
//! commands from ([`docs`]), run as written ([`recipe`]), whose tables are
//! read by [`table`]. Each suite declares `pub mod common;`, so what one
//! suite does not use is not reported as dead code.

pub mod answers;
pub mod capabilities;
pub mod compose_project;
pub mod docker;
pub mod docs;
pub mod engine;
pub mod http;
pub mod page_ports;
pub mod ports;
pub mod process;
pub mod recipe;
pub mod server;
pub mod silent_server;
pub mod swarm;
pub mod table;

/// CI is any `CI` value but empty, `0` or `false`: there a test that cannot
/// run fails instead of skipping.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Variables outside `NUMBERS_*` that change what a spawned program does:
/// the books' names for settings (numbers-web's API URL among them), the log
/// filter, and the zone `watch` stamps its times in.
const LEAKY: [&str; 8] = [
    "FailAfterCallCount",
    "UseFailureId",
    "Broken",
    "Logging__LogLevel__Default",
    "RngApi__Url",
    "RngApi:Url",
    "RUST_LOG",
    "TZ",
];

/// Removes every `NUMBERS_*` variable of the test's own environment, and
/// [`LEAKY`]'s, from what `command` will see, so a developer's shell cannot
/// change a test; the test then sets only what it means to.
pub fn clean_env(command: &mut std::process::Command) -> &mut std::process::Command {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("NUMBERS_") {
            command.env_remove(&name);
        }
    }
    for name in LEAKY {
        command.env_remove(name);
    }
    command
}
