//! Runs the compiled binary, always with a clean environment: to
//! completion with a deadline ([`run_with_deadline`]), or as a child
//! process the test drives ([`Server`]: a server on a free port, or a
//! `watch` followed line by line).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use follow::Followed;

use super::answers::result_line;
use super::http::{self, Reply};

mod follow;

pub const BIN: &str = env!("CARGO_BIN_EXE_numbers-api");

/// Where [`dotnet`] keeps its link to [`BIN`].
const DOTNET_DIR: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/as-dotnet");

/// The binary with a clean environment: no `NUMBERS_*` variable, none of
/// the books' names for settings, no `RUST_LOG` or `TZ` of the test's own
/// (see [`super::clean_env`]).
pub fn numbers_api() -> Command {
    let mut command = Command::new(BIN);
    super::clean_env(&mut command);
    command
}

/// The binary with a clean environment (see [`numbers_api`]) and these
/// variables set.
pub fn numbers_api_with(vars: &[(&str, &str)]) -> Command {
    let mut command = numbers_api();
    for (name, value) in vars {
        command.env(name, value);
    }
    command
}

/// The binary called by the name `dotnet`, as the book's command lines call
/// it, with the clean environment of [`numbers_api`]. The name is a link to
/// [`BIN`] in the tests' own temporary directory.
pub fn dotnet() -> Command {
    static LINK: OnceLock<PathBuf> = OnceLock::new();
    let link = LINK.get_or_init(|| {
        std::fs::create_dir_all(DOTNET_DIR).expect("the link's directory");
        let link = Path::new(DOTNET_DIR).join("dotnet");
        // Another test binary may be making the same link: make ours under
        // a name of its own, then rename it over, which is atomic.
        let ours = Path::new(DOTNET_DIR).join(format!("dotnet.{}", std::process::id()));
        let _ = std::fs::remove_file(&ours);
        std::os::unix::fs::symlink(BIN, &ours).expect("a link named dotnet");
        std::fs::rename(&ours, &link).expect("the link in place");
        link
    });
    let mut command = Command::new(link);
    super::clean_env(&mut command);
    command
}

/// Runs a command to completion within `deadline`, draining its output as
/// it runs so a chatty child cannot block on a full pipe.
pub fn run_with_deadline(command: &mut Command, deadline: Duration) -> Output {
    let described = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {described}: {e}"));
    // Drain the pipes on threads so a chatty build cannot block on them.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).ok();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).ok();
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{described} still running after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// The JSON object a program printed last, one whose `{` starts a line
/// (the state `watch --inspect` prints): panics if there is none.
pub fn last_json(stdout: &str) -> serde_json::Value {
    let start = stdout
        .rfind("\n{\n")
        .unwrap_or_else(|| panic!("no JSON object at a line's start in {stdout}"));
    serde_json::from_str(&stdout[start + 1..])
        .unwrap_or_else(|e| panic!("the last JSON object is not valid ({e}): {stdout}"))
}

/// How long the binary may take to say where it listens: milliseconds when
/// idle, well under a second on a loaded machine.
const LISTEN_DEADLINE: Duration = Duration::from_secs(20);

/// How long the readers of a child's pipes may lag behind its exit: they
/// have a few lines left to read at most.
const STREAM_END_DEADLINE: Duration = Duration::from_secs(5);

/// The binary as a child process (or chromedriver, for the browser
/// tests): its stderr (the log) and stdout followed line by line from the
/// start, its address once it listens; killed when dropped, even when the
/// test fails.
pub struct Server {
    child: Child,
    address: Option<SocketAddr>,
    stderr: Followed,
    stdout: Followed,
}

impl Server {
    /// Starts the binary on a free loopback port (unless the command sets
    /// NUMBERS_LISTEN itself) and waits for its "listening on" line.
    pub fn start(mut command: Command) -> Server {
        let listen_set = command
            .get_envs()
            .any(|(k, v)| k == "NUMBERS_LISTEN" && v.is_some());
        if !listen_set {
            command.env("NUMBERS_LISTEN", "127.0.0.1:0");
        }
        let mut server = Server::spawn(command);
        server.wait_until_listening(LISTEN_DEADLINE);
        server
    }

    /// [`Server::start`] with these variables set.
    pub fn start_with(vars: &[(&str, &str)]) -> Server {
        Server::start(numbers_api_with(vars))
    }

    /// Starts `command` without waiting for it to listen (a start-up delay,
    /// a start that may fail, a subcommand that serves nothing).
    pub fn spawn(mut command: Command) -> Server {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
        let stderr = Followed::follow(child.stderr.take().expect("stderr"));
        let stdout = Followed::follow(child.stdout.take().expect("stdout"));
        Server {
            child,
            address: None,
            stderr,
            stdout,
        }
    }

    /// Where it listens, as its "listening on" line said.
    pub fn address(&self) -> SocketAddr {
        self.address
            .expect("the server has not said where it listens")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address(), path)
    }

    /// A GET that must be answered.
    pub fn get(&self, path: &str) -> Reply {
        http::get(&self.url(path))
    }

    /// POST / on numbers-web: the line the page shows after the button.
    pub fn press_the_button(&self) -> String {
        result_line(&http::post(&self.url("/"), "").body).to_string()
    }

    /// The process id, to read its memory from /proc.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        let rc = unsafe { libc::kill(self.child.id() as i32, signal) };
        assert_eq!(rc, 0, "kill failed");
    }

    /// How it exited, if it has.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("wait")
    }

    /// Waits up to `deadline` for the process to exit; once it has, what
    /// it wrote is all in [`Server::logs`] and [`Server::output`].
    pub fn wait_exit(&mut self, deadline: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.exited() {
                // Its pipes close with it; the readers are a moment behind.
                self.stderr.wait_for_end(STREAM_END_DEADLINE);
                self.stdout.wait_for_end(STREAM_END_DEADLINE);
                return Some(status);
            }
            if started.elapsed() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The first log line that contains `needle`, waiting up to `deadline`
    /// for it.
    pub fn wait_for_log(&self, needle: &str, deadline: Duration) -> Option<String> {
        self.stderr.wait_for(needle, deadline)
    }

    /// Every line of stderr so far.
    pub fn logs(&self) -> Vec<String> {
        self.stderr.lines()
    }

    /// The first line of stdout that contains `needle`, waiting up to
    /// `deadline` for it (`watch` prints its changes there).
    pub fn wait_for_output(&self, needle: &str, deadline: Duration) -> Option<String> {
        self.stdout.wait_for(needle, deadline)
    }

    /// Stdout so far, each line ended by a newline.
    pub fn output(&self) -> String {
        self.stdout
            .lines()
            .iter()
            .map(|l| format!("{l}\n"))
            .collect()
    }

    fn wait_until_listening(&mut self, deadline: Duration) {
        let Some(line) = self.wait_for_log("listening on ", deadline) else {
            panic!(
                "no 'listening on' line within {deadline:?}; saw {:?}",
                self.logs()
            );
        };
        let rest = line.split("listening on ").nth(1).unwrap_or_default();
        let address = rest.split_whitespace().next().unwrap_or_default();
        self.address = Some(address.parse().expect("a socket address in the log"));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
