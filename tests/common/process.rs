//! Runs the compiled binary: on a free port, with a clean environment, and
//! always with a deadline.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

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

/// A server process; killed when dropped.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
    lines: Arc<Mutex<Vec<String>>>,
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
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn numbers-api");
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (sender, receiver) = mpsc::channel();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line.clone());
                let _ = sender.send(line);
            }
        });
        let address = wait_for_address(&receiver, Duration::from_secs(20));
        Server {
            child,
            address,
            lines,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// Status and body of a GET.
    pub fn get(&self, path: &str) -> (u16, String) {
        let agent = super::http::agent(Some(Duration::from_secs(10)));
        let mut response = agent.get(&self.url(path)).call().expect("an answer");
        let body = response.body_mut().read_to_string().expect("body");
        (response.status().as_u16(), body)
    }

    /// POST / on numbers-web: the line the page shows after the button.
    pub fn press_the_button(&self) -> String {
        let agent = super::http::agent(Some(Duration::from_secs(10)));
        let mut response = agent.post(&self.url("/")).send_empty().expect("an answer");
        let page = response.body_mut().read_to_string().expect("a page");
        ["Here it is: ", "RNG service unavailable!"]
            .iter()
            .find_map(|start| {
                let at = page.find(start)?;
                Some(page[at..page[at..].find('<')? + at].to_string())
            })
            .unwrap_or_else(|| panic!("no result line in {page}"))
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

    /// Waits for the process to exit, up to `deadline`.
    pub fn wait_exit(&mut self, deadline: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    /// Log lines so far, waiting up to a deadline for one that matches.
    pub fn wait_for_log(&self, needle: &str, deadline: Duration) -> Option<String> {
        let started = Instant::now();
        loop {
            if let Some(line) = self.logs().into_iter().find(|l| l.contains(needle)) {
                return Some(line);
            }
            if started.elapsed() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn logs(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for_address(receiver: &Receiver<String>, deadline: Duration) -> SocketAddr {
    let started = Instant::now();
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_sub(started.elapsed()) {
        match receiver.recv_timeout(left) {
            Ok(line) => {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let address = rest.split_whitespace().next().unwrap_or_default();
                    return address.parse().expect("a socket address in the log");
                }
                seen.push(line);
            }
            Err(_) => break,
        }
    }
    panic!("no 'listening on' line within {deadline:?}; saw {seen:?}");
}

/// A loopback URL where nothing listens: the port was free a moment ago.
pub fn nothing_listening(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}{path}")
}
