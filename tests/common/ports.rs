//! Free loopback ports: one for a server or a container to take, or one
//! where nothing listens, for a request that must be refused.
//!
//! A port is handed out once per test run and comes from below the
//! kernel's ephemeral range (`net.ipv4.ip_local_port_range` starts at
//! 32768): a server that binds port 0 (the in-process tests' servers,
//! Docker's own) is never given one between our pick and its use, and two
//! tests running side by side never pick the same one.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Mutex;

/// The ports handed out: 20000 to 32000, below the ephemeral range.
const FIRST: u16 = 20_000;
const END: u16 = 32_000;

/// The next port to try; where a run starts depends on its process id, so
/// a run does not retrace the one before it (whose containers may linger).
static NEXT: Mutex<Option<u16>> = Mutex::new(None);

/// The first of `count` consecutive ports that are free on every address
/// right now and that this run has not handed out before.
pub fn free_ports(count: u16) -> u16 {
    let mut next = NEXT.lock().unwrap_or_else(|e| e.into_inner());
    let span = END - FIRST;
    let mut base = next.unwrap_or_else(|| FIRST + (std::process::id() % u32::from(span)) as u16);
    for _ in 0..span {
        if base + count > END {
            base = FIRST;
        }
        let free = (base..base + count).all(|port| {
            TcpListener::bind(("0.0.0.0", port)).is_ok()
                && TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
        });
        if free {
            *next = Some(base + count);
            return base;
        }
        base += 1;
    }
    panic!("no {count} free ports in a row between {FIRST} and {END}");
}

/// A loopback port nobody is using right now, handed out once.
pub fn free_port() -> u16 {
    free_ports(1)
}

/// A loopback address where nothing listens (see [`free_port`]).
pub fn free_address() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()))
}

/// A loopback URL where nothing listens: a request there is refused.
pub fn nothing_listening(path: &str) -> String {
    format!("http://{}{path}", free_address())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_handed_out_once_below_the_ephemeral_range() {
        let one = free_port();
        let block = free_ports(11);
        let two = free_port();

        for port in [one, block, block + 10, two] {
            assert!((FIRST..END).contains(&port), "{port}");
        }
        assert!(!(block..=block + 10).contains(&one));
        assert!(!(block..=block + 10).contains(&two));
        assert_ne!(one, two);
    }
}
