//! The locations rules: inputs are checked with `kontor_api::LocationInput::validated` (trimmed, bounded,
//! no control, bidi or zero-width characters) before storage sees them; uniqueness (any case), the
//! account scope and "a location with users is deleted only by moving them" are kept by
//! `db::LocationStore` inside its transaction.

use kontor_api::{ErrorDetail, LocationInfo, LocationInput};

use crate::db::Database;
use crate::domain::{Actor, Outcome, Refusal};
use crate::service::id_field;

/// A field error as a refusal naming the field.
fn invalid(e: kontor_api::FieldError) -> Refusal {
    Refusal::because(ErrorDetail::Field {
        field: e.field.to_string(),
        row: None,
        problem: e.reason,
    })
}

/// Creates a location of the actor's account.
pub async fn create(
    db: &dyn Database,
    actor: &Actor,
    input: &LocationInput,
) -> Outcome<LocationInfo> {
    let l = match input.validated() {
        Ok(l) => l,
        Err(e) => return Ok(Err(invalid(e))),
    };
    db.create_location(actor, &l).await
}

/// Renames a location and/or changes its address.
pub async fn update(
    db: &dyn Database,
    actor: &Actor,
    location_id: &str,
    input: &LocationInput,
) -> Outcome<LocationInfo> {
    let l = match input.validated() {
        Ok(l) => l,
        Err(e) => return Ok(Err(invalid(e))),
    };
    db.update_location(actor, location_id, &l).await
}

/// Deletes a location, moving its users to `move_to` in the same transaction.
pub async fn delete(
    db: &dyn Database,
    actor: &Actor,
    location_id: &str,
    move_to: Option<&str>,
) -> Outcome<u32> {
    let move_to = match move_to.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => match id_field("move_to", m) {
            Ok(m) => Some(m),
            Err(r) => return Ok(Err(r)),
        },
        None => None,
    };
    db.delete_location(actor, location_id, move_to.as_deref())
        .await
}
