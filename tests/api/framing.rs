//! Kestrel's framing: the books' endpoints send their bodies chunked, with
//! no `Content-Length`, as the .NET service did (curl's meter in a failing
//! probe's output depends on it); HTTP/1.0 clients get the length, and our
//! own endpoints keep it. Read off the wire, byte for byte.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use numbers_api::server::lesson::Rule;
use numbers_api::server::Config;

use crate::common::answers::{assert_trace_id_shape, UNHEALTHY_BODY_START};
use crate::common::server::{spawn, TestApp};

/// A response as it came over the wire.
struct Raw {
    /// The status line and headers, lowercased.
    head: String,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key == name).then(|| value.trim())
        })
    }

    /// Fails unless the body is chunked (and nothing else says its length);
    /// returns it decoded.
    fn dechunked(&self) -> String {
        assert_eq!(
            self.header("transfer-encoding"),
            Some("chunked"),
            "{}",
            self.head
        );
        assert_eq!(self.header("content-length"), None, "{}", self.head);
        let mut rest = self.body.as_slice();
        let mut body = Vec::new();
        loop {
            let end = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("a chunk size line");
            let size = std::str::from_utf8(&rest[..end]).expect("hex digits");
            let size = usize::from_str_radix(size, 16).expect("a chunk size");
            rest = &rest[end + 2..];
            if size == 0 {
                assert_eq!(rest, b"\r\n", "the last chunk ends the body");
                return String::from_utf8(body).expect("text");
            }
            body.extend_from_slice(&rest[..size]);
            assert_eq!(&rest[size..size + 2], b"\r\n", "a chunk ends with CRLF");
            rest = &rest[size + 2..];
        }
    }

    /// Fails unless the body came with its length; returns it.
    fn sized(&self) -> String {
        assert_eq!(self.header("transfer-encoding"), None, "{}", self.head);
        let length = self.header("content-length").expect("a Content-Length");
        assert_eq!(length, self.body.len().to_string());
        String::from_utf8(self.body.clone()).expect("text")
    }
}

/// One GET on a connection of its own, read to its end.
fn get(app: &TestApp, path: &str, version: &str) -> Raw {
    let mut stream = TcpStream::connect(app.address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} {version}\r\nHost: numbers\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("the whole response");
    let at = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("the end of the head");
    Raw {
        head: String::from_utf8_lossy(&bytes[..at]).to_lowercase(),
        body: bytes[at + 4..].to_vec(),
    }
}

#[test]
fn the_books_endpoints_answer_chunked_with_the_body_unchanged() {
    let app = spawn(Config::for_tests(1));

    assert_eq!(get(&app, "/health", "HTTP/1.1").dechunked(), "Ok");
    let number = get(&app, "/rng", "HTTP/1.1").dechunked();
    assert!(number.parse::<u8>().is_ok_and(|n| n < 100), "{number}");
    for path in ["/rng", "/health", "/healthz"] {
        let failure = get(&app, path, "HTTP/1.1");
        assert!(failure.head.starts_with("http/1.1 500"), "{}", failure.head);
        let body = failure.dechunked();
        assert!(
            body.starts_with(UNHEALTHY_BODY_START) && body.ends_with(r#"."}"#),
            "{body}"
        );
        // Whole: the JSON reads, and the trace id is all there (its suffix
        // has up to 16 hex digits, so the body is 171 bytes or a few less).
        let problem: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        let suffix = assert_trace_id_shape(problem["traceId"].as_str().expect("a traceId"));
        assert_eq!(body.len(), 155 + suffix.len(), "{body}");
    }
    assert_eq!(get(&app, "/reset", "HTTP/1.1").dechunked(), "Ok");
}

#[test]
fn the_kubernetes_books_500_is_one_chunk_then_the_last() {
    let app = spawn(Config {
        rule: Rule::Kubernetes { failure_id: false },
        ..Config::for_tests(1)
    });
    get(&app, "/rng", "HTTP/1.1");

    let failure = get(&app, "/rng", "HTTP/1.1");

    assert_eq!(failure.dechunked(), r#"{"message":"Unhealthy!"}"#);
    assert_eq!(
        failure.body,
        b"18\r\n{\"message\":\"Unhealthy!\"}\r\n0\r\n\r\n".to_vec()
    );
}

#[test]
fn an_http_1_0_client_gets_the_length_as_it_has_no_chunks() {
    let app = spawn(Config::for_tests(1));

    assert_eq!(get(&app, "/health", "HTTP/1.0").sized(), "Ok");
    get(&app, "/rng", "HTTP/1.0").sized();
    let failure = get(&app, "/rng", "HTTP/1.0").sized();
    assert!(failure.starts_with(UNHEALTHY_BODY_START), "{failure}");
}

#[test]
fn our_own_endpoints_keep_their_length() {
    let app = spawn(Config::for_tests(1));

    for path in [
        "/readyz",
        "/metrics",
        "/control/health",
        "/no-such-path",
        "/",
    ] {
        get(&app, path, "HTTP/1.1").sized();
    }
}
