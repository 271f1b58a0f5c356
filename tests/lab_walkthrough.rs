//! The student's path, run as written and in order on every engine CI has:
//!
//! - [`docker`]: the student's page (README.md) on the host's Docker Engine
//!   20.10 and on Docker Engine 26 and 28, and on 28 for arm64 with the
//!   teacher's images: from the clone step ([`clone`]: this
//!   checkout for the address the page leaves to the reader), the quick
//!   start with the image's own health-check timing (probes 30 s apart,
//!   unhealthy after the third failure, the lab's 90 seconds), then the lab
//!   through Compose, with `docker inspect` compared with the page's
//!   excerpt ([`excerpt`]);
//! - [`podman`]: every `$ podman` command of the pages on Podman 5.4 and 5.8;
//! - [`twins`]: the Korean page in step with the English one; and
//!   [`clone`]: LF line ends in every checkout for what a container reads.
//!
//! Every command is the page's. On the host's engine under CI, and always
//! on the other engines (each has a network of its own), the ports are the
//! page's too; elsewhere all of them move by one rule (see
//! `common::page_ports::Ports`). So a port two steps share on the page is
//! shared here, and a step that forgets to remove its container makes the
//! next one fail with "port is already allocated", as it would for a
//! student. The engines run side by side: each test is mostly waiting for
//! probes.

pub mod common;

mod lab_walkthrough {
    mod clone;
    // Before `podman`: tests start in the order of their names, and the two
    // Docker 28 walks, one after the other, are the longest chain.
    mod docker;
    mod excerpt;
    mod podman;
    mod twins;
}
