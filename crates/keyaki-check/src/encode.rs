//! From a policy to a formula that is true exactly for the requests it allows.
//!
//! A statement *matches* a request when its principal, action, resource and conditions all
//! match; the policy *allows* when some `Allow` statement matches and no `Deny` statement
//! does. The encoding writes exactly that, over the variables of [`crate::vocabulary`]:
//!
//! ```text
//! allows(P) = (match(s₀) ∨ match(s₂) ∨ …) ∧ ¬(match(s₁) ∨ …)      Allow statements, then Deny
//! match(s)  = principal(s) ∧ action(s) ∧ resource(s) ∧ condition₁(s) ∧ …
//! ```
//!
//! The concrete evaluator of keyaki-policy is the reference, part by part: actions are IAM
//! wildcards ignoring case, resources are ARN patterns matched part by part, `Not…` elements
//! are negations, an account principal covers every principal of the account, a role principal
//! covers the role's sessions; conditions follow `encode/condition.rs`.
//!
//! **What is approximated.** A pattern with a policy variable, a condition whose key the
//! vocabulary models with another sort, and numeric, date or address qualifiers become an
//! *opaque* atom: a Boolean variable named after the text it stands for, free to be true or
//! false. Its freedom only adds solutions to a question, so an UNSAT answer (a PASS) stays a
//! proof; a SAT answer may be spurious, which the counterexample's replay through the concrete
//! evaluator decides. The same text gives the same atom, so an unchanged statement in two
//! versions of a policy still cancels out exactly. Each approximation is recorded. A resource
//! pattern with a variable is `opaque ∧ Resource ∈ relaxed`, the variable read as "anything"
//! ([`relaxed_arn`]): exact knowledge that keeps `home/${aws:username}/*` inside `home/*`.

mod caller;
mod condition;
mod lemmas;
mod pinned;
mod principal;

pub use principal::{ANONYMOUS, KIND_TAGS, caller_fits_named_roles, principal_value};

use crate::vocabulary::Vocabulary;
use keyaki_logic::{Atom, Context, Formula, Pattern, Piece, Sort, Var};
use keyaki_policy::{Effect, PatternList, Policy, PolicyType, Segment, Statement};

/// What an opaque atom stands for, so a concrete request can still decide it.
#[derive(Debug, Clone, PartialEq)]
pub enum Meaning {
    /// The request's resource matches this ARN pattern (with its variables).
    Resource(keyaki_policy::Pattern),
    /// This condition holds for the request.
    Condition(keyaki_policy::Condition),
    /// The request's (single) value of `key` matches `value` under the positive form of
    /// `kind` (`StringEquals` for `StringNotEquals`): one comparison with a variable.
    Compare {
        /// The condition key.
        key: String,
        /// The operator (its positive form is what is meant).
        kind: keyaki_policy::OperatorKind,
        /// The policy value, with its variables.
        value: keyaki_policy::ConditionValue,
    },
    /// The caller is the role session with this ARN (`arn:P:sts::A:assumed-role/NAME/S`).
    Session(String),
}

/// The variables of one condition key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVars {
    /// The key as first written.
    pub name: String,
    /// Its sort.
    pub sort: Sort,
    /// Its value.
    pub value: Var,
    /// For a number, date or address: whether a present value is one.
    pub readable: Option<Var>,
}

/// A policy's formulas.
#[derive(Debug, Clone)]
pub struct EncodedPolicy {
    /// True exactly for the requests the policy allows.
    pub allows: Formula,
    /// True exactly for the requests some `Deny` statement matches.
    pub denies: Formula,
    /// For each statement (by index), true exactly for the requests it matches.
    pub statements: Vec<Formula>,
}

/// Builds formulas for policies in one [`Context`], over one [`Vocabulary`].
pub struct Encoder<'a> {
    /// Where formulas are built.
    pub cx: &'a mut Context,
    vocabulary: &'a Vocabulary,
    /// `Action`.
    pub action: Var,
    /// `Resource`.
    pub resource: Var,
    /// `Principal` (kind-tagged).
    pub principal: Var,
    /// Every opaque atom's variable and what it stands for.
    pub opaque: Vec<(Var, Meaning)>,
    /// One line per approximation made, for the user.
    pub approximations: Vec<String>,
    /// The IAM role ARNs named in `Principal` elements (see `encode/principal.rs`).
    pub named_roles: Vec<String>,
    /// The lemmas between opaque atoms, once found: for how many atoms, and the formula.
    lemmas: Option<(usize, Formula)>,
}

/// Sorts of the request variables that always exist.
pub const ACTION: &str = "Action";
/// The resource variable's name.
pub const RESOURCE: &str = "Resource";
/// The principal variable's name.
pub const PRINCIPAL: &str = "Principal";

impl<'a> Encoder<'a> {
    /// An encoder declaring the request variables in `cx`.
    pub fn new(cx: &'a mut Context, vocabulary: &'a Vocabulary) -> Self {
        let declare = |cx: &mut Context, name: &str, ignore_case: bool| {
            cx.var(name, Sort::Str { ignore_case }).unwrap_or(Var(0))
        };
        let action = declare(cx, ACTION, true);
        let resource = declare(cx, RESOURCE, false);
        let principal = declare(cx, PRINCIPAL, false);
        Encoder {
            cx,
            vocabulary,
            action,
            resource,
            principal,
            opaque: Vec::new(),
            approximations: Vec::new(),
            named_roles: Vec::new(),
            lemmas: None,
        }
    }

    /// The formulas of a policy of the given type.
    pub fn policy(&mut self, policy: &Policy, policy_type: PolicyType) -> EncodedPolicy {
        let statements: Vec<Formula> = policy
            .statements
            .iter()
            .map(|s| self.statement(s, policy_type))
            .collect();
        let pick = |effect: Effect| -> Vec<Formula> {
            policy
                .statements
                .iter()
                .zip(&statements)
                .filter(|(s, _)| s.effect.value == effect)
                .map(|(_, f)| *f)
                .collect()
        };
        let (allows, denies) = (pick(Effect::Allow), pick(Effect::Deny));
        let any_allow = self.cx.or(allows);
        let any_deny = self.cx.or(denies);
        let no_deny = self.cx.not(any_deny);
        let allows = self.cx.and([any_allow, no_deny]);
        EncodedPolicy {
            allows,
            denies: any_deny,
            statements,
        }
    }

    /// True exactly for the requests a statement matches (its effect aside). Variables whose
    /// key the statement pins to listed values are written in, case by case (`encode/pinned.rs`).
    pub fn statement(&mut self, statement: &Statement, policy_type: PolicyType) -> Formula {
        let Some(cases) = self.pinned_cases(statement) else {
            return self.statement_as_written(statement, policy_type);
        };
        let options: Vec<Formula> = cases
            .iter()
            .map(|(assumed, substituted)| {
                let matched = self.statement_as_written(substituted, policy_type);
                self.cx.and([*assumed, matched])
            })
            .collect();
        self.cx.or(options)
    }

    fn statement_as_written(&mut self, statement: &Statement, policy_type: PolicyType) -> Formula {
        let principal = match (policy_type, &statement.principal) {
            (PolicyType::Resource, Some(element)) => self.principal_element(element),
            _ => self.cx.tru(),
        };
        let action = self.action_list(&statement.action);
        let resource = match &statement.resource {
            Some(list) => self.resource_list(list),
            None => self.cx.tru(),
        };
        let conditions: Vec<Formula> = statement
            .conditions
            .iter()
            .map(|c| self.condition(c))
            .collect();
        let mut parts = vec![principal, action, resource];
        parts.extend(conditions);
        self.cx.and(parts)
    }

    fn action_list(&mut self, list: &PatternList) -> Formula {
        let mut options = Vec::new();
        for pattern in &list.patterns {
            let atom = match glob_of(&pattern.value) {
                Some(glob) => self.cx.atom_formula(Atom::StrIn {
                    var: self.action,
                    pattern: glob,
                    ignore_case: true,
                }),
                // Actions never have variables (they are literal text there); unreachable.
                None => self.cx.fls(),
            };
            options.push(atom);
        }
        let any = self.cx.or(options);
        if list.negated { self.cx.not(any) } else { any }
    }

    fn resource_list(&mut self, list: &PatternList) -> Formula {
        let mut options = Vec::new();
        for pattern in &list.patterns {
            let atom = match glob_of(&pattern.value) {
                Some(glob) => self.cx.atom_formula(Atom::StrIn {
                    var: self.resource,
                    pattern: Pattern::arn(&glob.pieces),
                    ignore_case: false,
                }),
                None => self.resource_with_variables(&pattern.value),
            };
            options.push(atom);
        }
        let any = self.cx.or(options);
        if list.negated { self.cx.not(any) } else { any }
    }

    /// A free Boolean standing for what cannot be encoded exactly (see the module docs).
    pub(crate) fn opaque_atom(&mut self, description: String, meaning: Meaning) -> Formula {
        let note = match meaning {
            Meaning::Session(_) => "decided on each witness (the session name is no request key)",
            _ => "approximated (a policy variable or an unmodelled comparison)",
        };
        let name = format!("⟦{description}⟧");
        let var = match self.cx.var(&name, Sort::Bool) {
            Ok(var) => var,
            Err(_) => return self.cx.tru(),
        };
        if !self.opaque.iter().any(|(v, _)| *v == var) {
            self.opaque.push((var, meaning));
            self.approximations.push(format!("{description}: {note}"));
        }
        self.cx.atom_formula(Atom::BoolTrue { var })
    }

    /// `Resource` matches a pattern with variables: per case of [`Encoder::default_cases`],
    /// an exact atom when the case leaves no variable, else the opaque atom of the exact match
    /// with what is known beside it (the pattern read with "anything" for its variables, and
    /// the variables resolving).
    fn resource_with_variables(&mut self, pattern: &keyaki_policy::Pattern) -> Formula {
        let mut options = Vec::new();
        for (presence, case) in self.default_cases(pattern) {
            let matched = match glob_of(&case) {
                Some(glob) => self.cx.atom_formula(Atom::StrIn {
                    var: self.resource,
                    pattern: Pattern::arn(&glob.pieces),
                    ignore_case: false,
                }),
                None => {
                    let opaque = self.opaque_atom(
                        format!("Resource matches {}", case.text),
                        Meaning::Resource(case.clone()),
                    );
                    let relaxed = self.cx.atom_formula(Atom::StrIn {
                        var: self.resource,
                        pattern: relaxed_arn(&case),
                        ignore_case: false,
                    });
                    let resolved = self.variables_resolve(&case);
                    self.cx.and([opaque, relaxed, resolved])
                }
            };
            options.push(self.cx.and([presence, matched]));
        }
        self.cx.or(options)
    }

    /// A pattern whose variables have defaults, split by which of those keys the request has:
    /// for each case, its presence formula and the pattern as it then reads (an absent key's
    /// default written in as text, a present key's variable kept without default). Text is
    /// canonical ([`canonical_text`]), so `${k}` and `${k, 'd'}` share their opaque atom when
    /// `k` is present. More than three defaulted keys, or one modelled as a set: one case.
    pub(crate) fn default_cases(
        &mut self,
        pattern: &keyaki_policy::Pattern,
    ) -> Vec<(Formula, keyaki_policy::Pattern)> {
        let mut defaulted: Vec<String> = Vec::new();
        for segment in &pattern.segments {
            if let Segment::Variable(variable) = segment
                && variable.default.is_some()
            {
                let key = variable.key.to_ascii_lowercase();
                if !defaulted.contains(&key) {
                    defaulted.push(key);
                }
            }
        }
        let presence_vars: Option<Vec<Var>> = defaulted
            .iter()
            .map(|key| {
                let model = self.vocabulary.key(key)?.clone();
                if model.sort == Sort::StrSet {
                    return None;
                }
                self.cx.var(&model.name, model.sort).ok()
            })
            .collect();
        let (Some(presence_vars), true) = (presence_vars, defaulted.len() <= 3) else {
            let text = canonical_text(&pattern.segments);
            return vec![(
                self.cx.tru(),
                keyaki_policy::Pattern {
                    text,
                    segments: pattern.segments.clone(),
                },
            )];
        };
        let mut cases = Vec::new();
        for mask in 0..(1_usize << defaulted.len()) {
            let present_key = |key: &str| {
                defaulted
                    .iter()
                    .position(|k| k == key)
                    .is_some_and(|i| mask & (1 << i) != 0)
            };
            let presence: Vec<Formula> = presence_vars
                .iter()
                .enumerate()
                .map(|(i, var)| {
                    let present = self.cx.atom_formula(Atom::Present { var: *var });
                    if mask & (1 << i) != 0 {
                        present
                    } else {
                        self.cx.not(present)
                    }
                })
                .collect();
            let segments: Vec<Segment> = pattern
                .segments
                .iter()
                .map(|segment| match segment {
                    Segment::Variable(variable) => match &variable.default {
                        Some(default) if !present_key(&variable.key.to_ascii_lowercase()) => {
                            Segment::Literal(default.clone())
                        }
                        _ => Segment::Variable(keyaki_policy::PolicyVariable {
                            key: variable.key.clone(),
                            default: None,
                        }),
                    },
                    other => other.clone(),
                })
                .collect();
            let text = canonical_text(&segments);
            cases.push((
                self.cx.and(presence),
                keyaki_policy::Pattern { text, segments },
            ));
        }
        cases
    }

    /// The variables of a pattern can be resolved: each one without a default names a key
    /// the request has (as far as the vocabulary models the key as a single value).
    pub(crate) fn variables_resolve(&mut self, pattern: &keyaki_policy::Pattern) -> Formula {
        let mut parts = Vec::new();
        for segment in &pattern.segments {
            let Segment::Variable(variable) = segment else {
                continue;
            };
            if variable.default.is_some() {
                continue;
            }
            let Some(key) = self.vocabulary.key(&variable.key).cloned() else {
                continue;
            };
            if key.sort == Sort::StrSet {
                continue;
            }
            if let Ok(var) = self.cx.var(&key.name, key.sort) {
                parts.push(self.cx.atom_formula(Atom::Present { var }));
            }
        }
        self.cx.and(parts)
    }

    /// The variables of every condition key of the vocabulary (declared on first use).
    pub fn key_vars(&mut self) -> Vec<KeyVars> {
        let keys: Vec<(String, Sort)> = self
            .vocabulary
            .keys
            .values()
            .map(|k| (k.name.clone(), k.sort))
            .collect();
        keys.into_iter()
            .filter_map(|(name, sort)| {
                let value = self.cx.var(&name, sort).ok()?;
                let readable = self.readable_flag(&name, sort);
                Some(KeyVars {
                    name,
                    sort,
                    value,
                    readable,
                })
            })
            .collect()
    }

    /// The *readable* flag of a number, date or address key (see [`crate::vocabulary`]).
    pub(crate) fn readable_flag(&mut self, name: &str, sort: Sort) -> Option<Var> {
        matches!(sort, Sort::Num | Sort::Date | Sort::Ip)
            .then(|| {
                self.cx
                    .var(&crate::vocabulary::readable_name(name), Sort::Bool)
                    .ok()
            })
            .flatten()
    }

    /// The variable of condition key `name` when the vocabulary models it as a string.
    pub(crate) fn string_key(&mut self, name: &str) -> Option<Var> {
        let key = self.vocabulary.key(name)?.clone();
        match key.sort {
            Sort::Str { .. } => self.cx.var(&key.name, key.sort).ok(),
            _ => None,
        }
    }

    /// The vocabulary in use.
    pub fn vocabulary(&self) -> &Vocabulary {
        self.vocabulary
    }
}

/// A pattern's text in one canonical spelling: variable keys in lowercase, so that
/// `${AWS:UserName}` and `${aws:username}` give the same opaque atom, as IAM reads them alike.
pub fn canonical_text(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => text
                .replace('$', "${$}")
                .replace('*', "${*}")
                .replace('?', "${?}"),
            Segment::AnyRun => "*".to_string(),
            Segment::AnyChar => "?".to_string(),
            Segment::Variable(variable) => match &variable.default {
                Some(default) => format!("${{{}, '{default}'}}", variable.key.to_ascii_lowercase()),
                None => format!("${{{}}}", variable.key.to_ascii_lowercase()),
            },
        })
        .collect()
}

/// A pattern with every policy variable replaced by "anything" (for string comparisons).
pub fn relaxed_glob(pattern: &keyaki_policy::Pattern) -> Pattern {
    Pattern::from_pieces(pattern.segments.iter().flat_map(|segment| match segment {
        Segment::Literal(text) => text.chars().map(Piece::Char).collect::<Vec<_>>(),
        Segment::AnyRun | Segment::Variable(_) => vec![Piece::AnyRun],
        Segment::AnyChar => vec![Piece::AnyChar],
    }))
}

/// An ARN pattern with every policy variable replaced by "anything", colons included: whatever
/// value the variable takes, a resource that matches the pattern matches this one. So
/// `opaque ∧ Resource ∈ relaxed` loses nothing (the opaque atom still stands for the exact
/// match) and tells the solver most of what the pattern requires.
pub fn relaxed_arn(pattern: &keyaki_policy::Pattern) -> Pattern {
    // A variable is first a placeholder character, so the ARN conversion leaves it alone;
    // then it becomes a run that may cross colons (a value may contain them).
    const PLACEHOLDER: char = '\u{0}';
    let mut pieces = Vec::new();
    for segment in &pattern.segments {
        match segment {
            Segment::Literal(text) => pieces.extend(text.chars().map(Piece::Char)),
            Segment::AnyRun => pieces.push(Piece::AnyRun),
            Segment::AnyChar => pieces.push(Piece::AnyChar),
            Segment::Variable(_) => pieces.push(Piece::Char(PLACEHOLDER)),
        }
    }
    let converted = Pattern::arn(&pieces).pieces.into_iter().map(|piece| {
        if piece == Piece::Char(PLACEHOLDER) {
            Piece::AnyRun
        } else {
            piece
        }
    });
    Pattern::from_pieces(converted)
}

/// A policy pattern as a logic pattern, when it has no policy variable.
pub fn glob_of(pattern: &keyaki_policy::Pattern) -> Option<Pattern> {
    glob_of_segments(&pattern.segments)
}

/// Segments of a policy pattern as a logic pattern, when there is no policy variable among
/// them.
pub fn glob_of_segments(segments: &[Segment]) -> Option<Pattern> {
    let length = segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => Some(text.len()),
            Segment::AnyRun | Segment::AnyChar => Some(1),
            Segment::Variable(_) => None,
        })
        .sum::<Option<usize>>()?;
    let mut pieces = Vec::with_capacity(length);
    for segment in segments {
        match segment {
            Segment::Literal(text) => pieces.extend(text.chars().map(Piece::Char)),
            Segment::AnyRun => pieces.push(Piece::AnyRun),
            Segment::AnyChar => pieces.push(Piece::AnyChar),
            Segment::Variable(_) => return None,
        }
    }
    Some(Pattern::from_pieces(pieces))
}
