//! The variables a request is made of, and how each condition key is modelled.
//!
//! | variable | sort | meaning |
//! |---|---|---|
//! | `Action` | string, ignoring case | the action, `s3:GetObject` |
//! | `Resource` | string | the resource ARN (matched part by part, [`keyaki_logic::Pattern::arn`]) |
//! | `Principal` | string | the caller, tagged with its kind: `AWS:arn…`, `Service:name`, `Federated:id`, `CanonicalUser:id`, or `Anonymous` |
//! | a condition key | by its use | its value; its presence is `present(key)` |
//!
//! A condition key's sort follows the operators the question applies to it: a set of strings
//! when any `ForAnyValue:`/`ForAllValues:` is used on it (an unqualified operator on a
//! multi-valued key means the same as `ForAnyValue:`), else a number, a date or an address for
//! the `Numeric…`, `Date…` and `IpAddress` families, else a string (`String…`, `Arn…`, `Bool`,
//! `BinaryEquals`). A number, date or address key also has a Boolean *readable* companion: a
//! present value that is not a number (not a date, not an address) matches no policy value,
//! which a number variable alone could not express. Keys compare case-insensitively, so a key
//! is identified by its lowercase name and shown as first written.
//!
//! **Domain assumption.** A key the question never qualifies is modelled as single-valued: a
//! request carrying several values for it is outside what the formulas describe. IAM's
//! multi-valued keys are the ones policies qualify (`aws:TagKeys` and the like); where a policy
//! uses one without a qualifier, a PASS holds for single-valued requests only. The encoding's
//! differential test counts such requests separately (3 of the 314 corpus requests).

use keyaki_logic::Sort;
use keyaki_policy::{OperatorKind, Policy, ValueType};
use std::collections::BTreeMap;

/// How the question uses one condition key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUse {
    /// The key as first written.
    pub name: String,
    /// The sort chosen for it.
    pub sort: Sort,
    /// Families seen that the sort cannot model exactly (those conditions are approximated).
    pub conflicts: Vec<ValueType>,
}

/// The request variables of a question: one entry per condition key, by lowercase name.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Condition keys by lowercase name.
    pub keys: BTreeMap<String, KeyUse>,
}

impl Vocabulary {
    /// Scans the conditions of every policy of a question.
    pub fn of(policies: &[&Policy]) -> Vocabulary {
        let mut seen: BTreeMap<String, (String, bool, Vec<ValueType>)> = BTreeMap::new();
        for policy in policies {
            for statement in &policy.statements {
                for condition in &statement.conditions {
                    let key = condition.key.value.to_ascii_lowercase();
                    let entry = seen
                        .entry(key)
                        .or_insert_with(|| (condition.key.value.clone(), false, Vec::new()));
                    let operator = condition.operator.value;
                    entry.1 |= operator.qualifier.is_some();
                    if operator.kind != OperatorKind::Null
                        && !entry.2.contains(&operator.kind.value_type())
                    {
                        entry.2.push(operator.kind.value_type());
                    }
                }
            }
        }
        // Keys that policy variables name are request keys too (single strings, unless a
        // condition says otherwise): their presence decides whether a variable resolves.
        for policy in policies {
            for name in variable_keys(policy) {
                seen.entry(name.to_ascii_lowercase())
                    .or_insert_with(|| (name, false, Vec::new()));
            }
        }
        let keys = seen
            .into_iter()
            .map(|(key, (name, qualified, types))| {
                let sort = choose_sort(qualified, &types);
                let conflicts = types.iter().copied().filter(|t| !fits(sort, *t)).collect();
                (
                    key,
                    KeyUse {
                        name,
                        sort,
                        conflicts,
                    },
                )
            })
            .collect();
        Vocabulary { keys }
    }

    /// The model of a key (by any spelling).
    pub fn key(&self, name: &str) -> Option<&KeyUse> {
        self.keys.get(&name.to_ascii_lowercase())
    }
}

/// The keys of the policy variables in a policy's resources and condition values.
fn variable_keys(policy: &Policy) -> Vec<String> {
    let mut patterns: Vec<&keyaki_policy::Pattern> = Vec::new();
    for statement in &policy.statements {
        if let Some(list) = &statement.resource {
            patterns.extend(list.patterns.iter().map(|p| &p.value));
        }
        for condition in &statement.conditions {
            for value in &condition.values {
                if let keyaki_policy::ConditionValue::Pattern(p) = &value.value {
                    patterns.push(p);
                }
            }
        }
    }
    patterns
        .into_iter()
        .flat_map(|p| &p.segments)
        .filter_map(|segment| match segment {
            keyaki_policy::Segment::Variable(variable) => Some(variable.key.clone()),
            _ => None,
        })
        .collect()
}

fn choose_sort(qualified: bool, types: &[ValueType]) -> Sort {
    let stringy = |t: &ValueType| {
        matches!(
            t,
            ValueType::String | ValueType::Arn | ValueType::Bool | ValueType::Binary
        )
    };
    if qualified {
        return Sort::StrSet;
    }
    match types {
        [ValueType::Number] => Sort::Num,
        [ValueType::Date] => Sort::Date,
        [ValueType::Ip] => Sort::Ip,
        _ if types.iter().any(stringy) || types.is_empty() => Sort::Str { ignore_case: false },
        [ValueType::Number, ..] => Sort::Num,
        [ValueType::Date, ..] => Sort::Date,
        [ValueType::Ip, ..] => Sort::Ip,
        _ => Sort::Str { ignore_case: false },
    }
}

/// Whether a key of `sort` models operators of `family` exactly.
pub fn fits(sort: Sort, family: ValueType) -> bool {
    match family {
        ValueType::String | ValueType::Arn | ValueType::Bool | ValueType::Binary => {
            matches!(sort, Sort::Str { .. } | Sort::StrSet)
        }
        ValueType::Number => sort == Sort::Num,
        ValueType::Date => sort == Sort::Date,
        ValueType::Ip => sort == Sort::Ip,
        ValueType::Presence => true,
    }
}

/// The name of the *readable* companion of a number, date or address key.
pub fn readable_name(key: &str) -> String {
    format!("{key} is readable")
}
