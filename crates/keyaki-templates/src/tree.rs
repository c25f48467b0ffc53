//! The template tree: JSON and YAML read into one shape that remembers where each value was
//! written in the template file.
//!
//! CloudFormation templates come in JSON and YAML; both are read into a [`Node`] whose span is
//! a byte range of the *template* file. YAML's short-form intrinsics (`!Ref x`, `!Sub …`) are
//! rewritten here into their long form (`{"Ref": "x"}`, `{"Fn::Sub": …}`), so the resolver
//! sees one language.

use keyaki_policy::{Json, Span, Spanned};

/// A value of a template, with the span of its text in the template file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it was written.
    pub span: Span,
}

/// The values a template holds: JSON's, with numbers kept as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null` (YAML `~`, an empty value).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Node>),
    /// A mapping, members in source order.
    Map(Vec<Entry>),
}

/// One `key: value` member of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key was written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

impl Node {
    /// A node of `value` at `span`.
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// A string node.
    pub fn string(text: impl Into<String>, span: Span) -> Self {
        Node::new(Value::String(text.into()), span)
    }

    /// The value of `key`, when this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    /// The member of `key`, when this is a mapping that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|entry| entry.key == key),
            _ => None,
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The members, when this is a mapping.
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The name of this value's type, for messages (`a string`, `a list`).
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The value as scalar text (strings, numbers, booleans), for joining and substituting.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::String(text) | Value::Number(text) => Some(text.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl From<&Spanned<Json>> for Node {
    fn from(json: &Spanned<Json>) -> Self {
        let value = match &json.value {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(items) => Value::List(items.iter().map(Node::from).collect()),
            Json::Object(members) => Value::Map(
                members
                    .iter()
                    .map(|member| Entry {
                        key: member.key.value.clone(),
                        key_span: member.key.span,
                        value: Node::from(&member.value),
                    })
                    .collect(),
            ),
        };
        Node::new(value, json.span)
    }
}
