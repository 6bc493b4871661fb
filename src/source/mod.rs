//! Source loaders: each turns one kind of input into a [`crate::model::Scan`].

pub mod hcl;
#[cfg(feature = "live")]
pub mod live;
pub mod plan;

use std::path::PathBuf;

/// Why an input could not be loaded. Each names the file and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}: invalid JSON at line {line}, column {column}: {message}")]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: not a Terraform plan: {reason}")]
    NotAPlan { path: PathBuf, reason: String },
    #[error("{path}: unsupported plan format_version {version:?} (supported: 0.1 to 1.2)")]
    UnsupportedVersion { path: PathBuf, version: String },
    /// A `.tf` source error: `file:line: message`.
    #[error(transparent)]
    Hcl(#[from] self::hcl::HclError),
}
