//! Constants of the theories: exact numbers, instants and IP ranges.
//!
//! Numbers are exact decimals `mantissa · 10^-scale` (never floats): a policy's `10.5` and a
//! request's `10.50` are the same number, and `0.1 + 0.2` questions never arise. Instants are
//! nanoseconds since the Unix epoch, an integer. IP networks are closed ranges of integers in
//! one line that holds both families: IPv4 addresses are `0 … 2^32 - 1` and IPv6 addresses
//! follow from `2^32` on, so an IPv4 address is never inside an IPv6 network, as IAM decides.

use std::cmp::Ordering;
use std::fmt;

/// An exact decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Number {
    mantissa: i128,
    scale: u32,
}

/// The largest number of fraction digits kept.
const MAX_SCALE: u32 = 30;

impl Number {
    /// `mantissa · 10^-scale`, normalized (no trailing zero digits in the fraction).
    pub fn new(mantissa: i128, scale: u32) -> Number {
        let (mut mantissa, mut scale) = (mantissa, scale);
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Number { mantissa, scale }
    }

    /// An integer.
    pub fn integer(value: i128) -> Number {
        Number::new(value, 0)
    }

    /// Reads `-12.50`, `3`, `1e3`, `2.5E-2`; `None` when malformed or beyond 30 digits.
    pub fn parse(text: &str) -> Option<Number> {
        let (mantissa_text, exponent) = match text.find(['e', 'E']) {
            Some(at) => (text.get(..at)?, text.get(at + 1..)?.parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match mantissa_text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (
                false,
                mantissa_text.strip_prefix('+').unwrap_or(mantissa_text),
            ),
        };
        let (integer, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if integer.is_empty()
            || !integer.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && fraction.is_empty())
        {
            return None;
        }
        let all: String = format!("{integer}{fraction}");
        let all = all.trim_start_matches('0');
        let mut mantissa: i128 = if all.is_empty() { 0 } else { all.parse().ok()? };
        let mut scale = i64::try_from(fraction.len()).ok()? - i64::from(exponent);
        while scale < 0 {
            mantissa = mantissa.checked_mul(10)?;
            scale += 1;
        }
        let scale = u32::try_from(scale).ok()?;
        let number = Number::new(if negative { -mantissa } else { mantissa }, scale);
        (number.scale <= MAX_SCALE).then_some(number)
    }

    /// Both numbers with one common scale (`None` on overflow).
    fn aligned(self, other: Number) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        let a = self
            .mantissa
            .checked_mul(10i128.checked_pow(scale - self.scale)?)?;
        let b = other
            .mantissa
            .checked_mul(10i128.checked_pow(scale - other.scale)?)?;
        Some((a, b, scale))
    }

    /// The number halfway between two numbers (`None` on overflow).
    pub fn midpoint(self, other: Number) -> Option<Number> {
        let (a, b, scale) = self.aligned(other)?;
        let sum = a.checked_add(b)?.checked_mul(5)?; // (a + b) / 2 = 5(a + b) / 10
        Some(Number::new(sum, scale + 1))
    }

    /// This number plus or minus one.
    pub fn offset(self, delta: i128) -> Option<Number> {
        let (a, b, scale) = self.aligned(Number::integer(delta))?;
        Some(Number::new(a.checked_add(b)?, scale))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        match self.aligned(*other) {
            Some((a, b, _)) => a.cmp(&b),
            // Only numbers of absurd size overflow; compare them by sign, then as floats.
            None => (self.mantissa as f64 / 10f64.powi(self.scale as i32))
                .total_cmp(&(other.mantissa as f64 / 10f64.powi(other.scale as i32))),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (integer, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{integer}.{fraction}")
    }
}

/// A point in time: nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i128);

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.div_euclid(1_000_000_000);
        let nanos = self.0.rem_euclid(1_000_000_000);
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )?;
        if nanos != 0 {
            let text = format!("{nanos:09}");
            write!(f, ".{}", text.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i128) -> (i128, i128, i128) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i128::from(month <= 2), month, day)
}

/// A closed range of addresses on the combined IPv4/IPv6 line (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpRange {
    /// The first address.
    pub low: u128,
    /// The last address.
    pub high: u128,
    /// The network as written, for printing (`10.0.0.0/8`).
    pub prefix: u8,
    /// Whether the range is in the IPv6 part of the line.
    pub v6: bool,
}

/// Where IPv6 addresses start on the combined line.
pub const IPV6_OFFSET: u128 = 1 << 32;

impl IpRange {
    /// The range of an IPv4 network `address/prefix`.
    pub fn v4(address: u32, prefix: u8) -> IpRange {
        let size: u128 = 1 << (32 - u32::from(prefix.min(32)));
        let low = u128::from(address) & !(size - 1);
        IpRange {
            low,
            high: low + size - 1,
            prefix: prefix.min(32),
            v6: false,
        }
    }

    /// The range of an IPv6 network `address/prefix`.
    pub fn v6(address: u128, prefix: u8) -> IpRange {
        let prefix = prefix.min(128);
        let host_bits = 128 - u32::from(prefix);
        let mask = if host_bits == 128 {
            0
        } else {
            u128::MAX << host_bits
        };
        let first = address & mask;
        let last = first | !mask;
        // The combined line cannot hold all of IPv6 after the offset; saturate at the top.
        IpRange {
            low: first.saturating_add(IPV6_OFFSET),
            high: last.saturating_add(IPV6_OFFSET),
            prefix,
            v6: true,
        }
    }

    /// The address on the combined line of an IPv4 address.
    pub fn point_v4(address: u32) -> u128 {
        u128::from(address)
    }

    /// The address on the combined line of an IPv6 address.
    pub fn point_v6(address: u128) -> u128 {
        address.saturating_add(IPV6_OFFSET)
    }

    /// Whether a point of the combined line lies in the range.
    pub fn contains(&self, point: u128) -> bool {
        self.low <= point && point <= self.high
    }
}

/// Prints a point of the combined line as an IPv4 or IPv6 address.
pub fn format_ip(point: u128) -> String {
    if point < IPV6_OFFSET {
        std::net::Ipv4Addr::from(point as u32).to_string()
    } else {
        std::net::Ipv6Addr::from(point - IPV6_OFFSET).to_string()
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", format_ip(self.low), self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact() {
        let n = |t: &str| Number::parse(t).unwrap();
        assert_eq!(n("10.50"), n("10.5"));
        assert_eq!(n("1e3"), n("1000"));
        assert_eq!(n("-0"), n("0"));
        assert!(n("0.1") < n("0.11"));
        assert!(n("-2") < n("-1.5"));
        assert_eq!(n("1").midpoint(n("2")).unwrap(), n("1.5"));
        assert_eq!(n("-0.5").to_string(), "-0.5");
        assert_eq!(n("0.05").to_string(), "0.05");
        assert_eq!(n("12").offset(-1).unwrap(), n("11"));
        assert_eq!(Number::parse("1."), None);
        assert_eq!(Number::parse("abc"), None);
    }

    #[test]
    fn ip_ranges_keep_the_families_apart() {
        let v4 = IpRange::v4(0x0A00_0000, 8);
        assert!(v4.contains(IpRange::point_v4(0x0A01_0203)));
        assert!(!v4.contains(IpRange::point_v4(0x0B00_0000)));
        let all_v6 = IpRange::v6(0, 0);
        assert!(!all_v6.contains(IpRange::point_v4(0x0A01_0203)));
        assert!(all_v6.contains(IpRange::point_v6(1)));
        assert_eq!(v4.to_string(), "10.0.0.0/8");
        assert_eq!(format_ip(IpRange::point_v6(1)), "::1");
    }

    #[test]
    fn instants_print_as_utc() {
        assert_eq!(Instant(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Instant(1_700_000_000_500_000_000).to_string(),
            "2023-11-14T22:13:20.5Z"
        );
    }
}
