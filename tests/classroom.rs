//! The classroom path of docs/teaching.md: the teacher builds the three
//! images once, for amd64 and arm64, and pushes them to the classroom
//! registry (scripts/classroom.sh: Debian's docker-registry, a students'
//! door that only reads and a teacher's door behind a password); every
//! student pulls by the same tag on Docker 20.10, Docker 28 and Podman 5.8
//! and runs the lab with no build. The same images on a USB stick for a room
//! without a network; the workflow that publishes them from a fork, linted;
//! the one-page handout.
//!
//! Under CI a registry, an engine or a tool that is missing fails the run;
//! elsewhere the test says SKIPPED and passes.

pub mod common;

mod classroom {
    mod handout;
    mod offline;
    mod pages;
    mod pulls;
    pub(crate) mod registry;
    mod workflow;
}
