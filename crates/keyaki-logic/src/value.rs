//! Constants of the theories: exact numbers, instants and IP ranges.
//!
//! Numbers are exact decimals `mantissa · 10^-scale` (never floats): a policy's `10.5` and a
//! request's `10.50` are the same number, and `0.1 + 0.2` questions never arise. Instants are
//! nanoseconds since the Unix epoch, an integer. IP networks are closed ranges of integers of
//! one family, IPv4 or IPv6: an IPv4 address is never inside an IPv6 network, as IAM decides.

use std::cmp::Ordering;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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

/// A network: a closed range of addresses of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpRange {
    /// Whether the range holds IPv6 addresses (IPv4 otherwise).
    pub v6: bool,
    /// The first address, as an integer of its family.
    pub low: u128,
    /// The last address.
    pub high: u128,
    /// The prefix length, for printing (`10.0.0.0/8`).
    pub prefix: u8,
}

impl IpRange {
    /// The range of an IPv4 network `address/prefix`.
    pub fn v4(address: u32, prefix: u8) -> IpRange {
        let prefix = prefix.min(32);
        let size: u128 = 1 << (32 - u32::from(prefix));
        let low = u128::from(address) & !(size - 1);
        IpRange {
            v6: false,
            low,
            high: low + size - 1,
            prefix,
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
        IpRange {
            v6: true,
            low: address & mask,
            high: (address & mask) | !mask,
            prefix,
        }
    }

    /// The range of a network given as a standard address and prefix.
    pub fn of(address: IpAddr, prefix: u8) -> IpRange {
        match address {
            IpAddr::V4(v4) => IpRange::v4(u32::from(v4), prefix),
            IpAddr::V6(v6) => IpRange::v6(u128::from(v6), prefix),
        }
    }

    /// Whether the address lies in the range (never across families, as IAM decides).
    pub fn contains(&self, address: IpAddr) -> bool {
        let (v6, bits) = ip_bits(address);
        v6 == self.v6 && self.low <= bits && bits <= self.high
    }
}

/// An address's family and its bits as an integer.
pub fn ip_bits(address: IpAddr) -> (bool, u128) {
    match address {
        IpAddr::V4(v4) => (false, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (true, u128::from(v6)),
    }
}

/// The address of a family with the given bits.
pub fn ip_from_bits(v6: bool, bits: u128) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(bits))
    } else {
        IpAddr::V4(Ipv4Addr::from(u32::try_from(bits).unwrap_or(u32::MAX)))
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", ip_from_bits(self.v6, self.low), self.prefix)
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
        let ip = |t: &str| t.parse::<IpAddr>().unwrap();
        let v4 = IpRange::v4(0x0A00_0000, 8);
        assert!(v4.contains(ip("10.1.2.3")));
        assert!(!v4.contains(ip("11.0.0.0")));
        let all_v6 = IpRange::v6(0, 0);
        assert!(!all_v6.contains(ip("10.1.2.3")));
        assert!(all_v6.contains(ip("::1")));
        assert!(all_v6.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert_eq!(v4.to_string(), "10.0.0.0/8");
        assert_eq!(
            IpRange::v6(u128::MAX, 120).to_string(),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"
        );
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
