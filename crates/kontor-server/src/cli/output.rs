//! What the subcommands print: one JSON line on stdout.

use kontor_server::ServerError;

/// One JSON line on stdout.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<(), ServerError> {
    let line = serde_json::to_string(v).map_err(|e| ServerError::Internal(e.to_string()))?;
    println!("{line}");
    Ok(())
}
