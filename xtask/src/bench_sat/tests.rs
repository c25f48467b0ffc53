//! Tests of the SAT benchmark harness.

use super::*;

#[test]
fn parses_satlib_files_with_their_trailer() {
    let text = "c comment\np cnf 3  2 \n 1 -2 0\n2 3\n 0\n%\n0\n\n";
    let cnf = Cnf::parse(text).unwrap();
    assert_eq!(cnf.variables, 3);
    assert_eq!(cnf.clauses, vec![vec![1, -2], vec![2, 3]]);
    assert_eq!(
        cnf.without_trailer.as_deref(),
        Some("c comment\np cnf 3  2 \n 1 -2 0\n2 3\n 0\n")
    );
}

#[test]
fn rejects_malformed_files() {
    assert!(Cnf::parse("1 2 0\n").is_err());
    assert!(Cnf::parse("p cnf 2 1\n1 3 0\n").is_err());
    assert!(Cnf::parse("p cnf 2 2\n1 2 0\n").is_err());
    assert!(Cnf::parse("p cnf 2 1\n1 2\n").is_err());
}

#[test]
fn checks_models() {
    let cnf = Cnf::parse("p cnf 3 2\n1 -2 0\n2 3 0\n").unwrap();
    assert!(cnf.check_model(&[1, 2, -3]).is_ok());
    assert!(cnf.check_model(&[-1, -2, 3]).is_ok());
    assert!(cnf.check_model(&[-1, 2, 3]).is_err());
    assert!(cnf.check_model(&[1, -2, -3]).is_err());
    assert!(cnf.check_model(&[1, -1, 2]).is_err());
    assert!(cnf.check_model(&[1, 2, 4]).is_err());
    // A partial model is fine when it satisfies every clause.
    assert!(cnf.check_model(&[1, 3]).is_ok());
}

#[test]
fn orders_names_by_their_numbers() {
    let mut names = vec!["uf50-010", "uf50-02", "uf50-0100", "uf50-01", "uf50-09"];
    names.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        names,
        vec!["uf50-01", "uf50-02", "uf50-09", "uf50-010", "uf50-0100"]
    );
    assert_eq!(first_number("uuf250-1065"), 250);
}

#[test]
fn reads_both_output_formats() {
    use std::os::unix::process::ExitStatusExt;
    let sat = ExitStatus::from_raw(10 << 8);
    let out = "c hello\ns SATISFIABLE\nv 1 -2\nv 3 0\n";
    match read_competition_output(out, sat).unwrap() {
        RunResult::Answer { verdict, model, .. } => {
            assert_eq!(verdict, Verdict::Sat);
            assert_eq!(model, vec![1, -2, 3]);
        }
        _ => panic!("expected an answer"),
    }
    assert!(read_competition_output("s SATISFIABLE\nv 1 2\n", sat).is_err());
    assert!(read_competition_output("s UNKNOWN\n", sat).is_err());
    assert!(read_competition_output("", sat).is_err());
    match read_minisat_output("SAT\n1 -2 3 0\n", sat).unwrap() {
        RunResult::Answer { verdict, model, .. } => {
            assert_eq!(verdict, Verdict::Sat);
            assert_eq!(model, vec![1, -2, 3]);
        }
        _ => panic!("expected an answer"),
    }
    assert!(read_minisat_output("INDET\n", sat).is_err());
}
