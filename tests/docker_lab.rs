//! The lab, on a real Docker engine: each test follows the steps a student
//! takes (build, run, curl, `docker ps`, `docker inspect`) with our images.
//!
//! They run when an engine answers and say plainly when they skip; under CI
//! a missing engine is a failure.

pub mod common;

mod docker_lab {
    mod arm64;
    mod builds;
    mod compose;
    mod dependency_check;
    mod images;
    mod lessons;
    mod privileged_port;
    mod recipes;
    mod swarm;
    mod swarm_stack;
    mod watch;
}
