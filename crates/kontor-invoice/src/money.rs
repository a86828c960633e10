//! Integer cents and basis points as decimal text (no floats anywhere).
use crate::Lang;

/// `123456` → `"1234.56"`, `-5` → `"-0.05"`: the XML's amount format.
pub(crate) fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `1900` → `"19.00"`, `550` → `"5.50"`: the XML's percent format.
pub(crate) fn percent(bp: u32) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

/// Groups the digits of `n` by three with `sep`.
fn grouped(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// An amount as the PDF shows it: `1.234,56 €` in German, `€1,234.56` in English.
pub(crate) fn money(cents: i64, currency: &str, lang: Lang) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (units, rest) = (abs / 100, abs % 100);
    let symbol = if currency == "EUR" { "€" } else { currency };
    match lang {
        Lang::De => format!("{sign}{},{rest:02} {symbol}", grouped(units, '.')),
        Lang::En if currency == "EUR" => format!("{sign}{symbol}{}.{rest:02}", grouped(units, ',')),
        Lang::En => format!("{sign}{}.{rest:02} {symbol}", grouped(units, ',')),
    }
}

/// A VAT rate as the PDF shows it: `19 %` / `5,5 %` in German, `19%` / `5.5%` in English.
pub(crate) fn rate(bp: u32, lang: Lang) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    let frac = if frac == 0 {
        String::new()
    } else if frac.is_multiple_of(10) {
        format!("{}{}", if lang == Lang::De { ',' } else { '.' }, frac / 10)
    } else {
        format!("{}{frac:02}", if lang == Lang::De { ',' } else { '.' })
    };
    match lang {
        Lang::De => format!("{whole}{frac} %"),
        Lang::En => format!("{whole}{frac}%"),
    }
}

/// A whole number as the PDF shows it (`1.000` / `1,000`).
pub(crate) fn count(n: i64, lang: Lang) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let sep = if lang == Lang::De { '.' } else { ',' };
    format!("{sign}{}", grouped(n.unsigned_abs(), sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_from_cents() {
        assert_eq!(decimal(0), "0.00");
        assert_eq!(decimal(5), "0.05");
        assert_eq!(decimal(-5), "-0.05");
        assert_eq!(decimal(123_456), "1234.56");
        assert_eq!(decimal(i64::MIN), "-92233720368547758.08");
        assert_eq!(percent(1900), "19.00");
        assert_eq!(percent(550), "5.50");
        assert_eq!(percent(0), "0.00");
    }

    #[test]
    fn amounts_in_both_languages() {
        assert_eq!(money(123_456_789, "EUR", Lang::De), "1.234.567,89 €");
        assert_eq!(money(123_456_789, "EUR", Lang::En), "€1,234,567.89");
        assert_eq!(money(-11_900, "EUR", Lang::De), "-119,00 €");
        assert_eq!(money(-11_900, "EUR", Lang::En), "-€119.00");
        assert_eq!(money(100, "CHF", Lang::En), "1.00 CHF");
        assert_eq!(money(99_999, "EUR", Lang::De), "999,99 €");
        assert_eq!(rate(1900, Lang::De), "19 %");
        assert_eq!(rate(550, Lang::De), "5,5 %");
        assert_eq!(rate(725, Lang::En), "7.25%");
        assert_eq!(count(1000, Lang::De), "1.000");
        assert_eq!(count(-12, Lang::En), "-12");
    }
}
