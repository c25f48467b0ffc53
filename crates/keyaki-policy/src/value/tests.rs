//! Tests of the typed condition values.

use super::*;

fn dec(text: &str) -> Decimal {
    Decimal::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
}

#[test]
fn decimals_are_exact_and_canonical() {
    assert_eq!(dec("1.50"), dec("1.5"));
    assert_eq!(dec("15e-1"), dec("1.5"));
    assert_eq!(dec("-0"), dec("0"));
    assert_eq!(dec("0.000"), dec("0"));
    assert_eq!(dec("1E3"), dec("1000"));
    assert_eq!(dec("+7"), dec("7"));
    assert!(dec("0.1") < dec("0.11"));
    assert!(dec("0.5") > dec("0.49"));
    assert!(dec("-2") < dec("-1.5"));
    assert!(dec("-1") < dec("0"));
    assert!(dec("10") > dec("9.999"));
    assert!(dec("123456789012345678901234567890") > dec("123456789012345678901234567889.9"));
    assert_eq!(dec("-12.50").to_string(), "-12.5");
    assert_eq!(dec("0.0").to_string(), "0");
    for bad in [
        "", "-", "1.", ".5", "1e", "1e999", "abc", "1,5", "0x10", "1 ",
    ] {
        assert_eq!(Decimal::parse(bad), None, "{bad:?} must not parse");
    }
}

#[test]
fn dates_read_epoch_seconds_and_w3c_iso8601() {
    let at = |text: &str| Instant::parse(text).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(at("1970-01-01T00:00:00Z").seconds, 0);
    assert_eq!(at("0").seconds, 0);
    assert_eq!(at("1700000000"), at("2023-11-14T22:13:20Z"));
    assert_eq!(at("2024-02-29"), at("2024-02-29T00:00:00Z"));
    assert_eq!(
        at("2024").seconds,
        2024,
        "all digits are epoch seconds, not a year"
    );
    assert_eq!(at("2024-03"), at("2024-03-01"));
    assert_eq!(at("2024-01-01T09:00:00+09:00"), at("2024-01-01T00:00:00Z"));
    assert_eq!(at("2023-12-31T19:00:00-05:00"), at("2024-01-01T00:00:00Z"));
    assert_eq!(at("2024-01-01T00:00:00.25Z").nanos, 250_000_000);
    assert_eq!(at("1969-12-31T23:59:59Z").seconds, -1);
    assert_eq!(
        at("2024-01-31T12:00:00.5Z").to_string(),
        "2024-01-31T12:00:00.5Z"
    );
    for bad in [
        "",
        "2023-02-29",
        "2024-13-01",
        "2024-1-01",
        "2024-01-01T25:00Z",
        "yesterday",
        "2024-01-01T10",
        "2024-01-01X",
        "2024-01-01T10:00:00+2",
    ] {
        assert_eq!(Instant::parse(bad), None, "{bad:?} must not parse");
    }
}

#[test]
fn calendar_round_trips_over_four_centuries() {
    for days in (-200_000..200_000).step_by(17) {
        let (y, m, d) = iso8601::civil_from_days(days);
        assert_eq!(iso8601::days_from_civil(y, m, d), days);
    }
}

#[test]
fn ip_networks_contain_their_addresses() {
    let net = |t: &str| IpNetwork::parse(t).unwrap_or_else(|| panic!("{t}"));
    let ip = |t: &str| t.parse::<IpAddr>().unwrap();
    assert!(net("10.0.0.0/8").contains(ip("10.255.1.2")));
    assert!(!net("10.0.0.0/8").contains(ip("11.0.0.1")));
    assert!(
        net("10.1.2.3/8").contains(ip("10.9.9.9")),
        "host bits are cleared"
    );
    assert!(net("203.0.113.7").contains(ip("203.0.113.7")));
    assert!(!net("203.0.113.7").contains(ip("203.0.113.8")));
    assert!(net("0.0.0.0/0").contains(ip("8.8.8.8")));
    assert!(!net("0.0.0.0/0").contains(ip("::1")), "families never mix");
    assert!(net("2001:db8::/32").contains(ip("2001:db8:1::5")));
    assert!(!net("2001:db8::/32").contains(ip("2001:db9::")));
    assert!(net("::/0").contains(ip("::1")));
    for bad in [
        "",
        "10.0.0.0/33",
        "10.0.0/8",
        "::/129",
        "10.0.0.0/",
        "10.0.0.0/-1",
        "x/8",
        "10.0.0.0/8/8",
        "10.0.0.0/0008",
    ] {
        assert_eq!(IpNetwork::parse(bad), None, "{bad:?} must not parse");
    }
}

#[test]
fn booleans_and_base64() {
    assert_eq!(parse_bool("TRUE"), Some(true));
    assert_eq!(parse_bool("false"), Some(false));
    assert_eq!(parse_bool("yes"), None);
    assert_eq!(parse_base64("aGVsbG8="), Some(b"hello".to_vec()));
    assert_eq!(parse_base64("not base64!"), None);
}
