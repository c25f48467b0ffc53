//! ARN matching, part by part.
//!
//! An ARN has six colon-separated parts, `arn:partition:service:region:account:resource`, and
//! the sixth may itself contain colons. IAM matches resource patterns (and `Arn…` condition
//! values) part by part: in the first five parts `*` and `?` stay within the part, in the
//! resource part they match anything, colons included. A pattern with fewer than six parts whose
//! last character is `*` (`arn:aws:s3:*`, `*`) matches any remaining parts (see DESIGN.md,
//! "Semantics decisions").
//!
//! The pattern is split at the colons of its *literal* text, before variables are substituted:
//! a variable's value is literal text inside its part, so a value containing `:` can only match
//! in the resource part, never shift the parts around.

use super::wildcard::{Glob, literal_prefix_excludes};
use crate::pattern::{Pattern, Segment};
use crate::request::Request;

/// The number of parts of an ARN.
const ARN_PARTS: usize = 6;

/// Whether `text` matches the ARN pattern, with variables taken from `request`.
pub fn matches(pattern: &Pattern, text: &str, request: &Request) -> bool {
    // Literal text before the first wildcard stands for itself in every part.
    if literal_prefix_excludes(&pattern.segments, text, false) {
        return false;
    }
    let parts = split_pattern(&pattern.segments);
    let globs: Option<Vec<Glob>> = parts
        .iter()
        .map(|p| Glob::resolve(p, Some(request)))
        .collect();
    let Some(globs) = globs else { return false };
    let text_parts: Vec<&str> = text.splitn(ARN_PARTS, ':').collect();
    let open_ended = globs.len() < ARN_PARTS && globs.last().is_some_and(Glob::ends_with_any_run);
    if open_ended {
        // Every part but the last must match exactly; the last part's trailing `*` matches the
        // rest of its part and any parts after it.
        text_parts.len() >= globs.len() && globs.iter().zip(&text_parts).all(|(g, t)| g.matches(t))
    } else {
        text_parts.len() == globs.len() && globs.iter().zip(&text_parts).all(|(g, t)| g.matches(t))
    }
}

/// Splits a pattern's segments at the colons of its literal text, into at most six parts; the
/// last part keeps any further colons.
fn split_pattern(segments: &[Segment]) -> Vec<Vec<Segment>> {
    let mut parts: Vec<Vec<Segment>> = vec![Vec::new()];
    for segment in segments {
        let Segment::Literal(text) = segment else {
            push(&mut parts, segment.clone());
            continue;
        };
        let mut rest = text.as_str();
        while parts.len() < ARN_PARTS {
            let Some((before, after)) = rest.split_once(':') else {
                break;
            };
            if !before.is_empty() {
                push(&mut parts, Segment::Literal(before.to_string()));
            }
            parts.push(Vec::new());
            rest = after;
        }
        if !rest.is_empty() {
            push(&mut parts, Segment::Literal(rest.to_string()));
        }
    }
    parts
}

fn push(parts: &mut [Vec<Segment>], segment: Segment) {
    if let Some(last) = parts.last_mut() {
        last.push(segment);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::PatternSyntax;

    fn arn_match(pattern: &str, text: &str) -> bool {
        let syntax = PatternSyntax {
            wildcards: true,
            variables: true,
        };
        let request =
            Request::for_identity("s3:GetObject", text).with_context_string("aws:username", "a:b");
        matches(&Pattern::parse(pattern, syntax).unwrap(), text, &request)
    }

    #[test]
    fn wildcards_stay_within_the_first_five_parts() {
        assert!(arn_match(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b:c"
        ));
        assert!(arn_match(
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        ));
        assert!(!arn_match(
            "arn:aws:ec2:*:instance/*",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        ));
        assert!(!arn_match(
            "arn:aws:ec*:123456789012:x",
            "arn:aws:ec2:us-east-1:123456789012:x"
        ));
        assert!(arn_match(
            "arn:aws:iam::*:role/R",
            "arn:aws:iam::123456789012:role/R"
        ));
        assert!(!arn_match(
            "arn:aws:iam::*:role/R",
            "arn:aws:iam::123456789012:role/R:x"
        ));
        assert!(arn_match(
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"
        ));
    }

    #[test]
    fn a_short_pattern_ending_in_star_matches_the_remaining_parts() {
        assert!(arn_match("*", "arn:aws:s3:::b"));
        assert!(arn_match("arn:aws:s3:*", "arn:aws:s3:::b/k"));
        assert!(arn_match("arn:*", "arn:aws:iam::1:role/x"));
        assert!(arn_match(
            "arn:aws:ec2:us-*",
            "arn:aws:ec2:us-east-1:1:instance/i"
        ));
        assert!(!arn_match(
            "arn:aws:ec2:eu-*",
            "arn:aws:ec2:us-east-1:1:instance/i"
        ));
        assert!(!arn_match("arn:aws:s3", "arn:aws:s3:::b"));
    }

    #[test]
    fn variables_are_literal_text_within_their_part() {
        assert!(arn_match(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/a:b/k"
        ));
        assert!(!arn_match(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/a/k"
        ));
        assert!(!arn_match(
            "arn:aws:iam::${aws:username}:role/x",
            "arn:aws:iam::a:b:role/x"
        ));
        assert!(!arn_match(
            "arn:aws:s3:::b/${aws:missing}",
            "arn:aws:s3:::b/"
        ));
    }
}
