//! OPA builtins cloud rules need that regorus does not ship, registered as extensions.

use std::str::FromStr;

use anyhow::{anyhow, Result};
use ipnet::IpNet;
use regorus::{Engine, Value};

fn parse_net(v: &Value) -> Result<IpNet> {
    let s = v
        .as_string()
        .map_err(|_| anyhow!("net.cidr_intersects: expected a CIDR string"))?;
    IpNet::from_str(s.as_ref())
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| anyhow!("net.cidr_intersects: invalid CIDR {s:?}"))
}

/// `net.cidr_intersects(a, b)`: whether two CIDRs share any address.
fn cidr_intersects(args: Vec<Value>) -> Result<Value> {
    let [a, b] = args.as_slice() else {
        return Err(anyhow!("net.cidr_intersects takes 2 arguments"));
    };
    let (a, b) = (parse_net(a)?, parse_net(b)?);
    let overlap = match (a, b) {
        (IpNet::V4(_), IpNet::V4(_)) | (IpNet::V6(_), IpNet::V6(_)) => {
            a.contains(&b.network()) || b.contains(&a.network())
        }
        _ => false,
    };
    Ok(Value::from(overlap))
}

pub fn register(engine: &mut Engine) -> Result<()> {
    engine.add_extension(
        "net.cidr_intersects".to_string(),
        2,
        Box::new(cidr_intersects),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &str, b: &str) -> bool {
        cidr_intersects(vec![Value::from(a), Value::from(b)]).unwrap() == Value::from(true)
    }

    #[test]
    fn intersects_like_opa() {
        assert!(check("10.0.0.0/16", "10.0.128.0/24"));
        assert!(check("10.0.128.0/24", "10.0.0.0/16"));
        assert!(!check("10.0.0.0/16", "10.1.0.0/16"));
        assert!(!check("10.0.0.0/16", "::/0"));
        assert!(check("::/0", "2001:db8::/32"));
        assert!(cidr_intersects(vec![Value::from("nope"), Value::from("10.0.0.0/8")]).is_err());
    }
}
