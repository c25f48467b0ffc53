//! `Principal` and `NotPrincipal` as formulas over the kind-tagged `Principal` variable.
//!
//! A caller is written `AWS:arn…`, `Service:name`, `Federated:id`, `CanonicalUser:id`, or
//! `Anonymous`. Then, exactly as the evaluator decides:
//!
//! - `"*"` matches every caller: ⊤;
//! - an account `A` matches every AWS caller whose ARN's fifth field is `A`:
//!   `Principal ∈ "AWS:[^:]*:[^:]*:[^:]*:[^:]*:A"` or the same followed by `:*`;
//! - an AWS ARN matches the caller whose identity ARN it is. The `Principal` variable holds an
//!   AWS caller's *identity ARN* (the value of `aws:PrincipalArn`, see
//!   [`keyaki_policy::caller`]): a role session is `AWS:arn:P:iam::A:role/PATH/NAME`, so a
//!   role ARN principal is one literal and `aws:PrincipalArn` is a function of the variable;
//! - a session's own ARN `arn:P:sts::A:assumed-role/NAME/S` matches the sessions of a role
//!   named `NAME` in `A` (any path) whose session name is `S`; the session name is no request
//!   variable, so that part is an opaque atom (decided exactly on a concrete request);
//! - `{"Federated": "*"}` (and `Service`, `CanonicalUser`) matches every caller of the kind;
//! - any other value matches the caller of that kind with exactly that value.
//!
//! **The domain.** A real caller is anonymous, of a non-AWS kind, or an AWS principal of one
//! of the four identity forms (root, user, role session, federated user) with an account:
//! [`Encoder::principal_domain`]. The keys IAM derives from the caller are tied to it in
//! `encode/caller.rs`.

use super::Encoder;
use super::Meaning;
use keyaki_logic::{Atom, Formula, Pattern, Piece};
use keyaki_policy::caller::{AwsForm, RoleName, Session};
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
            Principal::Aws(arn) => match Session::of(arn) {
                Some(session) => self.session_principal(arn, &session),
                None => {
                    if AwsForm::of(arn) == Some(AwsForm::Role) && !self.named_roles.contains(arn) {
                        self.named_roles.push(arn.clone());
                    }
                    self.tagged("AWS:", arn)
                }
            },
            Principal::EveryOfKind(kind) => self.tagged_prefix(&format!("{}:", kind.name()), ""),
            Principal::Service(name) => self.tagged("Service:", name),
            Principal::Federated(name) => self.tagged("Federated:", name),
            Principal::CanonicalUser(id) => self.tagged("CanonicalUser:", id),
        }
    }

    /// Role names are unique within an account, whatever the path (IAM User Guide, IAM
    /// identifiers: "names must be unique within the account"; the path does not make two
    /// names different), and a policy can only name a role that exists. So a caller that is a
    /// role named `NAME` of account `A`, with any path, *is* the role a `Principal` names with
    /// that account and name: `role-named(A, NAME) → Principal = AWS:R` for each named `R`. It
    /// is what lets a session ARN (which drops the path) stand inside its role's ARN.
    pub fn named_roles_unique(&mut self) -> Formula {
        let mut rules = Vec::new();
        for arn in self.named_roles.clone() {
            let Some(role) = RoleName::of(&arn) else {
                continue;
            };
            let same_name = self.role_named(role);
            let this_role = self.tagged("AWS:", &arn);
            rules.push(self.cx.implies(same_name, this_role));
        }
        self.cx.and(rules)
    }

    /// The caller is a role named `name` of the account, with any path.
    fn role_named(&mut self, role: RoleName<'_>) -> Formula {
        let RoleName {
            partition,
            account,
            name,
        } = role;
        let prefix: Vec<Piece> = format!("AWS:arn:{partition}:iam::{account}:role/")
            .chars()
            .map(Piece::Char)
            .collect();
        self.ends_in_name(&prefix, &[Piece::AnyChar, Piece::AnyRun], name, false)
    }

    /// One role session named by its ARN: a session of a role `NAME` of the account, any path
    /// (`role/NAME` or `role/…/NAME`), with the session name `S` (an opaque atom).
    fn session_principal(&mut self, arn: &str, session: &Session<'_>) -> Formula {
        let role = self.role_named(session.role);
        let named = self.opaque_atom(
            format!("the caller is the role session {arn}"),
            Meaning::Session(arn.to_string()),
        );
        self.cx.and([role, named])
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
    /// an AWS caller is one of the four identity forms, with an account, as every real one is.
    pub fn principal_domain(&mut self) -> Formula {
        let mut options: Vec<Formula> = KIND_TAGS
            .iter()
            .filter(|tag| **tag != "AWS:")
            .map(|tag| self.tagged_prefix(tag, ""))
            .collect();
        options.push(self.aws_identity());
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

impl Encoder<'_> {
    /// `Principal` is an AWS caller whose account field (the fifth) matches `field`. The field
    /// is delimited by colons, so under `has_account` this is exactly "the account matches".
    pub(super) fn account_field(&mut self, field: &[Piece], ignore_case: bool) -> Formula {
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

/// The value of the `Principal` variable for a request's caller (no caller: anonymous); an
/// AWS caller by its identity ARN ([`keyaki_policy::caller::identity_arn`]).
pub fn principal_value(request: &keyaki_policy::Request) -> String {
    use keyaki_policy::RequestPrincipal as P;
    match &request.principal {
        None | Some(P::Anonymous) => ANONYMOUS.to_string(),
        Some(P::Aws(arn)) => {
            let identity = keyaki_policy::caller::identity_arn(request).unwrap_or(arn.clone());
            format!("AWS:{identity}")
        }
        Some(P::Service(name)) => format!("Service:{name}"),
        Some(P::Federated(name)) => format!("Federated:{name}"),
        Some(P::CanonicalUser(id)) => format!("CanonicalUser:{id}"),
    }
}

/// The concrete side of [`Encoder::named_roles_unique`]: whether the request's caller, if it is
/// a role, is not a *different* role of the same account and name as one the policies name
/// (which cannot exist beside it). A witness outside this is no request the question is about.
pub fn caller_fits_named_roles(
    policies: &[&keyaki_policy::Policy],
    request: &keyaki_policy::Request,
) -> bool {
    let Some(identity) = keyaki_policy::caller::identity_arn(request) else {
        return true;
    };
    let Some(caller) = RoleName::of(&identity) else {
        return true;
    };
    policies
        .iter()
        .flat_map(|policy| &policy.statements)
        .filter_map(|statement| statement.principal.as_ref())
        .flat_map(|element| &element.principals)
        .all(|named| match &named.value {
            Principal::Aws(arn) if RoleName::of(arn) == Some(caller) => *arn == identity,
            _ => true,
        })
}
