//! Policy variables whose key the same statement pins to listed values: substituted, exactly.
//!
//! A statement often names a variable's key twice: once in a pattern, once in a condition that
//! lists the values it may take:
//!
//! ```json
//! {"Resource": "arn:aws:s3:::bucket/home/${aws:username}/*",
//!  "Condition": {"StringEquals": {"aws:username": ["alice", "bob"]}}}
//! ```
//!
//! Every request the statement matches has `aws:username` present and equal to one of the
//! listed values (a positive `StringEquals` on a single-valued key, without `IfExists`), so in
//! each such request the variable reads as that value, written in as literal text. The
//! statement is therefore exactly the disjunction, over the listed values `v`, of
//! `k = v ∧ statement[${k} := v]`, and the substituted patterns hold no variable: plain globs
//! instead of opaque atoms. This is case 1 of the automata crate's list ("fixed value"), done
//! where the encoding sees it; a statement whose variables nothing pins is left to the other
//! cases. A `Principal` pins too: naming only IAM identities and accounts, it fixes the
//! caller's `aws:PrincipalAccount`, and its users' `aws:username` (a role has none: that case
//! is written as `¬present(k) ∧ statement`, its variable left as it is). A value with a `:` is not substituted (it would move an ARN's part
//! boundaries), nor are more than [`MAX_CASES`] combinations written out.

use super::Encoder;
use keyaki_logic::{Atom, Formula, Pattern};
use keyaki_policy::caller::{AwsForm, Session};
use keyaki_policy::{
    ConditionValue, OperatorKind, Principal, Segment, Statement, pattern::Pattern as Template,
};

/// At most this many combinations of pinned values are written out for one statement.
const MAX_CASES: usize = 16;

/// One key a statement pins, with the values it may take.
struct Pin {
    /// The key, in lowercase.
    key: String,
    /// The values listed.
    values: Vec<String>,
    /// Whether the key may also be absent (a `Principal` naming a role pins `aws:username`
    /// for the users it names, and the role has none).
    may_be_absent: bool,
}

impl Encoder<'_> {
    /// The statement as cases of pinned values: for each, the equalities it assumes and the
    /// statement with those values written into its patterns. `None` when no variable of the
    /// statement has a pinned key (or the cases would be too many).
    pub(super) fn pinned_cases(
        &mut self,
        statement: &Statement,
    ) -> Option<Vec<(Formula, Statement)>> {
        let used = variable_keys(statement);
        if used.is_empty() {
            return None;
        }
        let pins: Vec<Pin> = pins_of(statement)
            .into_iter()
            .filter(|pin| used.contains(&pin.key))
            .collect();
        // Each pin's options: one of its values, or (where it may be) absent.
        let options = |pin: &Pin| pin.values.len() + usize::from(pin.may_be_absent);
        let count = pins
            .iter()
            .try_fold(1_usize, |n, pin| n.checked_mul(options(pin)))?;
        if pins.is_empty() || count > MAX_CASES {
            return None;
        }
        let mut cases = Vec::new();
        for index in 0..count {
            let mut rest = index;
            let mut chosen: Vec<(&str, &str)> = Vec::new();
            let mut assumed = Vec::new();
            for pin in &pins {
                let option = rest % options(pin);
                rest /= options(pin);
                match pin.values.get(option) {
                    Some(value) => {
                        chosen.push((&pin.key, value));
                        assumed.push(self.key_equals(&pin.key, value)?);
                    }
                    None => assumed.push(self.key_absent(&pin.key)?),
                }
            }
            let assumed = self.cx.and(assumed);
            cases.push((assumed, substituted(statement, &chosen)));
        }
        Some(cases)
    }

    /// `k = value`.
    fn key_equals(&mut self, key: &str, value: &str) -> Option<Formula> {
        let var = self.string_key(key)?;
        let present = self.cx.atom_formula(Atom::Present { var });
        let equal = self.cx.atom_formula(Atom::StrIn {
            var,
            pattern: Pattern::literal(value),
            ignore_case: false,
        });
        Some(self.cx.and([present, equal]))
    }

    /// `k` is absent.
    fn key_absent(&mut self, key: &str) -> Option<Formula> {
        let var = self.string_key(key)?;
        let present = self.cx.atom_formula(Atom::Present { var });
        Some(self.cx.not(present))
    }
}

/// The keys a statement pins: positive, case-sensitive `StringEquals` without a qualifier or
/// `IfExists`, whose values are all plain text without a colon; and the keys its `Principal`
/// decides ([`principal_pins`]). When one key is pinned twice, the first is taken (the others
/// still apply as conditions).
fn pins_of(statement: &Statement) -> Vec<Pin> {
    let mut pins: Vec<Pin> = principal_pins(statement);
    for condition in &statement.conditions {
        let operator = condition.operator.value;
        if operator.kind != OperatorKind::StringEquals
            || operator.if_exists
            || operator.qualifier.is_some()
        {
            continue;
        }
        let values: Option<Vec<String>> = condition
            .values
            .iter()
            .map(|value| match &value.value {
                ConditionValue::Pattern(template) => plain_text(template),
                _ => None,
            })
            .collect();
        let key = condition.key.value.to_ascii_lowercase();
        if let Some(values) = values
            && !values.is_empty()
            && !pins.iter().any(|pin| pin.key == key)
        {
            pins.push(Pin {
                key,
                values,
                may_be_absent: false,
            });
        }
    }
    pins
}

/// The user names a positive condition on `aws:PrincipalArn` fixes: every value names an IAM
/// user whose last ARN part is written out (`arn:aws:iam::*:user/Alice`,
/// `arn:aws:iam::*:user/*/Alice`), so the caller is a user with one of those names.
fn principal_arn_user_pin(statement: &Statement) -> Option<Pin> {
    let condition = statement.conditions.iter().find(|condition| {
        let operator = condition.operator.value;
        condition.key.value.eq_ignore_ascii_case("aws:PrincipalArn")
            && matches!(
                operator.kind,
                OperatorKind::ArnLike
                    | OperatorKind::ArnEquals
                    | OperatorKind::StringLike
                    | OperatorKind::StringEquals
            )
            && !operator.if_exists
            && operator.qualifier.is_none()
    })?;
    let mut names = Vec::new();
    for value in &condition.values {
        let ConditionValue::Pattern(template) = &value.value else {
            return None;
        };
        if template.has_variables() {
            return None;
        }
        let resource = template.text.splitn(6, ':').nth(5)?;
        let name = resource.strip_prefix("user/")?.rsplit('/').next()?;
        if name.is_empty() || name.contains(['*', '?', '$', ':']) {
            return None;
        }
        push_new(&mut names, name.to_string());
    }
    // A `*` before the resource part could still reach an ARN of another form (a role whose
    // name ends in `:user/Alice`): that caller has no user name, a case kept as written.
    Some(Pin {
        key: "aws:username".to_string(),
        values: names,
        may_be_absent: true,
    })
}

/// The caller keys a positive `Principal` decides when every principal it names decides them:
/// `aws:PrincipalAccount` (accounts, identity and session ARNs) and `aws:username` (the names
/// of the users among them; absent for roles, sessions, services and other kinds), and the user
/// names a condition on `aws:PrincipalArn` fixes. See [`keyaki_policy::caller`].
fn principal_pins(statement: &Statement) -> Vec<Pin> {
    let by_arn: Vec<Pin> = principal_arn_user_pin(statement).into_iter().collect();
    let Some(element) = statement.principal.as_ref().filter(|e| !e.negated) else {
        return by_arn;
    };
    let mut accounts: Option<Vec<String>> = Some(Vec::new());
    let mut users: Option<(Vec<String>, bool)> = Some((Vec::new(), false));
    for principal in &element.principals {
        // What the principal makes of each key: `None` when it does not decide it; for the
        // user name, `Some(None)` when the caller has none.
        let (account, user) = match &principal.value {
            Principal::Account(account) => (Some(account.clone()), None),
            Principal::Aws(arn) => match (AwsForm::of(arn), Session::of(arn)) {
                (Some(form), _) => {
                    let account = arn.split(':').nth(4).map(str::to_string);
                    let name = arn.rsplit('/').next().map(str::to_string);
                    let user = Some(if form == AwsForm::User { name } else { None });
                    (account, user)
                }
                (None, Some(session)) => (Some(session.role.account.to_string()), Some(None)),
                (None, None) => (None, None),
            },
            Principal::Everyone => (None, None),
            // Services, web identities and canonical users have no user name.
            Principal::Service(_)
            | Principal::Federated(_)
            | Principal::CanonicalUser(_)
            | Principal::EveryOfKind(_) => (None, Some(None)),
        };
        match (&mut accounts, account) {
            (Some(list), Some(account)) => push_new(list, account),
            _ => accounts = None,
        }
        match (&mut users, user) {
            (Some((names, _)), Some(Some(name))) => push_new(names, name),
            (Some((_, absent)), Some(None)) => *absent = true,
            _ => users = None,
        }
    }
    let mut pins = by_arn;
    if let Some(values) = accounts.filter(|v| !v.is_empty()) {
        pins.push(Pin {
            key: "aws:principalaccount".to_string(),
            values,
            may_be_absent: false,
        });
    }
    if let Some((values, may_be_absent)) = users.filter(|(v, _)| !v.is_empty())
        && !pins.iter().any(|pin| pin.key == "aws:username")
    {
        pins.push(Pin {
            key: "aws:username".to_string(),
            values,
            may_be_absent,
        });
    }
    pins.retain(|pin| pin.values.iter().all(|v| !v.contains(':') && !v.is_empty()));
    pins
}

fn push_new(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// The text of a template that is one literal without a colon.
fn plain_text(template: &Template) -> Option<String> {
    let mut text = String::new();
    for segment in &template.segments {
        match segment {
            Segment::Literal(literal) if !literal.contains(':') => text.push_str(literal),
            _ => return None,
        }
    }
    Some(text)
}

/// The keys of the variables in a statement's resources and condition values (lowercase).
fn variable_keys(statement: &Statement) -> Vec<String> {
    let mut keys = Vec::new();
    let mut add = |template: &Template| {
        for segment in &template.segments {
            if let Segment::Variable(variable) = segment {
                let key = variable.key.to_ascii_lowercase();
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
    };
    if let Some(list) = &statement.resource {
        list.patterns.iter().for_each(|p| add(&p.value));
    }
    for condition in &statement.conditions {
        for value in &condition.values {
            if let ConditionValue::Pattern(template) = &value.value {
                add(template);
            }
        }
    }
    keys
}

/// The statement with each chosen key's variables replaced by its value, as literal text.
fn substituted(statement: &Statement, chosen: &[(&str, &str)]) -> Statement {
    let mut result = statement.clone();
    if let Some(list) = &mut result.resource {
        for pattern in &mut list.patterns {
            pattern.value = written_in(&pattern.value, chosen);
        }
    }
    for condition in &mut result.conditions {
        for value in &mut condition.values {
            if let ConditionValue::Pattern(template) = &value.value {
                value.value = ConditionValue::Pattern(written_in(template, chosen));
            }
        }
    }
    result
}

fn written_in(template: &Template, chosen: &[(&str, &str)]) -> Template {
    let segments: Vec<Segment> = template
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Variable(variable) => chosen
                .iter()
                .find(|(key, _)| variable.key.eq_ignore_ascii_case(key))
                .map_or_else(
                    || segment.clone(),
                    |(_, value)| Segment::Literal((*value).to_string()),
                ),
            other => other.clone(),
        })
        .collect();
    Template {
        text: super::canonical_text(&segments),
        segments,
    }
}
