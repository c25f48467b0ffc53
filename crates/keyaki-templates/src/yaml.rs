//! YAML templates read into the template tree, with CloudFormation's short-form tags.
//!
//! The events of `saphyr-parser` (a YAML 1.2 parser that reports the position of every event
//! and keeps tags) are folded into a [`Node`] tree. A short-form intrinsic such as `!Sub "…"`
//! or `!GetAtt Role.Arn` becomes its long form (`{"Fn::Sub": "…"}`, `{"Fn::GetAtt": ["Role",
//! "Arn"]}`), spanning the tagged value, so that the resolver knows one language. Plain scalars
//! are typed by YAML 1.2's core schema for `true`, `false` and `null`; everything else,
//! numbers included, is the string written, as CloudFormation reads a template's scalars.
//! That keeps `Version: 2012-10-17` and an unquoted account id `012345678901` the strings the
//! author meant: read as a number, the account id would lose its leading zero or, written back
//! as JSON, be no number at all.
//!
//! Aliases are expanded, with a bound on the nodes they may create (the "billion laughs"
//! document is an error, not a hang), and nesting is bounded like the JSON reader's.

use crate::tree::{Entry, Node, Value};
use keyaki_policy::{Diagnostic, SourceFile, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};
use std::collections::HashMap;

/// The deepest nesting accepted.
const MAX_DEPTH: usize = 128;
/// The most nodes aliases may add by expansion.
const MAX_ALIAS_NODES: usize = 100_000;

/// Reads a YAML template into a tree; a syntax error is a located diagnostic.
pub fn read_yaml(source: &SourceFile) -> Result<Node, Diagnostic> {
    let mut reader = YamlReader {
        source,
        parser: Parser::new_from_str(source.text()),
        anchors: HashMap::new(),
        alias_nodes: 0,
        line_starts: std::iter::once(0)
            .chain(source.text().match_indices('\n').map(|(at, _)| at + 1))
            .collect(),
    };
    reader.document()
}

struct YamlReader<'a> {
    source: &'a SourceFile,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
}

impl<'a> YamlReader<'a> {
    /// The first document of the stream (a template is one document).
    fn document(&mut self) -> Result<Node, Diagnostic> {
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
                Event::StreamEnd => {
                    return Err(Diagnostic::error("the YAML document is empty", span)
                        .with_help("a CloudFormation template is a mapping with `Resources`"));
                }
                other => {
                    let node = self.node(other, span, 0)?;
                    self.end_of_stream()?;
                    return Ok(node);
                }
            }
        }
    }

    /// After the template: nothing but the end. A second document would hold resources that
    /// CloudFormation never reads and keyaki would not scan, so it is refused.
    fn end_of_stream(&mut self) -> Result<(), Diagnostic> {
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::DocumentEnd | Event::Nothing => continue,
                Event::StreamEnd => return Ok(()),
                _ => {
                    return Err(Diagnostic::error(
                        "a second YAML document after the template",
                        span,
                    )
                    .with_help("a CloudFormation template is one YAML document; split the file"));
                }
            }
        }
    }

    /// The next event and its byte span.
    fn next(&mut self) -> Result<(Event<'a>, Span), Diagnostic> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => {
                let span = Span::new(self.offset(span.start), self.offset(span.end));
                Ok((event, span))
            }
            Some(Err(error)) => Err(self.scan_error(&error)),
            None => {
                let end = self.source.text().len();
                Err(Diagnostic::error(
                    "the YAML document ends early",
                    Span::new(end, end),
                ))
            }
        }
    }

    fn scan_error(&self, error: &ScanError) -> Diagnostic {
        let at = self.offset(*error.marker());
        Diagnostic::error(
            format!("invalid YAML: {}", error.info()),
            Span::new(at, at + 1),
        )
    }

    /// The byte offset of a marker (saphyr counts characters; the line and column locate it).
    fn offset(&self, marker: Marker) -> usize {
        let text = self.source.text();
        let line_start = self
            .line_starts
            .get(marker.line().saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        let line = text.get(line_start..).unwrap_or("");
        let line = line.split_inclusive('\n').next().unwrap_or("");
        line.char_indices()
            .nth(marker.col())
            .map_or(line_start + line.len(), |(at, _)| line_start + at)
            .min(text.len())
    }

    /// The node that starts with `event`.
    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node, Diagnostic> {
        if depth > MAX_DEPTH {
            return Err(Diagnostic::error(
                format!("the YAML document nests deeper than {MAX_DEPTH} levels"),
                span,
            ));
        }
        let (node, anchor, tag) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let node = Node::new(scalar_value(&text, style, tag.as_deref()), span);
                (node, anchor, tag)
            }
            Event::SequenceStart(anchor, tag) => (self.sequence(span, depth)?, anchor, tag),
            Event::MappingStart(anchor, tag) => (self.mapping(span, depth)?, anchor, tag),
            Event::Alias(id) => return self.alias(id, span),
            _ => return Err(Diagnostic::error("unexpected YAML structure", span)),
        };
        let node = match tag.as_deref() {
            Some(tag) if tag.handle == "!" => intrinsic(&tag.suffix, node, span),
            _ => node,
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn sequence(&mut self, start: Span, depth: usize) -> Result<Node, Diagnostic> {
        let mut items = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if let Event::SequenceEnd = event {
                return Ok(Node::new(Value::List(items), start.to(span)));
            }
            items.push(self.node(event, span, depth + 1)?);
        }
    }

    fn mapping(&mut self, start: Span, depth: usize) -> Result<Node, Diagnostic> {
        let mut entries: Vec<Entry> = Vec::new();
        loop {
            let (event, key_span) = self.next()?;
            if let Event::MappingEnd = event {
                return Ok(Node::new(Value::Map(entries), start.to(key_span)));
            }
            let key_node = self.node(event, key_span, depth + 1)?;
            let Some(key) = key_node.scalar_text() else {
                return Err(Diagnostic::error(
                    format!(
                        "a mapping key must be a string, found {}",
                        key_node.type_name()
                    ),
                    key_node.span,
                ));
            };
            if let Some(first) = entries.iter().find(|entry| entry.key == key) {
                return Err(
                    Diagnostic::error(format!("duplicate key `{key}`"), key_node.span)
                        .with_related(first.key_span, "first written here"),
                );
            }
            let (event, span) = self.next()?;
            let value = self.node(event, span, depth + 1)?;
            entries.push(Entry {
                key,
                key_span: key_node.span,
                value,
            });
        }
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<Node, Diagnostic> {
        let Some(node) = self.anchors.get(&id) else {
            return Err(Diagnostic::error("an alias to an unknown anchor", span));
        };
        self.alias_nodes += count_nodes(node);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(Diagnostic::error(
                format!("aliases expand to more than {MAX_ALIAS_NODES} values"),
                span,
            ));
        }
        Ok(node.clone())
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::List(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|e| count_nodes(&e.value)).sum(),
        _ => 0,
    }
}

/// A scalar's value: a plain `true`, `false` or null (the YAML 1.2 core schema); any other
/// scalar, a number too, is the string written (see the module doc).
fn scalar_value(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let explicit_string = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
    if style != ScalarStyle::Plain || explicit_string {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => Value::String(text.to_string()),
    }
}

/// A short-form intrinsic (`!Sub x`) as its long form (`{"Fn::Sub": x}`).
///
/// `!Ref` and `!Condition` keep their names; every other tag `!Name` is `Fn::Name`, so an
/// unknown one reaches the resolver, which warns about it by name. `!GetAtt A.B` is split at
/// the first dot into `["A", "B"]`, as CloudFormation does.
fn intrinsic(name: &str, node: Node, span: Span) -> Node {
    let key = match name {
        "Ref" | "Condition" => name.to_string(),
        _ => format!("Fn::{name}"),
    };
    let argument = match (name, &node.value) {
        ("GetAtt", Value::String(text)) => match text.split_once('.') {
            Some((resource, attribute)) => Node::new(
                Value::List(vec![
                    Node::string(resource, node.span),
                    Node::string(attribute, node.span),
                ]),
                node.span,
            ),
            None => node,
        },
        _ => node,
    };
    Node::new(
        Value::Map(vec![Entry {
            key,
            key_span: span,
            value: argument,
        }]),
        span,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Node, Diagnostic> {
        read_yaml(&SourceFile::new("t.yaml", text.as_bytes().to_vec()))
    }

    #[test]
    fn short_forms_become_long_forms() {
        let node =
            read("A: !Ref Bucket\nB: !GetAtt Role.Arn\nC: !Sub 'arn:${AWS::Partition}'\n").unwrap();
        let a = node.get("A").unwrap();
        assert_eq!(a.get("Ref").unwrap().as_str(), Some("Bucket"));
        let b = node.get("B").unwrap().get("Fn::GetAtt").unwrap();
        assert!(matches!(&b.value, Value::List(items) if items.len() == 2));
        let c = node.get("C").unwrap().get("Fn::Sub").unwrap();
        assert_eq!(c.as_str(), Some("arn:${AWS::Partition}"));
    }

    #[test]
    fn tagged_sequences_keep_their_items() {
        let node = read("J: !Join\n  - ''\n  - - a\n    - !Ref B\n").unwrap();
        let join = node.get("J").unwrap().get("Fn::Join").unwrap();
        assert!(matches!(&join.value, Value::List(items) if items.len() == 2));
    }

    #[test]
    fn spans_point_at_the_template_text() {
        let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n";
        let node = read(text).unwrap();
        let kind = node
            .get("Resources")
            .unwrap()
            .get("Role")
            .unwrap()
            .get("Type")
            .unwrap();
        assert_eq!(
            text.get(kind.span.start..kind.span.end),
            Some("AWS::IAM::Role")
        );
    }

    #[test]
    fn plain_scalars_are_strings_but_booleans_and_null() {
        let node = read("V: 2012-10-17\nN: 12\nT: true\nQ: '12'\nE:\nA: 012345678901\n").unwrap();
        assert_eq!(node.get("V").unwrap().as_str(), Some("2012-10-17"));
        // Numbers are the text written, as CloudFormation reads them: strings.
        assert_eq!(node.get("N").unwrap().as_str(), Some("12"));
        assert_eq!(node.get("A").unwrap().as_str(), Some("012345678901"));
        assert_eq!(node.get("T").unwrap().value, Value::Bool(true));
        assert_eq!(node.get("Q").unwrap().as_str(), Some("12"));
        assert_eq!(node.get("E").unwrap().value, Value::Null);
    }

    #[test]
    fn malformed_yaml_is_located() {
        let source = SourceFile::new("t.yaml", b"A:\n  - b\n c: [\n".to_vec());
        let error = read_yaml(&source).unwrap_err();
        assert!(
            error.message.starts_with("invalid YAML"),
            "{}",
            error.message
        );
        let at = source.line_column(error.span.start);
        assert!(at.line >= 2, "located at {at:?}");
    }

    #[test]
    fn a_second_document_is_refused() {
        let error = read("A: 1\n---\nB: 2\n").unwrap_err();
        assert!(
            error.message.contains("second YAML document"),
            "{}",
            error.message
        );
        assert!(read("A: 1\n...\n").is_ok());
    }

    #[test]
    fn every_prefix_of_a_template_is_read_or_refused_without_panicking() {
        let text = include_str!("../../../tests/examples/templates/app.yaml");
        for (end, _) in text.char_indices().step_by(17) {
            let prefix = text.get(..end).unwrap();
            let source = SourceFile::new("t.yaml", prefix.as_bytes().to_vec());
            if let Err(error) = read_yaml(&source) {
                assert!(error.span.start <= prefix.len(), "{end}: {error:?}");
            }
            let _ = crate::scan(source, &crate::Deployment::default());
        }
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let error = read("A: 1\nA: 2\n").unwrap_err();
        assert_eq!(error.message, "duplicate key `A`");
    }

    #[test]
    fn aliases_expand_within_bounds() {
        let node = read("A: &x {k: v}\nB: *x\n").unwrap();
        assert_eq!(node.get("B").unwrap().get("k").unwrap().as_str(), Some("v"));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 0..6 {
            let prev = if level == 0 {
                "a".to_string()
            } else {
                format!("l{}", level - 1)
            };
            bomb.push_str(&format!("l{level}: &l{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(read(&bomb).unwrap_err().message.contains("aliases expand"));
    }
}
