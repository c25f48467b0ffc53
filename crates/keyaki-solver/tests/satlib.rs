//! The SAT core on the standard SATLIB uniform random 3-SAT families: five instances of each
//! of uf50 … uf250 (satisfiable) and uuf50 … uuf250 (unsatisfiable by construction), kept in
//! `tests/cnf/` (see its README for provenance). Every SAT answer's model is checked against
//! every clause; every uuf instance must be UNSAT. The full families and the comparison with
//! MiniSat are in `cargo xtask bench-sat`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_solver::{Config, SolveResult, Solver, dimacs};
use std::path::Path;

#[test]
fn satlib_uniform_random_3sat() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cnf");
    let mut families: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    families.sort();
    assert_eq!(families.len(), 18, "uf and uuf, 50 to 250 variables");
    // Two workers share the families (CI has two cores).
    let (even, odd): (Vec<_>, Vec<_>) = families
        .into_iter()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let solved: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = [even, odd]
            .into_iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .into_iter()
                        .map(|(_, family)| solve_family(&family))
                        .sum::<usize>()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(solved, 90);
}

/// Solves every file of one family and checks the answers; returns how many were solved.
fn solve_family(family: &Path) -> usize {
    let mut solved = 0;
    {
        let name = family.file_name().unwrap().to_string_lossy().to_string();
        let expect_sat = name.starts_with("uf");
        let mut files: Vec<_> = std::fs::read_dir(family)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let cnf = dimacs::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let mut solver = Solver::new(Config::default());
            while solver.num_vars() < cnf.num_vars {
                solver.new_var();
            }
            for clause in &cnf.clauses {
                solver.add_clause(clause);
            }
            match solver.solve() {
                SolveResult::Sat(model) => {
                    assert!(
                        expect_sat,
                        "{}: SAT claimed for an unsatisfiable instance",
                        file.display()
                    );
                    for clause in &cnf.clauses {
                        assert!(
                            clause
                                .iter()
                                .any(|l| model[l.var().index()] == l.is_positive()),
                            "{}: the model violates a clause",
                            file.display()
                        );
                    }
                }
                SolveResult::Unsat => assert!(
                    !expect_sat,
                    "{}: UNSAT claimed for a satisfiable instance",
                    file.display()
                ),
                SolveResult::Unknown(reason) => {
                    panic!("{}: no budget was set, yet {reason:?}", file.display())
                }
            }
            solved += 1;
        }
    }
    solved
}
