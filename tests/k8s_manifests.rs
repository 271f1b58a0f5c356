//! The Kubernetes manifests in `k8s/`: valid against the Kubernetes API's
//! schemas (checked by `kubernetes-validate`, which ships them, so no cluster
//! and no network are needed), and saying what the operators' page (docs/beyond-one-container.md) says they do.
//!
//! Without `kubernetes-validate` the schema test says so and skips; with
//! CI set (any value but empty, `0` or `false`) that is a failure (`.ci/run` installs it).

pub mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// A release whose schemas `kubernetes-validate` ships.
const KUBERNETES: &str = "1.30.0";

fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("k8s"))
        .expect("a k8s directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// A YAML file of the project, as JSON values.
fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(ROOT).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `kubernetes-validate --strict`: unknown keys (a typo) fail too.
fn validate(file: &Path) -> (bool, String) {
    let output = Command::new("kubernetes-validate")
        .args(["--strict", "--kubernetes-version", KUBERNETES])
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .expect("kubernetes-validate runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn validator_or_skip(test: &str) -> bool {
    let found = Command::new("kubernetes-validate")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success());
    match found {
        true => true,
        false if common::is_ci() => {
            panic!("CI is set but kubernetes-validate is not installed (pip install kubernetes-validate)")
        }
        false => {
            eprintln!("SKIPPED {test}: kubernetes-validate is not installed");
            false
        }
    }
}

/// The one container of the Deployment's pod template.
fn container(deployment: &Value) -> &Value {
    let containers = deployment
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)
        .expect("containers");
    assert_eq!(containers.len(), 1, "{containers:?}");
    &containers[0]
}

fn env<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    container["env"]
        .as_array()?
        .iter()
        .find(|var| var["name"] == name)?["value"]
        .as_str()
}

/// "5s" -> 5
fn seconds(duration: &Value) -> u64 {
    let text = duration.as_str().expect("a duration");
    text.strip_suffix('s')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text} is not whole seconds"))
}

#[test]
fn every_manifest_is_valid_for_the_kubernetes_api() {
    if !validator_or_skip("k8s manifests") {
        return;
    }
    let files = manifests();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["deployment.yaml", "service.yaml"]);

    for file in &files {
        let (valid, output) = validate(file);

        assert!(valid, "{}:\n{output}", file.display());
        assert!(output.contains("passed"), "{output}");
    }
}

#[test]
fn the_validator_rejects_a_misspelt_key() {
    if !validator_or_skip("k8s validator") {
        return;
    }
    let text = std::fs::read_to_string(Path::new(ROOT).join("k8s/deployment.yaml")).unwrap();
    let misspelt = text.replacen("periodSeconds:", "periodSecond:", 1);
    let file =
        std::env::temp_dir().join(format!("numbers-api-misspelt-{}.yaml", std::process::id()));
    std::fs::write(&file, misspelt).unwrap();

    let (valid, output) = validate(&file);
    let _ = std::fs::remove_file(&file);

    assert!(!valid, "a misspelt key passed:\n{output}");
    assert!(output.contains("periodSecond"), "{output}");
}

#[test]
fn the_deployment_runs_v3_on_port_8080_as_the_unprivileged_user() {
    let deployment = yaml("k8s/deployment.yaml");
    let pod = &deployment["spec"]["template"]["spec"];
    let container = container(&deployment);

    assert_eq!(container["image"], "numbers-api:v3");
    assert_eq!(env(container, "NUMBERS_LISTEN"), Some("0.0.0.0:8080"));
    assert_eq!(container["ports"][0]["containerPort"], 8080);
    assert_eq!(env(container, "FailAfterCallCount"), Some("3"));
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["securityContext"]["runAsUser"], 10001);
    assert_eq!(pod["securityContext"]["runAsGroup"], 10001);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    let security = &container["securityContext"];
    assert_eq!(security["readOnlyRootFilesystem"], true);
    assert_eq!(security["allowPrivilegeEscalation"], false);
    assert_eq!(security["capabilities"]["drop"][0], "ALL");
    for kind in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(
                container["resources"][kind][resource].is_string(),
                "no {kind}.{resource}"
            );
        }
    }
}

#[test]
fn the_probes_keep_the_compose_files_timing() {
    let compose = yaml("docker-compose.yml");
    let health = &compose["services"]["numbers-api"]["healthcheck"];
    let stack = yaml("docker-stack.yml");
    let deployment = yaml("k8s/deployment.yaml");
    let container = container(&deployment);
    let (period, timeout) = (seconds(&health["interval"]), seconds(&health["timeout"]));
    let retries = health["retries"].as_u64().unwrap();

    assert_eq!(
        stack["services"]["numbers-api"]["healthcheck"], *health,
        "docker-stack.yml and docker-compose.yml probe differently"
    );
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        let probe_settings = &container[probe];
        assert_eq!(probe_settings["httpGet"]["path"], path, "{probe}");
        assert_eq!(probe_settings["httpGet"]["port"], "http", "{probe}");
        assert_eq!(probe_settings["periodSeconds"], period, "{probe}");
        assert_eq!(probe_settings["timeoutSeconds"], timeout, "{probe}");
        assert_eq!(probe_settings["failureThreshold"], retries, "{probe}");
    }
    let startup = &container["startupProbe"];
    let window =
        startup["periodSeconds"].as_u64().unwrap() * startup["failureThreshold"].as_u64().unwrap();
    assert_eq!(startup["httpGet"]["path"], "/healthz");
    assert!(
        window >= seconds(&health["start_period"]),
        "the startup probe allows {window} s, less than the start period"
    );
}

#[test]
fn the_service_sends_traffic_to_the_deployments_pods() {
    let deployment = yaml("k8s/deployment.yaml");
    let service = yaml("k8s/service.yaml");
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    let port = &service["spec"]["ports"][0];

    assert_eq!(service["metadata"]["name"], "numbers-api");
    let selector = service["spec"]["selector"].as_object().expect("a selector");
    for (key, value) in selector {
        assert_eq!(&labels[key], value, "the pods lack {key}={value}");
    }
    assert_eq!(
        deployment["spec"]["selector"]["matchLabels"],
        service["spec"]["selector"]
    );
    assert_eq!(
        port["targetPort"],
        container(&deployment)["ports"][0]["name"]
    );
}
