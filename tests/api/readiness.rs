//! `/readyz`: readiness apart from liveness.

use numbers_api::server::Config;

use crate::common::server::spawn;

#[test]
fn readyz_is_ok_while_serving_even_when_unhealthy() {
    let app = spawn(Config::for_tests(1));
    app.get("/rng");
    app.get("/rng");

    let ready = app.get("/readyz");
    let health = app.get("/health");

    assert_eq!((ready.status, ready.body.as_str()), (200, "Ok"));
    assert_eq!(health.status, 500, "liveness is the lab's, not readiness");
}

#[test]
fn readyz_takes_only_get() {
    let app = spawn(Config::for_tests(1));

    let reply = app.request("POST", "/readyz");

    assert_eq!(reply.status, 405);
    assert_eq!(reply.allow.as_deref(), Some("GET"));
}
