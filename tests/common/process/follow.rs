//! One output stream of a child, read line by line on a thread of its own
//! as it comes, so a test can wait for a line and the child never blocks
//! on a full pipe.

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The lines read so far, and whether the stream has ended.
pub struct Followed {
    lines: Arc<Mutex<Vec<String>>>,
    ended: Arc<AtomicBool>,
}

impl Followed {
    pub fn follow(stream: impl Read + Send + 'static) -> Followed {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let ended = Arc::new(AtomicBool::new(false));
        let (sink, end) = (lines.clone(), ended.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
            end.store(true, Ordering::SeqCst);
        });
        Followed { lines, ended }
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// The first line that contains `needle`, waiting up to `deadline`.
    pub fn wait_for(&self, needle: &str, deadline: Duration) -> Option<String> {
        let started = Instant::now();
        loop {
            if let Some(line) = self.lines().into_iter().find(|l| l.contains(needle)) {
                return Some(line);
            }
            if started.elapsed() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits up to `deadline` for the stream to end (the child has closed
    /// it, as it does when it exits); whether it has.
    pub fn wait_for_end(&self, deadline: Duration) -> bool {
        let started = Instant::now();
        while !self.ended.load(Ordering::SeqCst) {
            if started.elapsed() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        true
    }
}
