//! Many documents in one run: a repository of policies checked in parallel, reported in a
//! fixed order.
//!
//! A document argument that names a directory stands for every `.json` file under it (sorted
//! by path), and several arguments may be given. With one document, a command behaves exactly
//! as it always does. With several, each document is checked on its own, in parallel (rayon),
//! into its own buffers; the outputs are then printed in the order of the documents, whatever
//! the number of threads, so two runs print the same bytes:
//!
//! - text: a `── path` header before each document's output, and a summary line;
//! - JSON: `{"results": [{"document", "exit", "output"}…], "summary": {…}}`, each `output`
//!   being what the command prints for that document alone;
//! - SARIF: one log, the results of every document together.
//!
//! A progress bar (indicatif) counts documents on standard error when it is a terminal; in CI
//! or when piped there is none. The bar writes to the process's standard error itself, from
//! the worker threads, so no caller may hold that stream's lock during a run (`main_entry`
//! passes the streams unlocked; `tests/terminal.rs` runs batches under a pseudo-terminal to
//! keep it so). The exit code: 2 if some document was bad input, else 1 if some
//! check failed, else 3 if some answer is unknown, else 0.

use crate::document::{DocumentArg, json_files_under};
use crate::{Exit, Io, OutputFormat};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::io::IsTerminal as _;

/// What one document's run printed.
struct DocumentRun {
    document: String,
    exit: Exit,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Expands directory arguments into their `.json` files (sorted); other arguments stay.
pub fn expand_documents(arguments: &[String]) -> Result<Vec<String>, String> {
    let mut documents = Vec::new();
    for argument in arguments {
        match DocumentArg::from_arg(argument) {
            DocumentArg::Path(path) if path.is_dir() => {
                for file in json_files_under(&path)? {
                    documents.push(file.display().to_string());
                }
            }
            _ => documents.push(argument.clone()),
        }
    }
    Ok(documents)
}

/// Runs `job` for every document of `arguments`: directly for one document, in parallel and
/// then in order for several (see the module docs).
pub fn for_each_document(
    arguments: &[String],
    output: OutputFormat,
    io: &mut Io<'_>,
    job: impl Fn(&str, &mut Io<'_>) -> Exit + Sync,
) -> Exit {
    let documents = match expand_documents(arguments) {
        Ok(documents) => documents,
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return Exit::BadInput;
        }
    };
    match documents.as_slice() {
        [] => {
            let _ = writeln!(io.stderr, "error: no policy documents found");
            Exit::BadInput
        }
        [only] => job(only, io),
        _ if documents.iter().any(|d| d == "-") => {
            let _ = writeln!(
                io.stderr,
                "error: `-` (standard input) can only be the one document of a run"
            );
            Exit::BadInput
        }
        _ => {
            let runs = run_all(
                &documents,
                io.terminal,
                &|index, io| match documents.get(index) {
                    Some(document) => job(document, io),
                    None => Exit::BadInput,
                },
            );
            report(&runs, output, io)
        }
    }
}

/// Runs `job(i)` for each of `labels` (already expanded, such as pairs of policies): directly
/// for one, in parallel and then in order for several.
pub fn for_each_labelled(
    labels: &[String],
    output: OutputFormat,
    io: &mut Io<'_>,
    job: impl Fn(usize, &mut Io<'_>) -> Exit + Sync,
) -> Exit {
    if labels.len() == 1 {
        return job(0, io);
    }
    if labels.iter().any(|l| l == "-") {
        let _ = writeln!(
            io.stderr,
            "error: `-` (standard input) can only be the one document of a run"
        );
        return Exit::BadInput;
    }
    let runs = run_all(labels, io.terminal, &job);
    report(&runs, output, io)
}

fn run_all(
    documents: &[String],
    terminal: bool,
    job: &(impl Fn(usize, &mut Io<'_>) -> Exit + Sync),
) -> Vec<DocumentRun> {
    let progress = (terminal && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(documents.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} documents {elapsed}")
        {
            bar.set_style(style);
        }
        bar
    });
    let runs: Vec<DocumentRun> = documents
        .par_iter()
        .enumerate()
        .map(|(index, document)| {
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut io = Io {
                stdin: &mut std::io::empty(),
                stdout: &mut stdout,
                stderr: &mut stderr,
                terminal,
            };
            let exit = job(index, &mut io);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            DocumentRun {
                document: document.clone(),
                exit,
                stdout,
                stderr,
            }
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    runs
}

/// The run's exit code from the documents' (module docs).
fn overall(runs: &[DocumentRun]) -> Exit {
    let any = |exit: Exit| runs.iter().any(|r| r.exit == exit);
    if any(Exit::BadInput) {
        Exit::BadInput
    } else if any(Exit::Fail) {
        Exit::Fail
    } else if any(Exit::Unknown) {
        Exit::Unknown
    } else {
        Exit::Pass
    }
}

/// How many documents ended each way.
struct Summary {
    documents: usize,
    pass: usize,
    fail: usize,
    unknown: usize,
    bad_input: usize,
}

fn summary(runs: &[DocumentRun]) -> Summary {
    let count = |exit: Exit| runs.iter().filter(|r| r.exit == exit).count();
    Summary {
        documents: runs.len(),
        pass: count(Exit::Pass),
        fail: count(Exit::Fail),
        unknown: count(Exit::Unknown),
        bad_input: count(Exit::BadInput),
    }
}

fn report(runs: &[DocumentRun], output: OutputFormat, io: &mut Io<'_>) -> Exit {
    for run in runs {
        let _ = io.stderr.write_all(&run.stderr);
    }
    match output {
        OutputFormat::Text => {
            for run in runs {
                let _ = writeln!(io.stdout, "── {}", run.document);
                let _ = io.stdout.write_all(&run.stdout);
                let _ = writeln!(io.stdout);
            }
            let s = summary(runs);
            let _ = writeln!(
                io.stdout,
                "{} documents: {} PASS, {} FAIL, {} UNKNOWN, {} bad input",
                s.documents, s.pass, s.fail, s.unknown, s.bad_input
            );
        }
        OutputFormat::Json => {
            let results: Vec<Value> = runs
                .iter()
                .map(|run| {
                    let parsed: Value = serde_json::from_slice(&run.stdout).unwrap_or(Value::Null);
                    json!({"document": run.document, "exit": run.exit as u8, "output": parsed})
                })
                .collect();
            let s = summary(runs);
            let all = json!({"results": results, "summary": {
                "documents": s.documents,
                "pass": s.pass,
                "fail": s.fail,
                "unknown": s.unknown,
                "badInput": s.bad_input,
            }});
            let _ = writeln!(
                io.stdout,
                "{}",
                serde_json::to_string_pretty(&all).unwrap_or_default()
            );
        }
        OutputFormat::Sarif => {
            // Each document printed a JSON array of SARIF results; the log wraps them all.
            let results: Vec<Value> = runs
                .iter()
                .flat_map(|run| match serde_json::from_slice(&run.stdout) {
                    Ok(Value::Array(results)) => results,
                    _ => Vec::new(),
                })
                .collect();
            let _ = writeln!(
                io.stdout,
                "{}",
                serde_json::to_string(&Value::Array(results)).unwrap_or_default()
            );
        }
    }
    overall(runs)
}
