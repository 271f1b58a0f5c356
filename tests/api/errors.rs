//! Unknown paths, wrong methods and malformed requests.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use numbers_api::server::Config;

use crate::common::answers::assert_problem;
use crate::common::server::spawn;

#[test]
fn an_unknown_path_is_a_404_problem() {
    let app = spawn(Config::for_tests(3));

    let reply = app.get("/nope");

    assert_problem(
        &reply,
        404,
        "https://tools.ietf.org/html/rfc7231#section-6.5.4",
        "Not Found",
    );
}

#[test]
fn a_wrong_method_is_a_405_problem_that_lists_the_allowed_ones() {
    let app = spawn(Config::for_tests(3));
    let cases = [
        ("POST", "/rng", "GET"),
        ("DELETE", "/health", "GET"),
        ("PUT", "/healthz", "GET"),
        ("PUT", "/reset", "GET, POST"),
        ("POST", "/", "GET"),
        ("POST", "/page/state", "GET"),
        ("GET", "/page/rng", "POST"),
        ("GET", "/page/reset", "POST"),
    ];

    for (method, path, allow) in cases {
        let reply = app.request(method, path);

        assert_problem(
            &reply,
            405,
            "https://tools.ietf.org/html/rfc7231#section-6.5.5",
            "Method Not Allowed",
        );
        assert_eq!(reply.allow.as_deref(), Some(allow), "{method} {path}");
    }
}

#[test]
fn a_wrong_method_does_not_count_as_a_call() {
    let app = spawn(Config::for_tests(1));

    app.request("POST", "/rng");
    let first = app.get("/rng");

    assert_eq!(first.status, 200);
}

/// Sends raw bytes and returns the status line of whatever comes back.
fn raw_status(address: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(bytes);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn malformed_and_oversized_requests_get_a_4xx_and_the_server_keeps_serving() {
    let app = spawn(Config::for_tests(0));
    let huge_header = format!(
        "GET /rng HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(200 * 1024)
    );
    let many_headers = format!(
        "GET /rng HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..500)
            .map(|i| format!("X-{i}: v\r\n"))
            .collect::<String>()
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"\x00\x01\x02 not http at all\r\n\r\n".to_vec()),
        ("bad version", b"GET /rng HTTP/9.9\r\n\r\n".to_vec()),
        (
            "invalid utf-8 path",
            b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        ("huge header", huge_header.into_bytes()),
        ("many headers", many_headers.into_bytes()),
        (
            "bad content-length",
            b"GET /rng HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".to_vec(),
        ),
    ];

    for (name, bytes) in cases {
        let status = raw_status(app.address, &bytes);

        assert!(
            status.starts_with("HTTP/1.1 4") || status.starts_with("HTTP/1.0 4"),
            "{name}: got {status:?}"
        );
        assert_eq!(app.get("/rng").status, 200, "still serving after {name}");
    }
}

/// A head under actix-http's own 128 KiB buffer, sent in one write, reaches
/// the routes whole: the server's limit (64 KiB) refuses it with 431 and
/// closes; one under the limit is served. More than 96 headers: 431 too.
#[test]
fn a_head_over_64_kib_is_refused_with_431_however_it_arrives() {
    let app = spawn(Config::for_tests(0));
    let request = |value: usize| {
        format!(
            "GET /rng HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: {}\r\n\r\n",
            "a".repeat(value)
        )
    };

    let many = format!(
        "GET /rng HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..96).map(|i| format!("X-{i}: v\r\n")).collect::<String>()
    );

    let over = raw_status(app.address, request(70 * 1024).as_bytes());
    let under = raw_status(app.address, request(60 * 1024).as_bytes());
    let too_many = raw_status(app.address, many.as_bytes());

    assert_eq!(over, "HTTP/1.1 431 Request Header Fields Too Large");
    assert_eq!(under, "HTTP/1.1 200 OK");
    // Host and 96 more: one over actix-http's limit of 96.
    assert_eq!(too_many, "HTTP/1.1 431 Request Header Fields Too Large");
}
