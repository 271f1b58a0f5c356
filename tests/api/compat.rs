//! The Kubernetes book's variant: `/healthz` and `/reset`.

use numbers_api::server::Config;

use crate::common::server::spawn;

#[test]
fn healthz_is_health() {
    let app = spawn(Config::for_tests(1));

    let healthy = app.get("/healthz");
    app.get("/rng");
    app.get("/rng");
    let unhealthy = app.get("/healthz");

    assert_eq!((healthy.status, healthy.body.as_str()), (200, "Ok"));
    assert_eq!(unhealthy.status, 500);
}

#[test]
fn reset_makes_the_service_healthy_and_restarts_the_count() {
    let app = spawn(Config::for_tests(2));
    for _ in 0..3 {
        app.get("/rng");
    }
    assert_eq!(app.get("/health").status, 500);

    let reset = app.get("/reset");

    assert_eq!(reset.status, 200);
    assert_eq!(reset.content_type, "text/plain; charset=utf-8");
    assert_eq!(reset.body, "Ok");
    assert_eq!(app.get("/health").status, 200);
    let rng: Vec<u16> = (0..3).map(|_| app.get("/rng").status).collect();
    assert_eq!(rng, [200, 200, 500]);
}

#[test]
fn reset_also_takes_post() {
    let app = spawn(Config::for_tests(1));
    app.get("/rng");
    app.get("/rng");

    let reset = app.post("/reset");

    assert_eq!((reset.status, reset.body.as_str()), (200, "Ok"));
    assert_eq!(app.get("/rng").status, 200);
}
