//! What the v2 image's health check (`curl --fail http://localhost/health`)
//! leaves in `docker inspect`'s `State.Health.Log`: curl's output, stdout
//! and stderr into one buffer as Docker captures them. Failing, it is the
//! lab notes' text byte for byte: chunked, as Kestrel sent it, the meter
//! knows no length and reads `0     0`, not `0   171`.

use std::fs::File;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::process::{numbers_api, Server};

/// The notes' `Output` of a failing probe (curl 7.88's wording of the error;
/// older releases add the reason phrase).
const FAILING_PROBE: &str = "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\ncurl: (22) The requested URL returned error: 500\n";

/// Runs `curl --fail <url>` with stdout and stderr in one file, as Docker
/// runs a health check; returns the exit code and what it wrote.
fn probe(url: &str) -> (Option<i32>, String) {
    // One file per call: the tests run side by side in one process.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "numbers-api-probe-{}-{}.txt",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    let out = File::create(&path).expect("a temporary file");
    let err = out.try_clone().expect("a second handle");
    let mut curl = Command::new("curl");
    curl.args(["--fail", "--max-time", "10", url])
        .stdout(out)
        .stderr(err);
    for proxy in ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"] {
        curl.env_remove(proxy);
    }
    let status = curl
        .stdin(Stdio::null())
        .status()
        .expect("curl is installed");
    let output = std::fs::read_to_string(&path).expect("curl's output");
    let _ = std::fs::remove_file(&path);
    (status.code(), output)
}

#[test]
fn a_failing_curl_probe_prints_the_notes_output_byte_for_byte() {
    let server = Server::start(numbers_api());
    let spent: Vec<u16> = (0..4).map(|_| server.get("/rng").status).collect();
    assert_eq!(spent, [200, 200, 200, 500]);

    let (code, output) = probe(&server.url("/health"));

    assert_eq!(code, Some(22));
    assert_eq!(output, FAILING_PROBE);
}

#[test]
fn a_passing_curl_probe_counts_the_two_bytes_it_was_not_told_of() {
    let server = Server::start(numbers_api());

    let (code, output) = probe(&server.url("/health"));

    assert_eq!(code, Some(0));
    // The last meter row: 100% of an unknown total, 2 bytes received.
    let last = output.rsplit('\r').next().unwrap_or_default();
    let cells: Vec<&str> = last.split_whitespace().take(4).collect();
    assert_eq!(cells, ["100", "2", "0", "2"], "{output:?}");
    assert!(output.ends_with("\nOk"), "{output:?}");
}
