//! `dotnet` for the book's three assemblies (any directory, exact case);
//! anything else is refused with one line, exit code 1.

use std::ffi::OsString;
use std::path::Path;

use super::httpcheck;
use super::Applet;

/// What each assembly runs, given the words after it.
type Start = fn(&[OsString]) -> Result<Applet, String>;

/// The book's assemblies, and ours for each.
const ASSEMBLIES: [(&str, Start); 3] = [
    ("Numbers.Api.dll", |rest| Ok(Applet::Ours(ours(&[], rest)))),
    ("Numbers.Web.dll", |rest| {
        Ok(Applet::Ours(ours(&["web"], rest)))
    }),
    ("Utilities.HttpCheck.dll", |rest| {
        let words: Vec<String> = rest
            .iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        httpcheck::Args::parse(&words)
            .map(Applet::HttpCheck)
            .map_err(|e| format!("dotnet Utilities.HttpCheck.dll: {e}"))
    }),
];

/// Our own command line for one of the book's.
fn ours(subcommand: &[&str], rest: &[OsString]) -> Vec<OsString> {
    std::iter::once("numbers-api")
        .chain(subcommand.iter().copied())
        .map(OsString::from)
        .chain(rest.iter().cloned())
        .collect()
}

/// What `dotnet <words>` asks for; the error is the line to print.
pub fn translate(words: &[OsString]) -> Result<Applet, String> {
    let assembly = words.first().map(|first| {
        Path::new(first)
            .file_name()
            .unwrap_or(first.as_os_str())
            .to_string_lossy()
            .into_owned()
    });
    let Some(name) = assembly else {
        return Err(refusal("no assembly given"));
    };
    match ASSEMBLIES.iter().find(|(known, _)| *known == name) {
        Some((_, start)) => start(&words[1..]),
        None => Err(refusal(&format!(
            "cannot run '{}'",
            words[0].to_string_lossy()
        ))),
    }
}

fn refusal(what: &str) -> String {
    let names = ASSEMBLIES.map(|(name, _)| name).join(", ");
    format!("dotnet: {what}: this dotnet is numbers-api, not .NET, and runs only {names}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn ours_for(list: &[&str]) -> Vec<OsString> {
        match translate(&words(list)) {
            Ok(Applet::Ours(args)) => args,
            other => panic!("{list:?}: {other:?}"),
        }
    }

    #[test]
    fn the_api_and_the_web_app_become_our_command_lines() {
        assert_eq!(ours_for(&["Numbers.Api.dll"]), words(&["numbers-api"]));
        assert_eq!(ours_for(&["/app/Numbers.Api.dll"]), words(&["numbers-api"]));
        assert_eq!(
            ours_for(&["Numbers.Web.dll", "--api-timeout", "1s"]),
            words(&["numbers-api", "web", "--api-timeout", "1s"])
        );
    }

    #[test]
    fn the_check_parses_its_flags() {
        match translate(&words(&["Utilities.HttpCheck.dll", "-t", "150"])) {
            Ok(Applet::HttpCheck(args)) => assert_eq!(args.timeout_ms, 150),
            other => panic!("{other:?}"),
        }
        let err = translate(&words(&["Utilities.HttpCheck.dll", "-t", "x"])).unwrap_err();
        assert!(
            err.starts_with("dotnet Utilities.HttpCheck.dll: invalid value 'x' for -t"),
            "{err}"
        );
    }

    #[test]
    fn anything_else_is_refused_naming_what_runs() {
        for list in [
            &[][..],
            &["Foo.dll"],
            &["numbers.api.dll"],
            &["--info"],
            &["exec", "Numbers.Api.dll"],
        ] {
            let err = translate(&words(list)).unwrap_err();
            assert!(err.starts_with("dotnet: "), "{err}");
            assert!(
                err.ends_with(
                    "runs only Numbers.Api.dll, Numbers.Web.dll, Utilities.HttpCheck.dll"
                ),
                "{err}"
            );
            assert!(!err.contains('\n'), "{err}");
        }
        let err = translate(&words(&["Foo.dll"])).unwrap_err();
        assert!(err.contains("'Foo.dll'"), "{err}");
    }
}
