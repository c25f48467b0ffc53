//! DIMACS CNF: the standard text format of SAT problems, in and out.
//!
//! ```text
//! c a comment
//! p cnf 3 2
//! 1 -3 0
//! 2 3 -1 0
//! ```
//!
//! The header gives the number of variables and clauses; each clause is a list of non-zero
//! literals ended by `0` and may span lines. A line `%` ends the clauses (the SATLIB benchmark
//! files end that way). Errors name the line and column and what was expected.

use crate::lit::Lit;
use std::fmt;

/// A parsed CNF problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cnf {
    /// Variables declared in the header.
    pub num_vars: usize,
    /// The clauses.
    pub clauses: Vec<Vec<Lit>>,
}

/// A problem with the DIMACS text, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimacsError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DimacsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for DimacsError {}

/// Reads DIMACS CNF text.
pub fn parse(text: &str) -> Result<Cnf, DimacsError> {
    let mut header: Option<(usize, usize)> = None;
    let mut clauses = Vec::new();
    let mut current: Vec<Lit> = Vec::new();
    let mut last = (1, 1);
    for (line_index, line) in text.lines().enumerate() {
        let line_no = line_index + 1;
        let trimmed = line.trim_start();
        if trimmed.starts_with('c') || trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('%') {
            break;
        }
        let error = |column: usize, message: String| DimacsError {
            line: line_no,
            column,
            message,
        };
        if trimmed.starts_with('p') {
            if header.is_some() {
                return Err(error(1, "a second `p` header line".to_string()));
            }
            let fields: Vec<&str> = trimmed.split_whitespace().collect();
            let parsed = match fields.as_slice() {
                ["p", "cnf", vars, clauses] => vars
                    .parse::<usize>()
                    .ok()
                    .zip(clauses.parse::<usize>().ok()),
                _ => None,
            };
            match parsed {
                Some((v, c)) if v < (u32::MAX >> 2) as usize => header = Some((v, c)),
                _ => return Err(error(1, "expected `p cnf VARIABLES CLAUSES`".to_string())),
            }
            continue;
        }
        let Some((num_vars, _)) = header else {
            return Err(error(1, "a clause before the `p cnf` header".to_string()));
        };
        for (column, token) in tokens(line) {
            last = (line_no, column);
            let value: i64 = token.parse().map_err(|_| {
                error(
                    column,
                    format!("expected a literal (a non-zero integer) or 0, found `{token}`"),
                )
            })?;
            if value == 0 {
                clauses.push(std::mem::take(&mut current));
                continue;
            }
            match Lit::from_dimacs(value) {
                Some(lit) if lit.var().index() < num_vars => current.push(lit),
                _ => {
                    return Err(error(
                        column,
                        format!("literal `{value}` is outside the {num_vars} declared variables"),
                    ));
                }
            }
        }
    }
    let Some((num_vars, declared)) = header else {
        return Err(DimacsError {
            line: 1,
            column: 1,
            message: "no `p cnf` header".to_string(),
        });
    };
    if !current.is_empty() {
        return Err(DimacsError {
            line: last.0,
            column: last.1,
            message: "the last clause is not ended by `0`".to_string(),
        });
    }
    if clauses.len() != declared {
        return Err(DimacsError {
            line: last.0,
            column: last.1,
            message: format!(
                "the header declares {declared} clauses but the file has {}",
                clauses.len()
            ),
        });
    }
    Ok(Cnf { num_vars, clauses })
}

/// Whitespace-separated tokens with their 1-based columns.
fn tokens(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut column = 0;
    line.split(|c: char| c.is_whitespace())
        .filter_map(move |token| {
            let start = column + 1;
            column += token.chars().count() + 1;
            (!token.is_empty()).then_some((start, token))
        })
}

/// The competition output: `s SATISFIABLE` and `v` lines (at most 20 literals each), or
/// `s UNSATISFIABLE`, or `s UNKNOWN`.
pub fn format_answer(result: &crate::SolveResult) -> String {
    match result {
        crate::SolveResult::Sat(model) => {
            let mut out = String::from("s SATISFIABLE\n");
            let lits: Vec<String> = model
                .iter()
                .enumerate()
                .map(|(v, &value)| {
                    let n = v as i64 + 1;
                    (if value { n } else { -n }).to_string()
                })
                .chain(std::iter::once("0".to_string()))
                .collect();
            for chunk in lits.chunks(20) {
                out.push_str("v ");
                out.push_str(&chunk.join(" "));
                out.push('\n');
            }
            out
        }
        crate::SolveResult::Unsat => "s UNSATISFIABLE\n".to_string(),
        crate::SolveResult::Unknown(_) => "s UNKNOWN\n".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_satlib_files_with_their_trailer() {
        let cnf = parse("c x\np cnf 3 2\n 1 -3 0\n2 3\n -1 0\n%\n0\n").unwrap();
        assert_eq!(cnf.num_vars, 3);
        assert_eq!(cnf.clauses.len(), 2);
        assert_eq!(
            cnf.clauses[1]
                .iter()
                .map(|l| l.to_dimacs())
                .collect::<Vec<_>>(),
            vec![2, 3, -1]
        );
    }

    #[test]
    fn errors_are_located() {
        let e = parse("p cnf 2 1\n1 x 0\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(
            parse("1 2 0\n")
                .unwrap_err()
                .message
                .contains("before the `p cnf` header")
        );
        assert!(
            parse("p cnf 2 1\n1 3 0\n")
                .unwrap_err()
                .message
                .contains("outside the 2 declared")
        );
        assert!(
            parse("p cnf 2 2\n1 2 0\n")
                .unwrap_err()
                .message
                .contains("declares 2 clauses")
        );
        assert!(
            parse("p cnf 2 1\n1 2\n")
                .unwrap_err()
                .message
                .contains("not ended")
        );
        assert!(
            parse("p dnf 2 1\n")
                .unwrap_err()
                .message
                .contains("expected `p cnf")
        );
    }
}
