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

use super::Encoder;
use keyaki_logic::{Atom, Formula, Pattern, Piece};
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
            Principal::Account(account) => self.account(account),
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

    fn tagged(&mut self, tag: &str, value: &str) -> Formula {
        let pattern = Pattern::literal(&format!("{tag}{value}"));
        self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern,
            ignore_case: false,
        })
    }

    /// Every AWS caller of `account`: the fifth colon-separated field of its ARN.
    fn account(&mut self, account: &str) -> Formula {
        let mut pieces: Vec<Piece> = "AWS:".chars().map(Piece::Char).collect();
        for _ in 0..4 {
            pieces.push(Piece::PartRun);
            pieces.push(Piece::Char(':'));
        }
        pieces.extend(account.chars().map(Piece::Char));
        let ends = Pattern::from_pieces(pieces.clone());
        pieces.push(Piece::Char(':'));
        pieces.push(Piece::AnyRun);
        let continues = Pattern::from_pieces(pieces);
        let a = self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern: ends,
            ignore_case: false,
        });
        let b = self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern: continues,
            ignore_case: false,
        });
        self.cx.or([a, b])
    }

    /// `Principal` is one of the kinds a request can have (models outside it mean nothing).
    pub fn principal_domain(&mut self) -> Formula {
        let mut options: Vec<Formula> = KIND_TAGS
            .iter()
            .map(|tag| {
                let mut pieces: Vec<Piece> = tag.chars().map(Piece::Char).collect();
                pieces.push(Piece::AnyRun);
                self.cx.atom_formula(Atom::StrIn {
                    var: self.principal,
                    pattern: Pattern::from_pieces(pieces),
                    ignore_case: false,
                })
            })
            .collect();
        options.push(self.cx.atom_formula(Atom::StrIn {
            var: self.principal,
            pattern: Pattern::literal(ANONYMOUS),
            ignore_case: false,
        }));
        self.cx.or(options)
    }
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
