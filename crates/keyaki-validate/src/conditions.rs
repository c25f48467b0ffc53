//! Checks on `Condition`: operators that do not fit their values or keys.

use crate::{Document, Finding};
use keyaki_policy::value::IpNetwork;
use keyaki_policy::{Condition, ConditionValue, OperatorKind, SetQualifier, Span};
use std::net::IpAddr;

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

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for statement in &document.policy.statements {
        for condition in &statement.conditions {
            findings.extend(wildcards_without_like(document, condition));
            findings.extend(private_addresses(document, condition));
            findings.extend(redundant_numbers(document, condition));
            findings.extend(for_all_values_single_valued(document, condition));
        }
    }
    findings
}

/// `WILDCARD_WITHOUT_LIKE_OPERATOR`: `*` or `?` in a value of an operator that reads them as
/// plain characters (`StringEquals`); `${*}` and `${?}` are written on purpose and not reported.
fn wildcards_without_like(document: &Document<'_>, condition: &Condition) -> Vec<Finding> {
    let kind = condition.operator.value.kind;
    let is_string_equality = matches!(
        kind,
        OperatorKind::StringEquals
            | OperatorKind::StringNotEquals
            | OperatorKind::StringEqualsIgnoreCase
            | OperatorKind::StringNotEqualsIgnoreCase
    );
    if !is_string_equality {
        return Vec::new();
    }
    condition
        .values
        .iter()
        .filter(|value| match &value.value {
            ConditionValue::Pattern(pattern) => pattern
                .text
                .replace("${*}", "")
                .replace("${?}", "")
                .contains(['*', '?']),
            _ => false,
        })
        .filter_map(|value| document.finding("WILDCARD_WITHOUT_LIKE_OPERATOR", &[], &[value.span]))
        .collect()
}

/// `PRIVATE_IP_ADDRESS` and its three kin: `aws:SourceIp` compared with private networks,
/// which it never holds (the reference: "The global condition key `aws:SourceIp` works only for
/// public IP address ranges").
fn private_addresses(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    if !condition.key.value.eq_ignore_ascii_case("aws:SourceIp") {
        return None;
    }
    let networks: Vec<(&IpNetwork, Span)> = condition
        .values
        .iter()
        .filter_map(|value| match &value.value {
            ConditionValue::Ip(network) => Some((network, value.span)),
            _ => None,
        })
        .collect();
    let private: Vec<Span> = networks
        .iter()
        .filter(|(network, _)| is_private(network))
        .map(|(_, span)| *span)
        .collect();
    if private.is_empty() {
        return None;
    }
    let all = private.len() == networks.len();
    let code = match (condition.operator.value.kind, all) {
        (OperatorKind::IpAddress, true) => "PRIVATE_IP_ADDRESS",
        (OperatorKind::IpAddress, false) => "PRIVATE_IP_ADDRESS_SUBSET",
        (OperatorKind::NotIpAddress, true) => "PRIVATE_NOT_IP_ADDRESS",
        (OperatorKind::NotIpAddress, false) => "PRIVATE_NOT_IP_ADDRESS_SUBSET",
        _ => return None,
    };
    document.finding(code, &[], &private)
}

/// Whether a network lies inside the private ranges of RFC 1918 (IPv4) or the unique local
/// addresses of RFC 4193 (IPv6, `fc00::/7`).
fn is_private(network: &IpNetwork) -> bool {
    match network.address {
        IpAddr::V4(address) => {
            let [a, b, ..] = address.octets();
            let (range_prefix, inside) = match (a, b) {
                (10, _) => (8, true),
                (172, 16..=31) => (12, true),
                (192, 168) => (16, true),
                _ => (0, false),
            };
            inside && network.prefix >= range_prefix
        }
        IpAddr::V6(address) => {
            let first = address.segments().first().copied().unwrap_or(0);
            first & 0xfe00 == 0xfc00 && network.prefix >= 7
        }
    }
}

/// `REDUNDANT_CONDITION_VALUE_NUM`: several values for a less-than or greater-than comparison,
/// which one value says as well (`x < 5 or x < 10` is `x < 10`).
fn redundant_numbers(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    let extreme = match condition.operator.value.kind {
        OperatorKind::NumericLessThan | OperatorKind::NumericLessThanEquals => "greatest",
        OperatorKind::NumericGreaterThan | OperatorKind::NumericGreaterThanEquals => "least",
        _ => return None,
    };
    if condition.values.len() < 2 {
        return None;
    }
    let operator = condition.operator.value.kind.name();
    let spans: Vec<Span> = condition.values.iter().map(|v| v.span).collect();
    document.finding(
        "REDUNDANT_CONDITION_VALUE_NUM",
        &[
            ("operator", operator),
            ("greatest/least", extreme),
            ("key", &condition.key.value),
        ],
        &spans,
    )
}

/// `FORALLVALUES_WITH_SINGLE_VALUED_KEY`: `ForAllValues:` is true when the key is absent, so on
/// a single-valued key it matches more requests than the plain operator would.
fn for_all_values_single_valued(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    if condition.operator.value.qualifier != Some(SetQualifier::ForAllValues) {
        return None;
    }
    let key = &condition.key.value;
    let single_valued = SINGLE_VALUED_GLOBAL_KEYS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(key));
    if !single_valued {
        return None;
    }
    document.finding(
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        &[("key", key)],
        &[condition.key.span],
    )
}
