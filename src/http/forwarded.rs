//! The caller's address when the service sits behind reverse proxies. Limits keyed on the
//! address (the anonymous verification limit) and the address written into every audit entry
//! would otherwise name the proxy: every caller would share one limit, and the trail would
//! say nothing of who called. `X-Forwarded-For` is believed only as far as our own proxies
//! wrote it — a caller can put anything there, so with no proxy configured the header is
//! ignored, and behind proxies the address taken is the last one appended by a hop we trust.

use serde::Deserialize;
use std::net::IpAddr;

/// One network our proxies send from: `10.0.0.0/8`, `192.0.2.7` (a single address), `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyNet {
    addr: IpAddr,
    prefix: u8,
}

impl ProxyNet {
    /// An address with an optional prefix length (the whole address when there is none).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or network"))?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?}: the prefix length is 0 to {max}"))?,
        };
        Ok(Self { addr, prefix })
    }

    /// True when `ip` lies in this network (an IPv4 address seen as IPv4-mapped IPv6 too).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (whole, rest) = (usize::from(prefix / 8), prefix % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

/// How the setting may be written: a list, or one string of comma-separated entries (what an
/// environment variable can hold).
#[derive(Deserialize)]
#[serde(untagged)]
enum ProxyList {
    Text(String),
    List(Vec<String>),
}

/// The reverse proxies whose `X-Forwarded-For` we believe (`server.trusted_proxies`); none by
/// default, and then the header is ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(try_from = "ProxyList")]
pub struct TrustedProxies(Vec<ProxyNet>);

impl TryFrom<ProxyList> for TrustedProxies {
    type Error = String;

    fn try_from(list: ProxyList) -> Result<Self, String> {
        let entries: Vec<String> = match list {
            ProxyList::Text(t) => t.split(',').map(str::to_owned).collect(),
            ProxyList::List(l) => l,
        };
        entries
            .iter()
            .filter(|e| !e.trim().is_empty())
            .map(|e| ProxyNet::parse(e))
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    /// True when `ip` is one of our proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The caller's address given the connection's peer and the `X-Forwarded-For` header
    /// values in the order received. Each proxy appends the address it was called from, so the
    /// list is read from the right: past our own proxies, the first address is the caller;
    /// anything further left was written by the caller and proves nothing. A hop that is not an
    /// address stops the walk at the proxy that wrote it.
    pub fn client_ip<'a>(
        &self,
        peer: Option<IpAddr>,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> Option<IpAddr> {
        let peer = peer?.to_canonical();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let hops: Vec<&str> = forwarded_for
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
                Ok(ip) if self.trusts(ip) => nearest = ip,
                Ok(ip) => return Some(ip),
                Err(_) => return Some(nearest),
            }
        }
        Some(nearest)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::try_from(ProxyList::Text(list.into())).unwrap()
    }

    #[test]
    fn networks_parse_and_hold_their_addresses() {
        let net = ProxyNet::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(ip("10.1.255.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped IPv6");
        let odd = ProxyNet::parse("192.0.2.128/25").unwrap();
        assert!(odd.contains(ip("192.0.2.200")) && !odd.contains(ip("192.0.2.127")));
        let one = ProxyNet::parse(" 192.0.2.7 ").unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = ProxyNet::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:5::1")) && !v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.1.0.1")));
        assert!(
            ProxyNet::parse("0.0.0.0/0")
                .unwrap()
                .contains(ip("203.0.113.1"))
        );
        for bad in [
            "proxy.local",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/x",
            "10.0.0/8",
        ] {
            assert!(ProxyNet::parse(bad).is_err(), "{bad}");
        }
        assert!(TrustedProxies::try_from(ProxyList::Text("10.0.0.0/8, nope".into())).is_err());
        let listed = TrustedProxies::try_from(ProxyList::List(vec!["::1".into()])).unwrap();
        assert!(listed.trusts(ip("::1")) && !listed.trusts(ip("127.0.0.1")));
    }

    #[test]
    fn the_caller_is_the_last_address_our_proxies_did_not_write() {
        let none = TrustedProxies::default();
        let peer = Some(ip("127.0.0.1"));
        assert_eq!(
            none.client_ip(peer, ["203.0.113.9"]),
            peer,
            "no proxy configured: the header is ignored"
        );
        let p = proxies("127.0.0.1, 10.0.0.0/8");
        assert_eq!(p.client_ip(peer, []), peer, "no header: the proxy itself");
        assert_eq!(
            p.client_ip(Some(ip("198.51.100.4")), ["203.0.113.9"]),
            Some(ip("198.51.100.4")),
            "a peer we do not trust cannot name another caller"
        );
        assert_eq!(p.client_ip(peer, ["203.0.113.9"]), Some(ip("203.0.113.9")));
        assert_eq!(
            p.client_ip(peer, ["1.2.3.4, 203.0.113.9, 10.0.0.5"]),
            Some(ip("203.0.113.9")),
            "past our second proxy, not what the caller wrote further left"
        );
        assert_eq!(
            p.client_ip(peer, ["1.2.3.4", "203.0.113.9"]),
            Some(ip("203.0.113.9")),
            "several header lines read as one list"
        );
        assert_eq!(
            p.client_ip(peer, ["203.0.113.9, garbage, 10.0.0.5"]),
            Some(ip("10.0.0.5")),
            "a hop that is not an address: the proxy that wrote it"
        );
        assert_eq!(
            p.client_ip(peer, ["10.0.0.7"]),
            Some(ip("10.0.0.7")),
            "a caller inside our own network"
        );
    }
}
