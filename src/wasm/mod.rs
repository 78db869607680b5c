//! The thin JavaScript edge over [`crate::core`]; compiled only for `wasm32`.
