//! The `logLevel` option: which producer messages reach the global `console`.
//!
//! Levels, quietest first: `"silent"`, `"error"`, `"warn"` (default), `"info"`, `"debug"`. A message is
//! printed when its level is at or below the configured one. Messages never contain credentials.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/src/wasm/js/log.js")]
extern "C" {
    /// Prints `kinesis-clickstream: {message}` with `console.error`, `warn`, `info` or `debug` for
    /// `level` 1 to 4; nothing when `console` is missing or throws.
    #[wasm_bindgen(js_name = log)]
    fn print(level: u32, message: &str);
}

/// How much the producer prints through `console`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Nothing is printed.
    Silent,
    /// Only failures that lose records or stop sending (`console.error`).
    Error,
    /// Also conditions the user should fix, e.g. long-term credentials (`console.warn`); the default.
    Warn,
    /// Also pauses, resumes and credential refreshes (`console.info`).
    Info,
    /// Also every request and response (`console.debug`).
    Debug,
}

impl LogLevel {
    /// The level used when `logLevel` is absent.
    pub const DEFAULT: LogLevel = LogLevel::Warn;
}

/// Prints producer messages prefixed with `kinesis-clickstream:` at or below a level.
#[derive(Clone, Copy, Debug)]
pub struct Logger {
    level: LogLevel,
}

impl Logger {
    /// A logger printing messages at or below `level`.
    pub fn new(level: LogLevel) -> Self {
        Logger { level }
    }

    /// Whether a message at `level` would be printed.
    pub fn enabled(&self, level: LogLevel) -> bool {
        level != LogLevel::Silent && level <= self.level
    }

    /// Prints `message` at `level` if enabled.
    pub fn log(&self, level: LogLevel, message: &str) {
        if !self.enabled(level) {
            return;
        }
        // The level's number picks the `console` method in JS: one import instead of four bindings.
        print(level as u32, message);
    }

    /// Prints at [`LogLevel::Error`].
    pub fn error(&self, message: &str) {
        self.log(LogLevel::Error, message);
    }

    /// Prints at [`LogLevel::Warn`].
    pub fn warn(&self, message: &str) {
        self.log(LogLevel::Warn, message);
    }

    /// Prints at [`LogLevel::Info`].
    pub fn info(&self, message: &str) {
        self.log(LogLevel::Info, message);
    }

    /// Prints at [`LogLevel::Debug`].
    pub fn debug(&self, message: &str) {
        self.log(LogLevel::Debug, message);
    }
}
