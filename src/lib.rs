//! infracheck: a policy and compliance scanner for AWS infrastructure built with
//! Terraform.
//!
//! Data flows one way: [`source`] loaders -> [`model`] (+ indexes) -> [`engine`]
//! -> [`findings`] -> [`report`] and [`publish`] (Security Hub).

pub mod accounts;
pub mod alloc;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod engine;
pub mod findings;
pub mod frameworks;
pub mod model;
pub mod parallel;
pub mod publish;
pub mod report;
pub mod run;
pub mod source;
pub mod suppress;
