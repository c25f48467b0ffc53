//! Tests of the SAT core: small known problems, and seeded random CNFs checked against brute
//! force (UNSAT) and against the clauses (SAT models).

use super::*;

fn solve_clauses(clauses: &[Vec<i64>]) -> (SolveResult, Solver) {
    let mut solver = Solver::new(Config::default());
    for clause in clauses {
        let lits: Vec<Lit> = clause
            .iter()
            .map(|&v| Lit::from_dimacs(v).unwrap())
            .collect();
        solver.add_clause(&lits);
    }
    (solver.solve(), solver)
}

fn satisfies(model: &[bool], clauses: &[Vec<i64>]) -> bool {
    clauses.iter().all(|c| {
        c.iter().any(|&v| {
            let value = model
                .get(v.unsigned_abs() as usize - 1)
                .copied()
                .unwrap_or(false);
            value == (v > 0)
        })
    })
}

fn brute_force_sat(num_vars: usize, clauses: &[Vec<i64>]) -> bool {
    (0u32..1 << num_vars).any(|bits| {
        let model: Vec<bool> = (0..num_vars).map(|i| bits & (1 << i) != 0).collect();
        satisfies(&model, clauses)
    })
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn random_cnf(rng: &mut Rng, num_vars: usize, num_clauses: usize, width: usize) -> Vec<Vec<i64>> {
    (0..num_clauses)
        .map(|_| {
            (0..width)
                .map(|_| {
                    let v = (rng.next() % num_vars as u64) as i64 + 1;
                    if rng.next() & 1 == 0 { v } else { -v }
                })
                .collect()
        })
        .collect()
}

#[test]
fn tiny_problems() {
    assert!(matches!(solve_clauses(&[vec![1]]).0, SolveResult::Sat(m) if m == vec![true]));
    assert_eq!(solve_clauses(&[vec![1], vec![-1]]).0, SolveResult::Unsat);
    assert_eq!(
        solve_clauses(&[vec![1, 2], vec![-1, 2], vec![1, -2], vec![-1, -2]]).0,
        SolveResult::Unsat
    );
    assert!(matches!(
        solve_clauses(&[vec![1, -1]]).0,
        SolveResult::Sat(_)
    ));
    assert!(matches!(solve_clauses(&[]).0, SolveResult::Sat(m) if m.is_empty()));
}

#[test]
fn pigeonhole_5_into_4_is_unsat() {
    // p(i, j): pigeon i in hole j; variable i*4 + j + 1.
    let var = |i: i64, j: i64| i * 4 + j + 1;
    let mut clauses: Vec<Vec<i64>> = (0..5)
        .map(|i| (0..4).map(|j| var(i, j)).collect())
        .collect();
    for j in 0..4 {
        for a in 0..5 {
            for b in a + 1..5 {
                clauses.push(vec![-var(a, j), -var(b, j)]);
            }
        }
    }
    let (result, solver) = solve_clauses(&clauses);
    assert_eq!(result, SolveResult::Unsat);
    assert!(solver.stats().conflicts > 10);
}

#[test]
fn random_cnfs_agree_with_brute_force() {
    let mut rng = Rng(0x1234_5678);
    let (mut sat, mut unsat) = (0, 0);
    for round in 0..600 {
        let num_vars = 3 + (round % 12);
        let num_clauses = (num_vars as f64 * (3.0 + (round % 5) as f64 * 0.5)) as usize;
        let width = 1 + (rng.next() % 4) as usize;
        let clauses = random_cnf(&mut rng, num_vars, num_clauses, width);
        let (result, _) = solve_clauses(&clauses);
        let expected = brute_force_sat(num_vars, &clauses);
        match result {
            SolveResult::Sat(model) => {
                assert!(expected, "round {round}: SAT claimed on an UNSAT problem");
                assert!(
                    satisfies(&model, &clauses),
                    "round {round}: the model violates a clause"
                );
                sat += 1;
            }
            SolveResult::Unsat => {
                assert!(!expected, "round {round}: UNSAT claimed on a SAT problem");
                unsat += 1;
            }
            SolveResult::Unknown(_) => panic!("no budget was set"),
        }
    }
    assert!(
        sat > 100 && unsat > 100,
        "both answers exercised: {sat} SAT, {unsat} UNSAT"
    );
}

#[test]
fn larger_random_3sat_models_satisfy_every_clause() {
    let mut rng = Rng(42);
    for _ in 0..20 {
        let clauses = random_cnf(&mut rng, 120, 480, 3);
        if let (SolveResult::Sat(model), _) = solve_clauses(&clauses) {
            assert!(satisfies(&model, &clauses));
        }
    }
}

#[test]
fn budgets_give_unknown() {
    let mut rng = Rng(7);
    let clauses = random_cnf(&mut rng, 200, 852, 3);
    let mut solver = Solver::new(Config {
        max_conflicts: Some(5),
        ..Config::default()
    });
    for clause in &clauses {
        let lits: Vec<Lit> = clause
            .iter()
            .map(|&v| Lit::from_dimacs(v).unwrap())
            .collect();
        solver.add_clause(&lits);
    }
    assert_eq!(
        solver.solve(),
        SolveResult::Unknown(StopReason::Conflicts(5))
    );
}

#[test]
fn a_passed_deadline_gives_unknown_before_any_decision() {
    let mut rng = Rng(7);
    let clauses = random_cnf(&mut rng, 200, 852, 3);
    let deadline = Deadline::after(std::time::Duration::ZERO);
    let mut solver = Solver::new(Config {
        deadline: Some(deadline),
        ..Config::default()
    });
    for clause in &clauses {
        let lits: Vec<Lit> = clause
            .iter()
            .map(|&v| Lit::from_dimacs(v).unwrap())
            .collect();
        solver.add_clause(&lits);
    }
    let result = solver.solve();
    assert_eq!(result, SolveResult::Unknown(StopReason::Time(deadline)));
    assert_eq!(solver.stats().decisions, 0);
    assert_eq!(
        StopReason::Time(deadline).to_string(),
        "time budget of 0 s exhausted"
    );
    // Without the deadline, the same clauses get an answer.
    assert!(!matches!(
        solve_clauses(&clauses).0,
        SolveResult::Unknown(_)
    ));
}

/// A toy theory: variables 1..=3 are atoms "x = 1", "x = 2", "x = 3" of one integer x, so at
/// most one of them is true; it explains conflicts with the two atoms involved.
struct AtMostOne {
    true_atoms: Vec<Vec<Lit>>,
}

impl Theory for AtMostOne {
    fn push_level(&mut self) {
        self.true_atoms.push(Vec::new());
    }
    fn pop_levels(&mut self, levels: usize) {
        for _ in 0..levels {
            self.true_atoms.pop();
        }
    }
    fn partial_check(&mut self, new: &[Lit]) -> TheoryResponse {
        for &lit in new.iter().filter(|l| l.is_positive()) {
            let already: Vec<Lit> = self.true_atoms.iter().flatten().copied().collect();
            if let Some(&other) = already.first() {
                return TheoryResponse::conflict(vec![!other, !lit]);
            }
            if self.true_atoms.is_empty() {
                self.true_atoms.push(Vec::new());
            }
            if let Some(top) = self.true_atoms.last_mut() {
                top.push(lit);
            }
        }
        TheoryResponse::consistent()
    }
    fn final_check(&mut self, new: &[Lit]) -> TheoryResponse {
        self.partial_check(new)
    }
}

#[test]
fn a_theory_rules_out_what_the_clauses_allow() {
    let mut solver = Solver::with_theory(
        Config {
            trace: true,
            ..Config::default()
        },
        AtMostOne {
            true_atoms: vec![Vec::new()],
        },
    );
    let x = |v: i64| Lit::from_dimacs(v).unwrap();
    for v in 1..=3 {
        let var = solver.new_var();
        assert_eq!(var.index() as i64, v - 1);
        solver.set_theory_atom(var);
    }
    // x ∈ {1, 2, 3} and (x = 1 ∨ x = 2) and (x = 2 ∨ x = 3): only x = 2.
    solver.add_clause(&[x(1), x(2), x(3)]);
    solver.add_clause(&[x(1), x(2)]);
    solver.add_clause(&[x(2), x(3)]);
    match solver.solve() {
        SolveResult::Sat(model) => assert_eq!(model, vec![false, true, false]),
        other => panic!("{other:?}"),
    }
    // Now forbid x = 2: with at most one atom true, unsatisfiable.
    solver.add_clause(&[x(-2)]);
    assert_eq!(solver.solve(), SolveResult::Unsat);
}
