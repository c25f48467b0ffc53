//! Formulas written as s-expressions, for corpora and tests.
//!
//! ```text
//! (and (= Action "s3:PutObject") (not (= Principal "123456789012")))
//! ```
//!
//! | form | meaning |
//! |---|---|
//! | `true`, `false`, `(not f)`, `(and f…)`, `(or f…)`, `(=> a b)`, `(<=> a b)` | Boolean structure |
//! | `(= x "text")` | string equality (the variable's letter-case rule) |
//! | `(in x "s3:Get*")` | IAM wildcard match (`in-ci`, `in-cs` force the case rule) |
//! | `(arn x "arn:aws:s3:::b/*")` | IAM ARN match, part by part ([`Pattern::arn`]) |
//! | `(< x 10)`, `(<= …)`, `(= x 10)`, `(>= …)`, `(> …)` | numbers; dates in epoch seconds |
//! | `(ip x "10.0.0.0/8")` | address in network (IPv4 or IPv6; a bare address is one host) |
//! | `(bool x)`, `(present x)` | a Boolean variable is true; a key is present |
//! | `(any s "p"…)`, `(any-not s "p"…)`, `(all s "p"…)`, `(all-not s "p"…)` | multi-valued keys |
//!
//! Variables must be declared in the [`Context`] first (their sort decides how constants read).

use crate::formula::{Context, Formula};
use crate::term::{Atom, Cmp, Pattern, Sort, Var};
use crate::value::{Instant, IpRange, Number};

/// An s-expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sexp {
    Atom(String),
    Str(String),
    List(Vec<Sexp>),
}

fn tokenize(text: &str) -> Result<Vec<Sexp>, String> {
    let mut stack: Vec<Vec<Sexp>> = vec![Vec::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' => stack.push(Vec::new()),
            ')' => {
                let list = stack.pop().ok_or("unbalanced `)`")?;
                stack
                    .last_mut()
                    .ok_or("unbalanced `)`")?
                    .push(Sexp::List(list));
            }
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => s.push(chars.next().ok_or("unterminated string")?),
                        Some('"') => break,
                        Some(c) => s.push(c),
                        None => return Err("unterminated string".to_string()),
                    }
                }
                stack.last_mut().ok_or("unbalanced `)`")?.push(Sexp::Str(s));
            }
            c if c.is_whitespace() => {}
            c => {
                let mut word = String::from(c);
                while let Some(&next) = chars.peek() {
                    if next.is_whitespace() || next == '(' || next == ')' || next == '"' {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                stack
                    .last_mut()
                    .ok_or("unbalanced `)`")?
                    .push(Sexp::Atom(word));
            }
        }
    }
    match (stack.pop(), stack.is_empty()) {
        (Some(top), true) => Ok(top),
        _ => Err("missing `)`".to_string()),
    }
}

/// Reads one formula over the variables declared in `cx`.
pub fn parse(cx: &mut Context, text: &str) -> Result<Formula, String> {
    let mut top = tokenize(text)?;
    if top.len() != 1 {
        return Err(format!("expected one formula, found {}", top.len()));
    }
    build(cx, &top.remove(0))
}

fn var_named(cx: &Context, name: &str) -> Result<(Var, Sort), String> {
    cx.vars()
        .find(|(_, info)| info.name == name)
        .map(|(v, info)| (v, info.sort))
        .ok_or_else(|| format!("undeclared variable `{name}`"))
}

fn string_arg(e: &Sexp) -> Result<&str, String> {
    match e {
        Sexp::Str(s) => Ok(s),
        other => Err(format!("expected a string, found {other:?}")),
    }
}

fn build(cx: &mut Context, e: &Sexp) -> Result<Formula, String> {
    let list = match e {
        Sexp::Atom(word) if word == "true" => return Ok(cx.tru()),
        Sexp::Atom(word) if word == "false" => return Ok(cx.fls()),
        Sexp::List(list) => list,
        other => return Err(format!("expected a formula, found {other:?}")),
    };
    let Some((Sexp::Atom(head), args)) = list.split_first() else {
        return Err("expected `(operator …)`".to_string());
    };
    let sub = |cx: &mut Context, args: &[Sexp]| -> Result<Vec<Formula>, String> {
        args.iter().map(|a| build(cx, a)).collect()
    };
    match head.as_str() {
        "not" => match args {
            [a] => {
                let f = build(cx, a)?;
                Ok(cx.not(f))
            }
            _ => Err("`not` takes one formula".to_string()),
        },
        "and" => {
            let fs = sub(cx, args)?;
            Ok(cx.and(fs))
        }
        "or" => {
            let fs = sub(cx, args)?;
            Ok(cx.or(fs))
        }
        "=>" | "<=>" => match sub(cx, args)?.as_slice() {
            [a, b] => Ok(if head == "=>" {
                cx.implies(*a, *b)
            } else {
                cx.iff(*a, *b)
            }),
            _ => Err(format!("`{head}` takes two formulas")),
        },
        _ => atom(cx, head, args),
    }
}

fn atom(cx: &mut Context, head: &str, args: &[Sexp]) -> Result<Formula, String> {
    let Some((Sexp::Atom(name), rest)) = args.split_first() else {
        return Err(format!("`{head}` needs a variable name first"));
    };
    let (var, sort) = var_named(cx, name)?;
    let made = match (head, sort, rest) {
        ("=", Sort::Str { ignore_case }, [value]) => Atom::StrIn {
            var,
            pattern: Pattern::literal(string_arg(value)?),
            ignore_case,
        },
        ("in" | "in-ci" | "in-cs", Sort::Str { ignore_case }, [value]) => Atom::StrIn {
            var,
            pattern: Pattern::parse(string_arg(value)?),
            ignore_case: match head {
                "in-ci" => true,
                "in-cs" => false,
                _ => ignore_case,
            },
        },
        ("<" | "<=" | "=" | ">=" | ">", Sort::Num | Sort::Date, [Sexp::Atom(value)]) => {
            let cmp = match head {
                "<" => Cmp::Lt,
                "<=" => Cmp::Le,
                "=" => Cmp::Eq,
                ">=" => Cmp::Ge,
                _ => Cmp::Gt,
            };
            if sort == Sort::Num {
                let value =
                    Number::parse(value).ok_or_else(|| format!("malformed number `{value}`"))?;
                Atom::NumCmp { var, cmp, value }
            } else {
                let seconds: i128 = value
                    .parse()
                    .map_err(|_| format!("malformed epoch seconds `{value}`"))?;
                Atom::DateCmp {
                    var,
                    cmp,
                    value: Instant(seconds * 1_000_000_000),
                }
            }
        }
        ("arn", Sort::Str { ignore_case }, [value]) => Atom::StrIn {
            var,
            pattern: Pattern::arn(&Pattern::parse(string_arg(value)?).pieces),
            ignore_case,
        },
        ("ip", Sort::Ip, [value]) => Atom::IpIn {
            var,
            range: parse_network(string_arg(value)?)?,
        },
        ("bool", Sort::Bool, []) => Atom::BoolTrue { var },
        ("present", _, []) => Atom::Present { var },
        ("any" | "any-not" | "all" | "all-not", Sort::StrSet, patterns) => {
            let patterns: Result<Vec<Pattern>, String> = patterns
                .iter()
                .map(|p| string_arg(p).map(Pattern::parse))
                .collect();
            let (patterns, negated) = (patterns?, head.ends_with("-not"));
            if head.starts_with("any") {
                Atom::SetAny {
                    var,
                    patterns,
                    negated,
                    ignore_case: false,
                }
            } else {
                Atom::SetAll {
                    var,
                    patterns,
                    negated,
                    ignore_case: false,
                }
            }
        }
        _ => {
            return Err(format!(
                "`({head} {name} …)` does not fit a variable of sort {sort:?}"
            ));
        }
    };
    Ok(cx.atom_formula(made))
}

/// Reads `10.0.0.0/8`, `2001:db8::/32` or a bare address.
pub fn parse_network(text: &str) -> Result<IpRange, String> {
    let (address, prefix) = text
        .split_once('/')
        .map_or((text, None), |(a, p)| (a, Some(p)));
    let address: std::net::IpAddr = address
        .parse()
        .map_err(|_| format!("malformed address `{text}`"))?;
    let prefix = prefix
        .map(|p| {
            p.parse::<u8>()
                .map_err(|_| format!("malformed prefix `{text}`"))
        })
        .transpose()?;
    let full = if address.is_ipv4() { 32 } else { 128 };
    Ok(IpRange::of(address, prefix.unwrap_or(full)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form() {
        let mut cx = Context::new();
        for (name, sort) in [
            ("Action", Sort::Str { ignore_case: true }),
            ("n", Sort::Num),
            ("t", Sort::Date),
            ("ip", Sort::Ip),
            ("b", Sort::Bool),
            ("tags", Sort::StrSet),
        ] {
            cx.var(name, sort).unwrap();
        }
        let f = parse(
            &mut cx,
            r#"(and (in Action "s3:Get*") (not (= Action "s3:GetObject")) (or (< n 10.5) (>= t 1700000000))
                    (ip ip "10.0.0.0/8") (=> (bool b) (present tags)) (any tags "team*") (all-not tags "x" "y"))"#,
        )
        .unwrap();
        assert_eq!(
            cx.show(f),
            r#"(Action ∈ "s3:Get*") ∧ (Action ≠ "s3:GetObject") ∧ ((n < 10.5) ∨ (t ≥ 2023-11-14T22:13:20Z)) ∧ (ip ∈ 10.0.0.0/8) ∧ (present(tags) ∨ (b = false)) ∧ (∃v ∈ tags. v ∈ "team*") ∧ (∀v ∈ tags. (v ∉ "x" ∧ v ∉ "y"))"#
        );
        assert!(
            parse(&mut cx, "(in nope \"x\")")
                .unwrap_err()
                .contains("undeclared")
        );
        assert!(parse(&mut cx, "(< Action 3)").is_err());
        assert!(
            parse(&mut cx, "(and (bool b)")
                .unwrap_err()
                .contains("missing")
        );
    }
}
