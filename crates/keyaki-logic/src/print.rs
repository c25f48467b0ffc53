//! The math notation of the design brief, for people:
//! `(Action = "s3:PutObject") ∧ (Resource = "arn:aws:s3:::DOC-EXAMPLE-BUCKET")`.
//!
//! Atoms print as `(name op constant)`: `=`/`≠` for a literal string, `∈`/`∉` for a pattern
//! (IAM wildcard syntax, a literal `*` or `?` written `${*}`/`${?}`; an ARN pattern prints as
//! written, its `*` and `?` keeping IAM's rule of staying inside an ARN part), `<`, `≤`, `≥`, `>` for
//! numbers and dates, `∈` for networks. A comparison whose letter-case rule differs from the
//! variable's usual one says so (`ignoring case`, `matching case`). Negated atoms print as the
//! negated relation where there is one. Nested ∧/∨ are parenthesized; the top level is not.

use crate::formula::{Context, Formula, Node};
use crate::term::{Atom, Pattern, Piece, Sort};

/// Shows a pattern in IAM syntax.
pub fn pattern_text(pattern: &Pattern) -> String {
    pattern
        .pieces
        .iter()
        .map(|p| match p {
            Piece::Char('*') => "${*}".to_string(),
            Piece::Char('?') => "${?}".to_string(),
            Piece::Char(c) => c.to_string(),
            Piece::AnyChar => "?".to_string(),
            Piece::AnyRun => "*".to_string(),
            // Inside an ARN part, IAM's own `?` and `*`: shown as written in the policy.
            Piece::PartChar => "?".to_string(),
            Piece::PartRun => "*".to_string(),
        })
        .collect()
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Context {
    /// The formula in math notation.
    pub fn show(&self, f: Formula) -> String {
        self.show_node(f, true)
    }

    fn show_node(&self, f: Formula, top: bool) -> String {
        match self.node(f) {
            Node::True => "⊤".to_string(),
            Node::False => "⊥".to_string(),
            Node::Atom(id) => self
                .atom(*id)
                .map_or_else(|| "?".to_string(), |a| self.show_atom(a, true)),
            Node::Not(inner) => match self.node(*inner) {
                Node::Atom(id) => self
                    .atom(*id)
                    .map_or_else(|| "?".to_string(), |a| self.show_atom(a, false)),
                _ => format!("¬{}", self.show_node(*inner, false)),
            },
            Node::And(operands) => self.show_junction(operands, " ∧ ", top),
            Node::Or(operands) => self.show_junction(operands, " ∨ ", top),
        }
    }

    fn show_junction(&self, operands: &[Formula], separator: &str, top: bool) -> String {
        let inner: Vec<String> = operands.iter().map(|g| self.show_node(*g, false)).collect();
        let joined = inner.join(separator);
        if top { joined } else { format!("({joined})") }
    }

    fn var_name(&self, var: crate::term::Var) -> String {
        self.var_info(var)
            .map_or_else(|| format!("v{}", var.0), |info| info.name.clone())
    }

    /// One atom, asserted (`positive`) or negated.
    pub fn show_atom(&self, atom: &Atom, positive: bool) -> String {
        let pick = |yes: &'static str, no: &'static str| if positive { yes } else { no };
        match atom {
            Atom::StrIn {
                var,
                pattern,
                ignore_case,
            } => {
                let name = self.var_name(*var);
                let usual = matches!(
                    self.var_info(*var).map(|i| i.sort),
                    Some(Sort::Str { ignore_case: true })
                );
                let note = match (*ignore_case, usual) {
                    (true, false) => " ignoring case",
                    (false, true) => " matching case",
                    _ => "",
                };
                match pattern.as_literal() {
                    Some(text) => format!("({name} {} {}{note})", pick("=", "≠"), quoted(&text)),
                    None => format!(
                        "({name} {} {}{note})",
                        pick("∈", "∉"),
                        quoted(&pattern_text(pattern))
                    ),
                }
            }
            Atom::NumCmp { var, cmp, value } => self.comparison(
                positive,
                &self.var_name(*var),
                cmp.symbol(),
                &value.to_string(),
            ),
            Atom::DateCmp { var, cmp, value } => self.comparison(
                positive,
                &self.var_name(*var),
                cmp.symbol(),
                &value.to_string(),
            ),
            Atom::IpIn { var, range } => {
                format!("({} {} {range})", self.var_name(*var), pick("∈", "∉"))
            }
            Atom::BoolTrue { var } => {
                format!("({} = {})", self.var_name(*var), pick("true", "false"))
            }
            Atom::Present { var } => {
                format!("{}({})", pick("present", "absent"), self.var_name(*var))
            }
            Atom::SetAny {
                var,
                patterns,
                negated,
                ignore_case,
            }
            | Atom::SetAll {
                var,
                patterns,
                negated,
                ignore_case,
            } => {
                let quantifier = if matches!(atom, Atom::SetAny { .. }) {
                    "∃"
                } else {
                    "∀"
                };
                let body = self.element_body(patterns, *negated, *ignore_case);
                let shown = format!("{quantifier}v ∈ {}. {body}", self.var_name(*var));
                if positive {
                    format!("({shown})")
                } else {
                    format!("¬({shown})")
                }
            }
        }
    }

    fn comparison(&self, positive: bool, name: &str, symbol: &str, value: &str) -> String {
        if positive {
            format!("({name} {symbol} {value})")
        } else {
            format!("¬({name} {symbol} {value})")
        }
    }

    fn element_body(&self, patterns: &[Pattern], negated: bool, ignore_case: bool) -> String {
        let op = if negated { "∉" } else { "∈" };
        let join = if negated { " ∧ " } else { " ∨ " };
        let note = if ignore_case { " ignoring case" } else { "" };
        let parts: Vec<String> = patterns
            .iter()
            .map(|p| format!("v {op} {}{note}", quoted(&pattern_text(p))))
            .collect();
        if parts.len() == 1 {
            parts.join("")
        } else {
            format!("({})", parts.join(join))
        }
    }
}
