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
use rand::{Rng, SeedableRng};

use crate::common::process::Server;
use crate::reliability::hostile_requests::{kept_alive, last_on_its_connection, Hostile, ALLOWED};
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
        let mut connection = Connection::open(server.address(), DEADLINE).expect("connect");
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
    let mut connection = Connection::open(server.address(), DEADLINE).expect("connect");
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
    let server = Server::start_with(&[("NUMBERS_FAIL_AFTER", "0"), ("NUMBERS_WORKERS", "2")]);
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
    let after = server.get("/rng");
    assert_eq!(after.status, 200, "{}", after.body);
    assert!(
        after.body.parse::<u8>().is_ok_and(|n| n < 100),
        "{}",
        after.body
    );
}
