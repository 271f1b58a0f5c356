//! HTTP behaviour, on the real server bound to port 0.

pub mod common;

mod api {
    mod broken;
    mod compat;
    mod control;
    mod errors;
    mod framing;
    mod health;
    mod kubernetes;
    mod metrics;
    mod modes;
    mod page;
    mod readiness;
    mod rng;
    mod startup;
    mod web;
}
