//! Locations ("Standorte"): the wire types of the locations page and their field rules, applied by the app,
//! the shell and the server alike.

use serde::{Deserialize, Serialize};

use crate::validate::{is_invisible, FieldError};
use crate::FieldProblem;

/// Longest location name (characters).
pub const MAX_LOCATION_NAME_LEN: usize = 100;
/// Longest street line (characters).
pub const MAX_STREET_LEN: usize = 200;
/// Longest postal code (characters).
pub const MAX_POSTAL_CODE_LEN: usize = 20;
/// Longest city or country (characters).
pub const MAX_CITY_LEN: usize = 100;

/// A location with its address and how many (live) users belong to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocationInfo {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    /// Live (not deleted) users at this location.
    #[serde(default)]
    pub user_count: u32,
}

/// `POST …/locations` and `PATCH …/locations/{id}`: a location's name and address. Names are unique per
/// account regardless of case ("Berlin" and "berlin" clash).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocationInput {
    /// 1 to 100 characters, no control, bidi or zero-width characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub street: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub postal_code: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub city: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub country: String,
}

/// The answer to `DELETE …/locations/{id}`: how many users moved to the target location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocationDeleted {
    pub moved_users: u32,
}

/// IPC argument of `update_location`: the location and its new state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateLocationArgs {
    pub id: String,
    pub location: LocationInput,
}

/// IPC argument of `delete_location`: the location and where its users go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteLocationArgs {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_to: Option<String>,
}

/// One text field: trimmed, at most `max` characters, no control, bidi or zero-width characters; empty
/// only if not `required`.
fn text(field: &'static str, raw: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let v = raw.trim();
    let err = |reason| FieldError { field, reason };
    if v.is_empty() && required {
        return Err(err(FieldProblem::Required));
    }
    if v.chars().count() > max {
        return Err(err(FieldProblem::TooLong));
    }
    if v.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(err(FieldProblem::Invalid));
    }
    Ok(v.to_string())
}

impl LocationInput {
    /// The input trimmed and checked field by field (the first bad field is the error).
    pub fn validated(&self) -> Result<LocationInput, FieldError> {
        Ok(LocationInput {
            name: text("name", &self.name, MAX_LOCATION_NAME_LEN, true)?,
            street: text("street", &self.street, MAX_STREET_LEN, false)?,
            postal_code: text("postal_code", &self.postal_code, MAX_POSTAL_CODE_LEN, false)?,
            city: text("city", &self.city, MAX_CITY_LEN, false)?,
            country: text("country", &self.country, MAX_CITY_LEN, false)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> LocationInput {
        LocationInput {
            name: name.to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn names_are_trimmed_bounded_and_visible() {
        assert_eq!(
            named("  Berlin ").validated().map(|l| l.name),
            Ok("Berlin".into())
        );
        let reason = |l: LocationInput| l.validated().map_err(|e| (e.field, e.reason));
        assert_eq!(reason(named("   ")), Err(("name", FieldProblem::Required)));
        assert_eq!(
            reason(named(&"x".repeat(101))),
            Err(("name", FieldProblem::TooLong))
        );
        assert!(named(&"ü".repeat(100)).validated().is_ok());
        assert_eq!(
            reason(named("Ber\u{202E}lin")),
            Err(("name", FieldProblem::Invalid))
        );
        assert_eq!(
            reason(named("Ber\u{200B}lin")),
            Err(("name", FieldProblem::Invalid))
        );
        let mut l = named("Berlin");
        l.postal_code = "1".repeat(21);
        assert_eq!(reason(l), Err(("postal_code", FieldProblem::TooLong)));
    }
}
