//! Port 80 unprivileged on every engine: the image gives CAP_NET_BIND_SERVICE as permitted
//! only (`setcap ...=+p`), raised for the bind, then dropped with all others. No-ops off Linux.

use std::io;
use std::net::SocketAddr;

/// Raises CAP_NET_BIND_SERVICE for the calling thread, if permitted.
pub(crate) fn raise_for_bind() {
    #[cfg(target_os = "linux")]
    {
        use caps::{CapSet, Capability};
        let _ = caps::raise(None, CapSet::Effective, Capability::CAP_NET_BIND_SERVICE);
    }
}

/// Clears the calling thread's capabilities for good.
pub(crate) fn drop_all() -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use caps::CapSet;
        // Clearing the permitted set clears the effective one too.
        for set in [CapSet::Permitted, CapSet::Inheritable] {
            caps::clear(None, set).map_err(io::Error::other)?;
        }
    }
    Ok(())
}

/// What to do when a port below 1024 was refused, for the start-up error.
pub(crate) fn advice(addr: &SocketAddr, error: &io::Error, setting: &str) -> String {
    let low = (1..1024).contains(&addr.port());
    if !low || error.kind() != io::ErrorKind::PermissionDenied {
        return String::new();
    }
    format!(
        "; ports below net.ipv4.ip_unprivileged_port_start need CAP_NET_BIND_SERVICE \
         (Docker lowers that limit to 0, Podman and CRI-O leave it at 1024): listen on \
         a port of 1024 or more ({setting}), lower the limit for the container \
         (--sysctl net.ipv4.ip_unprivileged_port_start=80), or keep the capability \
         the image gives the binary (add NET_BIND_SERVICE back after --cap-drop ALL; \
         no-new-privileges withholds it)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([0, 0, 0, 0], port))
    }

    fn denied() -> io::Error {
        io::Error::from(io::ErrorKind::PermissionDenied)
    }

    const SETTING: &str = "--listen / NUMBERS_LISTEN";

    #[test]
    fn a_refused_low_port_is_explained_with_the_limit_the_engines_and_the_way_out() {
        let advice = advice(&addr(80), &denied(), SETTING);

        assert!(advice.starts_with(
            "; ports below net.ipv4.ip_unprivileged_port_start need CAP_NET_BIND_SERVICE"
        ));
        assert!(advice.contains("Docker lowers that limit to 0, Podman and CRI-O leave it at 1024"));
        assert!(advice.contains("a port of 1024 or more (--listen / NUMBERS_LISTEN)"));
        assert!(advice.contains("--sysctl net.ipv4.ip_unprivileged_port_start=80"));
        assert!(advice.contains("keep the capability"));
        assert_eq!(
            advice,
            super::advice(&addr(1023), &denied(), SETTING),
            "the last low port"
        );
    }

    #[test]
    fn other_ports_and_other_errors_get_no_advice() {
        assert_eq!(
            advice(&addr(1024), &denied(), SETTING),
            "",
            "the first unprivileged port"
        );
        assert_eq!(advice(&addr(0), &denied(), SETTING), "", "any free port");
        let in_use = io::Error::from(io::ErrorKind::AddrInUse);
        assert_eq!(advice(&addr(80), &in_use, SETTING), "");
    }

    /// Raising and dropping act on the calling thread only, so each runs on
    /// a thread of its own. As root (CI) the thread starts with every
    /// capability, so both steps are seen to act; an unprivileged user holds
    /// none and sees only the end state.
    #[cfg(target_os = "linux")]
    #[test]
    fn raising_makes_the_permitted_capability_effective_and_dropping_leaves_none() {
        use caps::{CapSet, Capability::CAP_NET_BIND_SERVICE};

        let (raised, left) = std::thread::spawn(|| {
            caps::clear(None, CapSet::Effective).expect("lowering is always allowed");
            let permitted = caps::has_cap(None, CapSet::Permitted, CAP_NET_BIND_SERVICE);
            raise_for_bind();
            let effective = caps::has_cap(None, CapSet::Effective, CAP_NET_BIND_SERVICE);
            drop_all().expect("dropping is always allowed");
            let left: Vec<_> = [CapSet::Permitted, CapSet::Effective, CapSet::Inheritable]
                .into_iter()
                .map(|set| caps::read(None, set).expect("capget").len())
                .collect();
            ((permitted.unwrap(), effective.unwrap()), left)
        })
        .join()
        .expect("the thread ran");

        let (permitted, effective) = raised;
        assert_eq!(effective, permitted, "raised exactly when permitted");
        assert_eq!(left, [0, 0, 0], "permitted, effective, inheritable");
        if !permitted {
            println!("not root: nothing to raise, only the end state was checked");
        }
    }
}
