//! `infracheck.subnet_routing(input)`: the route tables each subnet uses, its tier
//! (public, private or undecided) and the internet and NAT status of every route
//! table. A join over subnets, route table associations, route tables, routes,
//! VPCs and gateways, which every networking rule needs: in Rego it cost about
//! 0.4 ms per subnet and was the costliest part of a scan; here it is a few lookups.
//!
//! The semantics are those documented under "Route tables and subnet tiers" in
//! policies/lib/infracheck.rego, whose tests (and the tests of the rules that read
//! it) run against this function.

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use regorus::Value;

use super::input_view::{
    elements, field, references_under, str_field, unknown_at, unknown_key, Input,
};

const ROUTE_TABLE_TYPES: [&str; 2] = ["aws_route_table", "aws_default_route_table"];
const VPC_TYPES: [&str; 2] = ["aws_vpc", "aws_default_vpc"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dest {
    Open4,
    Open6,
    Other,
    Unknown,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Igw,
    Nat,
    Other,
    Unknown,
}

#[derive(Clone, Copy)]
struct Route {
    dest: Dest,
    target: Target,
    /// Known to be in this table (an aws_route whose table could not be resolved
    /// may be in any table).
    certain: bool,
}

/// "yes", "maybe" or "no".
fn routes_have(routes: &[Route], dests: &[Dest], target: Target) -> &'static str {
    if routes
        .iter()
        .any(|r| r.certain && dests.contains(&r.dest) && r.target == target)
    {
        "yes"
    } else if routes.iter().any(|r| {
        (dests.contains(&r.dest) || r.dest == Dest::Unknown)
            && (r.target == target || r.target == Target::Unknown)
    }) {
        "maybe"
    } else {
        "no"
    }
}

fn join(prefix: &str, attr: &str) -> String {
    format!("{prefix}{attr}")
}

struct Routing<'v> {
    input: Input<'v>,
}

impl<'v> Routing<'v> {
    fn route_dest(&self, r: &Value, prefix: &str, b: &Value, v4: &str, v6: &str) -> Dest {
        if str_field(b, v4) == Some("0.0.0.0/0") {
            Dest::Open4
        } else if str_field(b, v6) == Some("::/0") {
            Dest::Open6
        } else if [v4, v6].iter().any(|a| unknown_at(r, &join(prefix, a))) {
            Dest::Unknown
        } else {
            Dest::Other
        }
    }

    fn target_is(&self, r: &Value, prefix: &str, b: &Value, attr: &str, id: &str, t: &str) -> bool {
        str_field(b, attr).is_some_and(|v| v.starts_with(id))
            || references_under(r, &join(prefix, attr))
                .into_iter()
                .any(|a| self.input.address_type(a) == Some(t))
    }

    fn route_target(&self, r: &Value, prefix: &str, b: &Value) -> Target {
        if self.target_is(r, prefix, b, "gateway_id", "igw-", "aws_internet_gateway") {
            Target::Igw
        } else if self.target_is(r, prefix, b, "nat_gateway_id", "nat-", "aws_nat_gateway") {
            Target::Nat
        } else if ["gateway_id", "nat_gateway_id"].iter().any(|attr| {
            let path = join(prefix, attr);
            unknown_at(r, &path)
                && !references_under(r, &path)
                    .into_iter()
                    .any(|a| self.input.address_type(a).is_some())
        }) {
            Target::Unknown
        } else {
            Target::Other
        }
    }

    fn aws_route(&self, r: &Value, certain: bool) -> Route {
        let values = field(r, "values").unwrap_or(&Value::Null);
        Route {
            dest: self.route_dest(
                r,
                "",
                values,
                "destination_cidr_block",
                "destination_ipv6_cidr_block",
            ),
            target: self.route_target(r, "", values),
            certain,
        }
    }

    /// aws_route resources whose table could not be resolved: they may be in any table.
    fn orphan_routes(&self) -> Vec<Route> {
        self.input
            .unresolved("aws_route")
            .filter_map(|a| self.input.resource(a))
            .filter(|r| references_under(r, "route_table_id").is_empty())
            .map(|r| self.aws_route(r, false))
            .collect()
    }

    fn inline_routes(&self, rt: &Value) -> Vec<Route> {
        if let Some(Value::Array(blocks)) = field(rt, "values").and_then(|v| field(v, "route")) {
            return blocks
                .iter()
                .enumerate()
                .filter(|(_, b)| matches!(b, Value::Object(_)))
                .map(|(i, b)| {
                    let prefix = format!("route.{i}.");
                    Route {
                        dest: self.route_dest(rt, &prefix, b, "cidr_block", "ipv6_cidr_block"),
                        target: self.route_target(rt, &prefix, b),
                        certain: true,
                    }
                })
                .collect();
        }
        // `route` unknown as a whole: what the table's references tell.
        let mut routes = Vec::new();
        if let Some(Value::Object(refs)) = field(rt, "references") {
            for (p, targets) in refs.iter() {
                let Value::String(p) = p else { continue };
                if !p.starts_with("route.") {
                    continue;
                }
                for (attr, kind, t) in [
                    ("gateway_id", Target::Igw, "aws_internet_gateway"),
                    ("nat_gateway_id", Target::Nat, "aws_nat_gateway"),
                ] {
                    if !p.ends_with(&format!(".{attr}")) {
                        continue;
                    }
                    for a in elements(Some(targets)) {
                        if a.as_string()
                            .is_ok_and(|a| self.input.address_type(a) == Some(t))
                        {
                            routes.push(Route {
                                dest: Dest::Open4,
                                target: kind,
                                certain: true,
                            });
                        }
                    }
                }
            }
        }
        // An unresolved reference may be an inline route, unless it is the vpc_id
        // (`vpc_id = local.vpc_id`, as in terraform-aws-modules/vpc).
        let vpc_id_unresolved =
            unknown_key(rt, "vpc_id") && references_under(rt, "vpc_id").is_empty();
        if unknown_at(rt, "route") && self.input.unresolved_resource(rt) && !vpc_id_unresolved {
            routes.push(Route {
                dest: Dest::Unknown,
                target: Target::Unknown,
                certain: true,
            });
        }
        routes
    }

    fn table_status(&self, rt: &Value, orphans: &[Route]) -> Value {
        let mut routes = self.inline_routes(rt);
        routes.extend(
            self.input
                .referrers(rt, "aws_route")
                .into_iter()
                .filter(|r| self.input.points_at(r, "route_table_id", rt))
                .map(|r| self.aws_route(r, true)),
        );
        routes.extend_from_slice(orphans);
        let mut m = BTreeMap::new();
        m.insert(
            Value::from("internet"),
            Value::from(routes_have(
                &routes,
                &[Dest::Open4, Dest::Open6],
                Target::Igw,
            )),
        );
        m.insert(
            Value::from("nat"),
            Value::from(routes_have(&routes, &[Dest::Open4], Target::Nat)),
        );
        Value::from(m)
    }

    fn vpcs_of(&self, s: &Value) -> Vec<&'v Value> {
        self.input.single_referenced(s, "vpc_id", &VPC_TYPES)
    }

    fn vpc_main_route_tables(&self, v: &Value) -> Vec<&'v Value> {
        let tables: Vec<&'v Value> = self
            .input
            .referrers(v, "aws_main_route_table_association")
            .into_iter()
            .filter(|m| self.input.points_at(m, "vpc_id", v))
            .flat_map(|m| {
                self.input
                    .single_referenced(m, "route_table_id", &ROUTE_TABLE_TYPES)
            })
            .collect();
        if !tables.is_empty() {
            return tables;
        }
        let defaults = self.input.referrers(v, "aws_default_route_table");
        if !defaults.is_empty() {
            return defaults;
        }
        self.input
            .single_referenced(v, "main_route_table_id", &ROUTE_TABLE_TYPES)
    }

    /// Route table associations elsewhere that could not be joined to their subnet
    /// (gateway associations aside).
    fn orphan_associations(&self) -> bool {
        self.input
            .unresolved("aws_route_table_association")
            .filter_map(|a| self.input.resource(a))
            .any(|a| {
                let edge = str_field(field(a, "values").unwrap_or(&Value::Null), "gateway_id")
                    .is_some_and(|g| !g.is_empty())
                    || !references_under(a, "gateway_id").is_empty();
                references_under(a, "subnet_id").is_empty() && !edge
            })
    }

    /// The route tables subnet `s` uses, and whether they are not all known.
    fn subnet_tables(&self, s: &Value, orphans: bool) -> (Vec<&'v Value>, bool) {
        let assocs: Vec<&'v Value> = self
            .input
            .referrers(s, "aws_route_table_association")
            .into_iter()
            .filter(|a| self.input.points_at(a, "subnet_id", s))
            .collect();
        if !assocs.is_empty() {
            let per_assoc: Vec<Vec<&'v Value>> = assocs
                .iter()
                .map(|a| {
                    self.input
                        .single_referenced(a, "route_table_id", &ROUTE_TABLE_TYPES)
                })
                .collect();
            let undecided = per_assoc.iter().any(Vec::is_empty);
            return (per_assoc.into_iter().flatten().collect(), undecided);
        }
        let vpcs = self.vpcs_of(s);
        let mains: Vec<Vec<&'v Value>> =
            vpcs.iter().map(|v| self.vpc_main_route_tables(v)).collect();
        let undecided =
            orphans || vpcs.is_empty() || (self.input.live() && mains.iter().any(Vec::is_empty));
        (mains.into_iter().flatten().collect(), undecided)
    }

    fn compute(&self) -> Value {
        let orphan_routes = self.orphan_routes();
        let mut statuses: BTreeMap<Value, Value> = BTreeMap::new();
        for t in ROUTE_TABLE_TYPES {
            for rt in self.input.resources(t) {
                if let Some(a) = str_field(rt, "address") {
                    statuses.insert(Value::from(a), self.table_status(rt, &orphan_routes));
                }
            }
        }
        let orphans = self.orphan_associations();
        let mut subnets: BTreeMap<Value, Value> = BTreeMap::new();
        for s in self.input.resources("aws_subnet") {
            let Some(address) = str_field(s, "address") else {
                continue;
            };
            let (tables, undecided) = self.subnet_tables(s, orphans);
            let internet: Vec<&str> = tables
                .iter()
                .filter_map(|rt| statuses.get(&Value::from(str_field(rt, "address")?)))
                .filter_map(|st| str_field(st, "internet"))
                .collect();
            let tier = if internet.contains(&"yes") {
                "public"
            } else if undecided || internet.contains(&"maybe") {
                "undecided"
            } else {
                "private"
            };
            let mut m = BTreeMap::new();
            m.insert(Value::from("tier"), Value::from(tier));
            m.insert(
                Value::from("route_tables"),
                Value::from(
                    tables
                        .iter()
                        .filter_map(|rt| str_field(rt, "address").map(Value::from))
                        .collect::<Vec<_>>(),
                ),
            );
            m.insert(Value::from("undecided"), Value::from(undecided));
            subnets.insert(Value::from(address), Value::from(m));
        }
        let mut out = BTreeMap::new();
        out.insert(Value::from("subnets"), Value::from(subnets));
        out.insert(Value::from("route_tables"), Value::from(statuses));
        Value::from(out)
    }
}

/// `infracheck.subnet_routing(input)`: {"subnets": {address: {"tier",
/// "route_tables", "undecided"}}, "route_tables": {address: {"internet", "nat"}}}.
pub fn subnet_routing(args: Vec<Value>) -> Result<Value> {
    let [input] = args.as_slice() else {
        return Err(anyhow!("infracheck.subnet_routing takes 1 argument"));
    };
    Ok(Routing {
        input: Input::new(input),
    }
    .compute())
}
