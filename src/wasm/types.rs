//! The TypeScript names the `Producer` methods' signatures use in wasm-bindgen's generated `.d.ts`
//! (`pkg/`). They are declared once, in the package's `pkg-config/index.d.ts`, and imported from there.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_DECLARATIONS: &str = r#"
import type { FlushReport, ProducerConfig, ProducerStats, PutOptions } from "../pkg-config/index.js";
export type {
  AwsCredentials, CognitoCredentialsSource, CredentialsProvider, ErrorCode, FlushReport, ProducerConfig,
  ProducerError, ProducerStats, PutOptions,
} from "../pkg-config/index.js";
"#;
