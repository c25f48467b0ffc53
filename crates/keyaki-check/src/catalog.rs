//! Real IAM action names, so that a counterexample names an action that exists.
//!
//! `s3:Get*` is satisfied by the string `s3:Get`, which is no action at all; a security
//! engineer reading a counterexample wants `s3:GetObject`. The catalog (20,455 actions of 445
//! services, from the IAM service authorization reference; see `data/actions.txt`) is compiled
//! into the crate, so this works on a fresh clone too. It only *suggests* values to the solver:
//! a suggestion that does not fit the question is skipped, and the witness is still whatever
//! the solver proves.

use keyaki_logic::{Pattern, Piece};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const ACTIONS: &str = include_str!("../data/actions.txt");

/// Action names by service prefix (lowercase), as `prefix:Name`.
fn by_service() -> &'static BTreeMap<String, Vec<String>> {
    static CATALOG: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        ACTIONS
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let service = words.next()?;
                let names = words.map(|name| format!("{service}:{name}")).collect();
                Some((service.to_ascii_lowercase(), names))
            })
            .collect()
    })
}

/// Up to `limit` real action names matching an action pattern (ignoring case, as IAM does).
/// Only patterns with a fixed service prefix are looked up; `*` or `s3*` suggest nothing.
pub fn actions_matching(pattern: &Pattern, limit: usize) -> Vec<String> {
    let service: String = pattern
        .pieces
        .iter()
        .map_while(|piece| match piece {
            Piece::Char(c) if *c != ':' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    let has_colon = pattern.pieces.get(service.chars().count()) == Some(&Piece::Char(':'));
    if !has_colon {
        return Vec::new();
    }
    by_service()
        .get(&service)
        .map(|names| {
            names
                .iter()
                .filter(|name| pattern.matches(name, true))
                .take(limit)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `name` is a real action (ignoring case).
pub fn is_known_action(name: &str) -> bool {
    let Some((service, _)) = name.split_once(':') else {
        return false;
    };
    by_service()
        .get(&service.to_ascii_lowercase())
        .is_some_and(|names| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_suggest_real_names() {
        let names = actions_matching(&Pattern::parse("S3:Get*"), 3);
        assert_eq!(names.len(), 3);
        assert!(names.iter().all(|n| n.starts_with("s3:Get")), "{names:?}");
        assert!(actions_matching(&Pattern::parse("*"), 3).is_empty());
        assert!(actions_matching(&Pattern::parse("nosuchservice:*"), 3).is_empty());
        assert!(is_known_action("s3:getobject"));
        assert!(!is_known_action("s3:GetObjectPlease"));
    }
}
