//! Hostile input: over 100,000 malformed or hostile requests, pipelined over
//! keep-alive connections from several threads, with slowloris clients
//! beside them. The server must stay up, answer only what it should, hold
//! its memory flat and still answer a plain request afterwards.
//!
//! Requests come from a seeded generator; the seed is printed, and
//! `RELIABILITY_SEED=<n>` replays another.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore, SeedableRng};

use crate::common::process::{numbers_api, Server};
use crate::reliability::http::{Connection, Reply};
use crate::{rss_kib, shared_machine};

const DEFAULT_SEED: u64 = 0x6e75_6d62;
const THREADS: u64 = 4;
/// Hostile requests before memory is first measured: buffers and the
/// allocator's arenas reach their working size.
const WARM_UP: usize = 10_000;
const REQUESTS: usize = 100_000;
/// How far resident memory may grow after the warm-up while the 100,000
/// requests run. A leak of even 100 bytes a request would pass 9 MiB.
const RSS_GROWTH_KIB: u64 = 2048;
const SLOWLORIS: usize = 16;
/// The server's own limit for a request's head to arrive (actix-web's
/// default client request timeout), plus slack for a busy machine.
const SLOWLORIS_CLOSED_WITHIN: Duration = Duration::from_secs(5 + 5);
const DEADLINE: Duration = Duration::from_secs(10);

/// Every status the server may answer hostile input with: the routes'
/// answers (200, 404, 405) and the HTTP layer's refusals (400 malformed,
/// 408 too slow, 413 too large a body, 431 too large a head). Never a 5xx:
/// the server runs with --fail-after 0.
const ALLOWED: [u16; 7] = [200, 400, 404, 405, 408, 413, 431];
const ROUTES: &[u16] = &[200, 404, 405];
const REFUSED: &[u16] = &[400, 431];
const ANY: &[u16] = &ALLOWED;

/// One generated request and what the server may do with it.
#[derive(Debug)]
struct Hostile {
    kind: &'static str,
    bytes: Vec<u8>,
    /// A HEAD request: its response has no body.
    head: bool,
    /// Statuses it may be answered with.
    allowed: &'static [u16],
    /// Stop sending after it: a request cut short.
    truncated: bool,
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
fn kept_alive(rng: &mut StdRng) -> Hostile {
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
fn last_on_its_connection(rng: &mut StdRng) -> Hostile {
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

/// What the clients saw.
#[derive(Default)]
struct Tally {
    sent: AtomicUsize,
    by_status: Mutex<std::collections::BTreeMap<u16, usize>>,
    closed_unanswered: AtomicUsize,
    peak_rss_kib: AtomicU64,
}

impl Tally {
    fn answered(&self, status: u16) {
        *self.by_status.lock().unwrap().entry(status).or_default() += 1;
    }
}

/// Sends `requests` hostile requests over as many connections as it takes:
/// on each, pipelined batches of requests the server keeps the connection
/// open after, then usually one after which it may close it.
fn hostile_client(server: &Server, seed: u64, requests: usize, tally: &Tally) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut sent = 0;
    while sent < requests {
        let mut connection = Connection::open(server.address, DEADLINE).expect("connect");
        let kept = rng.random_range(0..=64).min(requests - sent);
        let kept: Vec<Hostile> = (0..kept).map(|_| kept_alive(&mut rng)).collect();
        for batch in pipelined(kept, &mut rng) {
            let bytes: Vec<u8> = batch.iter().flat_map(|h| h.bytes.clone()).collect();
            connection.send(&bytes).expect("send a batch");
            for (i, hostile) in batch.iter().enumerate() {
                match connection.read(hostile.head) {
                    Ok(Reply::Response(r)) if hostile.allowed.contains(&r.status) && !r.close => {
                        tally.answered(r.status)
                    }
                    other => panic!(
                        "{} {:?}: {other:?}\n(request {} of a pipelined batch: {:?})",
                        hostile.kind,
                        lossy(&hostile.bytes),
                        i + 1,
                        batch.iter().map(|h| lossy(&h.bytes)).collect::<Vec<_>>()
                    ),
                }
            }
            sent += batch.len();
        }
        if sent < requests && rng.random_bool(0.75) {
            let hostile = last_on_its_connection(&mut rng);
            // The server may refuse before reading it all, so a failed send is
            // no failure; what it answers is checked below.
            let _ = connection.send(&hostile.bytes);
            if hostile.truncated {
                connection.finish_sending();
            }
            match connection.read(hostile.head) {
                Ok(Reply::Response(r)) if hostile.allowed.contains(&r.status) => {
                    tally.answered(r.status)
                }
                Ok(Reply::Closed) => {
                    tally.closed_unanswered.fetch_add(1, Ordering::Relaxed);
                }
                other => panic!("{} {:?}: {other:?}", hostile.kind, lossy(&hostile.bytes)),
            }
            sent += 1;
        }
        tally
            .peak_rss_kib
            .fetch_max(rss_kib(server.pid()), Ordering::Relaxed);
    }
    tally.sent.fetch_add(sent, Ordering::Relaxed);
}

/// Splits requests into pipelined batches of 1 to 16 (the server reads no
/// further ahead than 16), each HEAD request in a batch of its own.
///
/// actix-http 3 decides whether a response carries a body from the last
/// request it has parsed on the connection, not from the one it answers: a
/// HEAD pipelined among other requests can get a body, or give its "no
/// body" to its neighbour. Real clients do not pipeline HEAD; this suite
/// tests HEAD unpipelined so that it tests numbers-api, not that.
fn pipelined(requests: Vec<Hostile>, rng: &mut StdRng) -> Vec<Vec<Hostile>> {
    let mut batches = Vec::new();
    let mut batch = Vec::new();
    let mut size = rng.random_range(1..=16);
    for request in requests {
        if request.head {
            if !batch.is_empty() {
                batches.push(std::mem::take(&mut batch));
            }
            batches.push(vec![request]);
            continue;
        }
        batch.push(request);
        if batch.len() == size {
            batches.push(std::mem::take(&mut batch));
            size = rng.random_range(1..=16);
        }
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

/// The start of a request, readable in a failure message.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned()
}

/// Sends a request head a byte at a time and returns how long the server
/// took to give up on it, and what it said.
fn slowloris(server: &Server) -> (Duration, Option<u16>) {
    let opened = Instant::now();
    let mut connection = Connection::open(server.address, DEADLINE).expect("connect");
    connection.set_read_timeout(Duration::from_millis(100));
    connection
        .send(b"GET /rng HTTP/1.1\r\nHost: numbers\r\n")
        .expect("send");
    let drip = b"X-Slow: still coming\r\n";
    for byte in drip.iter().cycle() {
        assert!(
            opened.elapsed() < SLOWLORIS_CLOSED_WITHIN,
            "a slow client held a connection for {SLOWLORIS_CLOSED_WITHIN:?}"
        );
        // Waiting for the server's reply for 100 ms paces the drip.
        match connection.read(false) {
            Ok(Reply::Response(r)) => return (opened.elapsed(), Some(r.status)),
            Ok(Reply::Closed) => return (opened.elapsed(), None),
            Err(e) if e.starts_with("no answer in time") => {}
            Err(e) => panic!("slowloris: {e}"),
        }
        if connection.send(&[*byte]).is_err() {
            return (opened.elapsed(), None);
        }
    }
    unreachable!("the drip is endless")
}

fn seed() -> u64 {
    std::env::var("RELIABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

#[test]
fn hostile_requests_leave_the_server_up_answering_only_allowed_statuses_in_flat_memory() {
    let _machine = shared_machine();
    let seed = seed();
    eprintln!("hostile input seed: {seed} (RELIABILITY_SEED={seed} replays it)");
    let server = Server::start({
        let mut c = numbers_api();
        c.env("NUMBERS_FAIL_AFTER", "0").env("NUMBERS_WORKERS", "2");
        c
    });
    let server = &server;
    let started = Instant::now();
    let run = |phase: u64, requests: usize, tally: &Tally| {
        std::thread::scope(|scope| {
            for thread in 0..THREADS {
                let seed = seed ^ (phase << 32 | thread);
                let share = requests / THREADS as usize;
                scope.spawn(move || hostile_client(server, seed, share, tally));
            }
        });
    };
    run(0, WARM_UP, &Tally::default());
    let rss_before = rss_kib(server.pid());
    let tally = Tally::default();

    let slow = std::thread::scope(|scope| {
        let slow: Vec<_> = (0..SLOWLORIS)
            .map(|_| scope.spawn(|| slowloris(server)))
            .collect();
        run(1, REQUESTS, &tally);
        slow.into_iter()
            .map(|s| s.join().unwrap())
            .collect::<Vec<_>>()
    });

    let rss_after = rss_kib(server.pid());
    let peak = tally.peak_rss_kib.load(Ordering::Relaxed).max(rss_after);
    eprintln!(
        "{} hostile requests in {:?}: answered {:?}, {} closed unanswered; \
         RSS {rss_before} KiB after warm-up, {rss_after} KiB after, peak {peak} KiB",
        tally.sent.load(Ordering::Relaxed),
        started.elapsed(),
        tally.by_status.lock().unwrap(),
        tally.closed_unanswered.load(Ordering::Relaxed),
    );
    assert!(tally.sent.load(Ordering::Relaxed) >= REQUESTS);
    assert!(
        tally
            .by_status
            .lock()
            .unwrap()
            .keys()
            .all(|s| ALLOWED.contains(s)),
        "a status outside {ALLOWED:?}"
    );
    assert!(
        peak <= rss_before + RSS_GROWTH_KIB,
        "memory grew from {rss_before} KiB to {peak} KiB"
    );
    let longest = slow.iter().map(|s| s.0).max().unwrap_or_default();
    eprintln!("{SLOWLORIS} slow clients cut off within {longest:?}");
    for (took, status) in slow {
        assert!(
            status.is_none() || status == Some(408),
            "a slow client got {status:?} after {took:?}"
        );
    }
    let (status, body) = server.get("/rng");
    assert_eq!(status, 200, "{body}");
    assert!(body.parse::<u8>().is_ok_and(|n| n < 100), "{body}");
}
