//! Keys that describe the caller, tied to the caller.
//!
//! IAM writes `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username` and the other keys of
//! [`keyaki_policy::caller`] from who makes the request; they are not free for a request to
//! choose. This module writes the evaluator's table as formulas over the `Principal` variable,
//! whose value for an AWS caller is its identity ARN (`AWS:arn:aws:iam::A:role/R` for a
//! session of role `R`: see `encode/principal.rs`). For a key `k` and a set of callers `C`:
//!
//! - *present for C*: `C → present(k)`; *absent for C*: `C → ¬present(k)`;
//! - a service principal's `aws:PrincipalArn`, if any, is no IAM identity ARN;
//! - *mirrored on C by f*: for every atom `k ∈ p` of the question, `C → (k ∈ p ↔ f(p))`, where
//!   `f(p)` is a test on `Principal` true exactly for the callers whose value of `k` is in `p`
//!   (for `aws:PrincipalArn`, `Principal ∈ "AWS:" p`); when `k`'s value is one fixed text `v`
//!   for every caller of `C`, `f(p)` is the constant "`v` matches `p`".
//!
//! Each constraint holds of every real request, so adding them to a question removes only
//! requests IAM never makes: a PASS stays a proof, and a FAIL's witness names a caller whose
//! keys agree with it, as the replay then confirms. Where no exact test exists (a wildcard
//! pattern on `aws:username`, `aws:userid` of users and roles), the value stays free: more
//! requests than IAM makes, so still sound, and the replay sorts out the witnesses.

use super::Encoder;
use keyaki_logic::{Atom, Formula, Pattern, Piece, Sort, Var};
use keyaki_policy::caller::{AwsForm, is_caller_key};

impl Encoder<'_> {
    /// Whether the question's vocabulary has any key the caller decides.
    pub fn uses_caller_keys(&self) -> bool {
        self.vocabulary().keys.keys().any(|key| is_caller_key(key))
    }

    /// Whether a witness must name its caller: always for a resource policy; for an identity
    /// policy when the question tests a key the caller decides (the caller is then who makes
    /// those keys what they are).
    pub fn names_caller(&self, policy_type: keyaki_policy::PolicyType) -> bool {
        policy_type == keyaki_policy::PolicyType::Resource || self.uses_caller_keys()
    }

    /// An identity policy's callers: IAM users, role sessions and federated users (whose
    /// session is limited by the policies of the user that federated). The root user has no
    /// identity policies.
    pub fn identity_callers(&mut self) -> Formula {
        let forms =
            [AwsForm::User, AwsForm::Role, AwsForm::FederatedUser].map(|f| self.aws_form(f));
        self.cx.or(forms)
    }

    /// Every caller key of the vocabulary tied to the caller, for the atoms of `question`.
    pub fn caller_links(&mut self, question: Formula) -> Formula {
        let keys: Vec<(String, String, Sort)> = self
            .vocabulary()
            .keys
            .iter()
            .filter(|(key, _)| is_caller_key(key))
            .map(|(key, usage)| (key.clone(), usage.name.clone(), usage.sort))
            .collect();
        let mut links = Vec::new();
        for (key, name, sort) in keys {
            let Ok(var) = self.cx.var(&name, sort) else {
                continue;
            };
            let tests = string_tests(self, question, var, sort);
            links.push(self.key_link(&key, var, sort, &tests));
        }
        self.cx.and(links)
    }

    /// The rules of one key (the table of [`keyaki_policy::caller`]).
    fn key_link(&mut self, key: &str, var: Var, sort: Sort, tests: &[(Pattern, bool)]) -> Formula {
        let aws = self.aws_identity();
        let service = self.tagged_prefix("Service:", "");
        let without_identity = self.without_identity();
        let mut rules = Vec::new();
        match key {
            "aws:principalarn" => {
                rules.push(self.presence(var, sort, aws, true));
                rules.push(self.presence(var, sort, without_identity, false));
                if matches!(sort, Sort::Str { .. }) {
                    rules.push(self.no_identity_arn(var, service));
                }
                for (pattern, ignore_case) in tests {
                    let on_caller = self.caller_in("AWS:", &pattern.pieces, *ignore_case);
                    rules.push(self.mirror(var, aws, pattern, *ignore_case, on_caller));
                }
            }
            "aws:principalaccount" => {
                rules.push(self.presence(var, sort, aws, true));
                rules.push(self.presence(var, sort, without_identity, false));
                for (pattern, ignore_case) in tests {
                    let on_caller = match within_field(pattern) {
                        Some(field) => self.account_field(&field, *ignore_case),
                        None => self.cx.fls(),
                    };
                    rules.push(self.mirror(var, aws, pattern, *ignore_case, on_caller));
                }
            }
            "aws:principaltype" => {
                rules.push(self.presence(var, sort, aws, true));
                if matches!(sort, Sort::Str { .. }) {
                    let not_aws = self.cx.not(aws);
                    rules.push(self.no_identity_type(var, not_aws));
                }
                for (pattern, ignore_case) in tests {
                    let forms: Vec<Formula> = AwsForm::ALL
                        .iter()
                        .filter(|form| pattern.matches(form.principal_type(), *ignore_case))
                        .map(|form| self.aws_form(*form))
                        .collect();
                    let on_caller = self.cx.or(forms);
                    rules.push(self.mirror(var, aws, pattern, *ignore_case, on_caller));
                }
            }
            "aws:userid" => {
                rules.push(self.presence(var, sort, aws, true));
                let root = self.aws_form(AwsForm::Root);
                for (pattern, ignore_case) in tests {
                    let on_caller = match within_field(pattern) {
                        Some(field) => self.root_of_account(&field, *ignore_case),
                        None => self.cx.fls(),
                    };
                    rules.push(self.mirror(var, root, pattern, *ignore_case, on_caller));
                }
            }
            "aws:username" => {
                let user = self.aws_form(AwsForm::User);
                let not_user = self.cx.not(user);
                rules.push(self.presence(var, sort, user, true));
                rules.push(self.presence(var, sort, not_user, false));
                for (pattern, ignore_case) in tests {
                    if let Some(on_caller) = self.user_named(pattern, *ignore_case) {
                        rules.push(self.mirror(var, user, pattern, *ignore_case, on_caller));
                    }
                }
            }
            "aws:principalisawsservice" => {
                let signed = self.cx.or([aws, service]);
                rules.push(self.presence(var, sort, signed, true));
                // Callers without an identity may carry the key, but only as `false`.
                let present = self.cx.atom_formula(Atom::Present { var });
                let unsigned_present = self.cx.and([without_identity, present]);
                for (pattern, ignore_case) in tests {
                    for (callers, value) in [
                        (service, "true"),
                        (aws, "false"),
                        (unsigned_present, "false"),
                    ] {
                        let fixed = if pattern.matches(value, *ignore_case) {
                            self.cx.tru()
                        } else {
                            self.cx.fls()
                        };
                        rules.push(self.mirror(var, callers, pattern, *ignore_case, fixed));
                    }
                }
            }
            "aws:principalservicename" => {
                let not_service = self.cx.not(service);
                rules.push(self.presence(var, sort, service, true));
                rules.push(self.presence(var, sort, not_service, false));
                for (pattern, ignore_case) in tests {
                    let on_caller = self.caller_in("Service:", &pattern.pieces, *ignore_case);
                    rules.push(self.mirror(var, service, pattern, *ignore_case, on_caller));
                }
            }
            "aws:principalservicenameslist" => {
                let not_service = self.cx.not(service);
                rules.push(self.presence(var, sort, not_service, false));
            }
            _ => rules.push(self.presence(var, sort, without_identity, false)),
        }
        self.cx.and(rules)
    }

    /// `callers → present(k)` (or `→ ¬present(k)`). A set-valued key has no presence atom of
    /// its own (an empty set is absence), so none is written for it.
    fn presence(&mut self, var: Var, sort: Sort, callers: Formula, present: bool) -> Formula {
        if sort == Sort::StrSet {
            return self.cx.tru();
        }
        let atom = self.cx.atom_formula(Atom::Present { var });
        let wanted = if present { atom } else { self.cx.not(atom) };
        self.cx.implies(callers, wanted)
    }

    /// `callers → (k ∈ p ↔ on_caller)`.
    fn mirror(
        &mut self,
        var: Var,
        callers: Formula,
        pattern: &Pattern,
        ignore_case: bool,
        on_caller: Formula,
    ) -> Formula {
        let on_key = self.cx.atom_formula(Atom::StrIn {
            var,
            pattern: pattern.clone(),
            ignore_case,
        });
        let same = self.cx.iff(on_key, on_caller);
        self.cx.implies(callers, same)
    }

    /// `Principal ∈ tag · pieces`.
    fn caller_in(&mut self, tag: &str, pieces: &[Piece], ignore_case: bool) -> Formula {
        let mut all: Vec<Piece> = tag.chars().map(Piece::Char).collect();
        all.extend_from_slice(pieces);
        self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern: Pattern::from_pieces(all),
            ignore_case,
        })
    }

    /// The caller is an AWS principal of one of the four identity forms.
    pub fn aws_identity(&mut self) -> Formula {
        let forms: Vec<Formula> = AwsForm::ALL.iter().map(|f| self.aws_form(*f)).collect();
        self.cx.or(forms)
    }

    /// The caller is anonymous, a web identity or a canonical user: no AWS identity at all.
    pub fn without_identity(&mut self) -> Formula {
        let anonymous = self.anonymous();
        let federated = self.tagged_prefix("Federated:", "");
        let canonical = self.tagged_prefix("CanonicalUser:", "");
        self.cx.or([anonymous, federated, canonical])
    }

    /// The caller's identity ARN has this form (any partition, a non-empty account).
    pub fn aws_form(&mut self, form: AwsForm) -> Formula {
        self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern: form_pattern("AWS:", form),
            ignore_case: false,
        })
    }

    /// A caller that is no AWS identity has none of the four identity types: if it carries
    /// `aws:PrincipalType` at all, the value is another one (`Anonymous`, say).
    fn no_identity_type(&mut self, var: Var, callers: Formula) -> Formula {
        let types: Vec<Formula> = AwsForm::ALL
            .iter()
            .map(|form| {
                self.cx.atom_formula(Atom::StrIn {
                    var,
                    pattern: Pattern::literal(form.principal_type()),
                    ignore_case: false,
                })
            })
            .collect();
        let identity = self.cx.or(types);
        let not_identity = self.cx.not(identity);
        self.cx.implies(callers, not_identity)
    }

    /// A service principal has no IAM identity: if it carries `aws:PrincipalArn` at all, the
    /// value is none of the four identity forms.
    fn no_identity_arn(&mut self, var: Var, service: Formula) -> Formula {
        let present = self.cx.atom_formula(Atom::Present { var });
        let shapes: Vec<Formula> = AwsForm::ALL
            .iter()
            .map(|form| {
                self.cx.atom_formula(Atom::StrIn {
                    var,
                    pattern: form_pattern("", *form),
                    ignore_case: false,
                })
            })
            .collect();
        let identity = self.cx.or(shapes);
        let not_identity = self.cx.not(identity);
        let when_present = self.cx.implies(present, not_identity);
        self.cx.implies(service, when_present)
    }

    /// The caller is the root user of an account matching `field`.
    fn root_of_account(&mut self, field: &[Piece], ignore_case: bool) -> Formula {
        let mut pieces = chars("AWS:arn:");
        pieces.push(Piece::PartRun);
        pieces.extend(chars(":iam::"));
        pieces.extend_from_slice(field);
        pieces.extend(chars(":root"));
        self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern: Pattern::from_pieces(pieces),
            ignore_case,
        })
    }

    /// For a pattern without wildcards: the caller is an IAM user with that name (the last part
    /// of its ARN). A name never holds `/`, so a literal with one names nobody. `None` for a
    /// pattern with wildcards, which could match across a `/` of the path.
    fn user_named(&mut self, pattern: &Pattern, ignore_case: bool) -> Option<Formula> {
        let name = pattern.as_literal()?;
        if name.contains('/') || name.is_empty() {
            return Some(self.cx.fls());
        }
        let mut prefix = chars("AWS:arn:");
        prefix.push(Piece::PartRun);
        prefix.extend(chars(":iam::"));
        prefix.push(Piece::PartRun);
        prefix.extend(chars(":user/"));
        Some(self.ends_in_name(&prefix, &[Piece::AnyRun], &name, ignore_case))
    }

    /// `Principal` is `prefix NAME` or `prefix PATH/NAME` with `PATH` matching `path`: an IAM
    /// user or role whose last ARN part is `name`.
    pub(super) fn ends_in_name(
        &mut self,
        prefix: &[Piece],
        path: &[Piece],
        name: &str,
        ignore_case: bool,
    ) -> Formula {
        let mut at_root = prefix.to_vec();
        at_root.extend(chars(name));
        let mut in_path = prefix.to_vec();
        in_path.extend_from_slice(path);
        in_path.extend(chars(&format!("/{name}")));
        let [a, b] = [at_root, in_path].map(|pieces| {
            self.cx.atom_formula(Atom::StrIn {
                var: self.principal,
                pattern: Pattern::from_pieces(pieces),
                ignore_case,
            })
        });
        self.cx.or([a, b])
    }
}

/// `tag` followed by an identity ARN of `form` (any partition, a non-empty account).
fn form_pattern(tag: &str, form: AwsForm) -> Pattern {
    let (service, resource) = match form {
        AwsForm::Root => ("iam", "root"),
        AwsForm::User => ("iam", "user/"),
        AwsForm::Role => ("iam", "role/"),
        AwsForm::FederatedUser => ("sts", "federated-user/"),
    };
    let mut pieces = chars(&format!("{tag}arn:"));
    pieces.extend([Piece::PartChar, Piece::PartRun]);
    pieces.extend(chars(&format!(":{service}::")));
    pieces.extend([Piece::PartChar, Piece::PartRun]);
    pieces.extend(chars(&format!(":{resource}")));
    if form != AwsForm::Root {
        pieces.push(Piece::AnyRun);
    }
    Pattern::from_pieces(pieces)
}

fn chars(text: &str) -> Vec<Piece> {
    text.chars().map(Piece::Char).collect()
}

/// The string atoms of `question` on `var` (none for a key not modelled as a string).
fn string_tests(
    encoder: &Encoder<'_>,
    question: Formula,
    var: Var,
    sort: Sort,
) -> Vec<(Pattern, bool)> {
    if !matches!(sort, Sort::Str { .. }) {
        return Vec::new();
    }
    encoder
        .cx
        .atoms_of(question)
        .into_iter()
        .filter_map(|id| match encoder.cx.atom(id) {
            Some(Atom::StrIn {
                var: v,
                pattern,
                ignore_case,
            }) if *v == var => Some((pattern.clone(), *ignore_case)),
            _ => None,
        })
        .collect()
}

/// A pattern on an account key as a pattern on one ARN field: wildcards stay within the field,
/// and a literal colon can never match there (`None`).
pub(super) fn within_field(pattern: &Pattern) -> Option<Vec<Piece>> {
    pattern
        .pieces
        .iter()
        .map(|piece| match piece {
            Piece::Char(':') => None,
            Piece::AnyRun | Piece::PartRun => Some(Piece::PartRun),
            Piece::AnyChar | Piece::PartChar => Some(Piece::PartChar),
            Piece::Char(c) => Some(Piece::Char(*c)),
        })
        .collect()
}
