//! HTTP behaviour, on the real server bound to port 0.

pub mod common;

mod api {
    mod compat;
    mod control;
    mod errors;
    mod framing;
    mod health;
    mod metrics;
    mod modes;
    mod page;
    mod readiness;
    mod rng;
    mod web;
}
