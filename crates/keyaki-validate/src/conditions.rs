//! Checks on the values of `Condition`: values their operator reads differently from what
//! they seem to say, values that never match, and values one value would say as well.

use crate::{Document, Finding};
use keyaki_policy::value::IpNetwork;
use keyaki_policy::{Condition, ConditionValue, OperatorKind, Span};
use std::net::IpAddr;

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for statement in &document.policy.statements {
        for condition in &statement.conditions {
            findings.extend(wildcards_without_like(document, condition));
            findings.extend(private_addresses(document, condition));
            findings.extend(redundant_numbers(document, condition));
            findings.extend(improvable_ip_ranges(document, condition));
            findings.extend(epoch_dates(document, condition));
            findings.extend(several_booleans(document, condition));
            findings.extend(vpc_formats(document, condition));
            findings.extend(service_principal_formats(document, condition));
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

/// The text of a value as written, without the quotes of a JSON string.
fn written<'a>(document: &Document<'a>, span: Span) -> &'a str {
    let text = document
        .source
        .text()
        .get(span.start..span.end)
        .unwrap_or("");
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

/// `IMPROVE_IP_RANGE`: a CIDR block with bits set after its prefix (`203.0.113.5/24`), which
/// IAM ignores.
fn improvable_ip_ranges(document: &Document<'_>, condition: &Condition) -> Vec<Finding> {
    condition
        .values
        .iter()
        .filter_map(|value| {
            let ConditionValue::Ip(network) = &value.value else {
                return None;
            };
            let (address, _) = written(document, value.span).split_once('/')?;
            let written_address: IpAddr = address.parse().ok()?;
            if written_address == network.address {
                return None;
            }
            let better = format!("{}/{}", network.address, network.prefix);
            document.finding("IMPROVE_IP_RANGE", &[("addr", &better)], &[value.span])
        })
        .collect()
}

/// `INVALID_DATE_VALUE`: a date written as epoch seconds, which "might not resolve to the
/// precise time that you expect".
fn epoch_dates(document: &Document<'_>, condition: &Condition) -> Vec<Finding> {
    condition
        .values
        .iter()
        .filter(|value| matches!(value.value, ConditionValue::Date(_)))
        .filter_map(|value| {
            let text = written(document, value.span);
            let epoch = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            epoch
                .then(|| document.finding("INVALID_DATE_VALUE", &[("date", text)], &[value.span]))
                .flatten()
        })
        .collect()
}

/// `INVALID_CONDITION_MULTIPLE_BOOLEAN`: `Bool` with several values.
fn several_booleans(document: &Document<'_>, condition: &Condition) -> Option<Finding> {
    if condition.operator.value.kind != OperatorKind::Bool || condition.values.len() < 2 {
        return None;
    }
    let spans: Vec<Span> = condition.values.iter().map(|v| v.span).collect();
    document.finding("INVALID_CONDITION_MULTIPLE_BOOLEAN", &[], &spans)
}

/// `INVALID_VPC_FORMAT` and `INVALID_VPCE_FORMAT`: `aws:SourceVpc` compared for equality with
/// something other than `vpc-` and 8 or 17 letters and digits (`aws:SourceVpce`: `vpce-`).
fn vpc_formats(document: &Document<'_>, condition: &Condition) -> Vec<Finding> {
    let key = condition.key.value.as_str();
    let (prefix, code) = if key.eq_ignore_ascii_case("aws:SourceVpc") {
        ("vpc-", "INVALID_VPC_FORMAT")
    } else if key.eq_ignore_ascii_case("aws:SourceVpce") {
        ("vpce-", "INVALID_VPCE_FORMAT")
    } else {
        return Vec::new();
    };
    condition
        .values
        .iter()
        .filter(|value| match &value.value {
            ConditionValue::Pattern(pattern) => {
                let text = pattern.text.as_str();
                !text.contains(['*', '?', '$']) && !is_vpc_id(text, prefix)
            }
            _ => false,
        })
        .filter_map(|value| document.finding(code, &[], &[value.span]))
        .collect()
}

fn is_vpc_id(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|id| {
        (id.len() == 8 || id.len() == 17) && id.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// The condition keys whose values are service principals, with the format the reference gives
/// for them: `{{service-name}}.amazonaws.com`, and for `kms:ViaService` the service's endpoint
/// in a Region (IAM User Guide, "Access Analyzer policy check reference", Error – Invalid
/// service principal format).
const SERVICE_PRINCIPAL_KEYS: &[(&str, &str)] = &[
    ("aws:PrincipalServiceName", "SERVICE.amazonaws.com"),
    ("iam:PassedToService", "SERVICE.amazonaws.com"),
    ("iam:AWSServiceName", "SERVICE.amazonaws.com"),
    ("kms:ViaService", "SERVICE.REGION.amazonaws.com"),
];

/// `INVALID_SERVICE_PRINCIPAL_FORMAT`: a value of a service-principal key that is not a
/// lowercase host name under `amazonaws.com` (or `amazonaws.com.cn`, the China Regions' domain).
/// A value with a wildcard or a policy variable is not judged.
fn service_principal_formats(document: &Document<'_>, condition: &Condition) -> Vec<Finding> {
    let key = condition.key.value.as_str();
    let Some((_, expected_format)) = SERVICE_PRINCIPAL_KEYS
        .iter()
        .find(|(name, _)| key.eq_ignore_ascii_case(name))
    else {
        return Vec::new();
    };
    condition
        .values
        .iter()
        .filter(|value| match &value.value {
            ConditionValue::Pattern(pattern) => {
                let text = pattern.text.as_str();
                !text.contains(['*', '?', '$']) && !is_service_principal(text)
            }
            _ => false,
        })
        .filter_map(|value| {
            document.finding(
                "INVALID_SERVICE_PRINCIPAL_FORMAT",
                &[("expectedFormat", expected_format)],
                &[value.span],
            )
        })
        .collect()
}

/// Whether `text` reads as a service principal: lowercase DNS labels ending in `amazonaws.com`
/// or `amazonaws.com.cn`, with at least one label before it.
fn is_service_principal(text: &str) -> bool {
    let host = text
        .strip_suffix(".amazonaws.com")
        .or_else(|| text.strip_suffix(".amazonaws.com.cn"));
    host.is_some_and(|host| {
        host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
    })
}
