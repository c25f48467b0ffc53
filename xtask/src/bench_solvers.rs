//! The "other solvers" section of `cargo xtask bench`: the same questions decided by keyaki,
//! z3 and cvc5, timed in the same run.
//!
//! The questions are those of real managed-policy updates (`check-no-new-access`), built by
//! `Check::build` and exported with `Context::to_smtlib` — the very formula keyaki decides.
//! z3 and cvc5 run through their Python packages (`python3 -m pip install z3-solver cvc5`),
//! one process per solver for all questions, each question timed inside the process from
//! reading the script to the answer, with a 10 s limit. keyaki's time is its whole check:
//! encoding, solving, and replaying the counterexample. The answers are compared too.

use keyaki_check::check::Check;
use keyaki_check::{CheckConfig, Encoder, Verdict, check_no_new_access};
use keyaki_logic::Context;
use keyaki_policy::ParsedPolicy;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The Python driver: `solve.py SOLVER TIMEOUT_MS FILE…` prints `answer seconds` per file.
const DRIVER: &str = r#"import sys, time
which, timeout_ms, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
if which == 'z3':
    import z3
    for f in files:
        t = time.perf_counter()
        s = z3.Solver(); s.set('timeout', timeout_ms); s.from_file(f)
        print(str(s.check()), time.perf_counter() - t, flush=True)
else:
    import cvc5
    for f in files:
        t = time.perf_counter()
        tm = cvc5.TermManager(); slv = cvc5.Solver(tm)
        slv.setOption('tlimit-per', str(timeout_ms))
        parser = cvc5.InputParser(slv)
        parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, f)
        sm = parser.getSymbolManager()
        while True:
            cmd = parser.nextCommand()
            if cmd.isNull():
                break
            if str(cmd).startswith('(check-sat'):
                continue
            cmd.invoke(slv, sm)
        r = slv.checkSat()
        answer = 'sat' if r.isSat() else 'unsat' if r.isUnsat() else 'unknown'
        print(answer, time.perf_counter() - t, flush=True)
"#;

/// Per-question limit for z3 and cvc5, in milliseconds.
const LIMIT_MS: u64 = 10_000;

/// One solver's answers and times on the questions.
struct Column {
    name: String,
    answers: Vec<String>,
    times: Vec<Duration>,
}

impl Column {
    fn answered(&self) -> usize {
        self.answers
            .iter()
            .filter(|a| *a == "sat" || *a == "unsat")
            .count()
    }

    fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.times.clone();
        sorted.sort();
        let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted.get(i).copied().unwrap_or_default()
    }

    fn total(&self) -> Duration {
        self.times.iter().sum()
    }
}

fn installed(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_python(driver: &Path, solver: &str, scripts: &[PathBuf]) -> Result<Column, String> {
    let output = Command::new("python3")
        .arg(driver)
        .arg(solver)
        .arg(LIMIT_MS.to_string())
        .args(scripts)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "{solver}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut column = Column {
        name: solver.to_string(),
        answers: Vec::new(),
        times: Vec::new(),
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut words = line.split_whitespace();
        let answer = words.next().unwrap_or("unknown").to_string();
        let seconds: f64 = words.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
        column.answers.push(answer);
        column.times.push(Duration::from_secs_f64(seconds));
    }
    Ok(column)
}

/// Decides `count` of the updates (evenly spaced) with keyaki, z3 and cvc5; prints the table.
pub fn compare(
    updates: &[(String, ParsedPolicy, ParsedPolicy)],
    count: usize,
    config: CheckConfig,
) -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-solvers");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let step = (updates.len() / count.max(1)).max(1);
    let mut keyaki = Column {
        name: "keyaki".to_string(),
        answers: Vec::new(),
        times: Vec::new(),
    };
    let mut scripts = Vec::new();
    for (index, (_, old, new)) in updates.iter().step_by(step).take(count).enumerate() {
        let check = Check::NoNewAccess { new, existing: old };
        let vocabulary = check.vocabulary();
        let mut cx = Context::new();
        let mut encoder = Encoder::new(&mut cx, &vocabulary);
        let question = check.build(&mut encoder);
        let Ok(text) = encoder.cx.to_smtlib(question.formula) else {
            continue;
        };
        let script = dir.join(format!("update-{index}.smt2"));
        std::fs::write(&script, text).map_err(|e| e.to_string())?;
        scripts.push(script);
        let began = Instant::now();
        let verdict = check_no_new_access(new, old, config).verdict;
        keyaki.times.push(began.elapsed());
        keyaki.answers.push(
            match verdict {
                Verdict::Pass => "unsat",
                Verdict::Fail { .. } => "sat",
                Verdict::Unknown(_) => "unknown",
            }
            .to_string(),
        );
    }
    let driver = dir.join("solve.py");
    std::fs::write(&driver, DRIVER).map_err(|e| e.to_string())?;
    let mut columns = vec![keyaki];
    for (solver, module) in [("z3", "z3"), ("cvc5", "cvc5")] {
        if installed(module) {
            columns.push(run_python(&driver, solver, &scripts)?);
        } else {
            println!("  {solver}: skipped (python3 -m pip install {module})");
        }
    }
    print_table(&columns, scripts.len());
    Ok(())
}

fn print_table(columns: &[Column], questions: usize) {
    println!(
        "other solvers: the questions of {questions} real updates, {} s limit each (z3, cvc5)",
        LIMIT_MS / 1000
    );
    println!(
        "  {:<8} {:>9} {:>12} {:>12} {:>12} {:>12}",
        "solver", "answered", "median ms", "p99 ms", "total s", "disagree"
    );
    let Some(keyaki) = columns.first() else {
        return;
    };
    for column in columns {
        let disagree = column
            .answers
            .iter()
            .zip(&keyaki.answers)
            .filter(|(a, k)| {
                matches!(a.as_str(), "sat" | "unsat")
                    && matches!(k.as_str(), "sat" | "unsat")
                    && a != k
            })
            .count();
        println!(
            "  {:<8} {:>9} {:>12.3} {:>12.3} {:>12.2} {:>12}",
            column.name,
            column.answered(),
            column.quantile(0.5).as_secs_f64() * 1e3,
            column.quantile(0.99).as_secs_f64() * 1e3,
            column.total().as_secs_f64(),
            disagree
        );
    }
    for column in columns.iter().skip(1) {
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        println!(
            "  {} / keyaki: median {:.0}×, total {:.0}×",
            column.name,
            ratio(column.quantile(0.5), keyaki.quantile(0.5)),
            ratio(column.total(), keyaki.total())
        );
        // Per question, over the questions the other solver answered: the smallest of its
        // time over keyaki's (below 1× keyaki was slower), and how often keyaki was slower.
        let per_question: Vec<(usize, f64)> = column
            .times
            .iter()
            .zip(&keyaki.times)
            .zip(&column.answers)
            .enumerate()
            .filter(|(_, (_, answer))| matches!(answer.as_str(), "sat" | "unsat"))
            .map(|(i, ((theirs, ours), _))| (i, ratio(*theirs, *ours)))
            .collect();
        if let Some((question, worst)) = per_question
            .iter()
            .copied()
            .min_by(|a, b| a.1.total_cmp(&b.1))
        {
            let slower = per_question.iter().filter(|(_, r)| *r < 1.0).count();
            println!(
                "  {} / keyaki per question: worst {worst:.1}× (question {question}), keyaki slower on {slower} of {}",
                column.name,
                per_question.len()
            );
        }
    }
    println!();
}
