use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::process::{numbers_api, Server};

/// `docker stop` kills after 10 s; the bound is 2 s.
const BOUND: Duration = Duration::from_secs(2);

fn stops_cleanly_on(signal: i32, name: &str) {
    let mut server = Server::start(numbers_api());
    assert_eq!(server.get("/health").status, 200);
    // An idle keep-alive connection must not hold the shutdown up: one
    // whole answer read (chunked, to its last chunk), then left open.
    let mut idle = TcpStream::connect(server.address()).unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = [0u8; 512];
    let read = idle.read(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("\r\n\r\n2\r\nOk\r\n0\r\n\r\n"),
        "{answer}"
    );

    server.signal(signal);
    let status = server.wait_exit(BOUND);

    let status = status.unwrap_or_else(|| panic!("still running {BOUND:?} after the signal"));
    assert_eq!(status.code(), Some(0), "{:?}", server.logs());
    // The log is read on its own thread: wait for the line, not the exit.
    let named = format!("{name} received: draining requests in flight");
    assert!(
        server
            .wait_for_log(&named, Duration::from_secs(5))
            .is_some(),
        "the signal is named: {:?}",
        server.logs()
    );
}

#[test]
fn sigterm_exits_0_promptly() {
    stops_cleanly_on(libc::SIGTERM, "SIGTERM");
}

#[test]
fn sigint_exits_0_promptly() {
    stops_cleanly_on(libc::SIGINT, "SIGINT");
}
