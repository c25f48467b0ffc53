//! Checks on the keys of `Condition` blocks: keys IAM does not support (a service's keys by the
//! catalog, `aws:` keys by the IAM User Guide's list of global keys), tag keys without a tag,
//! multivalued keys without a set qualifier (and single-valued keys with one), a key written
//! twice in different letter case, and empty blocks. Whether a key fits the actions of its
//! statement is `action_keys`'s concern.

use crate::catalog::{self, GlobalKey, KeyStatus};
use crate::{Document, Finding};
use keyaki_policy::{Condition, Json, OperatorKind, SetQualifier, Span, Spanned, ValueType};

/// Global condition keys that are single-valued (IAM User Guide, "AWS global condition context
/// keys": each of these is documented with "Value type – Single-valued").
const SINGLE_VALUED_GLOBAL_KEYS: &[&str] = &[
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalType",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:userid",
    "aws:username",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
];

/// Global condition keys that are multivalued (the same page: "Value type – Multivalued").
const MULTIVALUED_GLOBAL_KEYS: &[&str] = &[
    "aws:CalledVia",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceNamesList",
    "aws:ResourceOrgPaths",
    "aws:SourceOrgPaths",
    "aws:TagKeys",
];

/// The tag keys that need a tag name after their `/`.
const TAG_KEYS: &[&str] = &["aws:RequestTag/", "aws:ResourceTag/", "aws:PrincipalTag/"];

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = empty_condition_blocks(document);
    for statement in &document.policy.statements {
        for (index, condition) in statement.conditions.iter().enumerate() {
            findings.extend(unsupported_key(document, condition));
            findings.extend(unknown_service_key(document, condition));
            findings.extend(global_key(document, condition));
            findings.extend(missing_tag_key(document, condition));
            findings.extend(qualifier_mismatch(document, condition));
            let earlier = statement.conditions.get(..index).unwrap_or_default();
            findings.extend(duplicate_key_case(document, condition, earlier));
        }
    }
    findings
}

/// Where a finding about a condition key points: its values, as Access Analyzer's locations do
/// (the path ends with `{"value": KEY}`); the key itself when it has none.
pub(crate) fn values_span(condition: &Condition) -> Span {
    match (condition.values.first(), condition.values.last()) {
        (Some(first), Some(last)) => first.span.to(last.span),
        _ => condition.key.span,
    }
}

fn is_one_of(key: &str, keys: &[&str]) -> bool {
    keys.iter().any(|known| known.eq_ignore_ascii_case(key))
}

/// `UNSUPPORTED_GLOBAL_CONDITION_KEY`: `aws:ARN` (the reference: "instead of `aws:ARN`, use the
/// `aws:PrincipalArn`").
fn unsupported_key(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    if !condition.key.value.eq_ignore_ascii_case("aws:ARN") {
        return None;
    }
    document.finding(
        "UNSUPPORTED_GLOBAL_CONDITION_KEY",
        &[],
        &[values_span(condition)],
    )
}

/// `INVALID_SERVICE_CONDITION_KEY` (a service's key it does not declare) and `INVALID_SERVICE`
/// (a prefix that is no service). Global keys (`aws:`) and identity-provider keys (a prefix
/// with a dot, such as `token.actions.githubusercontent.com:sub`) are not judged here.
fn unknown_service_key(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    let key = condition.key.value.as_str();
    let (prefix, _) = key.split_once(':')?;
    if prefix.eq_ignore_ascii_case("aws") || prefix.contains('.') {
        return None;
    }
    let (code, values) = match catalog::key_status(key) {
        KeyStatus::Declared(kind) => return type_mismatch(document, condition, kind?),
        KeyStatus::UnknownKey => (
            "INVALID_SERVICE_CONDITION_KEY",
            [("key", key), ("service", prefix)],
        ),
        KeyStatus::UnknownPrefix => ("INVALID_SERVICE", [("service", prefix), ("key", key)]),
    };
    document.finding(code, &values, &[values_span(condition)])
}

/// `INVALID_GLOBAL_CONDITION_KEY` (an `aws:` key that is not one of the Guide's global keys,
/// such as `aws:SourceIP4`) and `TYPE_MISMATCH` for a global key of a known type. `aws:ARN` and
/// a tag key without its tag (`aws:ResourceTag`) have checks of their own.
fn global_key(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    let key = condition.key.value.as_str();
    let (prefix, _) = key.split_once(':')?;
    if !prefix.eq_ignore_ascii_case("aws")
        || key.eq_ignore_ascii_case("aws:ARN")
        || tag_key_without_tag(key).is_some()
    {
        return None;
    }
    match catalog::global_key(key) {
        GlobalKey::Known(kind) => type_mismatch(document, condition, kind?),
        GlobalKey::Unknown => document.finding(
            "INVALID_GLOBAL_CONDITION_KEY",
            &[("key", key)],
            &[values_span(condition)],
        ),
    }
}

/// `TYPE_MISMATCH`: a number, date, Boolean or address operator on a key the reference gives
/// another type (`NumericEquals` on `s3:prefix`, a `String`). String and ARN operators
/// are not judged: keys of either type are compared with both in AWS's own policies.
fn type_mismatch(document: &Document<'_>, condition: &Condition, kind: &str) -> Option<Finding> {
    let operator = condition.operator.value.kind;
    let operator_type = match operator.value_type() {
        ValueType::Number => "Numeric",
        ValueType::Date => "Date",
        ValueType::Bool => "Bool",
        ValueType::Ip => "IPAddress",
        _ => return None,
    };
    let key_type = kind.strip_prefix("ArrayOf").unwrap_or(kind);
    let allowed = match key_type {
        "String" => "String",
        "ARN" => "Arn",
        "Numeric" => "Numeric",
        "Date" => "Date",
        "Bool" => "Bool",
        "IPAddress" => "IpAddress",
        _ => return None,
    };
    if key_type == operator_type {
        return None;
    }
    document.finding(
        "TYPE_MISMATCH",
        &[
            ("allowed", allowed),
            ("operator", operator.name()),
            ("key", &condition.key.value),
        ],
        &[values_span(condition)],
    )
}

/// `MISSING_TAG_KEY_IN_CONDITION`: `aws:ResourceTag` written without `/tag-key`.
fn missing_tag_key(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    let tag_key = tag_key_without_tag(&condition.key.value)?;
    document.finding(
        "MISSING_TAG_KEY_IN_CONDITION",
        &[("conditionKeyName", tag_key)],
        &[values_span(condition)],
    )
}

/// The tag key (`aws:ResourceTag/`) `key` names without a tag, if it does.
fn tag_key_without_tag(key: &str) -> Option<&'static str> {
    TAG_KEYS.iter().copied().find(|prefix| {
        key.eq_ignore_ascii_case(prefix) || key.eq_ignore_ascii_case(prefix.trim_end_matches('/'))
    })
}

/// `MISSING_QUALIFIER` (a multivalued key compared without `ForAllValues:`/`ForAnyValue:`) and
/// `FORALLVALUES_WITH_SINGLE_VALUED_KEY` (`ForAllValues:` is true when the key is absent, so on
/// a single-valued key it matches more requests than the plain operator would).
fn qualifier_mismatch(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    let operator = &condition.operator.value;
    let key = condition.key.value.as_str();
    match operator.qualifier {
        None if operator.kind != OperatorKind::Null && is_one_of(key, MULTIVALUED_GLOBAL_KEYS) => {
            document.finding(
                "MISSING_QUALIFIER",
                &[("key", key)],
                &[values_span(condition)],
            )
        }
        Some(SetQualifier::ForAllValues) if is_one_of(key, SINGLE_VALUED_GLOBAL_KEYS) => document
            .finding(
                "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                &[("key", key)],
                &[values_span(condition)],
            ),
        _ => None,
    }
}

/// `DUPLICATE_KEYS_WITH_DIFFERENT_CASE`: the same key twice in one operator's block, spelt
/// differently (JSON keeps both; IAM compares key names ignoring case).
fn duplicate_key_case(
    document: &Document<'_>,
    condition: &Condition,
    earlier: &[Condition],
) -> Option<Finding> {
    let first = earlier.iter().find(|other| {
        other.operator.span == condition.operator.span
            && other.key.value != condition.key.value
            && other.key.value.eq_ignore_ascii_case(&condition.key.value)
    })?;
    document.finding(
        "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
        &[("key", &condition.key.value)],
        &[condition.key.span, first.key.span],
    )
}

/// `EMPTY_OBJECT_CONDITION`: `"Condition": {}`, or an operator with no keys; read from the
/// JSON tree, since such a block leaves nothing in the model.
fn empty_condition_blocks(document: &Document<'_>) -> Vec<Finding> {
    let mut empty = Vec::new();
    for statement in statement_objects(document.tree) {
        let Some(condition) = member(statement, "Condition") else {
            continue;
        };
        match &condition.value {
            Json::Object(blocks) if blocks.is_empty() => empty.push(condition.span),
            Json::Object(blocks) => empty.extend(
                blocks
                    .iter()
                    .filter(
                        |block| matches!(&block.value.value, Json::Object(keys) if keys.is_empty()),
                    )
                    .map(|block| block.value.span),
            ),
            _ => {}
        }
    }
    empty
        .into_iter()
        .filter_map(|span| document.finding("EMPTY_OBJECT_CONDITION", &[], &[span]))
        .collect()
}

/// The statement objects of a policy document (one object or a list).
fn statement_objects(tree: &Spanned<Json>) -> Vec<&Spanned<Json>> {
    match member(tree, "Statement").map(|s| &s.value) {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(Json::Object(_)) => member(tree, "Statement").into_iter().collect(),
        _ => Vec::new(),
    }
}

fn member<'j>(object: &'j Spanned<Json>, name: &str) -> Option<&'j Spanned<Json>> {
    match &object.value {
        Json::Object(members) => members
            .iter()
            .find(|m| m.key.value == name)
            .map(|m| &m.value),
        _ => None,
    }
}
