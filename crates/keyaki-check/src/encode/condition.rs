//! Conditions as formulas, following the evaluator's rules (keyaki-policy `eval/condition.rs`).
//!
//! For a key `k` and a positive operator with values `v₁ … vₙ`, a single-valued key gives
//!
//! ```text
//! present(k) ∧ readable(k) ∧ (k ⋄ v₁ ∨ … ∨ k ⋄ vₙ)       readable(k) only for numbers, dates, IPs
//! ```
//!
//! and a negated operator the negation of that (so an absent key satisfies it); `…IfExists`
//! adds `¬present(k) ∨`. `Null: true` is `¬present(k)`. On a set (multi-valued key),
//! `ForAnyValue:` is `∃v ∈ k`, `ForAllValues:` is `∀v ∈ k`, each with the element matching one
//! of the values (positive operator) or none of them (negated operator); an unqualified
//! operator means `∃v ∈ k. v matches one` and its negation. Absent and empty sets agree with
//! IAM: `∃` is false and `∀` true there.
//!
//! Value by value: `StringEquals` is equality, `…IgnoreCase` ignores case, `StringLike` is a
//! wildcard match, `Arn…` an ARN match part by part, `Bool` equality with `true`/`false`
//! ignoring case, `BinaryEquals` equality with the canonical base64 text (the only text that
//! decodes to the bytes), numbers and dates compare, addresses fall in networks.

use super::{Encoder, Meaning, glob_of, relaxed_arn, relaxed_glob};
use crate::vocabulary::fits;
use keyaki_logic::{Atom, Cmp, Formula, Instant, IpRange, Number, Pattern, Sort, Var};
use keyaki_policy::{Condition, ConditionValue, OperatorKind, SetQualifier, ValueType};
use std::net::IpAddr;

impl Encoder<'_> {
    pub(super) fn condition(&mut self, condition: &Condition) -> Formula {
        let operator = condition.operator.value;
        let Some(key) = self.vocabulary().key(&condition.key.value).cloned() else {
            return self.opaque_condition(condition);
        };
        let Ok(var) = self.cx.var(&key.name, key.sort) else {
            return self.opaque_condition(condition);
        };
        let present = self.cx.atom_formula(Atom::Present { var });
        if operator.kind == OperatorKind::Null {
            let options: Vec<Formula> = condition
                .values
                .iter()
                .map(|v| match v.value {
                    ConditionValue::Bool(true) => self.cx.not(present),
                    _ => present,
                })
                .collect();
            return self.cx.or(options);
        }
        if !fits(key.sort, operator.kind.value_type()) {
            return self.opaque_condition(condition);
        }
        let result = if key.sort == Sort::StrSet {
            match self.set_condition(condition, var) {
                Some(f) => f,
                None => return self.opaque_condition(condition),
            }
        } else {
            let Some(any_value) = self.values(condition, var, key.sort) else {
                return self.opaque_condition(condition);
            };
            let mut parts = vec![present, any_value];
            if let Some(readable) = self.readable_flag(&key.name, key.sort) {
                parts.push(self.cx.atom_formula(Atom::BoolTrue { var: readable }));
            }
            let matched = self.cx.and(parts);
            if operator.kind.is_negated() {
                self.cx.not(matched)
            } else {
                matched
            }
        };
        if operator.if_exists {
            let absent = self.cx.not(present);
            self.cx.or([absent, result])
        } else {
            result
        }
    }

    fn opaque_condition(&mut self, condition: &Condition) -> Formula {
        let values: Vec<String> = condition
            .values
            .iter()
            .map(|v| show_value(&v.value))
            .collect();
        let description = format!(
            "{} {} {}",
            condition.operator.value,
            condition.key.value,
            values.join(", ")
        );
        self.opaque_atom(description, Meaning::Condition(condition.clone()))
    }

    /// `k ⋄ v₁ ∨ … ∨ k ⋄ vₙ` under the positive form of the operator; `None` when a value
    /// cannot be encoded exactly (a policy variable).
    fn values(&mut self, condition: &Condition, var: Var, sort: Sort) -> Option<Formula> {
        let kind = condition.operator.value.kind;
        let mut options = Vec::new();
        for value in &condition.values {
            if let (ConditionValue::Pattern(p), Sort::Str { .. }) = (&value.value, sort)
                && glob_of(p).is_none()
            {
                let compared = self.compare_with_variables(&condition.key.value, kind, p, var);
                options.push(compared);
                continue;
            }
            let atom = match (&value.value, sort) {
                (ConditionValue::Pattern(p), Sort::Str { .. }) => Atom::StrIn {
                    var,
                    pattern: string_pattern(kind, p)?,
                    ignore_case: kind.ignores_case(),
                },
                (ConditionValue::Bool(b), Sort::Str { .. }) => Atom::StrIn {
                    var,
                    pattern: Pattern::literal(&b.to_string()),
                    ignore_case: true,
                },
                (ConditionValue::Binary(bytes), Sort::Str { .. }) => {
                    use base64::Engine as _;
                    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                    Atom::StrIn {
                        var,
                        pattern: Pattern::literal(&text),
                        ignore_case: false,
                    }
                }
                (ConditionValue::Number(n), Sort::Num) => Atom::NumCmp {
                    var,
                    cmp: cmp_of(kind)?,
                    value: Number::parse(&n.to_string())?,
                },
                (ConditionValue::Date(d), Sort::Date) => Atom::DateCmp {
                    var,
                    cmp: cmp_of(kind)?,
                    value: Instant(i128::from(d.seconds) * 1_000_000_000 + i128::from(d.nanos)),
                },
                (ConditionValue::Ip(network), Sort::Ip) => Atom::IpIn {
                    var,
                    range: range_of(network.address, network.prefix),
                },
                _ => return None,
            };
            options.push(self.cx.atom_formula(atom));
        }
        Some(self.cx.or(options))
    }

    /// One comparison of a string key with a policy value holding variables: an opaque atom
    /// for the exact comparison, shared by every operator that makes it (`StringEquals` and
    /// `StringNotEquals` alike), with what is known exactly beside it: the key matches the
    /// value read with its variables as "anything", and the variables resolve.
    fn compare_with_variables(
        &mut self,
        key: &str,
        kind: OperatorKind,
        pattern: &keyaki_policy::Pattern,
        var: Var,
    ) -> Formula {
        let arn = kind.value_type() == ValueType::Arn;
        let comparison = match (arn, kind.ignores_case()) {
            (true, _) => "matches the ARN",
            (false, true) => "equals, ignoring case,",
            (false, false) => "matches",
        };
        let mut options = Vec::new();
        for (presence, case) in self.default_cases(pattern) {
            let compared = match string_pattern(kind, &case) {
                Some(exact) => self.cx.atom_formula(Atom::StrIn {
                    var,
                    pattern: exact,
                    ignore_case: kind.ignores_case(),
                }),
                None => {
                    let description =
                        format!("{} {comparison} {}", key.to_ascii_lowercase(), case.text);
                    let opaque = self.opaque_atom(
                        description,
                        Meaning::Compare {
                            key: key.to_string(),
                            kind,
                            value: ConditionValue::Pattern(case.clone()),
                        },
                    );
                    let relaxed = if arn {
                        relaxed_arn(&case)
                    } else {
                        relaxed_glob(&case)
                    };
                    let within = self.cx.atom_formula(Atom::StrIn {
                        var,
                        pattern: relaxed,
                        ignore_case: kind.ignores_case(),
                    });
                    let resolved = self.variables_resolve(&case);
                    self.cx.and([opaque, within, resolved])
                }
            };
            options.push(self.cx.and([presence, compared]));
        }
        self.cx.or(options)
    }

    fn set_condition(&mut self, condition: &Condition, var: Var) -> Option<Formula> {
        let operator = condition.operator.value;
        let kind = operator.kind;
        if !matches!(kind.value_type(), ValueType::String | ValueType::Arn) {
            return None;
        }
        let patterns: Option<Vec<Pattern>> = condition
            .values
            .iter()
            .map(|v| match &v.value {
                ConditionValue::Pattern(p) => string_pattern(kind, p),
                _ => None,
            })
            .collect();
        let patterns = patterns?;
        let negated = kind.is_negated();
        let ignore_case = kind.ignores_case();
        Some(match operator.qualifier {
            Some(SetQualifier::ForAnyValue) => self.cx.atom_formula(Atom::SetAny {
                var,
                patterns,
                negated,
                ignore_case,
            }),
            Some(SetQualifier::ForAllValues) => self.cx.atom_formula(Atom::SetAll {
                var,
                patterns,
                negated,
                ignore_case,
            }),
            None => {
                let any = self.cx.atom_formula(Atom::SetAny {
                    var,
                    patterns,
                    negated: false,
                    ignore_case,
                });
                if negated { self.cx.not(any) } else { any }
            }
        })
    }
}

/// The pattern a string or ARN operator compares with, `None` for a policy variable.
fn string_pattern(kind: OperatorKind, pattern: &keyaki_policy::Pattern) -> Option<Pattern> {
    let glob = glob_of(pattern)?;
    Some(if kind.value_type() == ValueType::Arn {
        Pattern::arn(&glob.pieces)
    } else {
        glob
    })
}

fn cmp_of(kind: OperatorKind) -> Option<Cmp> {
    use OperatorKind as K;
    Some(match kind {
        K::NumericEquals | K::NumericNotEquals | K::DateEquals | K::DateNotEquals => Cmp::Eq,
        K::NumericLessThan | K::DateLessThan => Cmp::Lt,
        K::NumericLessThanEquals | K::DateLessThanEquals => Cmp::Le,
        K::NumericGreaterThan | K::DateGreaterThan => Cmp::Gt,
        K::NumericGreaterThanEquals | K::DateGreaterThanEquals => Cmp::Ge,
        _ => return None,
    })
}

/// An IP network on the logic's combined IPv4/IPv6 line.
pub fn range_of(address: IpAddr, prefix: u8) -> IpRange {
    match address {
        IpAddr::V4(v4) => IpRange::v4(u32::from(v4), prefix),
        IpAddr::V6(v6) => IpRange::v6(u128::from(v6), prefix),
    }
}

fn show_value(value: &ConditionValue) -> String {
    match value {
        ConditionValue::Pattern(p) => format!("\"{}\"", p.text),
        ConditionValue::Number(n) => n.to_string(),
        ConditionValue::Date(d) => d.to_string(),
        ConditionValue::Bool(b) => b.to_string(),
        ConditionValue::Binary(_) => "(binary)".to_string(),
        ConditionValue::Ip(n) => n.to_string(),
    }
}
