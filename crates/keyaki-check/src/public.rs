//! Who counts as "the public", as a formula: the caller side of `check-no-public-access` and
//! of the findings.
//!
//! Access Analyzer follows S3 Block Public Access: a grant is *public* unless it is restricted
//! to fixed values of something that names the caller. keyaki makes that a question for the
//! solver. A request is made by a **public caller** when
//!
//! - its principal is the anonymous caller, an AWS principal of an account the policy never
//!   names (in `Principal` or `NotPrincipal`), a SAML/OIDC provider ARN or canonical user the
//!   policy never names, or a public web identity provider (a `Federated` value that is not an
//!   ARN, such as `graph.facebook.com`, named or not): any of these could be anyone. Service
//!   principals are AWS itself, and a named account, provider or canonical user is one party:
//!   none of them is the public;
//! - and every **pinning key** is *unpinned*: absent, or a value that is none of the fixed
//!   values the policy writes for it. The pinning keys are the ones that name the caller or the
//!   place it calls from ([`PINNING_KEYS`]).
//!
//! The policy is public iff it allows some request of a public caller. Why this is the
//! definition: if a statement restricts a pinning key to fixed values, every request it allows
//! carries one of those values, so no unpinned request passes; if it leaves the key open (a
//! wildcard, a variable, a negated operator, `…IfExists`), some value outside any finite list
//! passes, and a caller nobody named can send it. The same holds for the principal. So the
//! question "does it allow a request of a caller nobody named, with nothing pinned?" is exactly
//! "is the grant unrestricted?", and the solver answers it for every request at once.
//!
//! `aws:SourceIp` pins with networks no broader than /8 (IPv4) or /32 (IPv6), as S3 decides:
//! an unpinned address is one outside every such network the policy writes.
//! `aws:PrincipalOrgPaths` and `aws:SourceOrgPaths` pin with values that begin with a fixed
//! organization id (`o-a1b2c3d4e5/…`), since a path names its organization first.
//! Organization-level restrictions on web identity (`…:aud`, `…:app_id`) are not pinning: they
//! name an application that anyone on the internet may sign in to.

use crate::encode::{Encoder, glob_of};
use keyaki_logic::{Atom, Formula, IpRange, Pattern, Piece, Sort};
use keyaki_policy::{ConditionValue, Policy, Principal, Request, RequestPrincipal, Statement};
use std::collections::BTreeMap;

/// How a pinning key pins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pinning {
    /// By any fixed value (no wildcard, no variable).
    FixedValue,
    /// By a value beginning with a fixed organization id and `/`.
    OrganizationPath,
    /// By a network no broader than /8 (IPv4) or /32 (IPv6).
    NarrowNetwork,
}

/// The condition keys that pin a grant to a caller, and why each does.
pub const PINNING_KEYS: [(&str, Pinning, &str); 17] = [
    (
        "aws:PrincipalOrgID",
        Pinning::FixedValue,
        "the caller's organization",
    ),
    (
        "aws:PrincipalOrgPaths",
        Pinning::OrganizationPath,
        "the caller's organization path",
    ),
    (
        "aws:PrincipalAccount",
        Pinning::FixedValue,
        "the caller's account",
    ),
    ("aws:PrincipalArn", Pinning::FixedValue, "the caller's ARN"),
    ("aws:userid", Pinning::FixedValue, "the caller's unique id"),
    (
        "aws:SourceAccount",
        Pinning::FixedValue,
        "the account a service acts for",
    ),
    (
        "aws:SourceArn",
        Pinning::FixedValue,
        "the resource a service acts for",
    ),
    (
        "aws:SourceOwner",
        Pinning::FixedValue,
        "the account a service acts for",
    ),
    (
        "aws:SourceOrgID",
        Pinning::FixedValue,
        "the organization a service acts for",
    ),
    (
        "aws:SourceOrgPaths",
        Pinning::OrganizationPath,
        "the organization path a service acts for",
    ),
    (
        "aws:SourceVpc",
        Pinning::FixedValue,
        "the VPC the call comes from",
    ),
    (
        "aws:SourceVpce",
        Pinning::FixedValue,
        "the VPC endpoint the call comes through",
    ),
    (
        "aws:SourceIp",
        Pinning::NarrowNetwork,
        "the network the call comes from",
    ),
    (
        "kms:CallerAccount",
        Pinning::FixedValue,
        "the caller's account (KMS)",
    ),
    (
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        Pinning::FixedValue,
        "a KMS key only its owner's callers can use",
    ),
    (
        "s3:DataAccessPointArn",
        Pinning::FixedValue,
        "the access point the call comes through",
    ),
    (
        "s3:DataAccessPointAccount",
        Pinning::FixedValue,
        "the account owning the access point",
    ),
];

/// How a pinning key pins, by name (case-insensitive).
pub fn pinning_of(key: &str) -> Option<Pinning> {
    PINNING_KEYS
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, pinning, _)| *pinning)
}

/// What the policy fixes, for the public-caller test: the accounts its principals name, and
/// for each pinning key the values (patterns) that pin it.
#[derive(Debug, Clone, Default)]
pub struct Fixed {
    /// Accounts named by `Principal`/`NotPrincipal` (AWS account ids, ARNs' accounts, the
    /// accounts of federated provider ARNs).
    pub accounts: Vec<String>,
    /// Canonical users and federated provider ARNs named by `Principal`/`NotPrincipal`, as
    /// values of the `Principal` variable (`CanonicalUser:…`, `Federated:arn:…`).
    pub named_callers: Vec<String>,
    /// Per pinning key (lowercase): the patterns a pinned value matches.
    pub keys: BTreeMap<String, Vec<Pattern>>,
    /// Per `aws:SourceIp`-like key (lowercase): the narrow networks.
    pub networks: BTreeMap<String, Vec<IpRange>>,
}

impl Fixed {
    /// Collects what `policies` fix.
    pub fn of(policies: &[&Policy]) -> Fixed {
        Fixed::of_statements(policies.iter().flat_map(|p| &p.statements))
    }

    /// Collects what some statements fix.
    pub fn of_statements<'s>(statements: impl IntoIterator<Item = &'s Statement>) -> Fixed {
        let mut fixed = Fixed::default();
        for statement in statements {
            for principal in statement.principal.iter().flat_map(|e| &e.principals) {
                if let Some(account) = named_account(&principal.value) {
                    push_unique(&mut fixed.accounts, account);
                }
                match &principal.value {
                    Principal::CanonicalUser(id) => {
                        push_unique(&mut fixed.named_callers, format!("CanonicalUser:{id}"));
                    }
                    Principal::Federated(arn) if arn.starts_with("arn:") => {
                        push_unique(&mut fixed.named_callers, format!("Federated:{arn}"));
                    }
                    _ => {}
                }
            }
            for condition in &statement.conditions {
                let key = condition.key.value.to_ascii_lowercase();
                let Some(pinning) = pinning_of(&key) else {
                    continue;
                };
                for value in &condition.values {
                    fixed.add(&key, pinning, &value.value);
                }
            }
        }
        fixed
    }

    fn add(&mut self, key: &str, pinning: Pinning, value: &ConditionValue) {
        match (pinning, value) {
            (Pinning::NarrowNetwork, ConditionValue::Ip(network)) => {
                let narrow = if network.address.is_ipv4() {
                    network.prefix >= 8
                } else {
                    network.prefix >= 32
                };
                if narrow {
                    let range = IpRange::of(network.address, network.prefix);
                    self.networks
                        .entry(key.to_string())
                        .or_default()
                        .push(range);
                }
            }
            (Pinning::FixedValue, ConditionValue::Pattern(p)) => {
                if let Some(text) = glob_of(p).and_then(|g| g.as_literal()) {
                    self.keys
                        .entry(key.to_string())
                        .or_default()
                        .push(Pattern::literal(&text));
                }
            }
            (Pinning::OrganizationPath, ConditionValue::Pattern(p)) => {
                if let Some(org) = organization_prefix(p) {
                    let mut pieces: Vec<Piece> = org.chars().map(Piece::Char).collect();
                    pieces.push(Piece::AnyRun);
                    self.keys
                        .entry(key.to_string())
                        .or_default()
                        .push(Pattern::from_pieces(pieces));
                }
            }
            _ => {}
        }
    }

    /// The pinning keys a request gives a pinned value, with that value (for describing a
    /// caller that is not public).
    pub fn pinned_values(&self, request: &Request) -> Vec<(String, String)> {
        let mut pinned = Vec::new();
        for (key, patterns) in &self.keys {
            if let Some(value) = request.context_value(key) {
                for v in &value.values {
                    if patterns.iter().any(|p| p.matches(v, true)) {
                        pinned.push((value.key.clone(), v.clone()));
                    }
                }
            }
        }
        for (key, ranges) in &self.networks {
            if let Some(value) = request.context_value(key) {
                for v in &value.values {
                    let inside = v
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|address| ranges.iter().any(|r| r.contains(address)));
                    if inside {
                        pinned.push((value.key.clone(), v.clone()));
                    }
                }
            }
        }
        pinned
    }

    /// Whether a concrete request comes from a public caller (the replay of
    /// [`Encoder::public_caller`]).
    pub fn is_public_request(&self, request: &Request) -> bool {
        let unnamed = |account: &str| !self.accounts.iter().any(|n| n == account);
        let caller_is_public = match &request.principal {
            None | Some(RequestPrincipal::Anonymous) => true,
            Some(p @ RequestPrincipal::Aws(_)) => p.account().is_some_and(unnamed),
            Some(RequestPrincipal::Federated(name)) => {
                !self.named_callers.contains(&format!("Federated:{name}"))
                    || !name.starts_with("arn:")
            }
            Some(RequestPrincipal::CanonicalUser(id)) => {
                !self.named_callers.contains(&format!("CanonicalUser:{id}"))
            }
            Some(RequestPrincipal::Service(_)) => false,
        };
        let keys_unpinned = self.keys.iter().all(|(key, patterns)| {
            request.context_value(key).is_none_or(|value| {
                value
                    .values
                    .iter()
                    .all(|v| !patterns.iter().any(|p| p.matches(v, true)))
            })
        });
        let networks_unpinned = self.networks.iter().all(|(key, ranges)| {
            request.context_value(key).is_none_or(|value| {
                value.values.iter().all(|v| {
                    v.parse::<std::net::IpAddr>()
                        .map_or(true, |address| !ranges.iter().any(|r| r.contains(address)))
                })
            })
        });
        caller_is_public && keys_unpinned && networks_unpinned
    }
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// The account a principal value names, if it names one.
fn named_account(principal: &Principal) -> Option<String> {
    match principal {
        Principal::Account(account) => Some(account.clone()),
        Principal::Aws(arn) => arn_account(arn).map(str::to_string),
        _ => None,
    }
}

/// The account field (the fifth) of an ARN, when it is not empty.
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:")?
        .split(':')
        .nth(3)
        .filter(|a| !a.is_empty())
}

/// `o-xxxx/` when a path pattern begins with a fixed organization id.
fn organization_prefix(pattern: &keyaki_policy::Pattern) -> Option<String> {
    let text = &pattern.text;
    let (org, _) = text.split_once('/')?;
    let fixed = org.starts_with("o-") && !org.contains(['*', '?', '$']);
    fixed.then(|| format!("{org}/"))
}

impl Encoder<'_> {
    /// The request comes from a public caller with every pinning key unpinned (module docs).
    pub fn public_caller(&mut self, fixed: &Fixed) -> Formula {
        let principal = self.public_principal(fixed);
        let mut parts = vec![principal];
        for key in self.key_vars() {
            let lowercase = key.name.to_ascii_lowercase();
            let present = self.cx.atom_formula(Atom::Present { var: key.value });
            let absent = self.cx.not(present);
            if let Some(patterns) = fixed.keys.get(&lowercase) {
                let unpinned = match key.sort {
                    Sort::StrSet => {
                        let any = self.cx.atom_formula(Atom::SetAny {
                            var: key.value,
                            patterns: patterns.clone(),
                            negated: false,
                            ignore_case: true,
                        });
                        self.cx.not(any)
                    }
                    Sort::Str { .. } => {
                        let pinned: Vec<Formula> = patterns
                            .iter()
                            .map(|p| {
                                self.cx.atom_formula(Atom::StrIn {
                                    var: key.value,
                                    pattern: p.clone(),
                                    ignore_case: true,
                                })
                            })
                            .collect();
                        let pinned = self.cx.or(pinned);
                        let free = self.cx.not(pinned);
                        self.cx.or([absent, free])
                    }
                    _ => continue,
                };
                parts.push(unpinned);
            }
            if let Some(ranges) = fixed.networks.get(&lowercase)
                && key.sort == Sort::Ip
            {
                let inside: Vec<Formula> = ranges
                    .iter()
                    .map(|range| {
                        self.cx.atom_formula(Atom::IpIn {
                            var: key.value,
                            range: *range,
                        })
                    })
                    .collect();
                let inside = self.cx.or(inside);
                let outside = self.cx.not(inside);
                parts.push(self.cx.or([absent, outside]));
            }
        }
        self.cx.and(parts)
    }

    /// Anonymous, an AWS caller of an account nobody named, or a public web identity.
    fn public_principal(&mut self, fixed: &Fixed) -> Formula {
        let anonymous = self.anonymous();
        let has_account = self.has_account();
        let named: Vec<Formula> = fixed
            .accounts
            .iter()
            .map(|a| self.account_principal(a))
            .collect();
        let named = self.cx.or(named);
        let unnamed = self.cx.not(named);
        let unknown_account = self.cx.and([has_account, unnamed]);
        let federated = self.tagged_prefix("Federated:", "");
        let canonical = self.tagged_prefix("CanonicalUser:", "");
        let other_kinds = self.cx.or([federated, canonical]);
        let named: Vec<Formula> = fixed
            .named_callers
            .iter()
            .filter_map(|value| value.split_once(':'))
            .map(|(kind, value)| self.tagged(&format!("{kind}:"), value))
            .collect();
        let named = self.cx.or(named);
        let unnamed = self.cx.not(named);
        let unnamed_other = self.cx.and([other_kinds, unnamed]);
        let provider_arn = self.tagged_prefix("Federated:", "arn:");
        let not_arn = self.cx.not(provider_arn);
        let web_identity = self.cx.and([federated, not_arn]);
        self.cx
            .or([anonymous, unknown_account, web_identity, unnamed_other])
    }
}
