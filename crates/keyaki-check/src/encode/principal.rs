//! `Principal` and `NotPrincipal` as formulas over the kind-tagged `Principal` variable.
//!
//! A caller is written `AWS:arn…`, `Service:name`, `Federated:id`, `CanonicalUser:id`, or
//! `Anonymous`. Then, exactly as the evaluator decides:
//!
//! - `"*"` matches every caller: ⊤;
//! - an account `A` matches every AWS caller whose ARN's fifth field is `A`:
//!   `Principal ∈ "AWS:[^:]*:[^:]*:[^:]*:[^:]*:A"` or the same followed by `:*`;
//! - a role ARN `arn:P:iam::A:role/PATH/NAME` matches itself and its sessions,
//!   `AWS:arn:P:sts::A:assumed-role/NAME/*`;
//! - any other value matches the caller of that kind with exactly that value.
//!
//! **`aws:PrincipalAccount` follows the principal.** IAM sets the key to the account of an AWS
//! caller, so it is not free: [`Encoder::account_link`] ties every string atom on the key to the
//! same test on the caller's account field (`Principal ∈ "AWS:…:…:…:…:" p` for `key ∈ p`).
//! Without it a counterexample could name one account as the caller and claim another in the
//! context, which no real request does.
//!
//! **Keys of AWS callers.** Anonymous, web-identity and canonical-user callers carry none of
//! the keys IAM derives from an AWS identity (`aws:PrincipalAccount`, `aws:PrincipalArn`,
//! `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalTag/…`):
//! [`Encoder::caller_keys_domain`]. A service principal may (keyaki does not assume it cannot).

use super::Encoder;
use keyaki_logic::{Atom, Formula, Pattern, Piece, Sort};
use keyaki_policy::{Principal, PrincipalElement};

/// The kind tags of the `Principal` variable.
pub const KIND_TAGS: [&str; 4] = ["AWS:", "Service:", "Federated:", "CanonicalUser:"];
/// The value of `Principal` for an anonymous caller.
pub const ANONYMOUS: &str = "Anonymous";

impl Encoder<'_> {
    pub(super) fn principal_element(&mut self, element: &PrincipalElement) -> Formula {
        let options: Vec<Formula> = element
            .principals
            .iter()
            .map(|p| self.principal(&p.value))
            .collect();
        let any = self.cx.or(options);
        if element.negated {
            self.cx.not(any)
        } else {
            any
        }
    }

    fn principal(&mut self, principal: &Principal) -> Formula {
        match principal {
            Principal::Everyone => self.cx.tru(),
            Principal::Account(account) => self.account_principal(account),
            Principal::Aws(arn) => {
                let exact = self.tagged("AWS:", arn);
                match session_pattern(arn) {
                    Some(sessions) => {
                        let sessions = self.cx.atom_formula(Atom::StrIn {
                            var: self.principal,
                            pattern: sessions,
                            ignore_case: false,
                        });
                        self.cx.or([exact, sessions])
                    }
                    None => exact,
                }
            }
            Principal::Service(name) => self.tagged("Service:", name),
            Principal::Federated(name) => self.tagged("Federated:", name),
            Principal::CanonicalUser(id) => self.tagged("CanonicalUser:", id),
        }
    }

    /// The caller is of kind `tag` with exactly `value`.
    pub fn tagged(&mut self, tag: &str, value: &str) -> Formula {
        let pattern = Pattern::literal(&format!("{tag}{value}"));
        self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern,
            ignore_case: false,
        })
    }

    /// Every AWS caller of `account`: the fifth colon-separated field of its ARN.
    pub fn account_principal(&mut self, account: &str) -> Formula {
        let field: Vec<Piece> = account.chars().map(Piece::Char).collect();
        self.account_field(&field, false)
    }

    /// `Principal` is one of the kinds a request can have (models outside it mean nothing);
    /// an AWS caller's ARN has an account field, as every real one does.
    pub fn principal_domain(&mut self) -> Formula {
        let mut options: Vec<Formula> = KIND_TAGS
            .iter()
            .filter(|tag| **tag != "AWS:")
            .map(|tag| self.tagged_prefix(tag, ""))
            .collect();
        options.push(self.has_account());
        options.push(self.anonymous());
        self.cx.or(options)
    }

    /// The caller is of kind `tag` with a value beginning with `prefix`.
    pub fn tagged_prefix(&mut self, tag: &str, prefix: &str) -> Formula {
        let mut pieces: Vec<Piece> = tag.chars().chain(prefix.chars()).map(Piece::Char).collect();
        pieces.push(Piece::AnyRun);
        self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern: Pattern::from_pieces(pieces),
            ignore_case: false,
        })
    }

    /// The caller is anonymous.
    pub fn anonymous(&mut self) -> Formula {
        self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern: Pattern::literal(ANONYMOUS),
            ignore_case: false,
        })
    }

    /// The caller is an AWS principal with a (non-empty) account field.
    pub fn has_account(&mut self) -> Formula {
        self.account_field(&[Piece::PartChar, Piece::PartRun], false)
    }
}

/// Keys that describe an AWS caller (IAM sets them from its identity): callers that are not
/// AWS principals or services (anonymous, web identity, canonical user) carry none of them.
const CALLER_KEYS: [&str; 4] = [
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
];

impl Encoder<'_> {
    /// Callers that are anonymous, web identities or canonical users carry none of the keys
    /// that describe an AWS caller ([`CALLER_KEYS`] and `aws:PrincipalTag/…`).
    pub fn caller_keys_domain(&mut self) -> Formula {
        let anonymous = self.anonymous();
        let federated = self.tagged_prefix("Federated:", "");
        let canonical = self.tagged_prefix("CanonicalUser:", "");
        let not_aws = self.cx.or([anonymous, federated, canonical]);
        let mut parts = Vec::new();
        for key in self.key_vars() {
            let lowercase = key.name.to_ascii_lowercase();
            if CALLER_KEYS.contains(&lowercase.as_str())
                || lowercase.starts_with("aws:principaltag/")
            {
                let present = self.cx.atom_formula(Atom::Present { var: key.value });
                let absent = self.cx.not(present);
                parts.push(self.cx.implies(not_aws, absent));
            }
        }
        self.cx.and(parts)
    }

    /// For a resource policy: `aws:PrincipalAccount` agrees with the AWS caller's account on
    /// every atom of `question` that tests it (see the module docs). ⊤ when the question does
    /// not mention the key or models it as a set.
    pub fn account_link(&mut self, question: Formula) -> Formula {
        let Some(key) = self.vocabulary().key("aws:PrincipalAccount").cloned() else {
            return self.cx.tru();
        };
        let (Sort::Str { .. }, Ok(var)) = (key.sort, self.cx.var(&key.name, key.sort)) else {
            return self.cx.tru();
        };
        let tests: Vec<(Pattern, bool)> = self
            .cx
            .atoms_of(question)
            .into_iter()
            .filter_map(|id| match self.cx.atom(id) {
                Some(Atom::StrIn {
                    var: v,
                    pattern,
                    ignore_case,
                }) if *v == var => Some((pattern.clone(), *ignore_case)),
                _ => None,
            })
            .collect();
        let has_account = self.has_account();
        let present = self.cx.atom_formula(Atom::Present { var });
        let mut links = vec![self.cx.implies(has_account, present)];
        for (pattern, ignore_case) in tests {
            let on_key = self.cx.atom_formula(Atom::StrIn {
                var,
                pattern: pattern.clone(),
                ignore_case,
            });
            let on_field = match within_field(&pattern) {
                Some(pieces) => self.account_field(&pieces, ignore_case),
                None => self.cx.fls(),
            };
            let same = self.cx.iff(on_key, on_field);
            links.push(self.cx.implies(has_account, same));
        }
        self.cx.and(links)
    }

    /// `Principal` is an AWS caller whose account field (the fifth) matches `field`. The field
    /// is delimited by colons, so under `has_account` this is exactly "the account matches".
    fn account_field(&mut self, field: &[Piece], ignore_case: bool) -> Formula {
        self.tagged_account_field("AWS:", field, ignore_case)
    }

    /// `Principal` is of kind `tag` with an ARN whose account field (the fifth) matches `field`.
    pub fn tagged_account_field(
        &mut self,
        tag: &str,
        field: &[Piece],
        ignore_case: bool,
    ) -> Formula {
        let mut pieces: Vec<Piece> = tag.chars().map(Piece::Char).collect();
        for _ in 0..4 {
            pieces.push(Piece::PartRun);
            pieces.push(Piece::Char(':'));
        }
        pieces.extend_from_slice(field);
        let ends = Pattern::from_pieces(pieces.clone());
        pieces.push(Piece::Char(':'));
        pieces.push(Piece::AnyRun);
        let continues = Pattern::from_pieces(pieces);
        let principal = self.principal;
        let [a, b] = [ends, continues].map(|pattern| {
            self.cx.atom_formula(Atom::StrIn {
                var: principal,
                pattern,
                ignore_case,
            })
        });
        self.cx.or([a, b])
    }
}

/// A pattern on the account key as a pattern on one ARN field: wildcards stay within the field,
/// and a literal colon can never match there (`None`).
fn within_field(pattern: &Pattern) -> Option<Vec<Piece>> {
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

/// The value of the `Principal` variable for a request's caller (no caller: anonymous).
pub fn principal_value(principal: Option<&keyaki_policy::RequestPrincipal>) -> String {
    use keyaki_policy::RequestPrincipal as P;
    match principal {
        None | Some(P::Anonymous) => ANONYMOUS.to_string(),
        Some(P::Aws(arn)) => format!("AWS:{arn}"),
        Some(P::Service(name)) => format!("Service:{name}"),
        Some(P::Federated(name)) => format!("Federated:{name}"),
        Some(P::CanonicalUser(id)) => format!("CanonicalUser:{id}"),
    }
}

/// `AWS:arn:P:sts::A:assumed-role/NAME/*` for a role ARN `arn:P:iam::A:role/PATH/NAME`.
fn session_pattern(arn: &str) -> Option<Pattern> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", partition, "iam", "", account, resource] = parts.as_slice() else {
        return None;
    };
    let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
    let prefix = format!("AWS:arn:{partition}:sts::{account}:assumed-role/{name}/");
    let mut pieces: Vec<Piece> = prefix.chars().map(Piece::Char).collect();
    pieces.push(Piece::AnyRun);
    Some(Pattern::from_pieces(pieces))
}
