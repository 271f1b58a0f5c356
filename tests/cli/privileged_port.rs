//! Port 80 as uid 10001 where unprivileged ports start at 1024, as in a
//! Podman container, without an engine: `unshare --net` gives the binary a
//! network namespace of its own (Linux's default limit, 1024, whatever the
//! host's) and `setpriv` the image's user. With the capability the images
//! give the binary, the server binds port 80 and then holds none; without
//! it, the start-up line says why and what to do.
//!
//! They need root (the namespace, the user switch, the file capability):
//! elsewhere they skip and say so; under CI they fail instead.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::capabilities::{grant_net_bind_service, threads};
use crate::common::docs::page;
use crate::common::process::{run_with_deadline, Server, BIN};
use crate::common::{clean_env, is_ci};

const DEADLINE: Duration = Duration::from_secs(10);

fn root_or_skip(test: &str) -> bool {
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    assert!(!is_ci(), "CI is set but {test} needs root");
    eprintln!("SKIPPED {test}: needs root (a network namespace, setpriv, setcap)");
    false
}

/// A copy of the binary that uid 10001 may run, in a folder of its own;
/// removed when dropped.
struct Copy {
    dir: PathBuf,
    binary: PathBuf,
}

impl Copy {
    fn new(name: &str) -> Copy {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("numbers-api-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let binary = dir.join("numbers-api");
        std::fs::copy(BIN, &binary).expect("a copy of the binary");
        Copy { dir, binary }
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `unshare --net -- setpriv --reuid 10001 ... <binary>`, listening on `listen`:
/// the exec chain keeps one process, so the server's pid is the child's.
fn as_10001_in_a_fresh_network(binary: &Path, listen: &str) -> Command {
    let mut command = Command::new("unshare");
    clean_env(&mut command);
    command
        .args([
            "--net", "--", "setpriv", "--reuid", "10001", "--regid", "10001",
        ])
        .args(["--clear-groups", "--inh-caps=-all", "--"])
        .arg(binary)
        .env("NUMBERS_LISTEN", listen);
    command
}

#[test]
fn with_the_capability_uid_10001_binds_port_80_and_then_holds_no_capability() {
    if !root_or_skip("port 80 with the capability") {
        return;
    }
    let copy = Copy::new("with-cap");
    grant_net_bind_service(&copy.binary).expect("setcap cap_net_bind_service=+p");

    let server = Server::start(as_10001_in_a_fresh_network(&copy.binary, "127.0.0.1:80"));
    let threads = threads(server.pid());

    assert_eq!(server.address().to_string(), "127.0.0.1:80");
    for thread in &threads {
        assert_eq!(thread.uid, 10001, "{threads:?}");
        assert_eq!(
            (thread.permitted, thread.effective),
            (0, 0),
            "every capability dropped: {threads:?}"
        );
    }
}

#[test]
fn without_the_capability_port_80_stops_the_program_with_one_line_saying_why_and_what_to_do() {
    if !root_or_skip("port 80 without the capability") {
        return;
    }
    let copy = Copy::new("without-cap");

    let output = run_with_deadline(
        &mut as_10001_in_a_fresh_network(&copy.binary, "127.0.0.1:80"),
        DEADLINE,
    );
    // The way out the line offers: a port of 1024 or more.
    let high = Server::start(as_10001_in_a_fresh_network(&copy.binary, "127.0.0.1:8080"));

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(
            "numbers-api: cannot listen on 127.0.0.1:80 (--listen / NUMBERS_LISTEN): \
             Permission denied (os error 13); ports below \
             net.ipv4.ip_unprivileged_port_start need CAP_NET_BIND_SERVICE \
             (Docker lowers that limit to 0, Podman and CRI-O leave it at 1024): \
             listen on a port of 1024 or more (--listen / NUMBERS_LISTEN), lower \
             the limit for the container (--sysctl \
             net.ipv4.ip_unprivileged_port_start=80), or keep the capability"
        ),
        "{stderr}"
    );
    // The reference quotes the line as the binary prints it, the address
    // aside.
    let quoted = stderr.trim_end().replace("127.0.0.1:80", "0.0.0.0:80");
    assert!(
        page("docs/reference.md").text.contains(&quoted),
        "docs/reference.md does not quote: {quoted}"
    );
    assert_eq!(high.address().to_string(), "127.0.0.1:8080");
}
