//! The IAM services as validation needs them: each service's condition keys (with their
//! types) and resource types (with their ARN formats).
//!
//! The data is `data/service-catalog.txt`, generated from the IAM service authorization
//! reference by `cargo xtask catalog --from FILE` and compiled in, so validation works on a
//! fresh clone; `data/service-catalog.source` names the source and its date ([`SOURCE`]).
//! Names are compared ignoring case, as IAM compares condition key names. A declared key with
//! a placeholder (`aws:ResourceTag/${TagKey}`) stands for every key that fills it in.

use keyaki_policy::eval::arn;
use keyaki_policy::{Pattern, PatternSyntax, Request};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const CATALOG: &str = include_str!("../data/service-catalog.txt");

/// Where the catalog comes from and when it was built, for `keyaki --version`.
pub const SOURCE: &str = include_str!("../data/service-catalog.source");

/// What the catalog knows: condition keys by their prefix, ARN formats by the service field of
/// the ARN (which is not always the service's action prefix).
#[derive(Default)]
struct Catalog {
    services: Vec<String>,
    /// Declared keys (lowercase) with their type, by prefix.
    keys_by_prefix: BTreeMap<String, Vec<(String, String)>>,
    formats_by_arn_service: BTreeMap<String, Vec<Pattern>>,
}

fn catalog() -> &'static Catalog {
    static PARSED: OnceLock<Catalog> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut catalog = Catalog::default();
        for line in CATALOG.lines().filter(|line| !line.starts_with('#')) {
            let mut words = line.split(' ');
            match (words.next(), words.next(), words.next()) {
                (Some("service"), Some(prefix), None) => catalog.services.push(prefix.to_string()),
                (Some("key"), Some(key), Some(kind)) => {
                    let prefix = key.split(':').next().unwrap_or(key).to_ascii_lowercase();
                    catalog
                        .keys_by_prefix
                        .entry(prefix)
                        .or_default()
                        .push((key.to_ascii_lowercase(), kind.to_string()));
                }
                (Some("resource"), Some(_name), Some(format)) => {
                    let service = format.split(':').nth(2).unwrap_or("").to_string();
                    if let Some(pattern) = format_pattern(format) {
                        catalog
                            .formats_by_arn_service
                            .entry(service)
                            .or_default()
                            .push(pattern);
                    }
                }
                _ => {}
            }
        }
        catalog
    })
}

/// An ARN format as a resource pattern: each `${Placeholder}` becomes `*`.
fn format_pattern(format: &str) -> Option<Pattern> {
    let mut text = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        text.push_str(rest.get(..start)?);
        let end = rest.get(start..)?.find('}')? + start;
        text.push('*');
        rest = rest.get(end + 1..)?;
    }
    text.push_str(rest);
    let syntax = PatternSyntax {
        wildcards: true,
        variables: false,
    };
    Pattern::parse(&text, syntax).ok()
}

/// Whether `prefix` is a service of the catalog (ignoring case).
pub fn is_service(prefix: &str) -> bool {
    catalog()
        .services
        .iter()
        .any(|service| service.eq_ignore_ascii_case(prefix))
}

/// What the catalog says about a condition key `prefix:name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// A key some service declares, with its type as the reference writes it (`String`,
    /// `ArrayOfARN`, `Numeric`, …), when it is declared by name.
    Declared(Option<&'static str>),
    /// The prefix has declared keys, or is a service, but not this one.
    UnknownKey,
    /// Neither a service nor the prefix of any declared key.
    UnknownPrefix,
}

/// Looks a condition key up.
pub fn key_status(key: &str) -> KeyStatus {
    let lower = key.to_ascii_lowercase();
    let prefix = lower.split(':').next().unwrap_or(&lower);
    match catalog().keys_by_prefix.get(prefix) {
        Some(declared) if declared.iter().any(|(d, _)| declares(d, &lower)) => {
            let kind = declared
                .iter()
                .find(|(d, _)| declares(d, &lower))
                .map(|(_, kind)| kind.as_str());
            KeyStatus::Declared(kind)
        }
        _ if is_service(prefix) && is_service_tag_key(&lower) => KeyStatus::Declared(None),
        Some(_) => KeyStatus::UnknownKey,
        None if is_service(prefix) => KeyStatus::UnknownKey,
        None => KeyStatus::UnknownPrefix,
    }
}

/// Whether a key is a service's own tag key (`secretsmanager:ResourceTag/team`). Services
/// document these in their own guides more often than in the authorization reference (AWS's
/// managed policies use `secretsmanager:ResourceTag/…`, which the reference's data lacks), so
/// a missing declaration is no evidence that the key does not exist.
fn is_service_tag_key(key: &str) -> bool {
    let Some((_, name)) = key.split_once(':') else {
        return false;
    };
    ["resourcetag/", "requesttag/"]
        .iter()
        .any(|tag| name.len() > tag.len() && name.starts_with(tag))
}

/// Whether the declared key (lowercase) is `key` (lowercase) or a template `key` fills in.
fn declares(declared: &str, key: &str) -> bool {
    match declared.find(['$', '<']) {
        Some(at) => declared
            .get(..at)
            .is_some_and(|fixed| key.len() > fixed.len() && key.starts_with(fixed)),
        None => declared == key,
    }
}

/// Whether an ARN written without wildcards fits a resource type of its service: `None` when
/// the catalog has no ARN format with that service field (nothing to judge by).
pub fn arn_fits_a_resource_type(arn_text: &str) -> Option<bool> {
    let service = arn_text.split(':').nth(2)?;
    let formats = catalog().formats_by_arn_service.get(service)?;
    let request = Request::for_identity("", arn_text);
    Some(
        formats
            .iter()
            .any(|format| arn::matches(format, arn_text, &request)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_looked_up_with_their_templates() {
        assert_eq!(key_status("s3:prefix"), KeyStatus::Declared(Some("String")));
        assert_eq!(key_status("S3:Prefix"), KeyStatus::Declared(Some("String")));
        assert_eq!(
            key_status("s3:max-keys"),
            KeyStatus::Declared(Some("Numeric"))
        );
        assert_eq!(
            key_status("s3:RequestObjectTag/team"),
            KeyStatus::Declared(Some("String"))
        );
        assert_eq!(key_status("s3:prefixes"), KeyStatus::UnknownKey);
        assert_eq!(key_status("s4:prefix"), KeyStatus::UnknownPrefix);
        assert_eq!(key_status("saml:aud"), KeyStatus::Declared(Some("String")));
        assert_eq!(
            key_status("secretsmanager:ResourceTag/owner"),
            KeyStatus::Declared(None)
        );
    }

    #[test]
    fn arns_are_matched_against_the_formats_of_their_service() {
        assert_eq!(arn_fits_a_resource_type("arn:aws:s3:::bucket"), Some(true));
        assert_eq!(
            arn_fits_a_resource_type("arn:aws:iam::111122223333:role/admin"),
            Some(true)
        );
        assert_eq!(
            arn_fits_a_resource_type("arn:aws:iam::111122223333:rolle/admin"),
            Some(false)
        );
        assert_eq!(arn_fits_a_resource_type("arn:aws:nosuchservice:::x"), None);
    }

    #[test]
    fn the_source_is_named() {
        assert!(SOURCE.contains("services, built"));
    }
}
