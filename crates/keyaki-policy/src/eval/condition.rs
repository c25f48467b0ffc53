//! Conditions: one operator, one request key, a list of policy values.
//!
//! The rules, from the IAM User Guide's condition-operator and multi-valued-key chapters:
//!
//! - **Absent key** (not in the context, or an empty list): `…IfExists` → true; `ForAllValues:`
//!   → true; `ForAnyValue:` → false; otherwise a positive operator is false and a negated one
//!   (`StringNotEquals`, `NotIpAddress`, …) is true. `Null: true` holds exactly when absent.
//! - **Values of the policy are OR'ed**: a request value satisfies a positive operator when it
//!   matches *any* policy value, and a negated operator when it matches *none*.
//! - **Qualifiers** range over the request's values: `ForAnyValue:` needs at least one request
//!   value to satisfy the operator, `ForAllValues:` needs all of them to.
//! - **No qualifier on a multi-valued key** (which AWS advises against): the positive operator
//!   holds when any request value matches, and a negated operator is its negation. This is a
//!   decision, written here and in DESIGN.md's spirit: a negated operator is always the
//!   negation of its positive twin.
//! - A request value that cannot be read as the operator's type (a date that is not a date)
//!   matches no policy value; a policy value with an unresolvable variable (the key absent, no
//!   default) matches no request value.

use super::arn;
use super::wildcard::{Glob, literal_prefix_excludes};
use crate::model::{Condition, ConditionValue, OperatorKind, SetQualifier, ValueType};
use crate::request::Request;
use crate::value::{Decimal, Instant, parse_base64, parse_bool};
use std::cmp::Ordering;
use std::net::IpAddr;

/// Whether the condition holds for the request.
pub fn holds(condition: &Condition, request: &Request) -> bool {
    let operator = condition.operator.value;
    let present: Vec<String> = request
        .context_value(&condition.key.value)
        .map(|v| v.values)
        .unwrap_or_default();
    if operator.kind == OperatorKind::Null {
        let absent = present.is_empty();
        return condition
            .values
            .iter()
            .any(|v| v.value == ConditionValue::Bool(absent));
    }
    if present.is_empty() {
        return operator.if_exists
            || match operator.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => operator.kind.is_negated(),
            };
    }
    let matches_any_policy_value = |text: &String| {
        condition
            .values
            .iter()
            .any(|v| value_matches(operator.kind, &v.value, text, request))
    };
    // A single request value satisfies the operator (positive: matches some policy value;
    // negated: matches none).
    let satisfies = |text: &String| matches_any_policy_value(text) != operator.kind.is_negated();
    match operator.qualifier {
        Some(SetQualifier::ForAnyValue) => present.iter().any(satisfies),
        Some(SetQualifier::ForAllValues) => present.iter().all(satisfies),
        None => present.iter().any(matches_any_policy_value) != operator.kind.is_negated(),
    }
}

/// Whether one request value matches one policy value under the *positive* form of `kind`.
pub fn value_matches(
    kind: OperatorKind,
    policy: &ConditionValue,
    text: &str,
    request: &Request,
) -> bool {
    match policy {
        ConditionValue::Pattern(pattern) if kind.value_type() == ValueType::Arn => {
            arn::matches(pattern, text, request)
        }
        ConditionValue::Pattern(pattern)
            if literal_prefix_excludes(&pattern.segments, text, kind.ignores_case()) =>
        {
            false
        }
        ConditionValue::Pattern(pattern) => match Glob::resolve(&pattern.segments, Some(request)) {
            Some(glob) if kind.ignores_case() => glob.matches_ignoring_case(text),
            Some(glob) => glob.matches(text),
            None => false,
        },
        ConditionValue::Number(bound) => {
            Decimal::parse(text).is_some_and(|n| compare(kind, n.cmp(bound)))
        }
        ConditionValue::Date(bound) => {
            Instant::parse(text).is_some_and(|d| compare(kind, d.cmp(bound)))
        }
        ConditionValue::Bool(expected) => parse_bool(text) == Some(*expected),
        ConditionValue::Binary(bytes) => parse_base64(text).is_some_and(|b| &b == bytes),
        ConditionValue::Ip(network) => text
            .parse::<IpAddr>()
            .is_ok_and(|address| network.contains(address)),
    }
}

/// Whether `request ⋄ policy` holds, for the ordering `ordering` = request.cmp(policy), under
/// the positive comparison of `kind`.
fn compare(kind: OperatorKind, ordering: Ordering) -> bool {
    use OperatorKind as K;
    match kind {
        K::NumericEquals | K::NumericNotEquals | K::DateEquals | K::DateNotEquals => {
            ordering.is_eq()
        }
        K::NumericLessThan | K::DateLessThan => ordering.is_lt(),
        K::NumericLessThanEquals | K::DateLessThanEquals => ordering.is_le(),
        K::NumericGreaterThan | K::DateGreaterThan => ordering.is_gt(),
        K::NumericGreaterThanEquals | K::DateGreaterThanEquals => ordering.is_ge(),
        _ => false,
    }
}
