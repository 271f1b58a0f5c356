//! A process's user and capabilities as the kernel reports them, thread by
//! thread (capabilities belong to threads), in /proc/<pid>/task/*/status:
//! what `getpcaps` shows. And the file capability the images give the binary.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// CAP_NET_BIND_SERVICE's bit in the `CapPrm` / `CapEff` masks.
pub const NET_BIND_SERVICE: u64 = 1 << 10;

/// One thread's line of `getpcaps`: its real uid and two of its sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub name: String,
    pub uid: u32,
    pub permitted: u64,
    pub effective: u64,
}

/// Every thread of process `pid`, as the host's /proc shows it (a
/// container's process too, by the pid `docker inspect` gives).
pub fn threads(pid: u32) -> Vec<Thread> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap_or_else(|e| panic!("no process {pid}: {e}"));
    let threads: Vec<Thread> = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("status")).ok())
        .map(|status| parse(&status))
        .collect();
    assert!(!threads.is_empty(), "process {pid} has no threads left");
    threads
}

fn parse(status: &str) -> Thread {
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {status}"))
            .trim()
            .to_string()
    };
    let mask = |name: &str| u64::from_str_radix(&field(name), 16).expect("a hex mask");
    Thread {
        name: field("Name:"),
        uid: field("Uid:")
            .split_whitespace()
            .next()
            .and_then(|uid| uid.parse().ok())
            .expect("a uid"),
        permitted: mask("CapPrm:"),
        effective: mask("CapEff:"),
    }
}

/// What `setcap cap_net_bind_service=+p <file>` writes (the Dockerfiles'
/// build stage), without needing setcap: a `vfs_cap_data` in revision 2,
/// with no effective flag and only the permitted bit of
/// CAP_NET_BIND_SERVICE. Needs root (CAP_SETFCAP).
pub fn grant_net_bind_service(file: &Path) -> std::io::Result<()> {
    const VFS_CAP_REVISION_2: u32 = 0x0200_0000;
    let mut value = Vec::with_capacity(20);
    value.extend_from_slice(&VFS_CAP_REVISION_2.to_le_bytes());
    // permitted, inheritable of capabilities 0-31, then of 32-63.
    for word in [NET_BIND_SERVICE as u32, 0, 0, 0] {
        value.extend_from_slice(&word.to_le_bytes());
    }
    let path = CString::new(file.as_os_str().as_bytes())?;
    // SAFETY: both strings are NUL-terminated and `value` outlives the call.
    let rc = unsafe {
        libc::setxattr(
            path.as_ptr(),
            c"security.capability".as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_file_gives_the_uid_and_both_masks() {
        let status = "Name:\tnumbers-api\nUid:\t10001\t10001\t10001\t10001\n\
                      CapInh:\t0000000000000000\nCapPrm:\t0000000000000400\n\
                      CapEff:\t0000000000000000\n";

        assert_eq!(
            parse(status),
            Thread {
                name: "numbers-api".into(),
                uid: 10001,
                permitted: NET_BIND_SERVICE,
                effective: 0,
            }
        );
    }
}
