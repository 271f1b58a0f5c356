//! The pages' ports, 8080 to 8090, and how a test run moves them: all by
//! one rule (8080 → P, 8081 → P+1, …, 8090 → P+10), so two steps that share
//! a port on the page share it in the test too.

/// The pages' ports: 8080 to 8090.
const PAGE_PORTS: std::ops::RangeInclusive<u16> = 8080..=8090;

/// How the page's ports map onto this run's.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    base: u16,
}

impl Ports {
    /// The page's own ports, as a reader uses them.
    pub fn as_written() -> Self {
        Ports { base: 8080 }
    }

    /// Eleven free ports in a row, which no other test of the run gets.
    pub fn moved() -> Self {
        Ports {
            base: super::ports::free_ports(11),
        }
    }

    /// The page's ports in CI, where nothing else owns them; moved ones on a
    /// developer's machine, where the reader's own lab may be running.
    pub fn for_this_run() -> Self {
        if super::is_ci() {
            Self::as_written()
        } else {
            Self::moved()
        }
    }

    pub fn is_as_written(&self) -> bool {
        self.base == 8080
    }

    /// The port this run uses for the page's `port`.
    pub fn map(&self, port: u16) -> u16 {
        assert!(PAGE_PORTS.contains(&port), "{port} is not a page port");
        self.base + (port - 8080)
    }

    /// A command with every page port in it replaced.
    pub fn apply(&self, command: &str) -> String {
        let mut out = command.to_string();
        for port in PAGE_PORTS {
            let to = self.map(port);
            out = out
                .replace(&format!(" {port}:"), &format!(" {to}:"))
                // `docker ps`'s PORTS: `0.0.0.0:8081->80/tcp`.
                .replace(&format!(":{port}->"), &format!(":{to}->"))
                .replace(&format!(":{port}/"), &format!(":{to}/"))
                .replace(&format!(":{port} "), &format!(":{to} "));
            if out.ends_with(&format!(":{port}")) {
                out = format!("{}{to}", &out[..out.len() - port.to_string().len()]);
            }
        }
        out
    }
}
