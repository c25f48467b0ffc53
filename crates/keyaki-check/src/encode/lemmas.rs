//! Lemmas between opaque atoms: facts true of every request that the free atoms forget.
//!
//! An opaque atom for a comparison with policy variables is free, so two of them are
//! unrelated to the solver even when one comparison can only hold if the other does. A real
//! update shows it: `ec2:SourceInstanceARN` went from `StringLike "*${ec2:InstanceId}"` to
//! `ArnLike "arn:aws:ec2:*:*:instance/${ec2:InstanceId}"`. Every value matching the new one
//! ends with the instance id, so matches the old one; without saying so, the solver makes the
//! new comparison true and the old one false, and the check cannot answer.
//!
//! **The rule.** Cut each pattern at its variables: `C₀ ${v₁} C₁ … ${vₖ} Cₖ`. If two comparisons
//! of the same value (the resource, or the same key) use the same variables in the same order,
//! the same letter-case rule, and each piece of the first is included in the piece of the
//! second (`L(Cᵢ) ⊆ L(Dᵢ)`, decided on automata), then the first implies the second, whatever
//! values the variables take: a text matching the first is `c₀ w₁ c₁ … wₖ cₖ` with each
//! `cᵢ ∈ L(Cᵢ) ⊆ L(Dᵢ)`, which matches the second with the same values `wᵢ`. Both read the
//! variables from the same request, so the values are the same. The lemma `a → b` is then
//! added to the question; it is true of every request, so it removes no real solution.
//!
//! **Equality both ways.** `StringEquals` of key `k` with `${v}` alone (no default, no other
//! text) says the two single values are equal, as does `StringEquals` of `v` with `${k}`: a real
//! pair of managed-policy statements writes `aws:ResourceAccount = ${aws:PrincipalAccount}` and
//! `aws:PrincipalAccount = ${aws:ResourceAccount}`. With the same letter-case rule, each
//! implies the other.
//!
//! **ARN comparisons** match part by part, and a variable's value is literal text inside its
//! part. The rule is used for them only when every variable lies in the resource part (the
//! sixth, where wildcards cross colons): the first piece must hold the five colons before it,
//! and is read as ARN parts; the later pieces lie in the resource part and are plain globs.
//! Anything else (a variable in an earlier part, different variables, a budget exceeded)
//! gives no lemma, which is only a loss of precision.
//!
//! **Cost.** Only comparisons of the same value with the same variables can be related, so
//! the comparisons are grouped by those first, and pairs are tested only within a group: a
//! policy of eighty statements has a hundred opaque atoms but few large groups. At most
//! [`MAX_PAIRS`] pairs are tested in all. The lemmas of an encoder's atoms are found once and
//! kept: a check asks for them once per question, and its fallbacks ask many questions.

use super::{Encoder, Meaning, glob_of_segments};
use keyaki_automata::{CaseMode, Engine, thread_cached};
use keyaki_logic::{Atom, Formula, Pattern, Piece, Var};
use keyaki_policy::{ConditionValue, PolicyVariable, Segment, ValueType};
use keyaki_solver::theories::strings::glob;
use std::collections::BTreeMap;

/// The most pairs of comparisons tested for inclusion (each test searches a few small
/// automata); past it, no more lemmas are looked for.
const MAX_PAIRS: usize = 16_384;

/// What an opaque atom compares, as far as lemmas are concerned.
struct Comparison {
    /// Which value: the resource, or a condition key (in lowercase).
    subject: String,
    /// Letter case ignored.
    ignore_case: bool,
    /// The pattern's pieces between its variables, as logic patterns.
    pieces: Vec<Pattern>,
    /// Its variables, in order.
    variables: Vec<PolicyVariable>,
}

impl Encoder<'_> {
    /// `a → b` for every two opaque comparisons where the rule of the module docs proves it;
    /// found once for the atoms made so far.
    pub(crate) fn opaque_lemmas(&mut self) -> Formula {
        if let Some((atoms, lemmas)) = self.lemmas
            && atoms == self.opaque.len()
        {
            return lemmas;
        }
        let implications = implications(&self.opaque);
        let lemmas: Vec<Formula> = implications
            .into_iter()
            .map(|(a, b)| {
                let premise = self.cx.atom_formula(Atom::BoolTrue { var: a });
                let conclusion = self.cx.atom_formula(Atom::BoolTrue { var: b });
                let not_premise = self.cx.not(premise);
                self.cx.or([not_premise, conclusion])
            })
            .collect();
        let lemmas = self.cx.and(lemmas);
        self.lemmas = Some((self.opaque.len(), lemmas));
        lemmas
    }
}

/// What comparisons related by included pieces share: the value compared (resource or key),
/// whether case is ignored, and the variables in order (key in lowercase, default).
type GroupKey = (String, bool, Vec<(String, Option<String>)>);

/// The pairs `(a, b)` of opaque atoms such that `a` implies `b`, by the rules of the module
/// docs, in the order of the atoms.
fn implications(opaque: &[(Var, Meaning)]) -> Vec<(Var, Var)> {
    let comparisons: Vec<(Var, Comparison)> = opaque
        .iter()
        .filter_map(|(var, meaning)| comparison(meaning).map(|c| (*var, c)))
        .collect();
    // Included pieces need the same value, letter-case rule and variables: one group each.
    let mut groups: BTreeMap<GroupKey, Vec<usize>> = BTreeMap::new();
    for (i, (_, c)) in comparisons.iter().enumerate() {
        let variables = c
            .variables
            .iter()
            .map(|v| (v.key.to_ascii_lowercase(), v.default.clone()))
            .collect();
        groups
            .entry((c.subject.clone(), c.ignore_case, variables))
            .or_default()
            .push(i);
    }
    let engine = Engine::default();
    let mut found = Vec::new();
    let mut tested = 0;
    'groups: for members in groups.values() {
        for &i in members {
            for &j in members {
                if tested >= MAX_PAIRS {
                    break 'groups;
                }
                if let (Some((a, x)), Some((b, y))) = (comparisons.get(i), comparisons.get(j))
                    && a != b
                {
                    tested += 1;
                    if pieces_included(&engine, x, y) {
                        found.push((i, j));
                    }
                }
            }
        }
    }
    // `k = ${v}` and `v = ${k}`: found by looking up each one's mirror image.
    let alone: BTreeMap<(String, String, bool), usize> = comparisons
        .iter()
        .enumerate()
        .filter_map(|(i, (_, c))| Some(((c.subject.clone(), alone_variable(c)?, c.ignore_case), i)))
        .collect();
    for ((subject, variable, case), &i) in &alone {
        if let Some(&j) = alone.get(&(variable.clone(), subject.clone(), *case)) {
            found.push((i, j));
        }
    }
    found.sort_unstable();
    found.dedup();
    found
        .into_iter()
        .filter_map(|(i, j)| Some((comparisons.get(i)?.0, comparisons.get(j)?.0)))
        .collect()
}

/// The comparison an opaque atom stands for, when it is one the rule applies to.
fn comparison(meaning: &Meaning) -> Option<Comparison> {
    let (subject, arn, ignore_case, pattern) = match meaning {
        Meaning::Resource(pattern) => ("\u{0}resource".to_string(), true, false, pattern),
        Meaning::Compare {
            key,
            kind,
            value: ConditionValue::Pattern(pattern),
        } => (
            key.to_ascii_lowercase(),
            kind.value_type() == ValueType::Arn,
            kind.ignores_case(),
            pattern,
        ),
        _ => return None,
    };
    let (chunks, variables) = cut(&pattern.segments);
    let mut pieces = Vec::with_capacity(chunks.len());
    for (index, chunk) in chunks.iter().enumerate() {
        let plain = glob_of_segments(chunk)?;
        let piece = if arn && index == 0 && !variables.is_empty() {
            let colons = plain
                .pieces
                .iter()
                .filter(|p| **p == Piece::Char(':'))
                .count();
            if colons < 5 {
                return None;
            }
            Pattern::arn(&plain.pieces)
        } else {
            plain
        };
        pieces.push(piece);
    }
    Some(Comparison {
        subject,
        ignore_case,
        pieces,
        variables,
    })
}

/// A pattern cut at its variables: the `k + 1` pieces around them and the `k` variables.
fn cut(segments: &[Segment]) -> (Vec<Vec<Segment>>, Vec<PolicyVariable>) {
    let mut chunks = vec![Vec::new()];
    let mut variables = Vec::new();
    for segment in segments {
        match segment {
            Segment::Variable(variable) => {
                variables.push(variable.clone());
                chunks.push(Vec::new());
            }
            other => {
                if let Some(last) = chunks.last_mut() {
                    last.push(other.clone());
                }
            }
        }
    }
    (chunks, variables)
}

/// Whether comparison `a` holding implies `b` holding, by the rules of the module docs.
#[cfg(test)]
fn implies(engine: &Engine, a: &Comparison, b: &Comparison) -> bool {
    pieces_included(engine, a, b) || swapped_equality(a, b)
}

/// `k = ${v}` and `v = ${k}`: both say the two values are equal.
#[cfg(test)]
fn swapped_equality(a: &Comparison, b: &Comparison) -> bool {
    a.ignore_case == b.ignore_case
        && alone_variable(a).is_some_and(|v| v == b.subject)
        && alone_variable(b).is_some_and(|k| k == a.subject)
}

/// For a comparison with `${v}` alone (no default, no other text): `v`, in lowercase.
fn alone_variable(c: &Comparison) -> Option<String> {
    match (c.variables.as_slice(), c.pieces.as_slice()) {
        ([variable], [before, after])
            if variable.default.is_none()
                && before.pieces.is_empty()
                && after.pieces.is_empty() =>
        {
            Some(variable.key.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// The rule of included pieces around the same variables.
fn pieces_included(engine: &Engine, a: &Comparison, b: &Comparison) -> bool {
    let same_variables = a.variables.len() == b.variables.len()
        && a.variables
            .iter()
            .zip(&b.variables)
            .all(|(x, y)| x.key.eq_ignore_ascii_case(&y.key) && x.default == y.default);
    if a.subject != b.subject || a.ignore_case != b.ignore_case || !same_variables {
        return false;
    }
    let case = if a.ignore_case {
        CaseMode::Insensitive
    } else {
        CaseMode::Sensitive
    };
    a.pieces.iter().zip(&b.pieces).all(|(x, y)| {
        let (x, y) = (thread_cached(&glob(x), case), thread_cached(&glob(y), case));
        engine.is_subset(&x, &y).unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]

    use super::*;
    use keyaki_policy::{OperatorKind, PatternSyntax};

    fn pattern(text: &str) -> keyaki_policy::Pattern {
        let syntax = PatternSyntax {
            wildcards: true,
            variables: true,
        };
        keyaki_policy::Pattern::parse(text, syntax).unwrap()
    }

    fn resource(text: &str) -> Option<Comparison> {
        comparison(&Meaning::Resource(pattern(text)))
    }

    fn compare(key: &str, kind: OperatorKind, text: &str) -> Comparison {
        let value = ConditionValue::Pattern(pattern(text));
        let meaning = Meaning::Compare {
            key: key.to_string(),
            kind,
            value,
        };
        comparison(&meaning).unwrap()
    }

    fn implied(a: &Comparison, b: &Comparison) -> bool {
        implies(&Engine::default(), a, b)
    }

    #[test]
    fn pieces_included_around_the_same_variables_imply() {
        let docs = resource("arn:aws:s3:::b/${aws:username}/docs/*").unwrap();
        let folder = resource("arn:aws:s3:::b/${AWS:UserName}/*").unwrap();
        assert!(implied(&docs, &folder));
        assert!(!implied(&folder, &docs));
        let by_arn = compare(
            "ec2:SourceInstanceARN",
            OperatorKind::ArnLike,
            "arn:aws:ec2:*:*:instance/${ec2:InstanceId}",
        );
        let ends_with = compare(
            "EC2:SourceInstanceArn",
            OperatorKind::StringLike,
            "*${ec2:InstanceId}",
        );
        assert!(implied(&by_arn, &ends_with));
        assert!(!implied(&ends_with, &by_arn));
    }

    #[test]
    fn equality_swapped_implies_both_ways() {
        let forth = compare(
            "aws:ResourceAccount",
            OperatorKind::StringEquals,
            "${aws:PrincipalAccount}",
        );
        let back = compare(
            "aws:PrincipalAccount",
            OperatorKind::StringEquals,
            "${AWS:ResourceAccount}",
        );
        let prefixed = compare(
            "aws:PrincipalAccount",
            OperatorKind::StringEquals,
            "x${aws:ResourceAccount}",
        );
        let folded = compare(
            "aws:PrincipalAccount",
            OperatorKind::StringEqualsIgnoreCase,
            "${aws:ResourceAccount}",
        );
        assert!(implied(&forth, &back) && implied(&back, &forth));
        assert!(!implied(&forth, &prefixed) && !implied(&prefixed, &forth));
        assert!(!implied(&forth, &folded));
    }

    #[test]
    fn no_lemma_without_the_same_variables_subject_and_case() {
        let user = resource("arn:aws:s3:::b/${aws:username}/*").unwrap();
        let id = resource("arn:aws:s3:::b/${aws:userid}/*").unwrap();
        let defaulted = resource("arn:aws:s3:::b/${aws:username, 'x'}/*").unwrap();
        assert!(!implied(&user, &id));
        assert!(!implied(&defaulted, &user));
        let exact = compare("s3:prefix", OperatorKind::StringEquals, "${aws:username}");
        let folded = compare(
            "s3:prefix",
            OperatorKind::StringEqualsIgnoreCase,
            "${aws:username}",
        );
        let other_key = compare(
            "s3:delimiter",
            OperatorKind::StringEquals,
            "${aws:username}",
        );
        assert!(!implied(&folded, &exact));
        assert!(!implied(&exact, &folded));
        assert!(!implied(&exact, &other_key));
    }

    /// A variable before the resource part of an ARN: the rule's argument (pieces read as
    /// ARN parts, then plain globs) needs every variable in the resource part.
    #[test]
    fn no_lemma_for_a_variable_before_the_resource_part() {
        assert!(resource("arn:aws:iam::${aws:PrincipalAccount}:role/x").is_none());
    }
}
