//! Access Analyzer's issue codes for the problems the parser finds.
//!
//! A [`Diagnostic`](crate::Diagnostic) about a problem that IAM Access Analyzer's policy
//! validation also reports carries the same issue code, so that `keyaki validate-policy` maps
//! it without reading message text. The names are AWS's, from the IAM User Guide's "Access
//! Analyzer policy check reference"; this crate only names them, the validate crate knows
//! their finding types and links.

macro_rules! issue_codes {
    ($($variant:ident => $name:literal,)*) => {
        /// An Access Analyzer issue code the parser can give.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum IssueCode {
            $( #[doc = $name] $variant, )*
        }

        impl IssueCode {
            /// Every code the parser gives.
            pub const ALL: &'static [IssueCode] = &[$(IssueCode::$variant),*];

            /// The code as AWS writes it (`MISSING_EFFECT`).
            pub fn as_str(self) -> &'static str {
                match self { $(IssueCode::$variant => $name,)* }
            }
        }
    };
}

issue_codes! {
    EmptyVariable => "EMPTY_VARIABLE",
    MissingBraceInVariable => "MISSING_BRACE_IN_VARIABLE",
    MissingQuoteInVariable => "MISSING_QUOTE_IN_VARIABLE",
    UnsupportedSpaceInVariable => "UNSUPPORTED_SPACE_IN_VARIABLE",
    AllowWithNotPrincipal => "ALLOW_WITH_NOT_PRINCIPAL",
    DataTypeMismatch => "DATA_TYPE_MISMATCH",
    EmptyArrayAction => "EMPTY_ARRAY_ACTION",
    EmptyArrayCondition => "EMPTY_ARRAY_CONDITION",
    EmptyArrayConditionForallvalues => "EMPTY_ARRAY_CONDITION_FORALLVALUES",
    EmptyArrayConditionForanyvalue => "EMPTY_ARRAY_CONDITION_FORANYVALUE",
    EmptyArrayConditionIfexists => "EMPTY_ARRAY_CONDITION_IFEXISTS",
    EmptyArrayPrincipal => "EMPTY_ARRAY_PRINCIPAL",
    EmptyArrayResource => "EMPTY_ARRAY_RESOURCE",
    EmptyObjectPrincipal => "EMPTY_OBJECT_PRINCIPAL",
    InvalidConditionKeyFormat => "INVALID_CONDITION_KEY_FORMAT",
    InvalidConditionOperator => "INVALID_CONDITION_OPERATOR",
    InvalidEffect => "INVALID_EFFECT",
    InvalidPolicyElement => "INVALID_POLICY_ELEMENT",
    InvalidPrincipalFormat => "INVALID_PRINCIPAL_FORMAT",
    InvalidPrincipalKey => "INVALID_PRINCIPAL_KEY",
    InvalidVariableForOperator => "INVALID_VARIABLE_FOR_OPERATOR",
    InvalidVersion => "INVALID_VERSION",
    JsonSyntaxError => "JSON_SYNTAX_ERROR",
    MissingAction => "MISSING_ACTION",
    MissingEffect => "MISSING_EFFECT",
    MissingPrincipal => "MISSING_PRINCIPAL",
    MissingResource => "MISSING_RESOURCE",
    MissingStatement => "MISSING_STATEMENT",
    NullWithIfExists => "NULL_WITH_IF_EXISTS",
    NullWithQualifier => "NULL_WITH_QUALIFIER",
    TypeMismatchBoolean => "TYPE_MISMATCH_BOOLEAN",
    TypeMismatchDate => "TYPE_MISMATCH_DATE",
    TypeMismatchIpRange => "TYPE_MISMATCH_IP_RANGE",
    TypeMismatchNumber => "TYPE_MISMATCH_NUMBER",
    UniqueSidsRecommended => "UNIQUE_SIDS_RECOMMENDED",
    UnsupportedElementCombination => "UNSUPPORTED_ELEMENT_COMBINATION",
    UnsupportedPrincipal => "UNSUPPORTED_PRINCIPAL",
    UnsupportedWildcardInPrincipal => "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
    VariableUnsupportedInElement => "VARIABLE_UNSUPPORTED_IN_ELEMENT",
    VariableUnsupportedInVersion => "VARIABLE_UNSUPPORTED_IN_VERSION",
}
