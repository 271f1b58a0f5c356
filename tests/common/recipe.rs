//! Runs a page's commands as a reader would: in order, by the shell, each
//! compared with what the page shows under it.
//!
//! Ports are the page's own, or all moved by one rule ([`Ports`]), so two
//! steps that share a port on the page share it here too and a collision
//! between them fails as it would for a reader. Whatever the commands start
//! is removed when the run ends, even when it fails.

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use super::docs::Step;
use super::engine::{shell_quote, Engine};
pub use super::page_ports::Ports;
use super::process::run_with_deadline;

/// A shell for a page's commands on one engine, with the environment that
/// moves the compose file's ports along with the rest.
pub struct Shell {
    pub ports: Ports,
    pub engine: Engine,
    /// Where the commands run: the repository's root, or the folder a
    /// page's `cd` went into.
    dir: PathBuf,
    project: Option<String>,
    /// `DOCKER_DEFAULT_PLATFORM` for every command: what `docker build`,
    /// `docker run` and Compose build and run when no `--platform` says.
    platform: Option<&'static str>,
    names: Vec<String>,
    networks: Vec<String>,
    compose_used: bool,
}

impl Shell {
    /// A shell on the host's engine.
    pub fn new(ports: Ports) -> Self {
        Self::on(Engine::Host, ports)
    }

    /// A shell on `engine`. The engines of `scripts/engines.sh` have a
    /// network of their own, where the page's ports are always free.
    pub fn on(engine: Engine, ports: Ports) -> Self {
        // A moved run also gets a compose project of its own, so it can
        // neither meet nor remove a reader's `docker compose up`.
        let project =
            (!ports.is_as_written()).then(|| format!("numbers-page-{}", std::process::id()));
        Shell {
            ports,
            engine,
            dir: PathBuf::from(super::docs::ROOT),
            project,
            platform: None,
            names: Vec::new(),
            networks: Vec::new(),
            compose_used: false,
        }
    }

    /// The same shell, building and running images for `platform`
    /// (`linux/arm64`: what an Apple Silicon Mac does with the page's
    /// commands, here under emulation).
    pub fn for_platform(mut self, platform: &'static str) -> Self {
        self.platform = Some(platform);
        self
    }

    /// The platform the shell builds and runs for, when it is not the engine's own.
    pub fn platform(&self) -> Option<&'static str> {
        self.platform
    }

    /// The commands from here on run in `dir`, as after a page's `cd`.
    pub fn cd(&mut self, dir: impl Into<PathBuf>) {
        self.dir = dir.into();
    }

    /// Runs one page command (ports already mapped) within `deadline`.
    pub fn run(&mut self, command: &str, deadline: Duration) -> Output {
        self.remember(command);
        // Only the ports and project set here: a developer's NUMBERS_*
        // would change what the page's commands do (`shell` cleans them).
        let mut sh = self.engine.shell(command);
        sh.current_dir(&self.dir)
            .env("NUMBERS_PUBLISH", self.ports.map(8080).to_string())
            .env("NUMBERS_WEB_PUBLISH", self.ports.map(8090).to_string())
            .env("NUMBERS_RESTART_PUBLISH", self.ports.map(8081).to_string());
        if let Some(project) = &self.project {
            sh.env("COMPOSE_PROJECT_NAME", project);
        }
        if let Some(platform) = self.platform {
            sh.env("DOCKER_DEFAULT_PLATFORM", platform);
        }
        run_with_deadline(&mut sh, deadline)
    }

    /// Fails if a container the commands named, or one of the compose
    /// project's, is still there: a page must remove what it starts.
    pub fn assert_nothing_left(&mut self) {
        for name in self.names.clone() {
            let output = self.run(
                &format!("{} ps -a -q --filter 'name=^{name}$'", self.engine.client()),
                Duration::from_secs(60),
            );
            assert!(
                String::from_utf8_lossy(&output.stdout).trim().is_empty(),
                "{name} is still there after the page's last step"
            );
        }
        if self.compose_used {
            let output = self.run(
                "docker compose --profile restart ps -a -q",
                Duration::from_secs(60),
            );
            assert!(
                String::from_utf8_lossy(&output.stdout).trim().is_empty(),
                "the compose project is still up after the page's last step: {}",
                text(&output)
            );
        }
    }

    /// Notes what a command starts, to remove it at the end.
    fn remember(&mut self, command: &str) {
        let words: Vec<&str> = command.split_whitespace().collect();
        for pair in words.windows(2) {
            if pair[0] == "--name" {
                self.names.push(pair[1].to_string());
            }
        }
        if let Some(rest) = command
            .strip_prefix("docker network create ")
            .or_else(|| command.strip_prefix("podman network create "))
        {
            self.networks.push(rest.trim().to_string());
        }
        if command.starts_with("docker compose") {
            self.compose_used = true;
        }
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        let engine = self.engine;
        let quiet = |args: &[&str]| {
            let _ = engine.run(args, Duration::from_secs(120));
        };
        for name in &self.names {
            quiet(&["rm", "-f", name]);
        }
        for network in &self.networks {
            quiet(&["network", "rm", network]);
        }
        if self.compose_used {
            // From the folder the page ran Compose in: without `-p`, the
            // project is named after it.
            let mut args = vec![engine.client(), "compose"];
            if let Some(project) = &self.project {
                args.extend(["-p", project]);
            }
            args.extend(["--profile", "restart", "down", "--remove-orphans"]);
            let line: Vec<String> = args.iter().map(|arg| shell_quote(arg)).collect();
            let mut sh = engine.shell(&line.join(" "));
            sh.current_dir(&self.dir);
            let _ = run_with_deadline(&mut sh, Duration::from_secs(120));
        }
    }
}

/// stdout and stderr, as a terminal shows them together.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// What a terminal shows: curl draws its progress meter only when its
/// output is not a terminal, so of its stderr keep just its error lines.
pub fn terminal_text(command: &str, output: &Output) -> String {
    if !command.starts_with("curl ") {
        return text(output);
    }
    let errors: String = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with("curl: "))
        .map(|line| format!("{line}\n"))
        .collect();
    format!("{}{errors}", String::from_utf8_lossy(&output.stdout))
}

/// Numbers, ids, trace ids, durations and time stamps differ on every run;
/// their shape does not.
pub fn normalise(line: &str) -> String {
    // A random number is 0 to 99; any other (a status code, a count) is
    // the same on every run and stays as it is, so 150 never passes for one.
    if line.parse::<u32>().is_ok_and(|n| n < 100) && !line.starts_with('+') {
        return "<number>".into();
    }
    if line.len() == 64 && line.chars().all(|c| c.is_ascii_hexdigit()) {
        return "<container id>".into();
    }
    let mut line = line.to_string();
    if let Some(at) = line.find("\"traceId\":\"|") {
        line = format!("{}<traceId>", &line[..at]);
    }
    if let Some(at) = line.find(", took ") {
        let rest = &line[at + ", took ".len()..];
        let end = rest.find("ms").map_or(rest.len(), |e| e + 2);
        line = format!("{}, took <n>ms{}", &line[..at], &rest[end..]);
    }
    // `watch`'s time column: "  +14.1s  healthy -> unhealthy".
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix('+') {
        if let Some(end) = rest.find("s  ") {
            if rest[..end].chars().all(|c| c.is_ascii_digit() || c == '.') {
                line = format!("+<t>s  {}", &rest[end + 3..]);
            }
        }
    }
    if let Some(at) = line.find("Here it is: ") {
        let digits = line[at + 12..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        line.replace_range(at + 12..at + 12 + digits, "<number>");
    }
    line
}

/// Runs `step` the way a reader does: a connection that fails before the
/// app answers (it is still starting) is tried again, an answer never is.
/// Returns the normalised lines printed.
pub fn run_and_compare(shell: &mut Shell, step: &Step) -> Vec<String> {
    let command = shell.ports.apply(&step.command);
    let expected: Vec<String> = step.expected.iter().map(|l| normalise(l)).collect();
    let started = Instant::now();
    loop {
        let output = shell.run(&command, Duration::from_secs(120));
        let actual: Vec<String> = terminal_text(&command, &output)
            .lines()
            .map(normalise)
            .collect();
        let not_up_yet =
            command.starts_with("curl ") && matches!(output.status.code(), Some(7 | 52 | 56));
        // `docker exec` into a service still starting, and `docker inspect`
        // of a lesson still playing out, are looked at again, as a reader
        // looks again.
        let again = [
            "docker exec",
            "docker inspect",
            "podman exec",
            "podman inspect",
        ]
        .iter()
        .any(|start| command.starts_with(start))
            && actual != expected;
        if (!not_up_yet && !again) || started.elapsed() > Duration::from_secs(60) {
            assert_eq!(
                actual, expected,
                "output of `{command}` (page: `{}`)",
                step.command
            );
            return actual;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A command that must succeed and whose output the page does not show
/// (builds and compose print progress that differs on every run).
pub fn run_ok(shell: &mut Shell, step: &Step, deadline: Duration) -> Output {
    let command = shell.ports.apply(&step.command);
    let output = shell.run(&command, deadline);
    assert!(
        output.status.success(),
        "`{command}` failed:\n{}",
        text(&output)
    );
    output
}

/// Runs a page's steps in order: builds and the commands whose output the
/// page does not show must succeed; every other output must be the page's.
pub fn run_steps(shell: &mut Shell, steps: &[Step]) {
    for step in steps {
        if step.command.starts_with("docker build") {
            run_ok(shell, step, Duration::from_secs(30 * 60));
        } else if step.expected.is_empty() {
            run_ok(shell, step, Duration::from_secs(5 * 60));
        } else {
            run_and_compare(shell, step);
        }
    }
    shell.assert_nothing_left();
}
