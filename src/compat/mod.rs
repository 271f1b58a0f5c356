//! Other programs' names: the books' settings and, by the name the binary was called
//! by (as busybox does), their command lines.

pub mod books;
pub mod configuration;
pub mod dotnet;
pub mod httpcheck;

use std::ffi::OsString;
use std::path::Path;

/// What a foreign command line asks of this binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applet {
    /// Our own command line (`numbers-api web ...`), to run as if typed.
    Ours(Vec<OsString>),
    /// `Utilities.HttpCheck` with these flags.
    HttpCheck(httpcheck::Args),
}

/// What a command line (argv, program name first) asks for when the binary was
/// called as `dotnet`, else `None`; the error is the line to print, exit 1.
pub fn applet(argv: &[OsString]) -> Option<Result<Applet, String>> {
    let called = Path::new(argv.first()?).file_name()?;
    (called == "dotnet").then(|| dotnet::translate(&argv[1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn only_the_name_dotnet_is_foreign() {
        assert!(applet(&argv(&["numbers-api", "Numbers.Api.dll"])).is_none());
        assert!(applet(&argv(&["/usr/bin/dotnet-x", "Numbers.Api.dll"])).is_none());
        assert!(applet(&[]).is_none());
        assert_eq!(
            applet(&argv(&["/usr/bin/dotnet", "Numbers.Api.dll"])),
            Some(Ok(Applet::Ours(argv(&["numbers-api"]))))
        );
        assert!(matches!(applet(&argv(&["dotnet"])), Some(Err(_))));
    }
}
