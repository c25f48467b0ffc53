//! Real IAM action names, so that a counterexample names an action that exists.
//!
//! `s3:Get*` is satisfied by the string `s3:Get`, which is no action at all; a security
//! engineer reading a counterexample wants `s3:GetObject`. The catalog (20,455 actions of 445
//! services, from the IAM service authorization reference; see `data/actions.txt`) is compiled
//! into the crate, so this works on a fresh clone too. It only *suggests* values to the solver:
//! a suggestion that does not fit the question is skipped, and the witness is still whatever
//! the solver proves.
//!
//! The catalog also catches misspelt actions in a question ([`look_up_action`]): asking
//! whether a policy grants `s3:GetObjct` is answered PASS for every policy, since no request
//! has that action, which hides the typo. An action, or an action pattern, that names no
//! action of the catalog is reported with the nearest real one (Levenshtein distance ignoring
//! case, by strsim).

use keyaki_automata::{CaseMode, GlobNfa, GlobPattern};
use keyaki_logic::{Pattern, Piece};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const ACTIONS: &str = include_str!("../data/actions.txt");

/// One service of the catalog: its line (the prefix, then the action names), read into
/// `prefix:Name` strings when first asked for.
struct Service {
    line: &'static str,
    names: OnceLock<Vec<String>>,
}

impl Service {
    /// The service's actions, as `prefix:Name`.
    fn names(&self) -> &[String] {
        self.names.get_or_init(|| {
            let mut words = self.line.split_whitespace();
            let service = words.next().unwrap_or_default();
            words.map(|name| format!("{service}:{name}")).collect()
        })
    }
}

/// The services by prefix (lowercase). Only the lines are indexed here: a check reads the
/// names of the few services its actions name, not all 20,455 (which cost more than the rest
/// of a small check's start-up).
fn services() -> &'static BTreeMap<String, Service> {
    static CATALOG: OnceLock<BTreeMap<String, Service>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        ACTIONS
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let service = line.split_whitespace().next()?;
                let names = OnceLock::new();
                Some((service.to_ascii_lowercase(), Service { line, names }))
            })
            .collect()
    })
}

/// The action names of a service (by its lowercase prefix), as `prefix:Name`.
fn names_of(service: &str) -> Option<&'static [String]> {
    services().get(service).map(Service::names)
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
    names_of(&service)
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

/// Every service prefix of the catalog, lowercase, in order.
pub fn service_prefixes() -> impl Iterator<Item = &'static str> {
    services().keys().map(String::as_str)
}

/// Every action of one service, as `prefix:Name`, by its prefix in any letter case; empty for
/// a prefix that names no service.
pub fn service_actions(service: &str) -> &'static [String] {
    names_of(&service.to_ascii_lowercase()).unwrap_or_default()
}

/// Whether `name` is a real action (ignoring case).
pub fn is_known_action(name: &str) -> bool {
    let Some((service, _)) = name.split_once(':') else {
        return false;
    };
    names_of(&service.to_ascii_lowercase())
        .is_some_and(|names| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
}

/// Why an action of a question names no real action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownAction {
    /// The service prefix, before the `:`, is no IAM service.
    Service {
        /// The prefix as written.
        service: String,
        /// The real action nearest to the whole text.
        nearest: Option<String>,
    },
    /// No action of the catalog has this name, or matches this pattern.
    Action {
        /// The real action nearest to the text (of its service, when that is known).
        nearest: Option<String>,
    },
}

/// Texts longer than this get no nearest action: the distance would cost too much, and no real
/// action is near such a text anyway.
const MAX_SUGGESTED_LENGTH: usize = 256;

/// Whether `text`, an action with IAM wildcards allowed, names at least one real action
/// (ignoring case, as IAM does). `s3:Get*` and `*` do; `s3:GetObjct`, `s3GetObject` and
/// `s4:*` do not, and the error says why, with the nearest real action.
pub fn look_up_action(text: &str) -> Result<(), UnknownAction> {
    let fixed_service = text
        .split_once(':')
        .map(|(service, _)| service)
        .filter(|service| !service.contains(['*', '?']));
    let Some(service) = fixed_service else {
        return if matches_some(text, all_actions()) {
            Ok(())
        } else {
            Err(UnknownAction::Action {
                nearest: nearest(text, all_actions()),
            })
        };
    };
    match names_of(&service.to_ascii_lowercase()) {
        None => Err(UnknownAction::Service {
            service: service.to_string(),
            nearest: nearest_service(service).and_then(|near| nearest(text, near.iter())),
        }),
        Some(names) if matches_some(text, names.iter()) => Ok(()),
        Some(names) => Err(UnknownAction::Action {
            nearest: nearest(text, names.iter()),
        }),
    }
}

/// The actions of the service whose prefix is nearest to `service` (by edit distance, ignoring
/// case): a misspelt service is looked for among 445 prefixes, then within one service,
/// rather than among all 20,455 actions (which made an unknown service cost a second).
fn nearest_service(service: &str) -> Option<&'static [String]> {
    if service.chars().count() > MAX_SUGGESTED_LENGTH {
        return None;
    }
    let written = service.to_lowercase();
    let prefix = services()
        .keys()
        .min_by_key(|prefix| strsim::levenshtein(&written, prefix))?;
    names_of(prefix)
}

/// Every action of the catalog.
fn all_actions() -> impl Iterator<Item = &'static String> {
    services().values().flat_map(Service::names)
}

/// Whether the action pattern `text` matches one of `names`. The pattern runs as an automaton
/// (linear in each name), not by backtracking, since `text` comes from the user.
fn matches_some<'a>(text: &str, mut names: impl Iterator<Item = &'a String>) -> bool {
    static LONGEST: OnceLock<Option<usize>> = OnceLock::new();
    let longest = *LONGEST.get_or_init(|| all_actions().map(|name| name.chars().count()).max());
    let fixed = text.chars().filter(|&c| c != '*').count();
    if longest.is_none_or(|longest| fixed > longest) {
        return false;
    }
    let automaton = GlobNfa::new(GlobPattern::parse(text), CaseMode::Insensitive);
    names.any(|name| automaton.matches(name))
}

/// The name of `names` nearest to `text` by edit distance, ignoring case; the first of equals.
fn nearest<'a>(text: &str, names: impl Iterator<Item = &'a String>) -> Option<String> {
    if text.chars().count() > MAX_SUGGESTED_LENGTH {
        return None;
    }
    let text = text.to_lowercase();
    names
        .min_by_key(|name| strsim::levenshtein(&text, &name.to_lowercase()))
        .cloned()
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

    #[test]
    fn actions_and_patterns_that_name_something_are_known() {
        for text in [
            "s3:GetObject",
            "S3:GETOBJECT",
            "s3:Get*",
            "s3:GetObjec?",
            "*",
            "s3*",
            "*:GetObject",
            "ec2:Describe*Instances",
        ] {
            assert_eq!(look_up_action(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn unknown_actions_name_the_nearest_real_one() {
        let nearest = |name: &str| Some(name.to_string());
        assert_eq!(
            look_up_action("s3:GetObjct"),
            Err(UnknownAction::Action {
                nearest: nearest("s3:GetObject")
            })
        );
        assert_eq!(
            look_up_action("s3GetObject"),
            Err(UnknownAction::Action {
                nearest: nearest("s3:GetObject")
            })
        );
        assert_eq!(
            look_up_action("s3:GetObjct*"),
            Err(UnknownAction::Action {
                nearest: nearest("s3:GetObject")
            })
        );
        assert_eq!(
            look_up_action("s4:GetObject"),
            Err(UnknownAction::Service {
                service: "s4".to_string(),
                nearest: nearest("s3:GetObject")
            })
        );
        assert!(
            matches!(look_up_action("s4:*"), Err(UnknownAction::Service { service, .. }) if service == "s4")
        );
    }

    #[test]
    fn hostile_patterns_are_answered_quickly() {
        let many_stars = "*a".repeat(5_000) + "b";
        assert!(look_up_action(&many_stars).is_err());
        let long = format!("s3:{}", "x".repeat(1 << 20));
        assert_eq!(
            look_up_action(&long),
            Err(UnknownAction::Action { nearest: None })
        );
    }
}
