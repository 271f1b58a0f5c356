//! The classroom registry as scripts/classroom.sh starts it, filled once per
//! run by the teacher's command on Docker 28, and what it holds, read
//! through the registry's own API.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use crate::common::engine::Engine;
use crate::common::process::run_with_deadline;
use crate::common::recipe::text;

/// The students' door: anonymous, read-only.
pub(crate) const STUDENTS: &str = "10.231.5.2:5000";
/// The teacher's door: htpasswd, read-write, the same storage.
pub(crate) const TEACHER: &str = "10.231.5.2:5001";
/// The teacher's address as docs/teaching.md writes it; the tests run the
/// page's commands with this machine's instead.
pub(crate) const PAGE_ADDRESS: &str = "192.168.1.20";
/// Where the classroom's engines find the teacher's laptop here.
pub(crate) const ADDRESS: &str = "10.231.5.2";
/// The teacher's engine: Docker 28, buildx and the containerd image store.
pub(crate) const TEACHER_ENGINE: Engine = Engine::Docker28;

/// Held by a test while it pulls, tags or removes the registry's names in
/// an engine, so that one test's `docker rmi` never takes another's image.
pub(crate) fn local_tags() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A page command with this machine's address for the page's.
pub(crate) fn here(command: &str) -> String {
    command.replace(PAGE_ADDRESS, ADDRESS)
}

/// `sh -c <line>` on the host, within `deadline`.
pub(crate) fn host(line: &str, deadline: Duration) -> std::process::Output {
    run_with_deadline(&mut Engine::Host.shell(line), deadline)
}

/// Whether the classroom registry answers on both doors; under CI it must.
pub(crate) fn registry_or_skip(test: &str) -> bool {
    let line = format!(
        "curl -s -o /dev/null -w '%{{http_code}} ' --max-time 5 http://{STUDENTS}/v2/; \
         curl -s -o /dev/null -w '%{{http_code}}' --max-time 5 http://{TEACHER}/v2/"
    );
    let answered = text(&host(&line, Duration::from_secs(30)));
    if answered.trim() == "200 401" {
        return true;
    }
    let reason = format!(
        "the classroom registry does not answer as it should (/v2/ said {answered:?}, \
         wanted 200 and 401); `bash scripts/classroom.sh start` starts it"
    );
    assert!(!crate::common::is_ci(), "CI is set but {reason}");
    eprintln!("SKIPPED {test}: {reason}");
    false
}

/// What the registry answers to `GET path` on the students' door, with
/// `accept` as the Accept header: (headers, body).
pub(crate) fn registry_get(path: &str, accept: &str) -> (String, String) {
    let headers = tempfile("headers");
    let line = format!(
        "curl -s --fail-with-body --max-time 30 -D {headers} -H 'Accept: {accept}' http://{STUDENTS}{path}"
    );
    let output = host(&line, Duration::from_secs(60));
    assert!(output.status.success(), "GET {path}: {}", text(&output));
    let said = std::fs::read_to_string(&headers).unwrap_or_default();
    let _ = std::fs::remove_file(&headers);
    (said, String::from_utf8_lossy(&output.stdout).into_owned())
}

fn tempfile(what: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir()
        .join(format!(
            "numbers-classroom-{}-{what}-{n}",
            std::process::id()
        ))
        .display()
        .to_string()
}

const INDEX: &str = "application/vnd.oci.image.index.v1+json, \
                     application/vnd.docker.distribution.manifest.list.v2+json";
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json, \
                        application/vnd.docker.distribution.manifest.v2+json";

/// The digest the registry gives `numbers-api:tag` (its index's).
pub(crate) fn digest(tag: &str) -> String {
    let (headers, _) = registry_get(&format!("/v2/numbers-api/manifests/{tag}"), INDEX);
    headers
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("docker-content-digest:")
                .map(|d| d.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no digest for {tag}: {headers}"))
}

/// The platforms `numbers-api:tag`'s index lists ("linux/amd64"...), with
/// each one's manifest digest; attestations ("unknown/unknown") left out.
pub(crate) fn platforms(tag: &str) -> Vec<(String, String)> {
    let (_, body) = registry_get(&format!("/v2/numbers-api/manifests/{tag}"), INDEX);
    let index: serde_json::Value = serde_json::from_str(&body).expect("an index");
    index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .map(|m| {
            (
                format!(
                    "{}/{}",
                    m["platform"]["os"].as_str().unwrap_or(""),
                    m["platform"]["architecture"].as_str().unwrap_or("")
                ),
                m["digest"].as_str().unwrap_or("").to_string(),
            )
        })
        .filter(|(platform, _)| platform != "unknown/unknown")
        .collect()
}

/// What a student on `platform` downloads for `numbers-api:tag` with nothing
/// in their engine yet: the compressed layers of that platform's manifest,
/// in bytes.
pub(crate) fn bytes_pulled(tag: &str, platform: &str) -> u64 {
    let (_, digest) = platforms(tag)
        .into_iter()
        .find(|(p, _)| p == platform)
        .unwrap_or_else(|| panic!("{tag} has no {platform}"));
    let (_, body) = registry_get(&format!("/v2/numbers-api/manifests/{digest}"), MANIFEST);
    let manifest: serde_json::Value = serde_json::from_str(&body).expect("a manifest");
    manifest["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["size"].as_u64().expect("a size"))
        .sum()
}

/// The teacher's password, made by scripts/classroom.sh at its first start.
fn teacher_password() -> String {
    let output = host(
        "bash scripts/classroom.sh password",
        Duration::from_secs(30),
    );
    assert!(output.status.success(), "{}", text(&output));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// The teacher's two commands (docs/teaching.md), once per run, on Docker
/// 28: `docker login` at the teacher's door, then the bake that builds the
/// three images for amd64 and arm64 and pushes them. How long the bake took
/// (the build cache shared with the other tests' bakes).
pub(crate) fn filled() -> Duration {
    static FILLED: OnceLock<Duration> = OnceLock::new();
    *FILLED.get_or_init(|| {
        let login = format!("docker login -u teacher --password-stdin {TEACHER}");
        let mut command =
            TEACHER_ENGINE.shell(&format!("printf %s \"$CLASSROOM_PASSWORD\" | {login}"));
        command.env("CLASSROOM_PASSWORD", teacher_password());
        let output = run_with_deadline(&mut command, Duration::from_secs(120));
        assert!(output.status.success(), "{login}:\n{}", text(&output));
        let _serial = TEACHER_ENGINE.build_lock();
        let started = Instant::now();
        let bake = format!("REGISTRY={TEACHER} docker buildx bake --push");
        let output = run_with_deadline(
            &mut TEACHER_ENGINE.shell(&bake),
            Duration::from_secs(40 * 60),
        );
        assert!(output.status.success(), "{bake}:\n{}", text(&output));
        let took = started.elapsed();
        println!("the teacher's bake and push took {took:?}");
        took
    })
}

#[test]
fn the_teacher_pushes_v1_v2_and_v3_for_amd64_and_arm64_under_one_tag_each() {
    if !registry_or_skip("the teacher's push")
        || !TEACHER_ENGINE.available_or_skip("the teacher's push")
    {
        return;
    }
    filled();
    for tag in ["v1", "v2", "v3"] {
        let mut found: Vec<String> = platforms(tag).into_iter().map(|(p, _)| p).collect();
        found.sort();
        assert_eq!(found, ["linux/amd64", "linux/arm64"], "numbers-api:{tag}");
    }
    // What docs/teaching.md shows the teacher.
    let (_, tags) = registry_get("/v2/numbers-api/tags/list", "application/json");
    assert_eq!(
        tags.trim(),
        r#"{"name":"numbers-api","tags":["v1","v2","v3"]}"#
    );
    for tag in ["v2", "v3"] {
        println!(
            "a student pulls numbers-api:{tag}: {} bytes for amd64, {} bytes for arm64",
            bytes_pulled(tag, "linux/amd64"),
            bytes_pulled(tag, "linux/arm64")
        );
    }
}

/// The students' door refuses every push, and the teacher's refuses one
/// without the password: after both, each tag has the digest it had.
#[test]
fn a_push_without_the_teachers_password_is_refused_and_changes_nothing() {
    if !registry_or_skip("a refused push") || !Engine::Host.available_or_skip("a refused push") {
        return;
    }
    filled();
    let _tags = local_tags();
    let before: Vec<String> = ["v1", "v2", "v3"].iter().map(|t| digest(t)).collect();
    // A student's engine with no login at all (a configuration of its own),
    // pushing v1 as v2 through either door.
    let config = tempfile("docker-config");
    std::fs::create_dir_all(&config).expect("a docker config");
    let pulled = host(
        &format!("docker pull -q {STUDENTS}/numbers-api:v1"),
        Duration::from_secs(600),
    );
    assert!(pulled.status.success(), "{}", text(&pulled));
    for (door, refusal) in [(STUDENTS, "405"), (TEACHER, "no basic auth credentials")] {
        let line = format!(
            "docker tag {STUDENTS}/numbers-api:v1 {door}/numbers-api:v2 && \
             DOCKER_CONFIG={config} docker push {door}/numbers-api:v2; \
             status=$?; docker rmi {door}/numbers-api:v2 >/dev/null 2>&1; exit $status"
        );
        let output = host(&line, Duration::from_secs(300));
        let said = text(&output);
        assert!(
            !output.status.success(),
            "a push to {door} went through:\n{said}"
        );
        assert!(said.contains(refusal), "a push to {door}:\n{said}");
        println!("a push to {door} without the password:\n{said}");
    }
    let _ = std::fs::remove_dir_all(&config);
    let after: Vec<String> = ["v1", "v2", "v3"].iter().map(|t| digest(t)).collect();
    assert_eq!(before, after, "the images changed");
}
