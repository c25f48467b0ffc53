//! A resolved policy written out as JSON, with a map from every place in that JSON back to
//! the template text it came from.
//!
//! The policy parser reads the written JSON and reports problems by spans into it; the
//! [`LocationMap`] turns such a span into the span of the template text that produced it (the
//! value, the key, or the intrinsic function that computed it), so that every message about a
//! policy found in a template points into the template.

use crate::tree::{Node, Value};
use keyaki_policy::Span;

/// From spans of a written policy to spans of its template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocationMap {
    /// `(span in the written JSON, span in the template)`, outer values before inner ones.
    pairs: Vec<(Span, Span)>,
    /// Where anything not covered maps to: the policy document's own place.
    fallback: Span,
    /// The written JSON is the template itself: spans map to themselves.
    identity: bool,
}

impl LocationMap {
    /// A map that sends everything to `fallback` (a policy written as one string, such as a
    /// Terraform plan's `policy` attribute).
    pub fn whole(fallback: Span) -> Self {
        LocationMap {
            pairs: Vec::new(),
            fallback,
            identity: false,
        }
    }

    /// The map of a policy that is its own file.
    pub fn identity() -> Self {
        LocationMap {
            identity: true,
            ..LocationMap::default()
        }
    }

    /// The template span of the innermost written value that contains `span.start`.
    pub fn to_template(&self, span: Span) -> Span {
        if self.identity {
            return span;
        }
        self.pairs
            .iter()
            .filter(|(written, _)| {
                written.start <= span.start && span.start < written.end.max(written.start + 1)
            })
            .min_by_key(|(written, _)| written.end - written.start)
            .map_or(self.fallback, |(_, template)| *template)
    }
}

/// Writes `node` as pretty JSON (two-space indent) and maps it back to the template.
pub fn write_json(node: &Node) -> (String, LocationMap) {
    let mut writer = Writer::default();
    writer.value(node, 0);
    writer.out.push('\n');
    let map = LocationMap {
        pairs: writer.pairs,
        fallback: node.span,
        identity: false,
    };
    (writer.out, map)
}

#[derive(Default)]
struct Writer {
    out: String,
    pairs: Vec<(Span, Span)>,
}

impl Writer {
    fn value(&mut self, node: &Node, indent: usize) {
        let start = self.out.len();
        match &node.value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => self.out.push_str(n),
            Value::String(s) => self.string(s),
            Value::List(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.out.push_str(if i == 0 { "\n" } else { ",\n" });
                    self.indent(indent + 1);
                    self.value(item, indent + 1);
                }
                if !items.is_empty() {
                    self.out.push('\n');
                    self.indent(indent);
                }
                self.out.push(']');
            }
            Value::Map(entries) => {
                self.out.push('{');
                for (i, entry) in entries.iter().enumerate() {
                    self.out.push_str(if i == 0 { "\n" } else { ",\n" });
                    self.indent(indent + 1);
                    let key_start = self.out.len();
                    self.string(&entry.key);
                    self.pairs
                        .push((Span::new(key_start, self.out.len()), entry.key_span));
                    self.out.push_str(": ");
                    self.value(&entry.value, indent + 1);
                }
                if !entries.is_empty() {
                    self.out.push('\n');
                    self.indent(indent);
                }
                self.out.push('}');
            }
        }
        self.pairs
            .push((Span::new(start, self.out.len()), node.span));
    }

    fn indent(&mut self, level: usize) {
        self.out.push_str(&"  ".repeat(level));
    }

    fn string(&mut self, text: &str) {
        self.out
            .push_str(&serde_json::Value::String(text.to_string()).to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Entry;

    #[test]
    fn spans_of_the_written_json_map_to_the_template() {
        let key = Span::new(10, 18);
        let value = Span::new(20, 27);
        let node = Node::new(
            Value::Map(vec![Entry {
                key: "Effect".into(),
                key_span: key,
                value: Node::string("Alow", value),
            }]),
            Span::new(0, 30),
        );
        let (text, map) = write_json(&node);
        assert_eq!(text, "{\n  \"Effect\": \"Alow\"\n}\n");
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            Span::new(start, start + needle.len())
        };
        assert_eq!(map.to_template(at("\"Alow\"")), value);
        assert_eq!(map.to_template(at("\"Effect\"")), key);
        assert_eq!(map.to_template(Span::new(0, 1)), Span::new(0, 30));
        assert_eq!(map.to_template(Span::new(999, 999)), Span::new(0, 30));
    }
}
