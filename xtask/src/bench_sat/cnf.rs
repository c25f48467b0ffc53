//! The CNF files of the benchmark: a parser of its own (independent of keyaki-solver) and the
//! check that a model satisfies every clause.

use super::*;
/// A DIMACS CNF formula, as this harness reads it (independently of the solver crate).
pub(super) struct Cnf {
    pub(super) variables: usize,
    pub(super) clauses: Vec<Vec<i64>>,
    /// The text before SATLIB's `%` trailer, when the file has one (MiniSat rejects it).
    pub(super) without_trailer: Option<String>,
}

impl Cnf {
    pub(super) fn read(path: &Path) -> Result<Cnf, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Cnf::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub(super) fn parse(text: &str) -> Result<Cnf, String> {
        let mut header: Option<(usize, usize)> = None;
        let mut clauses = Vec::new();
        let mut clause = Vec::new();
        let mut without_trailer = None;
        let mut offset = 0;
        for (index, line) in text.split_inclusive('\n').enumerate() {
            let number = index + 1;
            let trimmed = line.trim();
            if trimmed.starts_with('%') {
                without_trailer = text.get(..offset).map(str::to_string);
                break;
            }
            offset += line.len();
            if trimmed.is_empty() || trimmed.starts_with('c') {
                continue;
            }
            if trimmed.starts_with('p') {
                let fields: Vec<&str> = trimmed.split_whitespace().collect();
                let parsed = match fields.as_slice() {
                    ["p", "cnf", vars, count] => vars.parse().ok().zip(count.parse().ok()),
                    _ => None,
                };
                let Some(parsed) = parsed else {
                    return Err(format!("line {number}: not a `p cnf VARS CLAUSES` header"));
                };
                if header.replace(parsed).is_some() {
                    return Err(format!("line {number}: a second `p` header"));
                }
                continue;
            }
            let Some((variables, _)) = header else {
                return Err(format!("line {number}: a clause before the `p cnf` header"));
            };
            for token in trimmed.split_whitespace() {
                let literal: i64 = token
                    .parse()
                    .map_err(|_| format!("line {number}: `{token}` is not a literal"))?;
                if literal == 0 {
                    clauses.push(std::mem::take(&mut clause));
                } else if literal.unsigned_abs() > variables as u64 {
                    return Err(format!(
                        "line {number}: literal {literal} is beyond the header's {variables} \
                         variables"
                    ));
                } else {
                    clause.push(literal);
                }
            }
        }
        let Some((variables, count)) = header else {
            return Err("no `p cnf` header".to_string());
        };
        if !clause.is_empty() {
            return Err("the last clause is not ended by 0".to_string());
        }
        if clauses.len() != count {
            return Err(format!(
                "the header announces {count} clauses, the file has {}",
                clauses.len()
            ));
        }
        Ok(Cnf {
            variables,
            clauses,
            without_trailer,
        })
    }

    /// Why `model` does not satisfy this formula, if it does not.
    pub(super) fn check_model(&self, model: &[i64]) -> Result<(), String> {
        let mut value: Vec<Option<bool>> = vec![None; self.variables + 1];
        for &literal in model {
            let variable = usize::try_from(literal.unsigned_abs()).unwrap_or(usize::MAX);
            let Some(slot) = value.get_mut(variable).filter(|_| variable != 0) else {
                return Err(format!(
                    "the model assigns variable {variable}, beyond the formula's {} variables",
                    self.variables
                ));
            };
            let positive = literal > 0;
            if slot.is_some_and(|v| v != positive) {
                return Err(format!("the model assigns variable {variable} both ways"));
            }
            *slot = Some(positive);
        }
        let is_true = |literal: &i64| {
            let variable = usize::try_from(literal.unsigned_abs()).unwrap_or(usize::MAX);
            value.get(variable).copied().flatten() == Some(*literal > 0)
        };
        let falsified: Vec<usize> = self
            .clauses
            .iter()
            .enumerate()
            .filter(|(_, clause)| !clause.iter().any(is_true))
            .map(|(index, _)| index)
            .collect();
        match falsified
            .first()
            .and_then(|&i| Some((i, self.clauses.get(i)?)))
        {
            None => Ok(()),
            Some((index, clause)) => {
                let literals: Vec<String> = clause.iter().map(i64::to_string).collect();
                Err(format!(
                    "the model leaves {} of {} clauses unsatisfied, the first is clause {} ({} 0)",
                    falsified.len(),
                    self.clauses.len(),
                    index + 1,
                    literals.join(" ")
                ))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Solvers
