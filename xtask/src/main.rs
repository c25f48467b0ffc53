//! `cargo xtask`: keyaki's developer workflows, written in Rust so there is nothing else to
//! install or remember.
//!
//! - `cargo xtask ci`: exactly what CI runs (`.ci/run` calls the same three steps):
//!   formatting, clippy with warnings denied, and the test suite.
//! - `cargo xtask bench-automata`: keyaki's glob automata against regex-automata's DFAs on
//!   the real patterns of `../shared/data/` and on blow-up families (build with `--release`
//!   for meaningful times: `cargo run --release -p xtask -- bench-automata`).

mod bench_automata;
mod bench_checks;
mod bench_sat;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench-automata") => match bench_automata::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        Some("bench-checks") => match bench_checks::run(args.get(1..).unwrap_or_default()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        Some("bench-sat") => match bench_sat::run(args.get(1..).unwrap_or_default()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask <ci|bench-automata|bench-checks|bench-sat>");
            eprintln!("  ci              run what CI runs: fmt --check, clippy -D warnings, test");
            eprintln!("  bench-automata  compare keyaki's automata with regex-automata's DFAs");
            eprintln!("  bench-checks    the checks on the real AWS policies of ../shared/data/");
            eprintln!(
                "  bench-sat       time and check `keyaki sat` against minisat on SATLIB CNFs"
            );
            ExitCode::from(2)
        }
    }
}

/// The CI steps, in order; stops at the first failure.
fn ci() -> ExitCode {
    let steps: [&[&str]; 3] = [
        &["fmt", "--all", "--check"],
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &["test", "--workspace"],
    ];
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    for step in steps {
        eprintln!("==> cargo {}", step.join(" "));
        match Command::new(&cargo).args(step).status() {
            Ok(status) if status.success() => {}
            Ok(_) => return ExitCode::FAILURE,
            Err(error) => {
                eprintln!("error: cannot run `{cargo}`: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
