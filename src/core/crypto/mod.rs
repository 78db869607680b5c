//! The few primitives the producer needs, written small for the `.wasm`: SHA-256 (FIPS 180-4),
//! HMAC-SHA-256 (RFC 2104), MD5 (RFC 1321), padded standard base64 (RFC 4648 §4) and lowercase hex.
//!
//! Native tests prove them byte-identical to the RustCrypto crates and the `base64` crate.

pub mod base64;
pub mod hex;
pub mod hmac;
pub mod md5;
pub mod sha256;
