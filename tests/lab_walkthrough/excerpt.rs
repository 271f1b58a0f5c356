//! The `State.Health` excerpt the student's page shows after the quick
//! start, compared with what `docker inspect` prints at that step: the same
//! status and failing streak, and each log entry the page shows the same as
//! the engine's, but for what differs on every run (times, curl's speeds).

use crate::common::docs::{page, Page};

/// The page's command that prints the excerpt.
pub const INSPECT: &str = "docker inspect --format '{{json .State.Health}}' numbers-v2";

/// What the page's excerpt says.
#[derive(Debug, PartialEq)]
pub struct Excerpt {
    pub status: String,
    pub streak: u64,
    /// (exit code, output) of each entry shown, in the page's order.
    pub entries: Vec<(i64, String)>,
}

/// What the page shows under [`INSPECT`]: the one line of JSON the engine
/// prints, cut short after a few log entries with `, ...]}`.
pub fn shown(doc: &Page) -> String {
    let steps = doc.steps();
    let step = steps
        .iter()
        .find(|step| step.command == INSPECT)
        .unwrap_or_else(|| panic!("no `$ {INSPECT}` in {}", doc.name));
    assert_eq!(
        step.expected.len(),
        1,
        "{}: the engine prints one line under `{INSPECT}`",
        doc.name
    );
    step.expected[0].clone()
}

/// Reads the excerpt: the engine's line, but for the log entries left out
/// (`, ...` before the log's closing bracket).
pub fn read(line: &str) -> Excerpt {
    let whole = line.replacen(", ...]", "]", 1);
    let health: serde_json::Value = serde_json::from_str(&whole)
        .unwrap_or_else(|e| panic!("the excerpt is not the engine's JSON ({e}): {line}"));
    Excerpt {
        status: health["Status"].as_str().expect("a status").to_string(),
        streak: health["FailingStreak"].as_u64().expect("a failing streak"),
        entries: health["Log"]
            .as_array()
            .expect("a log")
            .iter()
            .map(|entry| {
                (
                    entry["ExitCode"].as_i64().expect("an exit code"),
                    entry["Output"].as_str().expect("an output").to_string(),
                )
            })
            .collect(),
    }
}

/// A probe's output with what differs on every run taken out: of the
/// twelve columns of curl's progress meter the byte counts stay, the speeds
/// and times go; and the passing probe's answer, `Ok`, which curl writes to
/// stdout while the meter goes to stderr, so that it lands before, within
/// or after the meter's last row, is moved to the end.
pub fn without_speeds(output: &str) -> String {
    let (output, answered) = match output.find("Ok") {
        Some(at) => (format!("{}{}", &output[..at], &output[at + 2..]), "Ok"),
        None => (output.to_string(), ""),
    };
    format!(
        "{}{answered}",
        meter_without_speeds(output.trim_end_matches('\n'))
    )
}

fn meter_without_speeds(output: &str) -> String {
    let row = |segment: &str| {
        let cells: Vec<&str> = segment.split_whitespace().collect();
        if cells.len() == 12 && cells[0].parse::<u32>().is_ok() {
            format!("<meter {}>", cells[..6].join(" "))
        } else {
            segment.to_string()
        }
    };
    // curl adds a row for every second a transfer lasts: rows in a row with
    // the same byte counts are one, however slow the probe (an emulated
    // arm64 curl's take two or three seconds).
    output
        .split('\n')
        .map(|line| {
            let mut rows: Vec<String> = line.split('\r').map(row).collect();
            rows.dedup_by(|a, b| a == b && a.starts_with("<meter "));
            rows.join("\r")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Korean page shows the English page's excerpt, as it shows its
/// commands.
pub fn assert_both_pages_show_one_excerpt() -> Excerpt {
    let english = shown(&page("README.md"));
    assert_eq!(
        shown(&page("README.ko.md")),
        english,
        "the Korean page shows another excerpt"
    );
    read(&english)
}

/// Fails unless `health` (the engine's `State.Health`) is what the page's
/// excerpt shows: its status and streak, the passing probes then exactly
/// `streak` failing ones, the page's passing entry as the last pass and its
/// failing entry as every failure.
pub fn assert_shows(health: &serde_json::Value) {
    let excerpt = assert_both_pages_show_one_excerpt();
    assert_eq!(health["Status"], excerpt.status.as_str(), "{health}");
    assert_eq!(health["FailingStreak"], excerpt.streak, "{health}");
    let log: Vec<(i64, String)> = health["Log"]
        .as_array()
        .expect("a log")
        .iter()
        .map(|entry| {
            (
                entry["ExitCode"].as_i64().expect("an exit code"),
                without_speeds(entry["Output"].as_str().expect("an output")),
            )
        })
        .collect();
    let passes = log.iter().take_while(|(code, _)| *code == 0).count();
    let failures = &log[passes..];
    assert_eq!(failures.len() as u64, excerpt.streak, "{health}");
    for (code, output) in &excerpt.entries {
        let shown = (*code, without_speeds(output));
        if *code == 0 {
            assert_eq!(Some(&shown), log[..passes].last(), "{health}");
        } else {
            for failure in failures {
                assert_eq!(&shown, failure, "{health}");
            }
        }
    }
    assert!(
        excerpt.entries.iter().any(|(code, _)| *code == 0)
            && excerpt.entries.iter().any(|(code, _)| *code != 0),
        "the excerpt shows a passing and a failing probe"
    );
}

#[test]
fn the_excerpt_is_read_as_the_engines_json_and_the_meter_keeps_its_byte_counts() {
    let excerpt = read(
        r#"{"Status":"unhealthy","FailingStreak":3,"Log":[{"Start":"t","End":"t","ExitCode":22,"Output":"a\nb"}, ...]}"#,
    );
    assert_eq!(
        excerpt,
        Excerpt {
            status: "unhealthy".into(),
            streak: 3,
            entries: vec![(22, "a\nb".into())],
        }
    );
    let meter = "\r  0   171    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\ncurl: (22) x";
    assert_eq!(
        without_speeds(meter),
        "\r<meter 0 171 0 0 0 0>\ncurl: (22) x"
    );
    let fast = "\r100     2  100     2    0     0   3034      0 --:--:-- --:--:-- --:--:--  2000";
    let slow = "\r100     2  100     2    0     0    812      0 --:--:-- --:--:-- --:--:--   500";
    assert_eq!(without_speeds(fast), without_speeds(slow));
    assert_ne!(without_speeds(meter), without_speeds(fast));
    // The answer is the same wherever it lands.
    let before = "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0Ok\r100     2  100     2    0     0   2976      0 --:--:-- --:--:-- --:--:--  2000\n";
    let after = "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100     2  100     2    0     0   3034      0 --:--:-- --:--:-- --:--:--  2000\nOk";
    assert_eq!(without_speeds(before), without_speeds(after));
    assert!(without_speeds(after).ends_with("Ok"));
    // A probe that lasts three seconds prints a row more of the same counts.
    let quick = "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\ncurl: (22) x";
    let slow = "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r  0     0    0     0    0     0      0      0 --:--:-- 0:00:01 --:--:--     0\r  0     0    0     0    0     0      0      0 --:--:-- 0:00:02 --:--:--     0\ncurl: (22) x";
    assert_eq!(without_speeds(quick), without_speeds(slow));
    assert_ne!(without_speeds(quick), without_speeds(meter));
}

#[test]
fn the_student_page_shows_a_passing_and_a_failing_probe_in_both_languages() {
    let excerpt = assert_both_pages_show_one_excerpt();
    assert_eq!(excerpt.status, "unhealthy");
    assert_eq!(excerpt.entries.len(), 2, "{excerpt:?}");
    assert_eq!(excerpt.entries[0].0, 0);
    assert!(excerpt.entries[1]
        .1
        .ends_with("curl: (22) The requested URL returned error: 500\n"));
}
