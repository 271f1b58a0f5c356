//! The engines the pages are run on: the host's Docker Engine 20.10, and
//! Docker Engine 26 and 28 and Podman 5.4 (as root and as a normal user) and
//! 5.8, which `scripts/engines.sh` installs and starts in network and mount
//! namespaces of their own. A command "on" an
//! engine runs where that engine's `docker` or `podman` answers and where
//! `localhost` is the engine's own host, so a page's ports (8080, 8081...)
//! are the page's own there, whatever the host runs.

use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::docker::ROOT;
use super::process::run_with_deadline;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// The host's engine, Debian bookworm's docker.io (20.10), driven by the
    /// `docker` client on the PATH.
    Host,
    /// Debian trixie's docker.io (26.1), with its own client, Compose and
    /// buildx.
    Docker26,
    /// Debian trixie's podman (5.4), rootful.
    Podman,
    /// The same Podman run by a normal user (rootless), as on most laptops.
    PodmanRootless,
    /// Debian forky's docker.io (28.5), with its own client, Compose (2.40)
    /// and buildx (0.29), and the containerd image store Docker Desktop
    /// uses: it builds and holds images for amd64 and arm64.
    Docker28,
    /// Debian forky's podman (5.8), rootful.
    Podman58,
}

impl Engine {
    /// The name `scripts/engines.sh exec` knows it by.
    fn script_name(self) -> Option<&'static str> {
        match self {
            Engine::Host => None,
            Engine::Docker26 => Some("docker26"),
            Engine::Podman => Some("podman"),
            Engine::PodmanRootless => Some("podman-rootless"),
            Engine::Docker28 => Some("docker28"),
            Engine::Podman58 => Some("podman58"),
        }
    }

    /// The program a page calls for this engine.
    pub fn client(self) -> &'static str {
        match self {
            Engine::Podman | Engine::PodmanRootless | Engine::Podman58 => "podman",
            _ => "docker",
        }
    }

    /// `sh -c <line>` on this engine, from the repository's root.
    pub fn shell(self, line: &str) -> Command {
        let mut command = match self.script_name() {
            None => {
                let mut sh = Command::new("sh");
                sh.args(["-c", line]);
                sh
            }
            Some(name) => {
                let mut sh = Command::new("bash");
                sh.arg(format!("{ROOT}/scripts/engines.sh"))
                    .args(["exec", name, "sh", "-c", line]);
                sh
            }
        };
        super::clean_env(&mut command).current_dir(ROOT);
        command
    }

    /// `<client> <args>` on this engine, within `deadline`.
    pub fn run(self, args: &[&str], deadline: Duration) -> Output {
        let line = std::iter::once(self.client())
            .chain(args.iter().copied())
            .map(shell_quote)
            .collect::<Vec<_>>()
            .join(" ");
        run_with_deadline(&mut self.shell(&line), deadline)
    }

    /// Like [`Engine::run`], which must succeed within two minutes; its
    /// stdout, trimmed.
    pub fn run_ok(self, args: &[&str]) -> String {
        self.run_ok_within(args, Duration::from_secs(120))
    }

    /// Like [`Engine::run_ok`], within `deadline`.
    pub fn run_ok_within(self, args: &[&str], deadline: Duration) -> String {
        let output = self.run(args, deadline);
        assert!(
            output.status.success(),
            "{} {args:?} on {self:?} failed: {}",
            self.client(),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// The engine's version, once per test run, or why it does not answer.
    fn version(self) -> &'static Result<String, String> {
        static HOST: OnceLock<Result<String, String>> = OnceLock::new();
        static DOCKER26: OnceLock<Result<String, String>> = OnceLock::new();
        static PODMAN: OnceLock<Result<String, String>> = OnceLock::new();
        static ROOTLESS: OnceLock<Result<String, String>> = OnceLock::new();
        static DOCKER28: OnceLock<Result<String, String>> = OnceLock::new();
        static PODMAN58: OnceLock<Result<String, String>> = OnceLock::new();
        let cell = match self {
            Engine::Host => &HOST,
            Engine::Docker26 => &DOCKER26,
            Engine::Podman => &PODMAN,
            Engine::PodmanRootless => &ROOTLESS,
            Engine::Docker28 => &DOCKER28,
            Engine::Podman58 => &PODMAN58,
        };
        cell.get_or_init(|| {
            let args: &[&str] = match self {
                Engine::Podman | Engine::PodmanRootless | Engine::Podman58 => {
                    &["version", "--format", "{{.Client.Version}}"]
                }
                _ => &["version", "--format", "{{.Server.Version}}"],
            };
            let output = self.run(args, Duration::from_secs(60));
            if output.status.success() {
                Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
            } else {
                Err(format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                )
                .trim()
                .to_string())
            }
        })
    }

    /// Whether the engine answers. Without it the test says so and skips,
    /// except under CI, where a missing engine fails the run.
    pub fn available_or_skip(self, test: &str) -> bool {
        match self.version() {
            Ok(_) => true,
            Err(reason) if super::is_ci() => panic!(
                "CI is set but {self:?} does not answer ({reason}); \
                 `bash scripts/engines.sh start` starts it"
            ),
            Err(reason) => {
                eprintln!("SKIPPED {test}: {self:?} does not answer ({reason})");
                false
            }
        }
    }

    /// The version of the `docker` client a page's commands run with on
    /// this engine (it, not the engine, formats `docker ps`), as
    /// (major, minor).
    pub fn docker_client_version(self) -> (u32, u32) {
        let version = self.run_ok(&["version", "--format", "{{.Client.Version}}"]);
        let mut parts = version.split(|c: char| !c.is_ascii_digit());
        let mut next = || parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        (next(), next())
    }

    /// The machine the service's binary in `container` is built for,
    /// "aarch64" (arm64) or "x86_64" (amd64): the ELF header's machine field
    /// (offset 18) of the file `docker cp` sends. It works on every image,
    /// scratch's too, and reads what runs, not what a label says.
    pub fn binary_machine(self, container: &str) -> String {
        let line = format!(
            "docker cp {container}:/usr/local/bin/numbers-api - | tar -xO | od -An -tx1 -j 18 -N 1"
        );
        let output = run_with_deadline(&mut self.shell(&line), Duration::from_secs(60));
        let byte = String::from_utf8_lossy(&output.stdout).trim().to_string();
        match byte.as_str() {
            "b7" => "aarch64".into(),
            "3e" => "x86_64".into(),
            _ => format!(
                "machine {byte:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
        }
    }

    /// Builds on one engine are serialised: two at once would compile the
    /// same stage twice instead of sharing the cache. Across processes too:
    /// CI compiles each engine's build stage ahead (`.ci/run`) under the
    /// same file lock, so a test that comes to the engine meanwhile waits
    /// for that compile and then takes it from the cache.
    pub fn build_lock(self) -> BuildLock {
        static HOST: Mutex<()> = Mutex::new(());
        static DOCKER26: Mutex<()> = Mutex::new(());
        static PODMAN: Mutex<()> = Mutex::new(());
        static ROOTLESS: Mutex<()> = Mutex::new(());
        static DOCKER28: Mutex<()> = Mutex::new(());
        static PODMAN58: Mutex<()> = Mutex::new(());
        let lock = match self {
            Engine::Host => &HOST,
            Engine::Docker26 => &DOCKER26,
            Engine::Podman => &PODMAN,
            Engine::PodmanRootless => &ROOTLESS,
            Engine::Docker28 => &DOCKER28,
            Engine::Podman58 => &PODMAN58,
        };
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        // Where root can write it; elsewhere the process's own lock is all.
        let name = self.script_name().unwrap_or("host");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(format!("{BUILD_LOCKS}/numbers-api-build-{name}"))
            .ok()
            .filter(|file| file.lock().is_ok());
        BuildLock {
            _file: file,
            _guard: guard,
        }
    }
}

/// Where docker-bake.hcl tags the images unless told another registry.
pub const REPOSITORY: &str = "localhost:5000/numbers-api";

/// The teacher's three images for amd64 and arm64 (docker-bake.hcl), built
/// once per test binary and kept in Docker 28's containerd store (`--load`
/// rather than the teacher's `--push`), tagged `REPOSITORY:v1`, `:v2`, `:v3`.
pub fn two_platform_images() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let _serial = Engine::Docker28.build_lock();
        let started = std::time::Instant::now();
        let output = run_with_deadline(
            &mut Engine::Docker28.shell("docker buildx bake --load"),
            Duration::from_secs(30 * 60),
        );
        assert!(
            output.status.success(),
            "bake:\n{}",
            super::recipe::text(&output)
        );
        println!(
            "two-platform bake (cache or not) took {:?}",
            started.elapsed()
        );
    });
}

/// Where the engines' build locks live, for `flock` in `.ci/run`.
const BUILD_LOCKS: &str = "/run/lock";

/// One engine's builds held for the caller until dropped.
pub struct BuildLock {
    _file: Option<std::fs::File>,
    _guard: std::sync::MutexGuard<'static, ()>,
}

/// A word for `sh -c`: as it is when it is plain, else in single quotes.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn words_are_quoted_only_when_the_shell_would_split_or_expand_them() {
        assert_eq!(shell_quote("ps"), "ps");
        assert_eq!(shell_quote("id=3f2a"), "id=3f2a");
        assert_eq!(shell_quote("name=^numbers-v2$"), "'name=^numbers-v2$'");
        assert_eq!(shell_quote("{{.Status}}"), "'{{.Status}}'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
