//! Typed condition values: exact decimals, instants, IP networks, booleans and binary data.
//!
//! IAM compares condition values by type: `NumericLessThan` compares numbers, `DateGreaterThan`
//! instants, `IpAddress` addresses against CIDR blocks. These types read the textual forms IAM
//! accepts, exactly: a number is an exact decimal (never a lossy float, so `0.1 + 0.2` questions
//! never arise), a date is an exact instant in UTC with nanosecond precision.
//!
//! The same readers parse the values of a request's context in the evaluator, so a policy value
//! and a request value of the same text always compare equal.

use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;

/// An exact decimal number, such as `-12.50` (stored as sign, integer digits, fraction digits).
///
/// Two decimals that denote the same number are equal (`1.50` = `1.5` = `15e-1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    /// Integer digits without leading zeros (`""` for zero).
    integer: String,
    /// Fraction digits without trailing zeros.
    fraction: String,
}

/// The longest exponent a decimal may carry; bounds the size of the digit strings.
const MAX_EXPONENT: i64 = 400;

impl Decimal {
    /// Reads `text` as a decimal: optional sign, digits, optional fraction, optional exponent.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => {
                let exponent: i64 = rest.get(at + 1..)?.parse().ok()?;
                (rest.get(..at)?, exponent)
            }
            None => (rest, 0),
        };
        if !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&exponent) {
            return None;
        }
        let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if integer.is_empty() || !all_digits(integer) || !all_digits(fraction) {
            return None;
        }
        if mantissa.contains('.') && fraction.is_empty() {
            return None;
        }
        // Shift the decimal point by the exponent over the whole digit string.
        let digits = format!("{integer}{fraction}");
        let point = i64::try_from(integer.len()).ok()? + exponent;
        let (int_part, frac_part) = if point <= 0 {
            let zeros = "0".repeat(usize::try_from(-point).ok()?);
            (String::new(), format!("{zeros}{digits}"))
        } else {
            let point = usize::try_from(point).ok()?;
            if point >= digits.len() {
                (
                    format!("{digits}{}", "0".repeat(point - digits.len())),
                    String::new(),
                )
            } else {
                (
                    digits.get(..point)?.to_string(),
                    digits.get(point..)?.to_string(),
                )
            }
        };
        let integer = int_part.trim_start_matches('0').to_string();
        let fraction = frac_part.trim_end_matches('0').to_string();
        let is_zero = integer.is_empty() && fraction.is_empty();
        Some(Decimal {
            negative: negative && !is_zero,
            integer,
            fraction,
        })
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        self.integer
            .len()
            .cmp(&other.integer.len())
            .then_with(|| self.integer.cmp(&other.integer))
            .then_with(|| self.fraction.cmp(&other.fraction))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        let integer = if self.integer.is_empty() {
            "0"
        } else {
            &self.integer
        };
        f.write_str(integer)?;
        if !self.fraction.is_empty() {
            write!(f, ".{}", self.fraction)?;
        }
        Ok(())
    }
}

/// An exact instant: seconds since 1970-01-01T00:00:00Z plus nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Whole seconds since the Unix epoch (negative before 1970).
    pub seconds: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nanos: u32,
}

impl Instant {
    /// Reads an IAM date: epoch seconds (`1700000000`) or a W3C ISO-8601 date or date-time
    /// (`2024-01-31`, `2024-01-31T12:00Z`, `2024-01-31T12:00:00.5+09:00`). A date-time without
    /// a zone is taken as UTC.
    pub fn parse(text: &str) -> Option<Instant> {
        if !text.is_empty()
            && text
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit())
        {
            let seconds: i64 = text.parse().ok()?;
            return Some(Instant { seconds, nanos: 0 });
        }
        iso8601::parse(text)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let second_of_day = self.seconds.rem_euclid(86_400);
        let (year, month, day) = iso8601::civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )?;
        if self.nanos != 0 {
            let digits = format!("{:09}", self.nanos);
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

mod iso8601 {
    //! The W3C profile of ISO 8601, and the proleptic Gregorian calendar arithmetic behind it.
    use super::Instant;

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
    pub(super) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month_index = (month + 9) % 12; // March = 0
        let day_of_year = (153 * month_index + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
    pub(super) fn civil_from_days(days: i64) -> (i64, i64, i64) {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_index + 2) / 5 + 1;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    fn days_in_month(year: i64, month: i64) -> i64 {
        days_from_civil(year + i64::from(month == 12), month % 12 + 1, 1)
            - days_from_civil(year, month, 1)
    }

    /// A fixed-width run of ASCII digits.
    fn number(text: &str, width: usize) -> Option<(i64, &str)> {
        let digits = text.get(..width)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((digits.parse().ok()?, text.get(width..)?))
    }

    fn expect(text: &str, sep: char) -> Option<&str> {
        text.strip_prefix(sep)
    }

    pub(super) fn parse(text: &str) -> Option<Instant> {
        let (year, rest) = number(text, 4)?;
        let (month, rest) = match expect(rest, '-') {
            Some(rest) => number(rest, 2)?,
            None if rest.is_empty() => (1, rest),
            None => return None,
        };
        let (day, rest) = match expect(rest, '-') {
            Some(rest) => number(rest, 2)?,
            None if rest.is_empty() => (1, rest),
            None => return None,
        };
        if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
            return None;
        }
        let mut seconds = days_from_civil(year, month, day) * 86_400;
        let mut nanos = 0;
        if let Some(time) = expect(rest, 'T').or_else(|| expect(rest, 't')) {
            let (hour, rest) = number(time, 2)?;
            let (minute, mut rest) = number(expect(rest, ':')?, 2)?;
            let mut second = 0;
            if let Some(after) = expect(rest, ':') {
                (second, rest) = number(after, 2)?;
                if let Some(after) = expect(rest, '.') {
                    let width = after.bytes().take_while(u8::is_ascii_digit).count();
                    if width == 0 || width > 9 {
                        return None;
                    }
                    let (fraction, after) = number(after, width)?;
                    nanos = u32::try_from(fraction * 10_i64.pow(9 - width as u32)).ok()?;
                    rest = after;
                }
            }
            if hour > 23 || minute > 59 || second > 60 {
                return None;
            }
            seconds += hour * 3600 + minute * 60 + second;
            seconds -= zone_offset_seconds(rest)?;
        } else if !rest.is_empty() {
            return None;
        }
        Some(Instant { seconds, nanos })
    }

    /// `Z`, `+hh:mm`, `-hh:mm`, or nothing (UTC).
    fn zone_offset_seconds(zone: &str) -> Option<i64> {
        if zone.is_empty() || zone == "Z" || zone == "z" {
            return Some(0);
        }
        let sign = match zone.get(..1)? {
            "+" => 1,
            "-" => -1,
            _ => return None,
        };
        let (hours, rest) = number(zone.get(1..)?, 2)?;
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        let (minutes, rest) = number(rest, 2)?;
        if !rest.is_empty() || hours > 23 || minutes > 59 {
            return None;
        }
        Some(sign * (hours * 3600 + minutes * 60))
    }
}

/// An IP network (a CIDR block); a bare address is a /32 (IPv4) or /128 (IPv6) network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNetwork {
    /// The network address, with the host bits cleared.
    pub address: IpAddr,
    /// The prefix length in bits.
    pub prefix: u8,
}

impl IpNetwork {
    /// Reads `10.0.0.0/8`, `2001:db8::/32`, or a bare address.
    pub fn parse(text: &str) -> Option<IpNetwork> {
        let (address_text, prefix_text) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address_text.parse().ok()?;
        let max_prefix = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix_text {
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().ok()?
            }
            Some(_) => return None,
            None => max_prefix,
        };
        if prefix > max_prefix {
            return None;
        }
        Some(IpNetwork {
            address: mask(address, prefix),
            prefix,
        })
    }

    /// Whether `address` lies in this network. An IPv4 address never lies in an IPv6 network
    /// and the other way round.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.address, address) {
            (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {
                mask(address, self.prefix) == self.address
            }
            _ => false,
        }
    }
}

fn mask(address: IpAddr, prefix: u8) -> IpAddr {
    match address {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let kept = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((bits & kept).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let kept = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((bits & kept).into())
        }
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

/// Reads an IAM boolean: `true` or `false`, in any letter case.
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Decodes standard base64 (with padding), the form `BinaryEquals` values are written in.
pub fn parse_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests;
