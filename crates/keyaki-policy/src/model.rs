//! The policy model: what a policy says, with where it says it.
//!
//! A [`Policy`] is a list of [`Statement`]s. A statement has an effect, and four *matchers* that
//! each decide one part of a request: the principal ([`PrincipalElement`]), the action and the
//! resource ([`PatternList`]) and the conditions ([`Condition`]). The `Not…` variants of the
//! elements are the same lists with `negated` set. Every element keeps its [`Span`].
//!
//! The model is normalized where IAM says two spellings mean the same thing, so no later stage
//! has to know the spellings: `"Principal": "*"` and `{"AWS": "*"}` are both
//! [`Principal::Everyone`]; `"123456789012"` and `arn:aws:iam::123456789012:root` are both
//! [`Principal::Account`]; a single value and a one-element list are both a list.

use crate::pattern::Pattern;
use crate::span::{Span, Spanned};
use crate::value::{Decimal, Instant, IpNetwork};
use std::fmt;

/// A parsed IAM policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The `Version` element, if present.
    pub version: Option<Spanned<String>>,
    /// The `Id` element, if present.
    pub id: Option<Spanned<String>>,
    /// The statements, in document order; `Statement` written as one object gives one.
    pub statements: Vec<Statement>,
    /// The whole document.
    pub span: Span,
}

impl Policy {
    /// Whether `${…}` is a policy variable here: only under `Version` `2012-10-17`.
    pub fn has_variables_enabled(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.value == VERSION_2012)
    }
}

/// The policy language version that enables policy variables.
pub const VERSION_2012: &str = "2012-10-17";
/// The older policy language version, in which `${…}` is literal text.
pub const VERSION_2008: &str = "2008-10-17";

/// The kind of policy, which decides whether `Principal` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// Attached to an identity; it has no `Principal`: the caller is the identity.
    Identity,
    /// Attached to a resource; each statement names the principals it applies to.
    Resource,
}

impl PolicyType {
    /// The name used on the command line and by Access Analyzer.
    pub fn aws_name(self) -> &'static str {
        match self {
            PolicyType::Identity => "IDENTITY_POLICY",
            PolicyType::Resource => "RESOURCE_POLICY",
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Position in the `Statement` list, 0-based (Access Analyzer's `statementIndex`).
    pub index: usize,
    /// The `Sid`, if present.
    pub sid: Option<Spanned<String>>,
    /// `Allow` or `Deny`.
    pub effect: Spanned<Effect>,
    /// `Principal` or `NotPrincipal`, if present.
    pub principal: Option<PrincipalElement>,
    /// `Action` or `NotAction` (one of them is required).
    pub action: PatternList,
    /// `Resource` or `NotResource`; absent in, for example, role trust policies.
    pub resource: Option<PatternList>,
    /// The conditions, all of which must hold (an absent `Condition` is an empty list).
    pub conditions: Vec<Condition>,
    /// The whole statement object.
    pub span: Span,
}

/// A statement's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants the request, unless a matching `Deny` exists.
    Allow,
    /// Refuses the request, whatever else allows it.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: a list of patterns, any of which matches.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternList {
    /// `true` for the `Not…` element: matches what none of the patterns match.
    pub negated: bool,
    /// The patterns, each with its span.
    pub patterns: Vec<Spanned<Pattern>>,
    /// The element, from its key to the end of its value.
    pub span: Span,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalElement {
    /// `true` for `NotPrincipal`: matches every principal none of the values match.
    pub negated: bool,
    /// The principals, any of which matches.
    pub principals: Vec<Spanned<Principal>>,
    /// The element, from its key to the end of its value.
    pub span: Span,
}

/// One principal named in a policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    /// `"*"` or `{"AWS": "*"}`: every principal, anonymous callers included.
    Everyone,
    /// A 12-digit account id or `arn:aws:iam::ID:root`: every principal of that account.
    Account(String),
    /// Any other `AWS` value: an IAM user or role ARN, an assumed-role session ARN, a unique id.
    Aws(String),
    /// A `Service` value, such as `lambda.amazonaws.com`.
    Service(String),
    /// A `Federated` value: an identity provider, such as `cognito-identity.amazonaws.com`.
    Federated(String),
    /// A `CanonicalUser` id (S3).
    CanonicalUser(String),
    /// `"*"` under `Service`, `Federated` or `CanonicalUser`: every caller of that kind.
    EveryOfKind(PrincipalKind),
}

/// The principal kinds other than `AWS`, for [`Principal::EveryOfKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// AWS services.
    Service,
    /// Web-identity and SAML providers.
    Federated,
    /// S3 canonical users.
    CanonicalUser,
}

impl PrincipalKind {
    /// The key that names the kind in a policy.
    pub fn name(self) -> &'static str {
        match self {
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One condition: an operator applied to one request key with a list of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator, with its qualifier and `IfExists` suffix.
    pub operator: Spanned<Operator>,
    /// The request key, as written (keys compare case-insensitively).
    pub key: Spanned<String>,
    /// The values, typed by the operator's family; any of them may match.
    pub values: Vec<Spanned<ConditionValue>>,
}

/// A condition operator: `[ForAnyValue:|ForAllValues:]Name[IfExists]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    /// The set qualifier for multi-valued keys, if any.
    pub qualifier: Option<SetQualifier>,
    /// The comparison.
    pub kind: OperatorKind,
    /// The `IfExists` suffix: a missing key makes the condition true.
    pub if_exists: bool,
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            None => {}
        }
        f.write_str(self.kind.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// How a condition treats a key with several values in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// True when at least one request value satisfies the operator (false when none exist).
    ForAnyValue,
    /// True when every request value satisfies the operator (true when none exist).
    ForAllValues,
}

/// The type of the values an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Text.
    String,
    /// Exact decimal numbers.
    Number,
    /// Instants.
    Date,
    /// `true` or `false`.
    Bool,
    /// Base64-encoded bytes.
    Binary,
    /// IP addresses against CIDR blocks.
    Ip,
    /// ARNs, compared part by part.
    Arn,
    /// Presence of the key (`Null`).
    Presence,
}

macro_rules! operator_kinds {
    ($( $kind:ident => $type:ident, $negated:expr, $doc:literal; )*) => {
        /// The comparison an operator makes, without qualifier or `IfExists`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum OperatorKind {
            $( #[doc = $doc] $kind, )*
        }

        impl OperatorKind {
            /// Every operator, in the order of the IAM User Guide.
            pub const ALL: &'static [OperatorKind] = &[$(OperatorKind::$kind),*];

            /// The operator's name as written in policies.
            pub fn name(self) -> &'static str {
                match self { $(OperatorKind::$kind => stringify!($kind),)* }
            }

            /// The type of values it compares.
            pub fn value_type(self) -> ValueType {
                match self { $(OperatorKind::$kind => ValueType::$type,)* }
            }

            /// Whether it is the negation of a positive operator (`StringNotEquals`,
            /// `NotIpAddress`, …): true when the key is absent, and true exactly when the
            /// positive operator is false otherwise.
            pub fn is_negated(self) -> bool {
                match self { $(OperatorKind::$kind => $negated,)* }
            }
        }
    };
}

operator_kinds! {
    StringEquals => String, false, "Exact, case-sensitive text equality.";
    StringNotEquals => String, true, "Negation of `StringEquals`.";
    StringEqualsIgnoreCase => String, false, "Text equality ignoring letter case.";
    StringNotEqualsIgnoreCase => String, true, "Negation of `StringEqualsIgnoreCase`.";
    StringLike => String, false, "Case-sensitive match with `*` and `?` wildcards.";
    StringNotLike => String, true, "Negation of `StringLike`.";
    NumericEquals => Number, false, "Number equality.";
    NumericNotEquals => Number, true, "Negation of `NumericEquals`.";
    NumericLessThan => Number, false, "Request number < policy number.";
    NumericLessThanEquals => Number, false, "Request number ≤ policy number.";
    NumericGreaterThan => Number, false, "Request number > policy number.";
    NumericGreaterThanEquals => Number, false, "Request number ≥ policy number.";
    DateEquals => Date, false, "Instant equality.";
    DateNotEquals => Date, true, "Negation of `DateEquals`.";
    DateLessThan => Date, false, "Request instant before policy instant.";
    DateLessThanEquals => Date, false, "Request instant at or before policy instant.";
    DateGreaterThan => Date, false, "Request instant after policy instant.";
    DateGreaterThanEquals => Date, false, "Request instant at or after policy instant.";
    Bool => Bool, false, "Boolean equality.";
    BinaryEquals => Binary, false, "Byte-for-byte equality of base64-encoded values.";
    IpAddress => Ip, false, "Request address inside a policy CIDR block.";
    NotIpAddress => Ip, true, "Negation of `IpAddress`.";
    ArnEquals => Arn, false, "ARN match, part by part, with wildcards (the same as `ArnLike`).";
    ArnLike => Arn, false, "ARN match, part by part, with wildcards.";
    ArnNotEquals => Arn, true, "Negation of `ArnEquals`.";
    ArnNotLike => Arn, true, "Negation of `ArnLike`.";
    Null => Presence, false, "`true`: the key is absent; `false`: the key is present.";
}

impl OperatorKind {
    /// Whether `*` and `?` in its values are wildcards.
    pub fn has_wildcards(self) -> bool {
        matches!(
            self,
            OperatorKind::StringLike
                | OperatorKind::StringNotLike
                | OperatorKind::ArnEquals
                | OperatorKind::ArnLike
                | OperatorKind::ArnNotEquals
                | OperatorKind::ArnNotLike
        )
    }

    /// Whether text comparison ignores letter case.
    pub fn ignores_case(self) -> bool {
        matches!(
            self,
            OperatorKind::StringEqualsIgnoreCase | OperatorKind::StringNotEqualsIgnoreCase
        )
    }

    /// Reads an operator name without qualifier or suffix, exactly as IAM spells it.
    pub fn from_name(name: &str) -> Option<OperatorKind> {
        OperatorKind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

/// A condition value, read according to its operator's [`ValueType`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionValue {
    /// For `String…` and `Arn…` operators.
    Pattern(Pattern),
    /// For `Numeric…` operators.
    Number(Decimal),
    /// For `Date…` operators.
    Date(Instant),
    /// For `Bool`, and for `Null` (`true` means absent).
    Bool(bool),
    /// For `BinaryEquals`: the decoded bytes.
    Binary(Vec<u8>),
    /// For `IpAddress` and `NotIpAddress`.
    Ip(IpNetwork),
}
