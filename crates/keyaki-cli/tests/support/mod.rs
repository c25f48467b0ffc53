//! What the CLI's test files share: running `keyaki` in-process with in-memory streams.

use keyaki_cli::{Exit, Io, run};

/// Runs keyaki in-process; returns the exit code, standard output and standard error.
pub fn keyaki(args: &[&str], stdin: &[u8]) -> (Exit, String, String) {
    let mut input = stdin;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdin: &mut input,
        stdout: &mut out,
        stderr: &mut err,
        terminal: false,
    };
    let exit = run(
        std::iter::once("keyaki").chain(args.iter().copied()),
        &mut io,
    );
    (
        exit,
        String::from_utf8(out).expect("keyaki prints UTF-8"),
        String::from_utf8(err).expect("keyaki prints UTF-8"),
    )
}
