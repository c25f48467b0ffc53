//! `keyaki sat FILE.cnf`: the SAT core on a DIMACS file, with the SAT competition's output
//! (`s SATISFIABLE` and `v` lines, or `s UNSATISFIABLE`) and exit codes (10, 20).

use crate::args::SatArgs;
use crate::{Exit, Io};
use keyaki_solver::{Config, Deadline, SolveResult, Solver, dimacs};
use std::time::{Duration, Instant};

pub fn run(args: &SatArgs, io: &mut Io<'_>) -> Exit {
    let (name, text) = match read(&args.file, io) {
        Ok(found) => found,
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return Exit::BadInput;
        }
    };
    let cnf = match dimacs::parse(&text) {
        Ok(cnf) => cnf,
        Err(e) => {
            let _ = writeln!(
                io.stderr,
                "error: {name}:{}:{}: {}",
                e.line, e.column, e.message
            );
            return Exit::BadInput;
        }
    };
    let config = Config {
        max_conflicts: args.max_conflicts,
        deadline: args
            .timeout
            .and_then(|t| Duration::try_from_secs_f64(t).ok())
            .map(Deadline::after),
        ..Config::default()
    };
    let started = Instant::now();
    let mut solver = Solver::new(config);
    while solver.num_vars() < cnf.num_vars {
        solver.new_var();
    }
    for clause in &cnf.clauses {
        if !solver.add_clause(clause) {
            break;
        }
    }
    let result = solver.solve();
    let mut out = String::new();
    if args.stats {
        let s = solver.stats();
        out.push_str(&format!(
            "c variables {} clauses {}\nc decisions {} propagations {} conflicts {} restarts {} deleted {}\nc time {:.3} s\n",
            cnf.num_vars,
            cnf.clauses.len(),
            s.decisions,
            s.propagations,
            s.conflicts,
            s.restarts,
            s.deleted,
            started.elapsed().as_secs_f64()
        ));
    }
    out.push_str(&dimacs::format_answer(&result));
    let _ = io.stdout.write_all(out.as_bytes());
    match result {
        SolveResult::Sat(_) => Exit::Satisfiable,
        SolveResult::Unsat => Exit::Unsatisfiable,
        SolveResult::Unknown(_) => Exit::Unknown,
    }
}

fn read(file: &str, io: &mut Io<'_>) -> Result<(String, String), String> {
    if file == "-" {
        let mut text = String::new();
        io.stdin
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(("<stdin>".to_string(), text));
    }
    let path = file.strip_prefix("file://").unwrap_or(file);
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    Ok((path.to_string(), text))
}
