//! chromedriver, the WebDriver server the [`super::driver::Browser`] talks
//! to: where Debian installs it and chromium, and one running on a free
//! port until dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::http;
use crate::common::ports::free_port;
use crate::common::process::Server;

/// The two programs the tests need, when they are installed.
pub struct Installed {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

pub fn installed() -> Result<Installed, String> {
    let chromium = find_program(&["chromium", "chromium-browser"])
        .ok_or("chromium is not installed (apt-get install chromium)")?;
    let chromedriver = find_program(&["chromedriver"])
        .ok_or("chromedriver is not installed (apt-get install chromium-driver)")?;
    Ok(Installed {
        chromium,
        chromedriver,
    })
}

/// A chromedriver process on a free loopback port; killed when dropped.
pub struct Driver {
    _process: Server,
    pub url: String,
}

impl Driver {
    pub fn start(chromedriver: &Path) -> Driver {
        let port = free_port();
        let mut command = Command::new(chromedriver);
        command.arg(format!("--port={port}"));
        let driver = Driver {
            _process: Server::spawn(command),
            url: format!("http://127.0.0.1:{port}"),
        };
        driver.wait_until_ready();
        driver
    }

    /// Polls WebDriver's `/status` until chromedriver says it is ready.
    fn wait_until_ready(&self) {
        let status = format!("{}/status", self.url);
        let started = Instant::now();
        loop {
            let ready = http::try_get(&status, Duration::from_secs(2))
                .ok()
                .and_then(|reply| serde_json::from_str::<serde_json::Value>(&reply.body).ok())
                .is_some_and(|status| status["value"]["ready"] == true);
            if ready {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver not ready at {} after 20s",
                self.url
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
