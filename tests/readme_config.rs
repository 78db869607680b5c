//! The README's configuration table states each core option's default and range exactly as
//! `OPTION_TABLE` enforces them, and its error-code table lists every `ErrorCode`.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::config::OPTION_TABLE;
use kinesis_clickstream::core::error::ErrorCode;

const README: &str = include_str!("../README.md");

/// The README table row of `` `name` ``, split into trimmed cells.
fn row(name: &str) -> Option<Vec<String>> {
    let start = format!("| `{name}` |");
    README
        .lines()
        .find(|line| line.starts_with(&start))
        .map(|line| line.split('|').map(|cell| cell.trim().to_owned()).collect())
}

/// The first whole number in a cell (`5242880 (5 MiB)` → 5242880).
fn number(cell: &str) -> Option<u64> {
    let digits: String = cell.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

#[test]
fn every_core_option_has_its_default_min_and_max_in_the_readme() {
    for option in OPTION_TABLE {
        let cells =
            row(option.name).unwrap_or_else(|| panic!("README has no row for {}", option.name));
        // cells: "", name, default, min, max, meaning, ""
        assert_eq!(
            number(&cells[2]),
            Some(option.default),
            "{} default: {:?}",
            option.name,
            cells[2]
        );
        assert_eq!(
            number(&cells[3]),
            Some(option.min),
            "{} min: {:?}",
            option.name,
            cells[3]
        );
        assert_eq!(
            number(&cells[4]),
            Some(option.max),
            "{} max: {:?}",
            option.name,
            cells[4]
        );
    }
}

#[test]
fn every_error_code_is_in_the_readme_error_table() {
    let codes = [
        ErrorCode::RecordTooLarge,
        ErrorCode::InvalidPartitionKey,
        ErrorCode::InvalidExplicitHashKey,
        ErrorCode::InvalidData,
        ErrorCode::InvalidConfig,
        ErrorCode::InvalidCredentials,
        ErrorCode::BufferFull,
        ErrorCode::Closed,
        ErrorCode::RecordExpired,
        ErrorCode::ProtocolError,
        ErrorCode::TransportError,
        ErrorCode::ServiceError,
        ErrorCode::CredentialsError,
        ErrorCode::StorageError,
    ];
    for code in codes {
        // A new variant must be added to the list above (and so to the README): this match has no
        // wildcard arm.
        match code {
            ErrorCode::RecordTooLarge
            | ErrorCode::InvalidPartitionKey
            | ErrorCode::InvalidExplicitHashKey
            | ErrorCode::InvalidData
            | ErrorCode::InvalidConfig
            | ErrorCode::InvalidCredentials
            | ErrorCode::BufferFull
            | ErrorCode::Closed
            | ErrorCode::RecordExpired
            | ErrorCode::ProtocolError
            | ErrorCode::TransportError
            | ErrorCode::ServiceError
            | ErrorCode::CredentialsError
            | ErrorCode::StorageError => {}
        }
        assert!(
            row(code.as_str()).is_some(),
            "README error table lacks {code}"
        );
    }
}
