//! SMT-LIB 2 output, so that any question can be replayed in z3 or cvc5.
//!
//! Strings are `String` with patterns as regular expressions (`str.in_re`, `re.allchar`,
//! `re.*`); a case-insensitive literal character becomes the union of every character with
//! the same simple lowercase (so `k` is `k`, `K` or the Kelvin sign). Numbers are `Real`, dates `Int` nanoseconds, addresses an `Int` with a `Bool`
//! family flag `|NAME is IPv6|`, Booleans `Bool`, and the presence of each key a `Bool`
//! named `|present NAME|`. Multi-valued keys have no direct counterpart and are refused.

use crate::formula::{Context, Formula, Node};
use crate::term::{Atom, Pattern, Piece, Sort, Var};
use std::fmt::Write as _;

/// Something the SMT-LIB export cannot express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl Context {
    /// A complete SMT-LIB 2 script asserting `f` and asking `(check-sat)`.
    pub fn to_smtlib(&self, f: Formula) -> Result<String, Unsupported> {
        let mut out = String::from("(set-logic ALL)\n");
        for (_, info) in self.vars() {
            let sort = match info.sort {
                Sort::Str { .. } => "String",
                Sort::Num => "Real",
                Sort::Date | Sort::Ip => "Int",
                Sort::Bool => "Bool",
                Sort::StrSet => {
                    return Err(Unsupported(format!("multi-valued key `{}`", info.name)));
                }
            };
            let _ = writeln!(out, "(declare-const {} {sort})", symbol(&info.name));
            let _ = writeln!(
                out,
                "(declare-const {} Bool)",
                symbol(&format!("present {}", info.name))
            );
            if info.sort == Sort::Ip {
                // The address's bits, with its family as a separate flag.
                let _ = writeln!(
                    out,
                    "(declare-const {} Bool)",
                    symbol(&format!("{} is IPv6", info.name))
                );
                let _ = writeln!(
                    out,
                    "(assert (and (<= 0 {0}) (<= {0} {1}) (=> (not {2}) (< {0} 4294967296))))",
                    symbol(&info.name),
                    u128::MAX,
                    symbol(&format!("{} is IPv6", info.name))
                );
            }
        }
        let _ = writeln!(out, "(assert {})", self.smt_node(f)?);
        out.push_str("(check-sat)\n");
        Ok(out)
    }

    fn smt_node(&self, f: Formula) -> Result<String, Unsupported> {
        Ok(match self.node(f) {
            Node::True => "true".to_string(),
            Node::False => "false".to_string(),
            Node::Atom(id) => match self.atom(*id) {
                Some(atom) => self.smt_atom(atom)?,
                None => return Err(Unsupported("a dangling atom".to_string())),
            },
            Node::Not(inner) => format!("(not {})", self.smt_node(*inner)?),
            Node::And(operands) => format!("(and {})", self.smt_list(operands)?),
            Node::Or(operands) => format!("(or {})", self.smt_list(operands)?),
        })
    }

    fn smt_list(&self, operands: &[Formula]) -> Result<String, Unsupported> {
        let parts: Result<Vec<String>, Unsupported> =
            operands.iter().map(|g| self.smt_node(*g)).collect();
        Ok(parts?.join(" "))
    }

    fn name(&self, var: Var) -> String {
        symbol(
            &self
                .var_info(var)
                .map_or_else(|| format!("v{}", var.0), |i| i.name.clone()),
        )
    }

    fn smt_atom(&self, atom: &Atom) -> Result<String, Unsupported> {
        Ok(match atom {
            Atom::StrIn {
                var,
                pattern,
                ignore_case,
            } => format!(
                "(str.in_re {} {})",
                self.name(*var),
                regex(pattern, *ignore_case)
            ),
            Atom::NumCmp { var, cmp, value } => format!(
                "({} {} {})",
                smt_cmp(*cmp),
                self.name(*var),
                real(&value.to_string())
            ),
            Atom::DateCmp { var, cmp, value } => {
                format!("({} {} {})", smt_cmp(*cmp), self.name(*var), int(value.0))
            }
            Atom::IpIn { var, range } => {
                let name = self.name(*var);
                let info_name = self
                    .var_info(*var)
                    .map_or_else(String::new, |i| i.name.clone());
                let family = symbol(&format!("{info_name} is IPv6"));
                let family = if range.v6 {
                    family
                } else {
                    format!("(not {family})")
                };
                format!(
                    "(and {family} (<= {} {name}) (<= {name} {}))",
                    range.low, range.high
                )
            }
            Atom::BoolTrue { var } => self.name(*var),
            Atom::Present { var } => symbol(&format!(
                "present {}",
                self.var_info(*var)
                    .map_or_else(String::new, |i| i.name.clone())
            )),
            Atom::SetAny { .. } | Atom::SetAll { .. } => {
                return Err(Unsupported("ForAnyValue/ForAllValues".to_string()));
            }
        })
    }
}

fn smt_cmp(cmp: crate::term::Cmp) -> &'static str {
    match cmp {
        crate::term::Cmp::Lt => "<",
        crate::term::Cmp::Le => "<=",
        crate::term::Cmp::Eq => "=",
        crate::term::Cmp::Ge => ">=",
        crate::term::Cmp::Gt => ">",
    }
}

/// A quoted symbol `|…|` (names contain `:` and `/`; `|` and `\` cannot appear and are dropped).
fn symbol(name: &str) -> String {
    format!("|{}|", name.replace(['|', '\\'], "_"))
}

fn real(text: &str) -> String {
    let unsigned = text.trim_start_matches('-');
    let with_point = if unsigned.contains('.') {
        unsigned.to_string()
    } else {
        format!("{unsigned}.0")
    };
    if text.starts_with('-') {
        format!("(- {with_point})")
    } else {
        with_point
    }
}

fn int(value: i128) -> String {
    if value < 0 {
        format!("(- {})", value.unsigned_abs())
    } else {
        value.to_string()
    }
}

/// An SMT-LIB string literal: `""` for a quote, `\u{…}` outside printable ASCII.
fn string_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\"\""),
            ' '..='~' if c != '\\' => out.push(c),
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// Any character but `:`.
const NOT_COLON: &str = "(re.inter re.allchar (re.comp (str.to_re \":\")))";

fn regex(pattern: &Pattern, ignore_case: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, parts: &mut Vec<String>| {
        if !literal.is_empty() {
            parts.push(format!("(str.to_re {})", string_literal(literal)));
            literal.clear();
        }
    };
    for piece in &pattern.pieces {
        match piece {
            Piece::Char(c) => {
                let variants = case_variants(*c);
                if ignore_case && variants.len() > 1 {
                    flush(&mut literal, &mut parts);
                    let options: Vec<String> = variants
                        .iter()
                        .map(|v| format!("(str.to_re {})", string_literal(&v.to_string())))
                        .collect();
                    parts.push(format!("(re.union {})", options.join(" ")));
                } else {
                    literal.push(*c);
                }
            }
            Piece::AnyChar => {
                flush(&mut literal, &mut parts);
                parts.push("re.allchar".to_string());
            }
            Piece::AnyRun => {
                flush(&mut literal, &mut parts);
                parts.push("(re.* re.allchar)".to_string());
            }
            Piece::PartChar => {
                flush(&mut literal, &mut parts);
                parts.push(NOT_COLON.to_string());
            }
            Piece::PartRun => {
                flush(&mut literal, &mut parts);
                parts.push(format!("(re.* {NOT_COLON})"));
            }
        }
    }
    flush(&mut literal, &mut parts);
    match parts.len() {
        0 => "(str.to_re \"\")".to_string(),
        1 => parts.pop().unwrap_or_default(),
        _ => format!("(re.++ {})", parts.join(" ")),
    }
}

/// Every character with the same simple lowercase as `c` (the case folding keyaki uses),
/// `c` first: `k` gives `k`, `K` and the Kelvin sign `K`.
fn case_variants(c: char) -> Vec<char> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static BY_FOLD: OnceLock<HashMap<char, Vec<char>>> = OnceLock::new();
    let fold = crate::concrete::fold_case;
    let by_fold = BY_FOLD.get_or_init(|| {
        let mut map: HashMap<char, Vec<char>> = HashMap::new();
        for x in '\0'..=char::MAX {
            map.entry(fold(x)).or_default().push(x);
        }
        map
    });
    let mut variants = vec![c];
    for &x in by_fold.get(&fold(c)).into_iter().flatten() {
        if !variants.contains(&x) {
            variants.push(x);
        }
    }
    variants
}
