//! Masking of residents' identifiers for roles not entitled to them (PIPL's "minimum necessary"):
//! enough stays visible to tell two people apart on a call, not enough to dial or impersonate.

use std::borrow::Cow;

/// A phone number with its middle hidden: `13812345678` → `138****5678`. At most three leading
/// and four trailing characters survive; numbers too short to hide four keep less (see
/// [`keep_ends`]).
pub fn phone(s: &str) -> String {
    keep_ends(s, 3, 4)
}

/// A national ID number (居民身份证号, 18 characters) with only the region and the check end:
/// `420624199001011234` → `420624********1234`.
pub fn id_number(s: &str) -> String {
    keep_ends(s, 6, 4)
}

/// A person's name with only the family name (the first character): `张三丰` → `张**`.
pub fn name(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
    }
}

/// Keeps `head` characters at the start and `tail` at the end, stars in between. A string too
/// short to hide at least four characters that way keeps less, until at least half of it is hidden.
fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    let (mut head, mut tail) = (head, tail);
    let enough = |head: usize, tail: usize| head + tail + 4 <= n || head + tail <= n / 2;
    while !enough(head, tail) {
        // Shrink the longer end first so both ends stay in proportion.
        if tail >= head {
            tail -= 1;
        } else {
            head -= 1;
        }
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i < head || i >= n - tail { c } else { '*' })
        .collect()
}

/// Property names under which imports carry identifiers without a column of their own.
const ID_KEYS: [&str; 6] = ["id_number", "id_card", "idcard", "identity_number", "sfz", "身份证号"];
const PHONE_KEYS: [&str; 5] = ["phone", "mobile", "tel", "telephone", "contact_phone"];

/// An extra property's value as a caller with masked sight sees it: identifiers by name
/// ([`ID_KEYS`], [`PHONE_KEYS`]) and any string that looks like a mobile or ID number, wherever it
/// sits, are masked; other values pass.
pub fn property<'a>(key: &str, value: &'a serde_json::Value) -> Cow<'a, serde_json::Value> {
    use serde_json::Value;
    let key = key.to_lowercase();
    match value {
        Value::String(s) if ID_KEYS.contains(&key.as_str()) || looks_like_id_number(s) => {
            Cow::Owned(Value::String(id_number(s)))
        }
        Value::String(s) if PHONE_KEYS.iter().any(|k| key.contains(k)) || looks_like_mobile(s) => {
            Cow::Owned(Value::String(phone(s)))
        }
        Value::Number(_) if ID_KEYS.contains(&key.as_str()) || PHONE_KEYS.iter().any(|k| key.contains(k)) => {
            Cow::Owned(Value::String(phone(&value.to_string())))
        }
        Value::Array(items) => Cow::Owned(Value::Array(
            items.iter().map(|v| property(&key, v).into_owned()).collect(),
        )),
        Value::Object(map) => Cow::Owned(Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), property(k, v).into_owned()))
                .collect(),
        )),
        other => Cow::Borrowed(other),
    }
}

/// A mainland mobile number, possibly with +86 and separators: 11 digits starting with 1.
fn looks_like_mobile(s: &str) -> bool {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.strip_prefix("86").filter(|d| d.len() == 11).unwrap_or(&digits);
    digits.len() == 11 && digits.starts_with('1') && s.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

/// An 18-character resident ID number: 17 digits and a digit or X.
fn looks_like_id_number(s: &str) -> bool {
    let s = s.trim();
    s.len() == 18
        && s[..17].bytes().all(|b| b.is_ascii_digit())
        && s[17..].bytes().all(|b| b.is_ascii_digit() || b == b'X' || b == b'x')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn phones_keep_three_and_four() {
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(phone(" 13812345678 "), "138****5678");
        assert_eq!(phone("0710-3456789"), "071*****6789");
        // Short numbers still hide at least half.
        assert_eq!(phone("110"), "1**");
        assert_eq!(phone("12345"), "1***5");
        assert_eq!(phone(""), "");
    }

    #[test]
    fn id_numbers_keep_region_and_end() {
        assert_eq!(id_number("420624199001011234"), "420624********1234");
        assert_eq!(id_number("42062419900101123X"), "420624********123X");
    }

    #[test]
    fn names_keep_the_family_name() {
        assert_eq!(name("张三丰"), "张**");
        assert_eq!(name("李四"), "李*");
        assert_eq!(name("王"), "王");
        assert_eq!(name(""), "");
    }

    #[test]
    fn extra_properties_are_masked_by_name_and_by_look() {
        assert_eq!(
            property("id_card", &json!("420624199001011234")).as_ref(),
            &json!("420624********1234")
        );
        assert_eq!(
            property("备注", &json!("420624199001011234")).as_ref(),
            &json!("420624********1234")
        );
        assert_eq!(
            property("spouse_mobile", &json!("139 1234 5678")).as_ref(),
            &json!("139******5678")
        );
        assert_eq!(
            property("note", &json!("+86 13912345678")).as_ref(),
            &json!("+86********5678")
        );
        assert_eq!(
            property("contacts", &json!([{"tel": "13912345678"}])).as_ref(),
            &json!([{"tel": "139****5678"}])
        );
        assert_eq!(property("tel", &json!(13912345678_u64)).as_ref(), &json!("139****5678"));
        // Ordinary values pass untouched.
        assert_eq!(property("floors", &json!(12)).as_ref(), &json!(12));
        assert_eq!(property("note", &json!("门口有狗")).as_ref(), &json!("门口有狗"));
        assert!(matches!(property("note", &json!("x")), Cow::Borrowed(_)));
    }
}
