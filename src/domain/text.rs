//! How values a client sent are quoted back in messages: briefly. Inputs can be megabytes long, and
//! `f64`'s `Display` writes `1e300` as 301 digits; a message should say what was wrong in a line.

use std::fmt;

/// Long text cut to its first 80 characters and an ellipsis, so an error never echoes a huge input.
pub fn clip(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

/// A number as a person would write it: `112.15` or `-0.5` as usual, `1e300` and `5e-324` in
/// exponent form rather than hundreds of digits.
pub fn short_number(v: f64) -> ShortNumber {
    ShortNumber(v)
}

/// See [`short_number`].
#[derive(Debug, Clone, Copy)]
pub struct ShortNumber(f64);

impl fmt::Display for ShortNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.0.to_string();
        if plain.len() <= 24 {
            f.write_str(&plain)
        } else {
            write!(f, "{:e}", self.0)
        }
    }
}

/// What arrives in a query string or path segment, decoded: anything at all, number-like text, the
/// words parsers are tempted to accept (`NaN`, `inf`, `0x10`, full-width digits, leftover percent
/// escapes), and values thousands of characters long. Shared by the parsers' property tests.
#[cfg(test)]
pub(crate) fn query_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        any::<String>(),
        "[-+0-9.eE ]{0,14}",
        "[ \t]{0,2}[-+]?[0-9]{0,30}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{1,4})?[ \t\u{3000}]{0,2}",
        prop::sample::select(vec![
            "NaN",
            "nan",
            "-NaN",
            "inf",
            "-inf",
            "+Infinity",
            "infinity",
            "1e400",
            "-1e400",
            "1e-400",
            "0x10",
            "1_000",
            "%20",
            "%2B1",
            "１２",
            "12.5.1",
            "\u{0}",
            " ",
            "\t\n",
            "true",
            "TRUE",
            "1",
            "0",
            "-0",
            "+0",
            "yes",
            "wgs84",
            "GCJ02",
            " bd09 ",
            "EPSG:4326",
            "18446744073709551616",
        ])
        .prop_map(str::to_owned),
        "\\PC{1000,3000}",
    ]
}

/// Checks that a message about `given` values is one sentence plus, at most, the clipped quotes of
/// them (escaped, as `{:?}` writes them): it never echoes a whole input, nor a number as hundreds of
/// digits. Shared by the parsers' property tests.
#[cfg(test)]
pub(crate) fn assert_brief(message: &str, given: &[&str]) {
    let quoted: usize = given.iter().map(|g| clip(g).escape_debug().count() + 2).sum();
    let n = message.chars().count();
    assert!(n <= 250 + quoted, "a {n}-character message: {message:.300}");
}

#[cfg(test)]
mod tests {
    use super::*;

    mod fuzz {
        use proptest::prelude::*;

        use super::super::*;
        use crate::domain::fuzz_cases::fuzz_config;

        proptest! {
            #![proptest_config(fuzz_config(1024))]

            #[test]
            fn clip_keeps_a_short_prefix(s in query_text()) {
                let c = clip(&s);
                prop_assert!(c.chars().count() <= 81);
                prop_assert!(s.starts_with(c.trim_end_matches('…')));
                prop_assert_eq!(c == s, s.chars().count() <= 80);
            }

            #[test]
            fn numbers_read_back_and_stay_short(v in any::<f64>()) {
                let shown = short_number(v).to_string();
                prop_assert!(shown.len() <= 24, "{}", shown);
                if v.is_finite() {
                    prop_assert_eq!(shown.parse::<f64>().map(f64::to_bits), Ok(v.to_bits()));
                }
            }
        }
    }

    #[test]
    fn ordinary_numbers_read_as_usual_and_extreme_ones_stay_short() {
        assert_eq!(short_number(112.15).to_string(), "112.15");
        assert_eq!(short_number(-91.0).to_string(), "-91");
        assert_eq!(short_number(0.1 + 0.2).to_string(), "0.30000000000000004");
        assert_eq!(short_number(1e300).to_string(), "1e300");
        assert_eq!(short_number(-5e-324).to_string(), "-5e-324");
        assert_eq!(short_number(f64::NAN).to_string(), "NaN");
    }

    #[test]
    fn clip_cuts_long_text_on_a_character_boundary() {
        assert_eq!(clip("南漳"), "南漳");
        let long = "网".repeat(100);
        assert_eq!(clip(&long), format!("{}…", "网".repeat(80)));
    }
}
