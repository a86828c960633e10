//! The client's address behind reverse proxies: `X-Forwarded-For` counts only when the direct peer is a
//! trusted proxy (`serve --trusted-proxy CIDR`, repeatable); then the client is the right-most address of
//! the header that is not itself trusted. Without trusted proxies, or from any other peer, the header is
//! ignored, so a client cannot choose the address its sign-in throttle and audit entries see.

use std::net::IpAddr;
use std::str::FromStr;

/// An address range such as `10.0.0.0/8`, `192.0.2.7` (a single address) or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` is in the range (an IPv4-mapped IPv6 address counts as its IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an address range (e.g. 10.0.0.0/8 or fd00::/8)");
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr = IpAddr::from_str(addr).map_err(|_| bad())?.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().map_err(|_| bad())?
            }
            Some(_) => return Err(bad()),
            None => max,
        };
        if prefix > max {
            return Err(bad());
        }
        Ok(Cidr { addr, prefix })
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`192.0.2.1:4711`, `[2001:db8::1]:80`).
fn entry(raw: &str) -> Option<IpAddr> {
    let t = raw.trim();
    IpAddr::from_str(t)
        .ok()
        .or_else(|| std::net::SocketAddr::from_str(t).ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address: `peer`, unless `peer` is in `trusted`; then the right-most `X-Forwarded-For`
/// address (over all the header's lines, in order) that is not in `trusted`. If every listed address is
/// trusted, the left-most; an unreadable entry stops the walk at the last trusted hop before it.
pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[Cidr],
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let entries: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|line| line.split(','))
        .collect();
    let mut client = peer;
    for raw in entries.iter().rev() {
        match entry(raw) {
            Some(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    fn cidrs(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|c| c.parse().expect("cidr")).collect()
    }

    #[test]
    fn ranges_parse_and_match() {
        let c: Cidr = "10.0.0.0/8".parse().expect("cidr");
        assert!(c.contains(ip("10.200.1.1")));
        assert!(c.contains(ip("::ffff:10.1.2.3")));
        assert!(!c.contains(ip("11.0.0.1")));
        assert!(!c.contains(ip("fd00::1")));
        let v6: Cidr = "fd00::/8".parse().expect("cidr");
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let one: Cidr = "192.0.2.7".parse().expect("cidr");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let all: Cidr = "0.0.0.0/0".parse().expect("cidr");
        assert!(all.contains(ip("203.0.113.9")));
        for bad in [
            "10.0.0.0/33",
            "10.0.0/8",
            "x",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "::/129",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_peer() {
        let trusted = cidrs(&["10.0.0.0/8"]);
        // A spoofed header from the internet is ignored.
        assert_eq!(
            client_ip(ip("203.0.113.5"), ["198.51.100.1"], &trusted),
            ip("203.0.113.5")
        );
        // No trusted proxies at all: ignored too.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["198.51.100.1"], &[]),
            ip("10.0.0.2")
        );
        // Through the proxy: the right-most address that is not a trusted proxy.
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                ["1.2.3.4, 198.51.100.1, 10.0.0.9"],
                &trusted
            ),
            ip("198.51.100.1")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["1.2.3.4", "198.51.100.1:4711"], &trusted),
            ip("198.51.100.1")
        );
        // Only trusted hops: the left-most; no header: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["10.0.0.7, 10.0.0.9"], &trusted),
            ip("10.0.0.7")
        );
        assert_eq!(client_ip(ip("10.0.0.2"), [], &trusted), ip("10.0.0.2"));
        // Garbage stops at the last trusted hop instead of skipping to an address further left.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["1.2.3.4, garbage, 10.0.0.9"], &trusted),
            ip("10.0.0.9")
        );
    }
}
