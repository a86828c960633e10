//! Integer cents and basis points as decimal text (no floats anywhere).
