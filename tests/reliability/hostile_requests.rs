//! The hostile requests of [`super::hostile`]: malformed or hostile
//! requests drawn from a seeded generator, each with the statuses the
//! server may answer it with.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore};

/// Every status the server may answer hostile input with: the routes'
/// answers (200, 404, 405) and the HTTP layer's refusals (400 malformed,
/// 408 too slow, 413 too large a body, 431 too large a head). Never a 5xx:
/// the server runs with --fail-after 0.
pub const ALLOWED: [u16; 7] = [200, 400, 404, 405, 408, 413, 431];
const ROUTES: &[u16] = &[200, 404, 405];
const REFUSED: &[u16] = &[400, 431];
const ANY: &[u16] = &ALLOWED;

/// One generated request and what the server may do with it.
#[derive(Debug)]
pub struct Hostile {
    pub kind: &'static str,
    pub bytes: Vec<u8>,
    /// A HEAD request: its response has no body.
    pub head: bool,
    /// Statuses it may be answered with.
    pub allowed: &'static [u16],
    /// Stop sending after it: a request cut short.
    pub truncated: bool,
}

impl Hostile {
    /// One the server must answer and keep the connection open after.
    fn kept(kind: &'static str, bytes: Vec<u8>) -> Self {
        Self {
            kind,
            bytes,
            head: false,
            allowed: ROUTES,
            truncated: false,
        }
    }

    /// One after which the server may close the connection, answered or
    /// not; it goes last on its connection.
    fn last(kind: &'static str, bytes: Vec<u8>, allowed: &'static [u16]) -> Self {
        Self {
            kind,
            bytes,
            head: false,
            allowed,
            truncated: false,
        }
    }
}

const KNOWN: [&str; 5] = ["/rng", "/health", "/healthz", "/reset", "/"];
const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD",
];
/// Characters a path may hold as they are.
const PATH_CHARS: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/%";

/// Random bytes, drawn in bulk: a debug build draws byte by byte too slowly
/// for megabytes of hostile input.
fn random_bytes(rng: &mut StdRng, len: std::ops::Range<usize>) -> Vec<u8> {
    let mut bytes = vec![0; rng.random_range(len)];
    rng.fill_bytes(&mut bytes);
    bytes
}

/// `len` characters from `alphabet`.
fn token(rng: &mut StdRng, alphabet: &[u8], len: std::ops::RangeInclusive<usize>) -> String {
    let len = rng.random_range(len);
    random_bytes(rng, len..len + 1)
        .into_iter()
        .map(|b| alphabet[b as usize % alphabet.len()] as char)
        .collect()
}

/// A path a client may send: known routes with odd suffixes, dot segments,
/// percent-escapes of any byte (invalid UTF-8 and NUL included), queries,
/// and now and then several kilobytes of it.
fn path(rng: &mut StdRng) -> String {
    let mut path = KNOWN.choose(rng).unwrap().to_string();
    let parts = if rng.random_bool(0.02) {
        rng.random_range(100..1000)
    } else {
        rng.random_range(0..6)
    };
    for _ in 0..parts {
        match rng.random_range(0..6) {
            0 => path.push_str(&format!("%{:02X}", rng.random::<u8>())),
            1 => path.push_str(
                ["/..", "/.", "//", "/../..", "%2e%2e/"]
                    .choose(rng)
                    .unwrap(),
            ),
            2 => path.push_str(&format!("?{}", token(rng, PATH_CHARS, 0..=20))),
            _ => path.push_str(&token(rng, PATH_CHARS, 1..=8)),
        }
    }
    path
}

fn method(rng: &mut StdRng) -> String {
    match rng.random_range(0..4) {
        0 => token(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1..=12),
        1 => token(rng, b"abcdefghijklmnopqrstuvwxyz", 1..=12),
        _ => METHODS.choose(rng).unwrap().to_string(),
    }
}

/// A header value: visible ASCII, spaces, tabs and bytes above 0x7F.
fn value(rng: &mut StdRng, len: usize) -> Vec<u8> {
    random_bytes(rng, len..len + 1)
        .into_iter()
        .map(|b| match b {
            0..=24 => 0x80 | b,
            25..=36 => b" \t"[b as usize % 2],
            _ => 0x21 + b % 94,
        })
        .collect()
}

/// `count` made-up headers (never one that changes framing).
fn headers(rng: &mut StdRng, count: usize, long: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for i in 0..count {
        let name = token(
            rng,
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-",
            1..=20,
        );
        bytes.extend(format!("X-{i}-{name}: ").as_bytes());
        let len = if i == 0 {
            long
        } else {
            rng.random_range(0..40)
        };
        bytes.extend(value(rng, len));
        bytes.extend(b"\r\n");
    }
    bytes
}

/// A request the server must answer and keep the connection open after.
pub fn kept_alive(rng: &mut StdRng) -> Hostile {
    let path = path(rng);
    match rng.random_range(0..6) {
        // Random methods and paths.
        0 | 1 => {
            let method = method(rng);
            let request = format!("{method} {path} HTTP/1.1\r\nHost: numbers\r\n\r\n");
            let mut hostile = Hostile::kept("method and path", request.into_bytes());
            hostile.head = method == "HEAD";
            hostile
        }
        // Many headers (up to actix-web's limit of 96) and long values.
        2 => {
            let count = rng.random_range(1..=94);
            let long = if rng.random_bool(0.1) {
                rng.random_range(1000..30_000)
            } else {
                10
            };
            let mut bytes = format!("GET {path} HTTP/1.1\r\nHost: numbers\r\n").into_bytes();
            bytes.extend(headers(rng, count, long));
            bytes.extend(b"\r\n");
            Hostile::kept("many and long headers", bytes)
        }
        // A chunked body on a GET: binary, invalid UTF-8, CRLFs inside.
        3 => {
            let mut bytes = format!(
                "GET {path} HTTP/1.1\r\nHost: numbers\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            .into_bytes();
            for _ in 0..rng.random_range(0..4) {
                let chunk = random_bytes(rng, 1..2000);
                bytes.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
                bytes.extend(chunk);
                bytes.extend(b"\r\n");
            }
            bytes.extend(b"0\r\n\r\n");
            Hostile::kept("chunked body on GET", bytes)
        }
        // Tolerated oddities: bare LF, empty lines first, HTTP/1.0 keep-alive,
        // an absolute URI, OPTIONS *.
        _ => {
            let request = match rng.random_range(0..5) {
                0 => format!("GET {path} HTTP/1.1\nHost: numbers\n\n"),
                1 => format!("\r\n\r\nGET {path} HTTP/1.1\r\nHost: numbers\r\n\r\n"),
                2 => format!("GET {path} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
                3 => format!("GET http://numbers{path} HTTP/1.1\r\nHost: numbers\r\n\r\n"),
                _ => "OPTIONS * HTTP/1.1\r\nHost: numbers\r\n\r\n".to_string(),
            };
            Hostile::kept("tolerated oddity", request.into_bytes())
        }
    }
}

/// A request after which the server may close the connection.
pub fn last_on_its_connection(rng: &mut StdRng) -> Hostile {
    let path = path(rng);
    match rng.random_range(0..10) {
        // A body on a GET, announced by Content-Length.
        0 => {
            let body = random_bytes(rng, 0..64 * 1024);
            let mut bytes = format!(
                "GET {path} HTTP/1.1\r\nHost: numbers\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            bytes.extend(body);
            Hostile::last("body on GET", bytes, ROUTES)
        }
        // Binary garbage where a request line belongs.
        1 => {
            let mut bytes = random_bytes(rng, 1..200);
            bytes.extend(b"\r\n\r\n");
            Hostile::last("garbage", bytes, ANY)
        }
        // Raw bytes that no path may hold: controls, DEL, invalid UTF-8.
        2 => {
            let mut bytes = format!("GET {path}").into_bytes();
            for _ in 0..rng.random_range(1..8) {
                let byte = match rng.random_range(0..3) {
                    0 => rng.random_range(0x00..0x20),
                    1 => rng.random_range(0x7f..=0xff),
                    _ => *b"\"<>\\^`{|}".choose(rng).unwrap(),
                };
                bytes.push(byte);
            }
            bytes.extend(b" HTTP/1.1\r\nHost: numbers\r\n\r\n");
            Hostile::last("bytes outside a path", bytes, ANY)
        }
        // Too many headers.
        3 => {
            let mut bytes = b"GET /rng HTTP/1.1\r\nHost: numbers\r\n".to_vec();
            let count = rng.random_range(97..1000);
            bytes.extend(headers(rng, count, 10));
            bytes.extend(b"\r\n");
            Hostile::last("too many headers", bytes, REFUSED)
        }
        // A head far over any limit: up to a megabyte.
        4 => {
            let mut bytes = b"GET /rng HTTP/1.1\r\nHost: numbers\r\nX-Huge: ".to_vec();
            let len = rng.random_range(200_000..1_000_000);
            bytes.extend(value(rng, len));
            bytes.extend(b"\r\n\r\n");
            Hostile::last("huge header", bytes, REFUSED)
        }
        // Framing a server must not guess at.
        5 => {
            let framing = [
                "Content-Length: 5\r\nTransfer-Encoding: chunked",
                "Content-Length: 5\r\nContent-Length: 6",
                "Content-Length: -5",
                "Content-Length: 5x",
                "Content-Length: 99999999999999999999999",
                "Transfer-Encoding: gzip",
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            ];
            let request = format!(
                "POST /reset HTTP/1.1\r\nHost: numbers\r\n{}\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                framing.choose(rng).unwrap()
            );
            Hostile::last("conflicting framing", request.into_bytes(), ANY)
        }
        // Broken syntax and protocols the server does not speak.
        6 => {
            let request = [
                "GET /rng HTTP/9.9\r\nHost: numbers\r\n\r\n",
                "GET /rng HTTP/1.1\r\nHost: numbers\r\nNo colon here\r\n\r\n",
                "GET /rng HTTP/1.1\r\nHost: numbers\r\nBad Name: v\r\n\r\n",
                "GET /rng HTTP/1.1\r\nHost: numbers\r\nX: a\0b\r\n\r\n",
                "GET /rng HTTP/1.1\r\n\r\n",
                "G!T /rng HTTP/1.1\r\nHost: numbers\r\n\r\n",
                "CONNECT numbers:80 HTTP/1.1\r\nHost: numbers\r\n\r\n",
                "GET /rng HTTP/1.1\r\nHost: numbers\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                "POST /reset HTTP/1.1\r\nHost: numbers\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
                "GET /rng HTTP/1.1\r\nHost: numbers\r\nConnection: close\r\n\r\n",
            ]
            .choose(rng)
            .unwrap()
            .to_string();
            Hostile::last("broken syntax", request.into_bytes(), ANY)
        }
        // A request cut short, then the end of the stream.
        _ => {
            let mut whole = kept_alive(rng).bytes;
            whole.truncate(rng.random_range(0..whole.len()));
            let mut hostile = Hostile::last("truncated", whole, ANY);
            hostile.truncated = true;
            hostile
        }
    }
}
