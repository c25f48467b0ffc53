//! The `Condition` element: `{ operator: { key: value-or-values } }`.
//!
//! An operator name is read as `[ForAnyValue:|ForAllValues:]Name[IfExists]`, each value is typed
//! by the operator's family ([`ValueType`]) right here, so a malformed date or CIDR block is an
//! error pointing at that value, and no later stage ever sees untyped text. Values may be
//! written as strings, numbers or booleans; a number is read from its exact source text.

use super::GrammarReader;
use crate::diagnostic::Diagnostic;
use crate::issue_code::IssueCode;
use crate::json::{Json, Member};
use crate::model::{Condition, ConditionValue, Operator, OperatorKind, SetQualifier, ValueType};
use crate::pattern::PatternSyntax;
use crate::span::{Span, Spanned};
use crate::value::{Decimal, Instant, IpNetwork, parse_base64, parse_bool};

impl GrammarReader {
    pub(super) fn conditions(&mut self, member: &Member) -> Vec<Condition> {
        let Some(operators) = self.object(&member.value, "`Condition`") else {
            return Vec::new();
        };
        let mut conditions = Vec::new();
        for block in operators {
            let Some(operator) = self.operator(&block.key) else {
                continue;
            };
            let Some(keys) = self.object(&block.value, &format!("the `{}` block", block.key.value))
            else {
                continue;
            };
            for key in keys {
                if key.key.value.is_empty() {
                    self.error(
                        Diagnostic::error(
                            "a condition key cannot be the empty string",
                            key.key.span,
                        )
                        .with_code(IssueCode::InvalidConditionKeyFormat),
                    );
                    continue;
                }
                if let Some(values) = self.condition_values(&operator.value, key) {
                    conditions.push(Condition {
                        operator: operator.clone(),
                        key: key.key.clone(),
                        values,
                    });
                }
            }
        }
        conditions
    }

    fn operator(&mut self, name: &Spanned<String>) -> Option<Spanned<Operator>> {
        let (qualifier, rest) = match name.value.split_once(':') {
            Some(("ForAnyValue", rest)) => (Some(SetQualifier::ForAnyValue), rest),
            Some(("ForAllValues", rest)) => (Some(SetQualifier::ForAllValues), rest),
            Some((other, _)) => {
                let fix = ["ForAnyValue", "ForAllValues"]
                    .into_iter()
                    .find(|q| q.eq_ignore_ascii_case(other));
                let diagnostic =
                    Diagnostic::error(format!("unknown set qualifier `{other}`"), name.span)
                        .with_code(IssueCode::InvalidConditionOperator);
                self.error(match fix {
                    Some(fix) => diagnostic.with_help(format!("did you mean `{fix}`?")),
                    None => diagnostic
                        .with_help("the set qualifiers are `ForAnyValue:` and `ForAllValues:`"),
                });
                return None;
            }
            None => (None, name.value.as_str()),
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let Some(kind) = OperatorKind::from_name(base) else {
            let fix = OperatorKind::ALL
                .iter()
                .map(|k| k.name())
                .min_by_key(|k| {
                    super::edit_distance(&k.to_ascii_lowercase(), &base.to_ascii_lowercase())
                })
                .filter(|k| {
                    super::edit_distance(&k.to_ascii_lowercase(), &base.to_ascii_lowercase()) <= 3
                });
            let diagnostic = Diagnostic::error(
                format!("unknown condition operator `{}`", name.value),
                name.span,
            )
            .with_code(IssueCode::InvalidConditionOperator);
            self.error(match fix {
                Some(fix) => diagnostic.with_help(format!("did you mean `{fix}`?")),
                None => diagnostic.with_help("operators are String…, Numeric…, Date…, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn… and Null, optionally with an `IfExists` suffix"),
            });
            return None;
        };
        if kind == OperatorKind::Null && (if_exists || qualifier.is_some()) {
            self.error(
                Diagnostic::error(
                    format!("`Null` cannot be written as `{}`", name.value),
                    name.span,
                )
                .with_help("`Null` already tests whether the key exists; write plain `Null`")
                .with_code(if if_exists {
                    IssueCode::NullWithIfExists
                } else {
                    IssueCode::NullWithQualifier
                }),
            );
            return None;
        }
        Some(Spanned::new(
            Operator {
                qualifier,
                kind,
                if_exists,
            },
            name.span,
        ))
    }

    fn condition_values(
        &mut self,
        operator: &Operator,
        key: &Member,
    ) -> Option<Vec<Spanned<ConditionValue>>> {
        let kind = operator.kind;
        let items: Vec<&Spanned<Json>> = match &key.value.value {
            Json::Array(items) if items.is_empty() => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "condition key `{}` has an empty list of values",
                            key.key.value
                        ),
                        key.value.span,
                    )
                    .with_help("give at least one value")
                    .with_code(empty_condition_code(operator)),
                );
                return None;
            }
            Json::Array(items) => items.iter().collect(),
            _ => vec![&key.value],
        };
        let values: Vec<_> = items
            .into_iter()
            .filter_map(|item| self.condition_value(kind, item))
            .collect();
        (values.len()
            == match &key.value.value {
                Json::Array(items) => items.len(),
                _ => 1,
            })
        .then_some(values)
    }

    fn condition_value(
        &mut self,
        kind: OperatorKind,
        item: &Spanned<Json>,
    ) -> Option<Spanned<ConditionValue>> {
        let text = match &item.value {
            Json::String(text) => text.clone(),
            Json::Number(text) => text.clone(),
            Json::Bool(b) => b.to_string(),
            other => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "a condition value must be a string, number or boolean, found {}",
                            other.type_name()
                        ),
                        item.span,
                    )
                    .with_code(IssueCode::DataTypeMismatch),
                );
                return None;
            }
        };
        let typed = match kind.value_type() {
            ValueType::String | ValueType::Arn => {
                let syntax = PatternSyntax {
                    wildcards: kind.has_wildcards(),
                    variables: self.variables,
                };
                if !self.variables && text.contains("${") {
                    self.literal_variable_spans.push(item.span);
                }
                self.pattern(&Spanned::new(text.clone(), item.span), syntax)
                    .map(ConditionValue::Pattern)
            }
            ValueType::Number => Decimal::parse(&text).map(ConditionValue::Number),
            ValueType::Date => Instant::parse(&text).map(ConditionValue::Date),
            ValueType::Bool | ValueType::Presence => parse_bool(&text).map(ConditionValue::Bool),
            ValueType::Binary => parse_base64(&text).map(ConditionValue::Binary),
            ValueType::Ip => IpNetwork::parse(&text).map(ConditionValue::Ip),
        };
        if typed.is_none() && !matches!(kind.value_type(), ValueType::String | ValueType::Arn) {
            if self.variables && text.contains("${") {
                self.error(variable_for_operator(&text, kind.name(), item.span));
                return None;
            }
            let (what, help) = malformed(kind.value_type());
            let mut diagnostic = Diagnostic::error(
                format!("malformed {what} `{text}` for `{}`", kind.name()),
                item.span,
            )
            .with_help(help);
            diagnostic.code = type_mismatch_code(kind.value_type());
            self.error(diagnostic);
        }
        typed.map(|value| Spanned::new(value, item.span))
    }
}

/// Access Analyzer's issue code for a condition key with no values: which one depends on what
/// an empty list means under the operator's qualifier and suffix.
fn empty_condition_code(operator: &Operator) -> IssueCode {
    match (operator.qualifier, operator.if_exists) {
        (Some(SetQualifier::ForAllValues), _) => IssueCode::EmptyArrayConditionForallvalues,
        (Some(SetQualifier::ForAnyValue), _) => IssueCode::EmptyArrayConditionForanyvalue,
        (None, true) => IssueCode::EmptyArrayConditionIfexists,
        (None, false) => IssueCode::EmptyArrayCondition,
    }
}

/// A policy variable under an operator that is neither a string nor an ARN operator: the
/// variable is not replaced there, so the value is text the operator cannot read (IAM User
/// Guide, "Access Analyzer policy check reference", Error – Invalid variable for operator:
/// "You can't use a policy variable with other operators, such as Numeric, Date, Boolean,
/// Binary, IP Address, or Null operators").
fn variable_for_operator(text: &str, operator: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        format!("the policy variable in `{text}` is not replaced under `{operator}`"),
        span,
    )
    .with_help("policy variables work only with string and ARN operators")
    .with_code(IssueCode::InvalidVariableForOperator)
}

/// Access Analyzer's issue code for a value its operator cannot read, if it has one.
fn type_mismatch_code(value_type: ValueType) -> Option<IssueCode> {
    match value_type {
        ValueType::Number => Some(IssueCode::TypeMismatchNumber),
        ValueType::Date => Some(IssueCode::TypeMismatchDate),
        ValueType::Bool | ValueType::Presence => Some(IssueCode::TypeMismatchBoolean),
        ValueType::Ip => Some(IssueCode::TypeMismatchIpRange),
        ValueType::String | ValueType::Arn | ValueType::Binary => None,
    }
}

/// How to name a value type in an error, and what a well-formed value looks like.
fn malformed(value_type: ValueType) -> (&'static str, &'static str) {
    match value_type {
        ValueType::Number => (
            "number",
            "write a decimal number such as `10`, `-2.5` or `1e3`",
        ),
        ValueType::Date => (
            "date",
            "write an ISO 8601 date such as `2024-01-31T12:00:00Z`, or epoch seconds such as `1706702400`",
        ),
        ValueType::Bool => ("boolean", "write `true` or `false`"),
        ValueType::Presence => (
            "`Null` value",
            "write `true` (the key is absent) or `false` (the key is present)",
        ),
        ValueType::Binary => (
            "base64 value",
            "`BinaryEquals` compares base64-encoded bytes, such as `QmluYXJ5VmFsdWU=`",
        ),
        ValueType::Ip => (
            "IP address or CIDR block",
            "write an IPv4 or IPv6 address or CIDR block, such as `203.0.113.0/24` or `2001:db8::/32`",
        ),
        ValueType::String | ValueType::Arn => ("value", ""),
    }
}
