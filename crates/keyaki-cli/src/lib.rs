//! # keyaki-cli: the `keyaki` command
//!
//! A thin layer over the library crates: it reads arguments (with clap), loads documents,
//! calls the library, and prints results for people (text) or programs (JSON). Flag names
//! follow `aws accessanalyzer`, so a pipeline can switch with a rename.
//!
//! Everything is reachable through [`run`], which takes the arguments and an [`Io`] (standard
//! input, output and error as plain readers and writers) and returns an [`Exit`] code. The
//! binary's `main` is three lines; the tests call [`run`] with in-memory buffers.
//!
//! Exit codes: 0 PASS (or success), 1 FAIL, 2 bad input or usage, 3 UNKNOWN; `keyaki sat`
//! follows the SAT competition instead: 10 SAT, 20 UNSAT.

#![forbid(unsafe_code)]

mod access;
mod account;
mod args;
mod batch;
mod can;
mod checks;
mod document;
mod evaluate;
mod explain;
mod findings;
mod render;
mod sarif;
mod sat;
mod scan;
mod simulate;
mod simulate_policy;
mod validate;
mod validate_policy;
mod who_can;

pub use args::{Cli, Command, OutputFormat};

use clap::Parser as _;
use std::io::{IsTerminal as _, Read, Write};
use std::process::ExitCode;

/// The process exit code of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success, or a check that passed.
    Pass = 0,
    /// A check that failed.
    Fail = 1,
    /// Bad input or usage.
    BadInput = 2,
    /// The answer could not be decided soundly.
    Unknown = 3,
    /// `keyaki sat`: satisfiable (the SAT competition's code).
    Satisfiable = 10,
    /// `keyaki sat`: unsatisfiable (the SAT competition's code).
    Unsatisfiable = 20,
}

/// Where a run reads and writes.
pub struct Io<'a> {
    /// Standard input (for `-` documents).
    pub stdin: &'a mut dyn Read,
    /// Standard output: results.
    pub stdout: &'a mut dyn Write,
    /// Standard error: problems with the input and warnings.
    pub stderr: &'a mut dyn Write,
    /// Whether standard output is a terminal (text output and colors by default).
    pub terminal: bool,
}

/// Runs `keyaki` with `args` (the first is the program name).
pub fn run<I, T>(args: I, io: &mut Io<'_>) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let shown = error.render().to_string();
            return if error.use_stderr() {
                let _ = write!(io.stderr, "{shown}");
                Exit::BadInput
            } else {
                let _ = write!(io.stdout, "{shown}");
                Exit::Pass
            };
        }
    };
    let output = cli.output.unwrap_or(if io.terminal {
        OutputFormat::Text
    } else {
        OutputFormat::Json
    });
    let color =
        io.terminal && output == OutputFormat::Text && std::env::var_os("NO_COLOR").is_none();
    let style = render::Style::new(color);
    if output == OutputFormat::Sarif {
        return sarif_run(&cli.command, style, io);
    }
    dispatch(&cli.command, output, style, io)
}

fn dispatch(
    command: &Command,
    output: OutputFormat,
    style: render::Style,
    io: &mut Io<'_>,
) -> Exit {
    match command {
        Command::Validate(args) => validate::run(args, output, style, io),
        Command::ValidatePolicy(args) => validate_policy::run(args, output, style, io),
        Command::Evaluate(args) => evaluate::run(args, output, style, io),
        Command::Simulate(args) => simulate::run(args, output, style, io),
        Command::SimulatePrincipalPolicy(args) => {
            simulate_policy::run_principal(args, output, style, io)
        }
        Command::SimulateCustomPolicy(args) => simulate_policy::run_custom(args, output, style, io),
        Command::Can(args) => can::run(args, output, style, io),
        Command::WhoCan(args) => who_can::run(args, output, style, io),
        Command::CheckNoNewAccess(args) => checks::no_new_access(args, output, style, io),
        Command::CheckAccessNotGranted(args) => checks::access_not_granted(args, output, style, io),
        Command::CheckNoPublicAccess(args) => checks::no_public_access(args, output, style, io),
        Command::Findings(args) => findings::run(args, output, style, io),
        Command::Explain(args) => explain::run(args, output, style, io),
        Command::Scan(args) => scan::run(args, output, style, io),
        Command::Sat(args) => sat::run(args, io),
    }
}

/// `--output sarif`: the command prints its SARIF results; they are wrapped into one log.
fn sarif_run(command: &Command, style: render::Style, io: &mut Io<'_>) -> Exit {
    let reports_sarif = matches!(
        command,
        Command::Validate(_)
            | Command::CheckNoNewAccess(_)
            | Command::CheckAccessNotGranted(_)
            | Command::CheckNoPublicAccess(_)
            | Command::Findings(_)
            | Command::Scan(_)
    );
    if !reports_sarif {
        let _ = writeln!(
            io.stderr,
            "error: `--output sarif` is for validate, the checks, findings and scan; use text or json here"
        );
        return Exit::BadInput;
    }
    let mut results = Vec::new();
    let exit = {
        let mut inner = Io {
            stdin: &mut *io.stdin,
            stdout: &mut results,
            stderr: &mut *io.stderr,
            terminal: io.terminal,
        };
        dispatch(command, OutputFormat::Sarif, style, &mut inner)
    };
    let (results, notifications) = sarif::read_output(&results);
    let log = sarif::log(results, notifications, exit != Exit::BadInput);
    let _ = writeln!(
        io.stdout,
        "{}",
        serde_json::to_string_pretty(&log).unwrap_or_default()
    );
    exit
}

/// The binary's entry point: real standard streams, and a broken pipe counts as success.
///
/// The streams are passed unlocked: each write takes the standard library's lock for itself
/// and lets it go. Holding `stderr().lock()` for the whole run, as this function once did,
/// deadlocks a batch on a terminal: the progress bar draws on standard error from rayon's
/// worker threads, which then wait forever for the lock that the main thread, itself waiting
/// for those workers, holds.
pub fn main_entry() -> ExitCode {
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let mut stdout = BrokenPipeIsFine(stdout);
    let mut io = Io {
        stdin: &mut std::io::stdin(),
        stdout: &mut stdout,
        stderr: &mut std::io::stderr(),
        terminal,
    };
    let exit = run(std::env::args_os(), &mut io);
    ExitCode::from(exit as u8)
}

/// A writer that swallows `BrokenPipe`, so `keyaki … | head` ends quietly.
struct BrokenPipeIsFine<W: Write>(W);

impl<W: Write> Write for BrokenPipeIsFine<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}
