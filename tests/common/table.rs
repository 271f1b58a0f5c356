//! The tables `docker ps`, `docker compose ps` and `podman ps` print, read
//! by their header's columns, and a page's row awaited as a student looks
//! again until the state it shows comes.

use std::time::{Duration, Instant};

use super::docs::Step;
use super::recipe::{text, Shell};

/// The `column` cell of the row whose `key` column is `value`, located by
/// the header's column positions (`docker ps`, `docker compose ps` and
/// `podman ps` alike): the text from the column's start to the next
/// column's.
pub fn cell(table: &[String], column: &str, key: &str, value: &str) -> Option<String> {
    let header = table.first()?;
    let start = header.find(column)?;
    let end = header[start..]
        .find(char::is_whitespace)
        .and_then(|gap| {
            let rest = &header[start + gap..];
            rest.find(|c: char| !c.is_whitespace())
                .map(|next| start + gap + next)
        })
        .unwrap_or(usize::MAX);
    let key_at = header.find(key)?;
    table.iter().skip(1).find_map(|row| {
        let rest = row.get(key_at..)?;
        let found = rest.split_whitespace().next()?;
        (found == value).then(|| {
            row.get(start..end.min(row.len()))
                .map(|s| s.trim().to_string())
        })?
    })
}

pub fn status_cell(table: &[String], key: &str, value: &str) -> Option<String> {
    cell(table, "STATUS", key, value)
}

/// The PORTS cell as a client prints it. The page shows what Docker 27 and
/// later print (`[::]:8081->80/tcp` for the IPv6 side); older clients, and
/// the Compose released with them, print `:::8081->80/tcp`, as the page
/// says.
pub fn ports_as_printed(page_cell: &str, new_style: bool) -> String {
    if new_style {
        page_cell.to_string()
    } else {
        page_cell.replace("[::]:", ":::")
    }
}

/// "Up 24 seconds (healthy)" and "Up 2 minutes (healthy)" are one state.
pub fn state(status: &str) -> (bool, String) {
    let health = status
        .find('(')
        .map(|at| status[at..].to_string())
        .unwrap_or_default();
    (status.starts_with("Up "), health)
}

/// Looks again, as a student does, until the row shows the page's state;
/// returns how long that took. The row's PORTS must then be the page's, as
/// the client at hand prints them (`new_style`, see [`ports_as_printed`]).
pub fn wait_for_row(
    shell: &mut Shell,
    step: &Step,
    key: &str,
    new_style: bool,
    bound: Duration,
) -> Duration {
    let command = shell.ports.apply(&step.command);
    let value = match key {
        // `docker ps`, `podman ps`: the NAMES column, the last on the row.
        "NAMES" => step.expected[1].split_whitespace().last(),
        // `docker compose ps <service>`: the service named in the command.
        _ => command.split_whitespace().last(),
    }
    .expect("a row on the page")
    .to_string();
    let wanted = state(&status_cell(&step.expected, key, &value).expect("the page's row"));
    let started = Instant::now();
    loop {
        let output = shell.run(&command, Duration::from_secs(60));
        let table: Vec<String> = text(&output).lines().map(String::from).collect();
        let seen = status_cell(&table, key, &value).map(|s| state(&s));
        if seen.as_ref() == Some(&wanted) {
            let page_ports = cell(&step.expected, "PORTS", key, &value).expect("the page's PORTS");
            let page_ports = shell.ports.apply(&format!(" {page_ports} "));
            assert_eq!(
                cell(&table, "PORTS", key, &value),
                Some(ports_as_printed(page_ports.trim(), new_style)),
                "`{command}` on {:?}:\n{}",
                shell.engine,
                table.join("\n")
            );
            return started.elapsed();
        }
        assert!(
            started.elapsed() < bound,
            "`{command}` still shows {seen:?} for {value} after {bound:?}, the page shows {wanted:?}:\n{}",
            table.join("\n")
        );
        std::thread::sleep(Duration::from_secs(1));
    }
}
