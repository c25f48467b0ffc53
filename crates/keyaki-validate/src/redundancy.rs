//! Redundancy, decided exactly: an entry of an `Action` or `Resource` list is redundant when
//! removing it provably changes nothing.
//!
//! AWS's check is syntactic (the reference: "all of the contents of an action are
//! redundant"); here it is a proof. An entry `p` of a list `p₁ … pₙ` stands for a set of
//! strings, and the list for their union, so removing `p` changes nothing exactly when the
//! other entries cover it: `p ⊆ ⋃ pⱼ`, that is, `x ∈ p ∧ x ∉ p₁ ∧ … ∧ x ∉ pₙ` has no solution,
//! which the automata decide (`keyaki_automata`, one product search). The same holds for a
//! `NotAction` or `NotResource` list: the statement matches what the union does not, and the
//! union is unchanged exactly when `p` is covered.
//!
//! **Which strings.** IAM matches an action pattern against whatever action a request names,
//! not against a list of the actions that exist, so coverage is decided over every string:
//! `s3:GetObject` is covered by `s3:*Object`, but `s3:GetObject*` is not covered by the
//! actions of the catalog it matches today, since an action AWS adds tomorrow would be matched
//! by it alone. Actions compare ignoring case, resources exactly, each ARN with IAM's rule that
//! `*` and `?` stay inside one of the first five parts (`keyaki_logic::Pattern::arn`).
//!
//! **Policy variables.** A resource written with a variable (`…:user/${aws:username}`) is
//! redundant only when it is covered whatever the variable's value: it is read with each
//! variable as "anything" (a superset of every value, as `keyaki_check::encode::relaxed_arn`
//! reads it), and only entries without variables, or the same text again, may cover it.
//!
//! Entries are taken in order, each against the others not found redundant before it: of two
//! that cover each other only the first is redundant (the second then stands alone), and
//! removing every entry found together still changes nothing (the last one found is covered
//! by the entries kept, the one before by those and the last, and so on). Every search runs within [`Limits`]; an entry whose
//! question runs out of budget is not reported.

use keyaki_automata::{
    Answer, Budget, CaseMode, Constraint, Deadline, GlobPattern, Piece, fold_case, thread_cached,
};
use keyaki_check::encode::{glob_of, relaxed_arn};
use keyaki_policy::{Pattern, Spanned};
use keyaki_solver::theories::strings::glob;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long the redundancy questions of one check of one document may take together.
pub(crate) const REDUNDANCY_TIME: Duration = Duration::from_secs(2);

/// The memory one string search may hold (product states): enough for lists of hundreds of
/// entries, small beside the checks' 128 MiB, since validation runs many documents at once.
const SEARCH_BYTES: usize = 16 << 20;

/// The limits shared by the redundancy questions of one check: one deadline for all.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    deadline: Deadline,
}

impl Limits {
    /// Limits whose deadline is [`REDUNDANCY_TIME`] from now.
    pub(crate) fn starting_now() -> Limits {
        Limits {
            deadline: Deadline::after(REDUNDANCY_TIME),
        }
    }

    /// Limits whose deadline has passed: every question is left undecided.
    #[cfg(test)]
    pub(crate) fn already_passed() -> Limits {
        Limits {
            deadline: Deadline::after(Duration::ZERO),
        }
    }

    /// The deadline of every search.
    pub(crate) fn deadline(self) -> Deadline {
        self.deadline
    }

    /// One string search's budget: its memory, the shared deadline, no shrunk explanations
    /// (only the yes or no is read).
    fn budget(self) -> Budget {
        Budget {
            max_bytes: SEARCH_BYTES,
            max_minimize: 0,
            deadline: Some(self.deadline),
        }
    }
}

/// The element a list belongs to, which says how its entries read as sets of strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Element {
    /// `Action` or `NotAction`: IAM wildcards, ignoring case.
    Action,
    /// `Resource` or `NotResource`: ARN patterns, case kept.
    Resource,
}

impl Element {
    /// Whether letter case matters.
    pub(crate) fn case(self) -> CaseMode {
        match self {
            Element::Action => CaseMode::Insensitive,
            Element::Resource => CaseMode::Sensitive,
        }
    }

    /// The strings an entry matches, exactly; `None` when it has a policy variable.
    pub(crate) fn exact(self, pattern: &Pattern) -> Option<GlobPattern> {
        let logic = glob_of(pattern)?;
        Some(match self {
            Element::Action => glob(&logic),
            Element::Resource => glob(&keyaki_logic::Pattern::arn(&logic.pieces)),
        })
    }

    /// A superset of the strings an entry matches, whatever its variables' values: each
    /// variable read as any run of characters.
    pub(crate) fn widened(self, pattern: &Pattern) -> GlobPattern {
        match self {
            Element::Action => self
                .exact(pattern)
                .unwrap_or_else(|| GlobPattern::parse(&pattern.text)),
            Element::Resource => glob(&relaxed_arn(pattern)),
        }
    }
}

/// The redundant entries of a list, in order ([`redundant_entries`]).
pub(crate) fn redundant_patterns(
    patterns: &[Spanned<Pattern>],
    element: Element,
    limits: Limits,
) -> Vec<&Spanned<Pattern>> {
    patterns
        .iter()
        .zip(redundant_entries(patterns, element, limits))
        .filter_map(|(pattern, redundant)| redundant.then_some(pattern))
        .collect()
}

/// Which entries of a list are redundant (see the module docs): each, in order, when the
/// entries not found redundant before it cover it.
pub(crate) fn redundant_entries(
    patterns: &[Spanned<Pattern>],
    element: Element,
    limits: Limits,
) -> Vec<bool> {
    let exact: Vec<Option<GlobPattern>> =
        patterns.iter().map(|p| element.exact(&p.value)).collect();
    let neighbours = Neighbours::of(&exact, element);
    let mut redundant = vec![false; patterns.len()];
    for (index, pattern) in patterns.iter().enumerate() {
        let kept: Vec<usize> = neighbours
            .of_entry(index)
            .filter(|&other| other != index && !redundant.get(other).copied().unwrap_or(true))
            .collect();
        let written_again = kept.iter().any(|&other| {
            patterns
                .get(other)
                .is_some_and(|p| same_text(element, &p.value, &pattern.value))
        });
        let covers: Vec<&GlobPattern> = kept
            .iter()
            .filter_map(|&other| exact.get(other)?.as_ref())
            .collect();
        let candidate = element.widened(&pattern.value);
        let covered = written_again
            || is_covered(&[&candidate], &covers, element.case(), limits) == Some(true);
        if let Some(flag) = redundant.get_mut(index) {
            *flag = covered;
        }
    }
    redundant
}

/// The entries of a list grouped by the literal text every string they match starts with up
/// to its service (`s3:` for an action, `arn:aws:s3:` for an ARN): two entries of different
/// groups share no string, so only an entry's own group, and the entries whose service is a
/// wildcard or a variable, can cover it. Lists of a thousand actions stay fast.
struct Neighbours {
    groups: BTreeMap<String, Vec<usize>>,
    anywhere: Vec<usize>,
    group_of: Vec<Option<String>>,
}

impl Neighbours {
    fn of(exact: &[Option<GlobPattern>], element: Element) -> Neighbours {
        let group_of: Vec<Option<String>> = exact
            .iter()
            .map(|glob| glob.as_ref().and_then(|g| service_prefix(g, element)))
            .collect();
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut anywhere = Vec::new();
        for (index, group) in group_of.iter().enumerate() {
            match group {
                Some(group) => groups.entry(group.clone()).or_default().push(index),
                None => anywhere.push(index),
            }
        }
        Neighbours {
            groups,
            anywhere,
            group_of,
        }
    }

    /// The entries that may share a string with entry `index` (itself included).
    fn of_entry(&self, index: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        match self.group_of.get(index).and_then(Option::as_ref) {
            Some(group) => Box::new(
                self.groups
                    .get(group)
                    .into_iter()
                    .flatten()
                    .chain(&self.anywhere)
                    .copied(),
            ),
            None => Box::new(0..self.group_of.len()),
        }
    }
}

/// The literal text a pattern's strings start with, up to and including the colon after the
/// service (folded to lower case for actions); `None` when a wildcard comes before it.
fn service_prefix(glob: &GlobPattern, element: Element) -> Option<String> {
    let colons = match element {
        Element::Action => 1,
        Element::Resource => 3,
    };
    let mut prefix = String::new();
    let mut seen = 0;
    for c in glob.literal_prefix() {
        prefix.push(match element {
            Element::Action => fold_case(c),
            Element::Resource => c,
        });
        if c == ':' {
            seen += 1;
            if seen == colons {
                return Some(prefix);
            }
        }
    }
    None
}

/// Whether two entries are written the same (actions ignoring case).
fn same_text(element: Element, a: &Pattern, b: &Pattern) -> bool {
    match element {
        Element::Action => a.text.eq_ignore_ascii_case(&b.text),
        Element::Resource => a.text == b.text,
    }
}

/// Whether the strings every one of `members` matches are all matched by some of `covers`:
/// `x ∈ m₁ ∧ … ∧ x ∉ c₁ ∧ …` has no solution. Only the covers that could share a string with
/// the members take part. `None` when the search ran out of budget.
pub(crate) fn is_covered(
    members: &[&GlobPattern],
    covers: &[&GlobPattern],
    case: CaseMode,
    limits: Limits,
) -> Option<bool> {
    let inside: Vec<Constraint> = members
        .iter()
        .map(|m| Constraint::member(thread_cached(m, case)))
        .collect();
    let outside: Vec<Constraint> = covers
        .iter()
        .filter(|cover| members.iter().all(|m| may_meet(m, cover, case)))
        .map(|cover| Constraint::non_member(thread_cached(cover, case)))
        .collect();
    if let [member] = members
        && let Some(text) = literal_text(member)
    {
        return Some(outside.iter().any(|c| c.automaton.matches(&text)));
    }
    if members
        .first()
        .is_some_and(|m| has_uncovered_sample(m, &inside, &outside))
    {
        return Some(false);
    }
    let mut constraints = inside;
    constraints.extend(outside);
    let search = keyaki_automata::solve(&constraints, limits.budget()).ok()?;
    Some(matches!(search.answer, Answer::Empty { .. }))
}

/// The one string a pattern without wildcards matches.
fn literal_text(pattern: &GlobPattern) -> Option<String> {
    pattern
        .pieces()
        .iter()
        .map(|piece| match piece {
            Piece::Char(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// A character no pattern names: a wildcard of a sample stands for it.
const FRESH: char = '\u{E000}';

/// Whether one of two strings of `pattern` (its wildcards read as nothing, or as one fresh
/// character) satisfies every constraint: a witness found without a search, which settles
/// most questions whose answer is "not covered".
fn has_uncovered_sample(
    pattern: &GlobPattern,
    inside: &[Constraint],
    outside: &[Constraint],
) -> bool {
    let sample = |run: &str| -> String {
        let mut text = String::new();
        for piece in pattern.pieces() {
            match piece {
                Piece::Char(c) => text.push(*c),
                Piece::AnyChar | Piece::PartChar => text.push(FRESH),
                Piece::AnyRun | Piece::PartRun => text.push_str(run),
            }
        }
        text
    };
    [sample(""), sample(&FRESH.to_string())].iter().any(|text| {
        inside.iter().all(|c| c.automaton.matches(text))
            && outside.iter().all(|c| !c.automaton.matches(text))
    })
}

/// Whether two patterns may match a common string, by their literal ends: every match of each
/// starts with its literal prefix and ends with its literal suffix, so when neither prefix
/// extends the other (or neither suffix), they share nothing. `true` when unsure.
pub(crate) fn may_meet(a: &GlobPattern, b: &GlobPattern, case: CaseMode) -> bool {
    let fold = |c: char| match case {
        CaseMode::Insensitive => fold_case(c),
        CaseMode::Sensitive => c,
    };
    let agree = |x: &mut dyn Iterator<Item = char>, y: &mut dyn Iterator<Item = char>| -> bool {
        x.zip(y).all(|(p, q)| fold(p) == fold(q))
    };
    agree(&mut a.literal_prefix(), &mut b.literal_prefix())
        && agree(&mut a.literal_suffix(), &mut b.literal_suffix())
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyaki_policy::{PatternSyntax, Span};

    fn entries(texts: &[&str], element: Element) -> Vec<bool> {
        let patterns: Vec<Spanned<Pattern>> = texts
            .iter()
            .map(|text| Spanned {
                value: Pattern::parse(
                    text,
                    PatternSyntax {
                        wildcards: true,
                        variables: true,
                    },
                )
                .unwrap(),
                span: Span::new(0, 0),
            })
            .collect();
        redundant_entries(&patterns, element, Limits::starting_now())
    }

    #[test]
    fn actions_are_covered_over_every_name_not_the_catalog() {
        // Both real actions `iam:*CredentialReport` matches are listed, yet it is the one
        // that stays: an action added later would be matched by it alone.
        let list = [
            "iam:GenerateCredentialReport",
            "iam:GetCredentialReport",
            "iam:*CredentialReport",
        ];
        assert_eq!(entries(&list, Element::Action), [true, true, false]);
    }

    #[test]
    fn of_two_equal_actions_the_first_is_redundant() {
        let list = ["s3:GetObject", "s3:getobject"];
        assert_eq!(entries(&list, Element::Action), [true, false]);
    }

    #[test]
    fn a_wildcard_may_be_covered_by_the_union_of_others() {
        // `s3:Get*` is `s3:Get` and `s3:Get?*` together; then `s3:GetO*` is inside `s3:Get?*`.
        let list = ["s3:Get*", "s3:GetO*", "s3:Get", "s3:Get?*", "s3:Put*"];
        assert_eq!(
            entries(&list, Element::Action),
            [true, true, false, false, false]
        );
    }

    #[test]
    fn arn_wildcards_stay_inside_their_part() {
        // `*` in the region part does not cross a colon, so it cannot stand for `a:b`.
        let list = [
            "arn:aws:s3:a:b:c",
            "arn:aws:s3:*:c",
            "arn:aws:s3:*:*:c",
            "arn:aws:s3:::bucket/x",
            "arn:aws:s3:::*",
        ];
        assert_eq!(
            entries(&list, Element::Resource),
            [true, false, false, true, false]
        );
    }

    #[test]
    fn a_variable_entry_is_covered_only_whatever_its_value() {
        let covered = ["arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/*"];
        assert_eq!(entries(&covered, Element::Resource), [true, false]);
        let not_covered = ["arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/alice/*"];
        assert_eq!(entries(&not_covered, Element::Resource), [false, false]);
        let again = [
            "arn:aws:s3:::b/${aws:username}",
            "arn:aws:s3:::b/${aws:username}",
        ];
        assert_eq!(entries(&again, Element::Resource), [true, false]);
    }

    #[test]
    fn literal_ends_rule_out_meeting() {
        let case = CaseMode::Insensitive;
        let glob = GlobPattern::parse;
        assert!(may_meet(&glob("s3:Get*"), &glob("S3:GETOBJECT"), case));
        assert!(!may_meet(&glob("s3:Get*"), &glob("s3:Put*"), case));
        assert!(!may_meet(&glob("*Object"), &glob("*Bucket"), case));
        assert!(may_meet(&glob("*"), &glob("anything"), case));
    }
}
