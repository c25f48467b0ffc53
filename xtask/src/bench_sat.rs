//! `cargo xtask bench-sat`: keyaki's SAT solver against MiniSat on SATLIB's uniform random
//! 3-SAT families, with every answer checked.
//!
//! **What it measures.** For every `.cnf` file of every family directory (by default each
//! subdirectory of `/work/cnf-cache`, e.g. `uf50-218/`, `uuf250-1065/`), the wall-clock time
//! of one `keyaki sat FILE` process and of one `minisat` process on the same formula, taken
//! with [`Instant`] around the child process from spawn to exit. Both solvers pay process
//! start-up and file parsing equally, so on the small families the times are mostly start-up;
//! the large families (200 variables and up) are where the search shows. Per family it prints
//! the number of instances, each solver's total and median time, and the ratio of the totals
//! keyaki/minisat (below 1 means keyaki is faster), then one line over all families. A run
//! that hits the per-file timeout (`--timeout`, 60 s by default) is counted as the whole
//! timeout in totals and medians, and the timeouts are listed under the table; a ratio with
//! keyaki timeouts in it is therefore a lower bound.
//!
//! **What it checks.** The family's name says the answer: SATLIB builds `uf*` families from
//! satisfiable instances only and `uuf*` families from unsatisfiable ones (a directory with
//! another name has no expected answer, and then the two solvers must only agree). Every
//! answer must match; keyaki's exit code must be 10 for SAT and 20 for UNSAT, as MiniSat's;
//! every SAT answer's model (the `v` lines) is checked against every clause of the file,
//! which this module parses itself (it does not depend on the solver crate, whose bugs it is
//! meant to catch). A wrong answer, a wrong model, a crash, an unknown answer or a
//! disagreement is printed at once on a line starting with `!!!` and makes the command fail.
//!
//! **How the solvers are run.** keyaki: `target/release/keyaki sat FILE` (build it first
//! with `cargo build --release -p keyaki-cli`; this command builds nothing), read in the SAT
//! competition format: an `s SATISFIABLE` / `s UNSATISFIABLE` line and `v … 0` model lines on
//! stdout. MiniSat: the `minisat` found on `PATH`, run as `minisat -verb=0 IN OUT`, the answer
//! and model read from `OUT`. MiniSat rejects the `%` / `0` trailer that SATLIB files end
//! with, so it is given a copy of the file cut before the `%` line, written before the clock
//! starts; keyaki gets the original file. Without MiniSat, keyaki is timed alone.
//!
//! The environment variable `KEYAKI_SAT_BIN` replaces the keyaki binary. A binary whose file
//! name starts with `minisat` is driven the MiniSat way, so `KEYAKI_SAT_BIN=$(which minisat)`
//! runs MiniSat on both sides, which tests this harness end to end.
//!
//! Usage: `cargo xtask bench-sat [DIR] [--timeout SECS] [--first N]`. `DIR` is a directory of
//! family directories, or one family directory itself; `--first N` takes the first `N`
//! instances of each family, by instance number.

use std::cmp::Ordering;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Where the full SATLIB families are kept (too big to commit).
const DEFAULT_DIR: &str = "/work/cnf-cache";
/// The per-file timeout when `--timeout` is not given.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

pub fn run(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let families = find_families(&options.dir)?;
    if families.is_empty() {
        return Err(format!(
            "no family directory with .cnf files under {}",
            options.dir.display()
        ));
    }

    let keyaki = keyaki_solver()?;
    let minisat = find_on_path("minisat").map(|path| Solver {
        name: "minisat",
        path,
        protocol: Protocol::Minisat,
    });
    let scratch = Scratch::new()?;

    println!(
        "bench-sat: {} famil{} under {}, timeout {} per file",
        families.len(),
        if families.len() == 1 { "y" } else { "ies" },
        options.dir.display(),
        fmt_duration(options.timeout)
    );
    println!("keyaki:  {}", keyaki.describe());
    match &minisat {
        Some(solver) => println!("minisat: {}", solver.describe()),
        None => println!(
            "minisat: not found on PATH (install it with `apt-get install -y minisat`); \
             timing keyaki alone"
        ),
    }
    println!();

    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for family in &families {
        let files = match options.first {
            Some(n) => family.files.iter().take(n).collect::<Vec<_>>(),
            None => family.files.iter().collect(),
        };
        let plural = if files.len() == 1 { "" } else { "s" };
        eprint!("{} ({} file{plural})…", family.name, files.len());
        let mut row = Row::new(&family.name, family.expect);
        for file in files {
            let cnf = Cnf::read(file)?;
            let outcome = run_solver(&keyaki, file, &cnf, options.timeout, &scratch)?;
            let keyaki_answer = judge(&keyaki, file, &cnf, family.expect, &outcome, &mut problems);
            row.keyaki.add(&outcome, options.timeout);
            if let Some(minisat) = &minisat {
                let outcome = run_solver(minisat, file, &cnf, options.timeout, &scratch)?;
                let minisat_answer =
                    judge(minisat, file, &cnf, family.expect, &outcome, &mut problems);
                row.minisat.add(&outcome, options.timeout);
                match (keyaki_answer, minisat_answer) {
                    (Some(k), Some(m)) if k != m => report(
                        &mut problems,
                        format!(
                            "DISAGREEMENT on {}: keyaki says {}, minisat says {}",
                            file.display(),
                            verdict_name(k),
                            verdict_name(m)
                        ),
                    ),
                    _ => {}
                }
            }
        }
        eprintln!(" done");
        rows.push(row);
    }

    print_table(&rows, minisat.is_some());
    if problems.is_empty() {
        println!("\nall answers as expected; every SAT model satisfies its formula");
        Ok(())
    } else {
        Err(format!(
            "{} problem(s), each printed above on a line starting with `!!!`",
            problems.len()
        ))
    }
}

/// The command line of `bench-sat`.
struct Options {
    dir: PathBuf,
    timeout: Duration,
    first: Option<usize>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            dir: PathBuf::from(DEFAULT_DIR),
            timeout: DEFAULT_TIMEOUT,
            first: None,
        };
        let mut dir_given = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--timeout" => {
                    let value = args.next().ok_or("--timeout needs a number of seconds")?;
                    let secs: f64 = value
                        .parse()
                        .map_err(|_| format!("--timeout: `{value}` is not a number of seconds"))?;
                    options.timeout = Duration::try_from_secs_f64(secs)
                        .ok()
                        .filter(|t| !t.is_zero())
                        .ok_or(format!("--timeout: `{value}` is not a positive duration"))?;
                }
                "--first" => {
                    let value = args.next().ok_or("--first needs a number of files")?;
                    let n: usize = value
                        .parse()
                        .map_err(|_| format!("--first: `{value}` is not a number"))?;
                    options.first = Some(n);
                }
                flag if flag.starts_with('-') => {
                    return Err(format!(
                        "unknown option `{flag}`; usage: cargo xtask bench-sat [DIR] \
                         [--timeout SECS] [--first N]"
                    ));
                }
                dir if !dir_given => {
                    options.dir = PathBuf::from(dir);
                    dir_given = true;
                }
                extra => return Err(format!("unexpected argument `{extra}`")),
            }
        }
        Ok(options)
    }
}

// ---------------------------------------------------------------------------------------------
// Families and files

/// A directory of `.cnf` files; its name may say the expected answer.
struct Family {
    name: String,
    expect: Option<Verdict>,
    files: Vec<PathBuf>,
}

/// The families under `dir`: `dir` itself if it holds `.cnf` files, and each subdirectory
/// that does, ordered by size (the first number in the name) and then by name.
fn find_families(dir: &Path) -> Result<Vec<Family>, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a directory (the SATLIB families are expected there, one directory each)",
            dir.display()
        ));
    }
    let mut families = Vec::new();
    if let Some(family) = family_at(dir)? {
        families.push(family);
    }
    for sub in list_dir(dir)?.into_iter().filter(|p| p.is_dir()) {
        if let Some(family) = family_at(&sub)? {
            families.push(family);
        }
    }
    families.sort_by(|a, b| {
        first_number(&a.name)
            .cmp(&first_number(&b.name))
            .then_with(|| natural_cmp(&a.name, &b.name))
    });
    Ok(families)
}

fn family_at(dir: &Path) -> Result<Option<Family>, String> {
    let mut files: Vec<PathBuf> = list_dir(dir)?
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "cnf"))
        .collect();
    if files.is_empty() {
        return Ok(None);
    }
    files.sort_by(|a, b| natural_cmp(&file_name(a), &file_name(b)));
    let name = file_name(dir);
    let expect = if name.starts_with("uuf") {
        Some(Verdict::Unsat)
    } else if name.starts_with("uf") {
        Some(Verdict::Sat)
    } else {
        None
    };
    Ok(Some(Family {
        name,
        expect,
        files,
    }))
}

fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        paths.push(entry.path());
    }
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn first_number(name: &str) -> u64 {
    name.split(|c: char| !c.is_ascii_digit())
        .find(|run| !run.is_empty())
        .and_then(|run| run.parse().ok())
        .unwrap_or(0)
}

/// Compares names with their digit runs as numbers, so `uf50-2` < `uf50-10` and
/// `uf50-09` < `uf50-010` (SATLIB numbers its instances `01`…`09`, `010`…).
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (x_run, x_rest) = split_digits(a);
                let (y_run, y_rest) = split_digits(b);
                let x_num = x_run.trim_start_matches('0');
                let y_num = y_run.trim_start_matches('0');
                let by_value = x_num.len().cmp(&y_num.len()).then_with(|| x_num.cmp(y_num));
                match by_value.then_with(|| x_run.len().cmp(&y_run.len())) {
                    Ordering::Equal => (a, b) = (x_rest, y_rest),
                    other => return other,
                }
            }
            (Some(x), Some(y)) => match x.cmp(&y) {
                Ordering::Equal => {
                    a = a.get(x.len_utf8()..).unwrap_or_default();
                    b = b.get(y.len_utf8()..).unwrap_or_default();
                }
                other => return other,
            },
        }
    }
}

fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

// ---------------------------------------------------------------------------------------------
// CNF files

/// How a solver is called and how its answer is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// `BIN sat FILE`; `s` and `v` lines on stdout; exit 10 (SAT) or 20 (UNSAT).
    Keyaki,
    /// `BIN -verb=0 FILE OUT`; `SAT` + model or `UNSAT` in `OUT`; no `%` trailer in `FILE`.
    Minisat,
}

struct Solver {
    name: &'static str,
    path: PathBuf,
    protocol: Protocol,
}

impl Solver {
    fn describe(&self) -> String {
        match self.protocol {
            Protocol::Keyaki => format!("{} (run as `sat FILE`)", self.path.display()),
            Protocol::Minisat => format!("{} (run as `-verb=0 FILE OUT`)", self.path.display()),
        }
    }
}

/// keyaki's binary: `KEYAKI_SAT_BIN` if set, else `target/release/keyaki`.
fn keyaki_solver() -> Result<Solver, String> {
    let path = match std::env::var_os("KEYAKI_SAT_BIN") {
        Some(path) => {
            let path = PathBuf::from(path);
            if !path.is_file() {
                return Err(format!(
                    "KEYAKI_SAT_BIN is {}, which is not a file",
                    path.display()
                ));
            }
            path
        }
        None => {
            let path = target_dir().join("release").join("keyaki");
            if !path.is_file() {
                return Err(format!(
                    "{} is missing: run `cargo build --release -p keyaki-cli` first \
                     (or set KEYAKI_SAT_BIN to a solver binary)",
                    path.display()
                ));
            }
            path
        }
    };
    let protocol = if file_name(&path).starts_with("minisat") {
        Protocol::Minisat
    } else {
        Protocol::Keyaki
    };
    Ok(Solver {
        name: "keyaki",
        path,
        protocol,
    })
}

/// The workspace's target directory: `CARGO_TARGET_DIR` if set, else `target/`.
fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = workspace.canonicalize().unwrap_or(workspace);
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir()
                    .map(|cwd| cwd.join(&dir))
                    .unwrap_or(dir)
            }
        }
        None => workspace.join("target"),
    }
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A directory of this process's own for the trailer-less copies and MiniSat's result file,
/// removed when the run ends.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new() -> Result<Scratch, String> {
        let dir = std::env::temp_dir().join(format!("keyaki-bench-sat-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(Scratch { dir })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Verdict {
    Sat,
    Unsat,
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Sat => "SATISFIABLE",
        Verdict::Unsat => "UNSATISFIABLE",
    }
}

/// What one run of one solver on one file gave.
struct Outcome {
    elapsed: Duration,
    result: RunResult,
}

enum RunResult {
    Answer {
        verdict: Verdict,
        model: Vec<i64>,
        status: ExitStatus,
    },
    /// Killed at the timeout.
    Timeout,
    /// No SAT/UNSAT answer: a crash, an error, `s UNKNOWN`, unreadable output.
    NoAnswer(String),
}

fn run_solver(
    solver: &Solver,
    file: &Path,
    cnf: &Cnf,
    timeout: Duration,
    scratch: &Scratch,
) -> Result<Outcome, String> {
    let mut command = Command::new(&solver.path);
    let result_file = scratch.dir.join(format!("{}.out", solver.name));
    match solver.protocol {
        Protocol::Keyaki => {
            command.arg("sat").arg(file);
        }
        Protocol::Minisat => {
            let input = match &cnf.without_trailer {
                Some(text) => {
                    let copy = scratch.dir.join(format!("{}.cnf", solver.name));
                    std::fs::write(&copy, text)
                        .map_err(|e| format!("cannot write {}: {e}", copy.display()))?;
                    copy
                }
                None => file.to_path_buf(),
            };
            match std::fs::remove_file(&result_file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot remove {}: {e}", result_file.display())),
            }
            command.arg("-verb=0").arg(input).arg(&result_file);
        }
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());

    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", solver.path.display()))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let mut status = None;
    while status.is_none() {
        status = child
            .try_wait()
            .map_err(|e| format!("cannot wait for {}: {e}", solver.path.display()))?;
        let elapsed = start.elapsed();
        if status.is_none() {
            if elapsed >= timeout {
                break;
            }
            // Poll finely at first and then more coarsely: the measuring error stays under
            // 2% of the time taken, and a long run does not keep a core busy polling.
            let nap = (elapsed / 50).clamp(Duration::from_micros(50), Duration::from_millis(20));
            std::thread::sleep(nap);
        }
    }
    let elapsed = start.elapsed();
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        // The reader threads are left to finish on their own: a grandchild that outlived
        // the solver (a wrapper script's) may hold the pipes open.
        drop((stdout, stderr));
        return Ok(Outcome {
            elapsed: timeout,
            result: RunResult::Timeout,
        });
    };
    let stdout = join(stdout);
    let stderr = join(stderr);

    let result = match solver.protocol {
        Protocol::Keyaki => read_competition_output(&stdout, status),
        Protocol::Minisat => match std::fs::read_to_string(&result_file) {
            Ok(text) => read_minisat_output(&text, status),
            Err(e) => Err(format!("no result file ({e})")),
        },
    };
    let result = result.unwrap_or_else(|why| {
        let stderr = stderr.trim();
        let stderr = stderr.lines().last().unwrap_or("");
        RunResult::NoAnswer(if stderr.is_empty() {
            format!("{why}; {status}")
        } else {
            format!("{why}; {status}; stderr: {stderr}")
        })
    });
    Ok(Outcome { elapsed, result })
}

/// Reads a child's pipe to the end on its own thread, so a chatty child never blocks.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> Option<JoinHandle<String>> {
    let mut pipe = pipe?;
    Some(std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    }))
}

fn join(handle: Option<JoinHandle<String>>) -> String {
    handle.and_then(|h| h.join().ok()).unwrap_or_default()
}

/// The SAT competition output format: `s …` answer line, `v …` model lines ending in `0`.
fn read_competition_output(stdout: &str, status: ExitStatus) -> Result<RunResult, String> {
    let mut verdict = None;
    let mut model = Vec::new();
    let mut model_ended = false;
    for line in stdout.lines() {
        let line = line.trim();
        if let Some(answer) = line.strip_prefix("s ") {
            let answer = match answer.trim() {
                "SATISFIABLE" => Verdict::Sat,
                "UNSATISFIABLE" => Verdict::Unsat,
                other => return Err(format!("answer `s {other}`")),
            };
            if verdict.replace(answer).is_some() {
                return Err("two `s` lines".to_string());
            }
        } else if let Some(values) = line.strip_prefix("v ").or((line == "v").then_some("")) {
            for token in values.split_whitespace() {
                let literal: i64 = token
                    .parse()
                    .map_err(|_| format!("`{token}` in a `v` line is not a literal"))?;
                if model_ended {
                    return Err("`v` literals after the terminating 0".to_string());
                }
                if literal == 0 {
                    model_ended = true;
                } else {
                    model.push(literal);
                }
            }
        }
    }
    let Some(verdict) = verdict else {
        return Err("no `s` line on stdout".to_string());
    };
    if verdict == Verdict::Sat && !model_ended {
        return Err("SATISFIABLE but no complete `v … 0` model".to_string());
    }
    Ok(RunResult::Answer {
        verdict,
        model,
        status,
    })
}

/// MiniSat's result file: `SAT` and a model line ending in `0`, `UNSAT`, or `INDET`.
fn read_minisat_output(text: &str, status: ExitStatus) -> Result<RunResult, String> {
    let mut lines = text.lines();
    let verdict = match lines.next().map(str::trim) {
        Some("SAT") => Verdict::Sat,
        Some("UNSAT") => Verdict::Unsat,
        Some(other) => return Err(format!("result file says `{other}`")),
        None => return Err("empty result file".to_string()),
    };
    let mut model = Vec::new();
    if verdict == Verdict::Sat {
        let mut ended = false;
        for token in lines.flat_map(str::split_whitespace) {
            let literal: i64 = token
                .parse()
                .map_err(|_| format!("`{token}` in the model is not a literal"))?;
            if literal == 0 {
                ended = true;
                break;
            }
            model.push(literal);
        }
        if !ended {
            return Err("SAT but the model is not ended by 0".to_string());
        }
    }
    Ok(RunResult::Answer {
        verdict,
        model,
        status,
    })
}

/// Checks one outcome, records its problems, and returns its verdict if it has a usable one.
fn judge(
    solver: &Solver,
    file: &Path,
    cnf: &Cnf,
    expect: Option<Verdict>,
    outcome: &Outcome,
    problems: &mut Vec<String>,
) -> Option<Verdict> {
    let who = solver.name;
    let file = file.display();
    match &outcome.result {
        RunResult::Timeout => None,
        RunResult::NoAnswer(why) => {
            report(problems, format!("NO ANSWER from {who} on {file}: {why}"));
            None
        }
        RunResult::Answer {
            verdict,
            model,
            status,
        } => {
            let mut right = true;
            if let Some(expected) = expect.filter(|e| e != verdict) {
                report(
                    problems,
                    format!(
                        "WRONG ANSWER from {who} on {file}: {}, but the family is {}",
                        verdict_name(*verdict),
                        verdict_name(expected)
                    ),
                );
                right = false;
            }
            let code = match verdict {
                Verdict::Sat => 10,
                Verdict::Unsat => 20,
            };
            if status.code() != Some(code) {
                report(
                    problems,
                    format!(
                        "WRONG EXIT CODE from {who} on {file}: {} with {status}, expected {code}",
                        verdict_name(*verdict)
                    ),
                );
            }
            if *verdict == Verdict::Sat
                && let Err(why) = cnf.check_model(model)
            {
                report(problems, format!("WRONG MODEL from {who} on {file}: {why}"));
                right = false;
            }
            right.then_some(*verdict)
        }
    }
}

fn report(problems: &mut Vec<String>, message: String) {
    eprintln!("\n!!! {message}");
    problems.push(message);
}

// ---------------------------------------------------------------------------------------------
// The table

mod cnf;
mod table;

use cnf::Cnf;
use table::{Row, fmt_duration, print_table};

#[cfg(test)]
mod tests;
