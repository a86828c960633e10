//! The PDF's texts in German and English.
