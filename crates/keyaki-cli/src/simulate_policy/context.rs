//! `--context-entries`: the request's context keys, written as the AWS CLI writes them.
//!
//! Each argument is one entry in the AWS CLI's shorthand,
//! `ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.7,ContextKeyType=ip`, where values
//! run up to the next `Name=` (`ContextKeyValues=a,b` is two values) and quotes protect commas
//! (`ContextKeyValues='a,b'` is one), or a JSON list of
//! entries, `[{"ContextKeyName": …, "ContextKeyValues": […], "ContextKeyType": …}]` (inline,
//! or a file as `file://path`). The type's `…List` forms (`stringList`, `ipList`, …) make a
//! multi-valued key; the others take exactly one value. Values keep their text: the policy's
//! operator reads them as its type needs, as for any request.

use serde::Deserialize;

/// One context key with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    /// The key, such as `aws:SourceIp`.
    pub key: String,
    /// Its values, as text.
    pub values: Vec<String>,
    /// Whether the type is a list type (a multi-valued key).
    pub multi_valued: bool,
}

/// The `ContextKeyType` values the IAM API accepts.
const TYPES: &[&str] = &[
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
    "date",
    "dateList",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEntry {
    #[serde(rename = "ContextKeyName")]
    name: String,
    #[serde(rename = "ContextKeyValues", default)]
    values: Vec<String>,
    #[serde(rename = "ContextKeyType")]
    key_type: String,
}

/// Reads every `--context-entries` argument; `Err` is a message for the user.
pub fn parse_entries(args: &[String]) -> Result<Vec<ContextEntry>, String> {
    let mut entries = Vec::new();
    for arg in args {
        let text = match arg.strip_prefix("file://") {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("--context-entries: cannot read `{path}`: {e}"))?,
            None => arg.clone(),
        };
        if text.trim_start().starts_with(['[', '{']) {
            entries.extend(from_json(&text)?);
        } else {
            entries.push(from_shorthand(&text)?);
        }
    }
    Ok(entries)
}

fn from_json(text: &str) -> Result<Vec<ContextEntry>, String> {
    let list: Vec<JsonEntry> = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map(|one| vec![one])
    } else {
        serde_json::from_str(text)
    }
    .map_err(|e| format!("--context-entries: not a list of context entries: {e}"))?;
    list.into_iter()
        .map(|e| entry(e.name, e.values, &e.key_type))
        .collect()
}

/// `ContextKeyName=k,ContextKeyValues=v1,v2,ContextKeyType=string`.
fn from_shorthand(text: &str) -> Result<ContextEntry, String> {
    let mut name = None;
    let mut values: Vec<String> = Vec::new();
    let mut key_type = None;
    let mut current = "";
    let pieces = pieces(text);
    for piece in pieces.iter().map(String::as_str) {
        let field = piece.split_once('=').filter(|(f, _)| {
            matches!(*f, "ContextKeyName" | "ContextKeyValues" | "ContextKeyType")
        });
        let value = match field {
            Some((f, value)) => {
                current = f;
                value
            }
            None if current == "ContextKeyValues" => piece,
            None => {
                return Err(format!(
                    "--context-entries: `{piece}` is not `ContextKeyName=…`, `ContextKeyValues=…` or `ContextKeyType=…`"
                ));
            }
        };
        match current {
            "ContextKeyName" => name = Some(value.to_string()),
            "ContextKeyType" => key_type = Some(value.to_string()),
            _ => values.push(value.trim_matches(['[', ']']).to_string()),
        }
    }
    let name =
        name.ok_or_else(|| format!("--context-entries: `{text}` has no `ContextKeyName=`"))?;
    let key_type = key_type.ok_or_else(|| {
        format!("--context-entries: `{name}` has no `ContextKeyType=` (string, ip, numeric, …)")
    })?;
    entry(name, values, &key_type)
}

/// The comma-separated pieces of a shorthand entry; quotes (`'…'`, `"…"`) protect commas and
/// are removed, as the AWS CLI does (`ContextKeyName='aws:CurrentTime'`).
fn pieces(text: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            (None, ',') => pieces.push(String::new()),
            (_, c) => {
                if let Some(last) = pieces.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    pieces
}

fn entry(name: String, values: Vec<String>, key_type: &str) -> Result<ContextEntry, String> {
    if !TYPES.contains(&key_type) {
        return Err(format!(
            "--context-entries: `{key_type}` is no ContextKeyType; use one of {}",
            TYPES.join(", ")
        ));
    }
    let multi_valued = key_type.ends_with("List");
    if !multi_valued && values.len() != 1 {
        return Err(format!(
            "--context-entries: `{name}` of type `{key_type}` takes one value, found {}; use `{key_type}List` for several",
            values.len()
        ));
    }
    Ok(ContextEntry {
        key: name,
        values,
        multi_valued,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(key: &str, values: &[&str], multi_valued: bool) -> ContextEntry {
        ContextEntry {
            key: key.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
            multi_valued,
        }
    }

    #[test]
    fn shorthand_and_json_read_alike() {
        let shorthand = parse_entries(&[
            "ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.7,ContextKeyType=ip"
                .to_string(),
            "ContextKeyName=aws:TagKeys,ContextKeyValues=team,env,ContextKeyType=stringList"
                .to_string(),
        ])
        .unwrap_or_default();
        let json = parse_entries(&[r#"[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.7"], "ContextKeyType": "ip"},
            {"ContextKeyName": "aws:TagKeys", "ContextKeyValues": ["team", "env"], "ContextKeyType": "stringList"}]"#.to_string()])
        .unwrap_or_default();
        let expected = vec![
            one("aws:SourceIp", &["203.0.113.7"], false),
            one("aws:TagKeys", &["team", "env"], true),
        ];
        assert_eq!(shorthand, expected);
        assert_eq!(json, expected);
    }

    #[test]
    fn quoted_values_as_in_the_aws_cli_examples() {
        let entries = parse_entries(&[
            "ContextKeyName='aws:CurrentTime',ContextKeyValues='2018-04-25T11:00:00Z',ContextKeyType=date".to_string(),
            "ContextKeyName=k,ContextKeyValues=\"a,b\",c,ContextKeyType=stringList".to_string(),
        ])
        .unwrap_or_default();
        assert_eq!(
            entries,
            vec![
                one("aws:CurrentTime", &["2018-04-25T11:00:00Z"], false),
                one("k", &["a,b", "c"], true),
            ]
        );
    }

    #[test]
    fn bad_entries_are_refused_with_a_reason() {
        let error = |arg: &str| parse_entries(&[arg.to_string()]).err().unwrap_or_default();
        assert!(
            error("ContextKeyName=k,ContextKeyValues=a,b,ContextKeyType=string")
                .contains("takes one value, found 2")
        );
        assert!(
            error("ContextKeyName=k,ContextKeyValues=a,ContextKeyType=text")
                .contains("`text` is no ContextKeyType")
        );
        assert!(error("Name=k").contains("is not `ContextKeyName=…`"));
        assert!(error("ContextKeyName=k,ContextKeyValues=a").contains("has no `ContextKeyType=`"));
        assert!(error("[{\"ContextKeyName\": 1}]").contains("not a list of context entries"));
    }
}
