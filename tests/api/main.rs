//! HTTP behaviour, on the real server bound to port 0.

mod compat;
mod errors;
mod health;
mod helpers;
mod metrics;
mod modes;
mod page;
mod readiness;
mod rng;
mod web;
