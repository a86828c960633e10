//! The password strength meter under a new-password field: `zxcvbn`'s score (0–4, an estimate of the
//! guesses needed, with the user's own name and address counted as known words) as a `<meter>` and a word.
//! It advises; the rules that refuse a password are `kontor_api::validate::new_password`.

use leptos::prelude::*;

use crate::context::Ctx;

/// 0 (very weak) to 4 (strong); `None` for an empty field.
pub fn strength(password: &str, known: &[&str]) -> Option<u8> {
    (!password.is_empty()).then(|| u8::from(zxcvbn::zxcvbn(password, known).score()))
}

#[component]
pub fn StrengthMeter(
    /// The password being typed.
    password: RwSignal<String>,
    /// Words the user's password should not lean on (their name, address).
    #[prop(optional)]
    known: Vec<String>,
    /// The element id (the meter's text is `{id}-text`).
    id: &'static str,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let score = Memo::new(move |_| {
        let words: Vec<&str> = known.iter().map(String::as_str).collect();
        password.with(|p| strength(p, &words))
    });
    let text_id = format!("{id}-text");
    view! {
        <div class="strength" hidden=move || score.get().is_none()>
            <meter id=id min="0" max="4" low="2" high="3" optimum="4"
                value=move || score.get().unwrap_or(0).to_string()
                aria-labelledby=text_id.clone()></meter>
            <span class="small" id=text_id.clone() aria-live="polite">
                {move || score.get().map(|s| (ctx.t().password_strength)(s))}
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_phrase_is_stronger_than_a_common_password_and_known_words_count() {
        assert_eq!(strength("", &[]), None);
        let weak = strength("password1234", &[]).unwrap_or(9);
        let strong = strength("correct horse staple battery winter", &[]).unwrap_or(0);
        assert!(weak <= 1 && strong >= 3, "{weak} {strong}");
        let plain = strength("petra.muster2026", &[]).unwrap_or(0);
        let known = strength(
            "petra.muster2026",
            &["petra.muster@example.com", "petra", "muster"],
        )
        .unwrap_or(9);
        assert!(known <= plain, "{known} {plain}");
    }
}
