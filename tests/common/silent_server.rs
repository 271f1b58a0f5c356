//! A server that accepts every connection and never sends a byte: what a
//! hung process looks like to its client, for timeouts to be tested
//! against.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Listens on a free loopback port until dropped.
pub struct SilentServer {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl SilentServer {
    pub fn start() -> SilentServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let address = listener.local_addr().expect("its address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            // Every connection is kept open, unanswered, until the stop.
            let mut open = Vec::new();
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                open.extend(stream.ok());
            }
        });
        SilentServer { address, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

impl Drop for SilentServer {
    /// Closes every connection and the port: the thread wakes to one last
    /// connection, sees the stop and ends.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.address);
    }
}
