//! Free loopback ports: one for a server or a container to take, or one
//! where nothing listens, for a request that must be refused.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};

/// A loopback port nobody is using right now: bound a moment ago, then
/// released.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// A loopback address where nothing listens (see [`free_port`]).
pub fn free_address() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()))
}

/// A loopback URL where nothing listens: a request there is refused.
pub fn nothing_listening(path: &str) -> String {
    format!("http://{}{path}", free_address())
}
