//! Publishers: send findings to where people review them. The last stage of the
//! pipeline, after the reporters.

pub mod scope;
#[cfg(feature = "live")]
pub mod security_hub;
